// Thousands of random valid and invalid commands; the resulting log, replayed from empty and
// from snapshots at many points, gives exactly the same state (compared via serialize()).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "protocol/snapshot.hpp"
#include "world.hpp"

namespace a4p::protocol::testing {
namespace {

using nlohmann::json;

class generator {
 public:
  explicit generator(std::uint32_t seed) : rng_(seed) {}

  int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool chance(int percent) { return below(100) < percent; }

  template <class Map>
  std::string pick(const Map& m, const char* bogus) {
    if (m.empty() || chance(5)) return bogus;
    // Sorted ids, so that picks do not depend on a hashed map's order.
    std::vector<std::string_view> ids;
    ids.reserve(m.size());
    for (const auto& kv : m) ids.push_back(kv.first);
    std::sort(ids.begin(), ids.end());
    int n = static_cast<int>(std::min<std::size_t>(ids.size(), 50));
    if (ids.size() > 50 && chance(50))
      return std::string(ids[ids.size() - 1 - below(n)]);  // newer ones
    return std::string(ids[below(n)]);
  }
  std::string text(int max_words) {
    static const char* words[] = {"mandate", "protection", "civilians", "training",    "women",
                                  "peace",   "é",          "✓",         "performance", "the",
                                  "and",     "/",          "\"q\""};
    std::string s;
    int n = 1 + below(max_words);
    for (int i = 0; i < n; ++i) s += std::string(i ? " " : "") + words[below(13)];
    return s;
  }
  std::string date() {
    char buf[48];  // room for any int, so the compiler sees no truncation
    std::snprintf(buf, sizeof buf, "20%02d-%02d-%02d", 26 + below(4), 1 + below(12), 1 + below(28));
    return buf;
  }
  json junk() {
    switch (below(7)) {
      case 0:
        return 12345;
      case 1:
        return nullptr;
      case 2:
        return json::array({1, "x"});
      case 3:
        return json::object({{"a", 1}});
      case 4:
        return std::string(20001, 'x');
      case 5:
        return true;
      default:
        return -1;
    }
  }

  command next(const state& s) {
    static const char* names[] = {
        "pledge.create",     "pledge.update",   "pledge.report",      "pledge.report",
        "comment.post",      "comment.post",    "comment.post",       "comment.edit",
        "comment.hide",      "comment.restore", "opinion.give",       "action.add",
        "action.update",     "action.take_up",  "discussion.convene", "discussion.lock",
        "discussion.close",  "gap.add",         "gap.update",         "round.open",
        "round.close",       "champion.assign", "champion.withdraw",  "commitment.add",
        "commitment.update", "org.update",      "user.set_role",      "no.such"};
    command c;
    c.id = std::to_string(++n_);
    c.name = names[below(sizeof names / sizeof *names)];
    const std::string& n = c.name;
    json a = json::object();
    auto target = [&] {
      switch (below(3)) {
        case 0:
          return "discussion:" + pick(s.discussions, "D999");
        case 1:
          return "pledge:" + pick(s.pledges, "P999");
        default:
          return "action:" + pick(s.actions, "A999");
      }
    };
    auto changes = [&](std::initializer_list<const char*> fields) {
      json ch = json::object();
      for (const char* f : fields) {
        if (!chance(40)) continue;
        std::string k = f;
        if (k == "due")
          ch[k] = date();
        else if (k == "kind")
          ch[k] = chance(50) ? "concrete" : "broad";
        else if (k == "number")
          ch[k] = 1 + below(45);
        else if (k == "output")
          ch[k] = {{"indicator", text(3)}, {"target", std::to_string(below(500))}};
        else
          ch[k] = text(6);
      }
      return ch;
    };
    std::string theme = pick(s.themes, "nowhere");
    if (n == "pledge.create") {
      a = {{"theme", theme},
           {"title", text(5)},
           {"description", text(20)},
           {"output", {{"indicator", text(3)}, {"target", std::to_string(below(1000))}}}};
      if (chance(50)) a["impact"] = {{"indicator", text(3)}, {"target", text(2)}};
      if (chance(30)) a["due"] = date();
      if (chance(20) && !s.actions.empty()) a["actions"] = {pick(s.actions, "A999")};
    } else if (n == "pledge.update") {
      std::string id = pick(s.pledges, "P999");
      auto it = s.pledges.find(id);
      std::int64_t v = it == s.pledges.end() ? 1 : it->second.version;
      a = {{"id", id},
           {"base_version", std::max<std::int64_t>(1, v - below(3))},
           {"changes", changes({"title", "description", "due", "output"})}};
    } else if (n == "pledge.report") {
      static const char* st[] = {"planned", "on_track", "delayed", "done", "dropped"};
      a = {{"id", pick(s.pledges, "P999")},
           {"status", st[below(5)]},
           {"progress", below(101)},
           {"note", text(10)}};
      if (chance(40)) a["evidence"] = {"https://example.org/e/" + std::to_string(below(100))};
      if (chance(30)) a["round"] = pick(s.rounds, "R999");
      if (chance(30))
        a["attribution"] = {
            {"statement", text(5)}, {"preexisting", chance(50)}, {"confidence", "low"}};
    } else if (n == "comment.post") {
      a = {{"target", target()}, {"body", text(15)}};
    } else if (n == "comment.edit") {
      a = {{"id", pick(s.comments, "C999")}, {"body", text(15)}};
    } else if (n == "comment.hide") {
      a = {{"id", pick(s.comments, "C999")}, {"reason", text(3)}};
    } else if (n == "comment.restore") {
      a = {{"id", pick(s.comments, "C999")}};
    } else if (n == "opinion.give") {
      static const char* pos[] = {"support", "concerns", "object"};
      a = {{"target", target()}, {"position", pos[below(3)]}, {"text", text(8)}};
    } else if (n == "action.add") {
      a = {{"theme", theme}, {"title", text(4)}, {"kind", chance(50) ? "concrete" : "broad"}};
    } else if (n == "action.update") {
      a = {{"id", pick(s.actions, "A999")},
           {"base_version", 1 + below(3)},
           {"changes", changes({"title", "kind", "due"})}};
    } else if (n == "action.take_up" || n == "discussion.lock" || n == "round.close") {
      a = {{"id", n == "action.take_up" ? pick(s.actions, "A999")
                  : n == "round.close"  ? pick(s.rounds, "R999")
                                        : pick(s.discussions, "D999")}};
    } else if (n == "discussion.convene") {
      a = {{"theme", theme},
           {"title", text(4)},
           {"agenda", text(10)},
           {"visibility", chance(30) ? "restricted" : "open"}};
      if (chance(50)) a["invitees"] = {pick(s.orgs, "XXX")};
    } else if (n == "discussion.close") {
      a = {{"id", pick(s.discussions, "D999")}, {"outcome", text(6)}};
    } else if (n == "gap.add") {
      a = {{"theme", theme}, {"title", text(4)}, {"description", text(8)}};
    } else if (n == "gap.update") {
      a = {{"id", pick(s.gaps, "G999")},
           {"base_version", 1 + below(2)},
           {"changes", changes({"title", "description"})}};
    } else if (n == "round.open") {
      a = {{"name", text(2)}, {"closes", date()}};
    } else if (n == "champion.assign" || n == "champion.withdraw") {
      a = {{"org", pick(s.orgs, "XXX")}, {"theme", theme}};
    } else if (n == "commitment.add") {
      a = {{"theme", theme},
           {"number", 1 + below(45)},
           {"title", text(5)},
           {"responsibility", "shared"}};
    } else if (n == "commitment.update") {
      a = {{"id", pick(s.commitments, "CM999")},
           {"base_version", 1 + below(2)},
           {"changes", changes({"title", "number"})}};
    } else if (n == "org.update") {
      a = {{"id", pick(s.orgs, "XXX")}, {"changes", {{"name", text(2)}}}};
    } else if (n == "user.set_role") {
      a = {{"id", pick(s.users, "nobody")}, {"role", chance(90) ? "member" : "auditor"}};
    }
    // Invalid variants: drop a field, break a type, add an unknown field.
    if (chance(12) && !a.empty()) {
      auto it = a.begin();
      std::advance(it, below(static_cast<int>(a.size())));
      std::string k = it.key();
      switch (below(3)) {
        case 0:
          a.erase(k);
          break;
        case 1:
          a[k] = junk();
          break;
        default:
          a["unexpected"] = junk();
          break;
      }
    }
    c.args = std::move(a);
    return c;
  }

 private:
  std::mt19937 rng_;
  std::uint64_t n_ = 0;
};

void replay_check(std::uint32_t seed, int commands) {
  world w;
  const std::vector<principal> who = {w.sec,         w.owner, w.other,   w.champ,
                                      w.champ_other, w.g10,   w.auditor, system_principal()};
  generator g(seed);
  std::map<std::uint64_t, std::string> snapshots;  // seq -> serialize() at that seq
  std::map<std::string, int> accepted_by_name;
  int accepted = 0, rejected = 0;
  for (int i = 0; i < commands; ++i) {
    command c = g.next(w.log.s);
    const principal& p = who[g.below(static_cast<int>(who.size()))];
    std::uint64_t before = w.log.s.seq();
    auto d = decide(w.log.s, p, c);
    if (d) {
      ++accepted;
      ++accepted_by_name[c.name];
      ASSERT_FALSE(d->events.empty());
      w.log.append(p, d->events);
    } else {
      ++rejected;
      // A rejection is the rules speaking; `internal` would be a bug in decide().
      ASSERT_NE(d.error().code, reject_code::internal) << c.name << ": " << d.error().message;
      ASSERT_EQ(w.log.s.seq(), before);
    }
    if (i % 53 == 0) snapshots[w.log.s.seq()] = serialize(w.log.s);
  }
  EXPECT_GT(accepted, commands / 5) << "the generator must produce many valid commands";
  EXPECT_GT(rejected, commands / 10) << "and many invalid ones";
  EXPECT_GE(accepted_by_name.size(), 20u);

  const std::string final_bytes = serialize(w.log.s);
  // 1. From empty, from the stored bytes.
  state r;
  for (const auto& b : w.log.stored) {
    auto e = decode_stored(b);
    ASSERT_TRUE(e) << e.error().message;
    ASSERT_TRUE(apply(r, *e));
  }
  EXPECT_EQ(serialize(r), final_bytes);
  EXPECT_EQ(r, w.log.s);
  // 2. Snapshots round-trip.
  auto back = deserialize(final_bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, w.log.s);
  // 3. From every snapshot, replaying the rest.
  for (const auto& [seq, bytes] : snapshots) {
    auto s = deserialize(bytes);
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ(s->seq(), seq);
    for (std::size_t i = seq; i < w.log.events.size(); ++i) ASSERT_TRUE(apply(*s, w.log.events[i]));
    ASSERT_EQ(serialize(*s), final_bytes) << "from snapshot at " << seq;
  }
  // 4. state_at(seq) through the callbacks equals the live state captured at that seq.
  auto load = [&](std::uint64_t at) -> result<std::optional<loaded_snapshot>> {
    auto it = snapshots.upper_bound(at);
    if (it == snapshots.begin()) return std::nullopt;
    --it;
    return loaded_snapshot{it->first, it->second, nullptr};
  };
  auto scan = [&](std::uint64_t after, std::uint64_t up_to,
                  const std::function<bool(std::string_view)>& sink) -> result<void> {
    for (std::uint64_t q = after + 1; q <= up_to && q <= w.log.stored.size(); ++q)
      if (!sink(w.log.stored[q - 1])) break;
    return {};
  };
  for (const auto& [seq, bytes] : snapshots) {
    std::uint64_t at = std::min<std::uint64_t>(seq + 7, w.log.s.seq());
    auto via_snapshot = state_at(at, load, scan);
    auto from_empty = state_at(at, {}, scan);
    ASSERT_TRUE(via_snapshot && from_empty);
    ASSERT_EQ(via_snapshot->seq(), at);
    ASSERT_EQ(serialize(*via_snapshot), serialize(*from_empty)) << "state_at " << at;
  }
  // Views never throw and stay valid JSON for every role.
  for (const auto& p : who) (void)canonical(view_state(w.log.s, p));
}

TEST(RandomizedReplay, Seed1) {
  replay_check(1, 4000);
}
TEST(RandomizedReplay, Seed2) {
  replay_check(2, 4000);
}
TEST(RandomizedReplay, Seed3) {
  replay_check(20261127, 4000);
}

TEST(RandomizedReplay, DecideNeverThrowsOnArbitraryArgs) {
  world w;
  generator g(7);
  const char* names[] = {"pledge.create", "pledge.update",      "pledge.report", "comment.post",
                         "opinion.give",  "discussion.convene", "org.add",       "user.add",
                         "action.update", "champion.assign"};
  for (int i = 0; i < 3000; ++i) {
    json args = json::object();
    for (int k = 0; k < g.below(6); ++k) {
      static const char* keys[] = {"id",           "theme",    "title",    "changes",
                                   "base_version", "output",   "target",   "body",
                                   "status",       "progress", "evidence", "org"};
      args[keys[g.below(12)]] = g.chance(50) ? g.junk() : json(g.text(2));
    }
    auto d = decide(w.log.s, w.sec, command{"x", names[g.below(10)], args});
    if (!d) {
      EXPECT_NE(d.error().code, reject_code::internal) << args.dump() << ": " << d.error().message;
    }
  }
}

TEST(Snapshot, CorruptBytesAreAnErrorNotACrash) {
  world w;
  std::string bytes = serialize(w.log.s);
  EXPECT_FALSE(deserialize(""));
  EXPECT_FALSE(deserialize("XXXX"));
  EXPECT_FALSE(deserialize(bytes.substr(0, bytes.size() / 2)));
  EXPECT_FALSE(deserialize(bytes + "x"));
  std::mt19937 rng(3);
  for (int i = 0; i < 500; ++i) {
    std::string b = bytes;
    b[rng() % b.size()] ^= static_cast<char>(1 + rng() % 255);
    (void)deserialize(b);  // may or may not decode; must not crash or throw
  }
}

}  // namespace
}  // namespace a4p::protocol::testing
