// The state's storage: texts in an arena (lifetimes across copies, moves and snapshots),
// tables (ids of every shape, replace, erase, order-free equality) and snapshot hardening.
// Run under the asan preset these also catch any text that outlives its bytes.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "protocol/snapshot.hpp"
#include "world.hpp"

namespace a4p::protocol::testing {
namespace {

using nlohmann::json;

TEST(Arena, KeepCopiesTheBytes) {
  arena a;
  std::string src = "hello world, a string longer than any small-string buffer";
  text t = a.keep(src);
  src.assign(src.size(), 'x');
  EXPECT_EQ(t, "hello world, a string longer than any small-string buffer");
  EXPECT_TRUE(a.keep("").empty());
  EXPECT_EQ(text::literal("open"), std::string("open"));
}

TEST(Arena, LargeAndManyTextsStayIntact) {
  arena a;
  std::vector<std::pair<text, std::string>> kept;
  for (int i = 0; i < 5000; ++i) {
    std::string s(static_cast<std::size_t>(i % 97 == 0 ? 300'000 : 1 + i % 300),
                  static_cast<char>('a' + i % 26));
    kept.emplace_back(a.keep(s), s);
  }
  for (const auto& [t, s] : kept) ASSERT_EQ(t.view(), s);
  EXPECT_GT(a.bytes(), 5'000'000u);
}

TEST(Arena, ListsAndVersionsAreNewArrays) {
  arena a;
  text_list l = a.with(a.with(text_list(), "NOR"), "KEN");
  text_list l2 = a.with(l, "CAN");
  EXPECT_EQ(l.size(), 2u);
  ASSERT_EQ(l2.size(), 3u);
  EXPECT_EQ(l2[2], "CAN");
  EXPECT_TRUE(l2.contains("KEN"));
  EXPECT_FALSE(l.contains("CAN"));
  EXPECT_EQ(l2.strings(), (std::vector<std::string>{"NOR", "KEN", "CAN"}));

  field_versions v;
  v = a.with(v, "title", 2);
  v = a.with(v, "due", 3);
  v = a.with(v, "title", 4);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].field, "due");  // sorted by field
  EXPECT_EQ(v.of("title"), 4);
  EXPECT_EQ(v.of("due"), 3);
  EXPECT_FALSE(v.of("impact"));
}

// A state whose comments and pledges have texts of every kind.
world busy_world() {
  world w;
  for (int i = 0; i < 300; ++i)
    w.log.must(w.owner, "comment.post",
               {{"target", "pledge:P1"},
                {"body", "comment number " + std::to_string(i) + std::string(40, 'x')}});
  return w;
}

TEST(StateText, ACopyOutlivesTheOriginal) {
  world w = busy_world();
  std::string before = serialize(w.log.s);
  auto original = std::make_unique<state>(w.log.s);
  state copy = *original;
  original.reset();
  w.log.s = state();  // the world's own state too: only `copy` holds the bytes now
  EXPECT_EQ(serialize(copy), before);
  EXPECT_EQ(copy.comments.at("C10").body, "comment number 7" + std::string(40, 'x'));
}

TEST(StateText, TheOriginalWritesOnWithoutChangingACopy) {
  world w = busy_world();
  state copy = w.log.s;
  std::string at_copy = serialize(copy);
  for (int i = 0; i < 200; ++i)
    w.log.must(w.owner, "comment.post", {{"target", "pledge:P1"}, {"body", "later"}});
  w.log.must(w.owner, "comment.edit", {{"id", "C10"}, {"body", "edited"}});
  EXPECT_EQ(serialize(copy), at_copy);
  EXPECT_EQ(w.log.s.comments.at("C10").body, "edited");
  EXPECT_NE(copy.comments.at("C10").body, "edited");
  // And a copy can be written to in turn, apart from the original.
  state third = copy;
  ASSERT_TRUE(apply(third, w.log.events.back()));
  EXPECT_EQ(third.comments.at("C10").body, "edited");
  EXPECT_NE(copy.comments.at("C10").body, "edited");
}

TEST(StateText, ReportsGrowApartInACopyAndItsOriginal) {
  world w;
  auto report = [&](int progress) {
    w.log.must(w.owner, "pledge.report",
               {{"id", "P1"}, {"status", "on_track"}, {"progress", progress}, {"note", "n"}});
  };
  for (int i = 0; i < 5; ++i) report(i);
  state copy = w.log.s;
  std::size_t n = copy.pledges.at("P1").reports.size();
  for (int i = 0; i < 20; ++i) report(50 + i);  // the original grows in place
  ASSERT_EQ(copy.pledges.at("P1").reports.size(), n);
  EXPECT_EQ(copy.pledges.at("P1").reports.back().progress, 4);
  // The copy grows on its own: its own block, the original's reports unchanged.
  state other = copy;
  ASSERT_TRUE(apply(other, w.log.events.back()));
  EXPECT_EQ(other.pledges.at("P1").reports.size(), n + 1);
  EXPECT_EQ(other.pledges.at("P1").reports.back().progress, 69);
  EXPECT_EQ(copy.pledges.at("P1").reports.size(), n);
  const auto& mine = w.log.s.pledges.at("P1").reports;
  ASSERT_EQ(mine.size(), n + 20);
  for (std::size_t i = 0; i < 20; ++i) EXPECT_EQ(mine[n + i].progress, 50 + int(i));
  // And through a snapshot: loaded reports grow like any others.
  auto loaded = deserialize(std::string_view(serialize(copy)));
  ASSERT_TRUE(loaded);
  for (std::size_t i = copy.seq(); i < w.log.events.size(); ++i)
    ASSERT_TRUE(apply(*loaded, w.log.events[i]));
  EXPECT_EQ(*loaded, w.log.s);
}

TEST(StateText, MoveAndAssignKeepTexts) {
  world w = busy_world();
  std::string before = serialize(w.log.s);
  state moved = std::move(w.log.s);
  EXPECT_EQ(serialize(moved), before);
  state assigned;
  assigned = moved;
  moved = state();
  EXPECT_EQ(serialize(assigned), before);
}

TEST(Snapshot, ADeserialisedStateKeepsItsBytes) {
  world w = busy_world();
  std::string copy_of_bytes = serialize(w.log.s);
  auto bytes = copy_snapshot_bytes(copy_of_bytes);
  auto s = deserialize(std::move(bytes));
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, w.log.s);
  // Grows on its own after loading (new texts go to its own chunks) and replays to the same
  // state as the log's.
  for (int i = 0; i < 50; ++i)
    w.log.must(w.owner, "comment.post", {{"target", "pledge:P1"}, {"body", "after the snapshot"}});
  w.log.must(w.owner, "comment.edit", {{"id", "C3"}, {"body", "edited after"}});
  state grown = *s;
  for (const auto& e : w.log.events) {
    if (e.seq > grown.seq()) {
      ASSERT_TRUE(apply(grown, e));
    }
  }
  EXPECT_EQ(grown, w.log.s);
  EXPECT_EQ(serialize(grown), serialize(w.log.s));
  EXPECT_EQ(serialize(*s), copy_of_bytes);
  auto from_view = deserialize(std::string_view(copy_of_bytes));
  ASSERT_TRUE(from_view);
  std::string expected = serialize(*from_view);
  copy_of_bytes.assign(copy_of_bytes.size(), '\0');  // the view form copied them
  EXPECT_EQ(serialize(*from_view), expected);
  EXPECT_EQ(*from_view, *s);
}

TEST(Snapshot, DamagedBytesAreCorruptionNotACrash) {
  world w = busy_world();
  std::string good = serialize(w.log.s);
  ASSERT_TRUE(deserialize(std::string_view(good)));
  // Every truncation, and a byte flipped at many places: an error or a state, never a crash.
  for (std::size_t n = 0; n < good.size(); n += 1 + n / 16) {
    auto r = deserialize(std::string_view(good.data(), n));
    ASSERT_FALSE(r) << "truncated at " << n;
    EXPECT_EQ(r.error().code, "corruption");
  }
  for (std::size_t i = 5; i < good.size(); i += 1 + i / 32) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x5A);
    auto r = deserialize(std::string_view(bad));
    if (!r) {
      EXPECT_EQ(r.error().code, "corruption");
    }
  }
  EXPECT_FALSE(deserialize(std::string_view("")));
  EXPECT_FALSE(deserialize(std::string_view("A4PS")));
  EXPECT_FALSE(deserialize(std::shared_ptr<const snapshot_bytes>()));
}

// state_at over a snapshot big enough to be copied on the helper thread (4 MiB and more)
// while it is read, with enough events after it to be decoded there too.
TEST(StateAt, ALargeSnapshotIsCopiedOnceAndItsKeepDropped) {
  world w;
  std::string body(9'000, 'b');
  for (int i = 0; i < 600; ++i) {
    body[0] = static_cast<char>('a' + i % 26);
    w.log.must(w.owner, "comment.post", {{"target", "pledge:P1"}, {"body", body}});
  }
  std::string snapshot = serialize(w.log.s);
  ASSERT_GT(snapshot.size(), std::size_t{5} << 20);
  const std::uint64_t at_snapshot = w.log.s.seq();
  for (int i = 0; i < 400; ++i)
    w.log.must(w.other, "comment.post", {{"target", "pledge:P1"}, {"body", "after"}});
  w.log.must(w.owner, "comment.edit", {{"id", "C5"}, {"body", "edited after the snapshot"}});
  auto scan = [&](std::uint64_t after, std::uint64_t up_to,
                  const std::function<bool(std::string_view)>& sink) -> result<void> {
    for (std::uint64_t q = after + 1; q <= up_to; ++q)
      if (!sink(w.log.stored[q - 1])) break;
    return {};
  };
  auto keep = std::make_shared<int>(0);
  std::weak_ptr<int> kept = keep;
  std::string_view stored = snapshot;
  auto load = [&](std::uint64_t) -> result<std::optional<loaded_snapshot>> {
    return loaded_snapshot{at_snapshot, stored, std::exchange(keep, nullptr)};
  };
  auto s = state_at(w.log.s.seq(), load, scan);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(kept.expired());  // dropped once copied
  EXPECT_EQ(serialize(*s), serialize(w.log.s));
  std::string damaged = snapshot;
  snapshot.assign(snapshot.size(), '\0');  // it was copied: the state does not need these
  EXPECT_EQ(*s, w.log.s);
  // Damaged at its end (the helper is still copying when the reader starts), it is
  // corruption, and the pinned bytes are dropped too.
  stored = std::string_view(damaged).substr(0, damaged.size() - 3);
  keep = std::make_shared<int>(0);
  kept = keep;
  auto bad = state_at(w.log.s.seq(), load, scan);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "corruption");
  EXPECT_TRUE(kept.expired());
}

struct row {
  text id, value;
  bool operator==(const row&) const = default;
};

TEST(Table, IdsOfEveryShapeAreFound) {
  arena a;
  table<row, 1> t;
  auto put = [&](const char* id, const char* v) { t.put(row{a.keep(id), a.keep(v)}); };
  put("C1", "one");
  put("C2", "two");
  put("C007", "leading zeros");  // not canonical: indexed
  put("X4", "other prefix at its own place");
  put("C3", "three, out of place");
  put("C99999999999", "too long to be a number");
  put("C", "prefix only");
  EXPECT_EQ(t.size(), 7u);
  for (const char* id : {"C1", "C2", "C007", "X4", "C3", "C99999999999", "C"})
    ASSERT_TRUE(t.contains(id)) << id;
  EXPECT_EQ(t.at("C3").value, "three, out of place");
  EXPECT_EQ(t.at("X4").value, "other prefix at its own place");
  for (const char* id : {"C4", "C7", "C0", "C01", "X1", "", "C2 ", "c1"})
    EXPECT_FALSE(t.contains(id)) << id;

  put("C2", "two again");  // replaced in place
  EXPECT_EQ(t.size(), 7u);
  EXPECT_EQ(t.at("C2").value, "two again");
  EXPECT_EQ(t.rows()[1].value, "two again");

  EXPECT_TRUE(t.erase("C1"));  // later rows move up: C2 is at place 1 now, and still found
  EXPECT_FALSE(t.erase("C1"));
  EXPECT_EQ(t.size(), 6u);
  for (const char* id : {"C2", "C007", "X4", "C3", "C99999999999", "C"})
    EXPECT_TRUE(t.contains(id)) << id;
  EXPECT_FALSE(t.contains("C1"));

  std::vector<std::string> order;
  for (const auto& [id, r] : t) order.emplace_back(id);
  EXPECT_EQ(order, (std::vector<std::string>{"C2", "C007", "X4", "C3", "C99999999999", "C"}));
}

TEST(Table, EqualityIgnoresOrder) {
  arena a;
  table<row, 1> x, y;
  x.put(row{a.keep("C1"), a.keep("a")});
  x.put(row{a.keep("C2"), a.keep("b")});
  y.put(row{a.keep("C2"), a.keep("b")});
  y.put(row{a.keep("C1"), a.keep("a")});
  EXPECT_EQ(x, y);
  y.put(row{a.keep("C1"), a.keep("changed")});
  EXPECT_NE(x, y);
}

}  // namespace
}  // namespace a4p::protocol::testing
