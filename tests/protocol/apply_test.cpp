// apply() and state_at() say when the log and the rules disagree: a malformed event of a
// known name is an error that leaves the state as it was, never a silent partial change.
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>

#include "protocol/snapshot.hpp"
#include "world.hpp"

namespace a4p::protocol::testing {
namespace {

using nlohmann::json;

event next_event(const world& w, std::string name, std::string entity, json data) {
  return event{w.log.s.seq() + 1,    fake_ts(w.log.s.seq() + 1), actor{"un.sec", "UN"},
               std::move(name),      std::move(entity),          std::move(data),
               std::string(64, '0'), std::string(64, '1')};
}

TEST(Apply, AMalformedKnownEventIsAnErrorAndChangesNothing) {
  world w;
  const std::string before = serialize(w.log.s);
  const std::uint64_t seq = w.log.s.seq();
  const event bad[] = {
      next_event(w, "comment.edited", "comment:C999", {{"id", "C999"}, {"body", "x"}}),
      next_event(w, "pledge.updated", "pledge:P1", {{"id", "P1"}, {"version", 2}}),  // no changes
      next_event(w, "round.closed", "round:R9", {{"id", "R9"}}),
      next_event(w, "champion.withdrawn", "champion:KEN:politics", {{"id", "KEN:politics"}}),
      next_event(w, "org.added", "org:XYZ", {{"name", "no id"}}),
      next_event(w, "theme.added", "theme:x", json::array()),
  };
  for (const auto& e : bad) {
    state s = w.log.s;
    auto applied = apply(s, e);
    ASSERT_FALSE(applied) << e.name;
    EXPECT_EQ(applied.error().code, "corruption");
    EXPECT_NE(applied.error().message.find(e.name), std::string::npos) << applied.error().message;
    EXPECT_EQ(s.seq(), seq) << e.name;
    EXPECT_EQ(serialize(s), before) << e.name;
  }
}

TEST(Apply, AnUnknownEventNameChangesOnlySeq) {
  world w;
  state s = w.log.s;
  auto e = next_event(w, "feature.from_a_later_version", "feature:F1", {{"id", "F1"}});
  ASSERT_TRUE(apply(s, e));
  EXPECT_EQ(s.seq(), e.seq);
  s.set_seq(w.log.s.seq());
  EXPECT_EQ(serialize(s), serialize(w.log.s));
}

TEST(StateAt, AnEventThatDoesNotApplyIsAnError) {
  world w;
  std::vector<std::string> stored = w.log.stored;
  stored.push_back(encode_stored(
      next_event(w, "comment.hidden", "comment:C404", {{"id", "C404"}, {"reason", "r"}})));
  auto scan = [&](std::uint64_t after, std::uint64_t up_to,
                  const std::function<bool(std::string_view)>& sink) -> result<void> {
    for (std::uint64_t q = after + 1; q <= up_to; ++q)
      if (!sink(stored[q - 1])) break;
    return {};
  };
  auto none = [](std::uint64_t) -> result<std::optional<loaded_snapshot>> { return std::nullopt; };
  ASSERT_TRUE(state_at(w.log.s.seq(), none, scan));
  auto s = state_at(stored.size(), none, scan);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "corruption");
  EXPECT_NE(s.error().message.find("comment.hidden"), std::string::npos) << s.error().message;
}

TEST(RejectCode, EachCodeHasItsWireString) {
  EXPECT_EQ(to_string(reject_code::bad_request), "bad_request");
  EXPECT_EQ(to_string(reject_code::forbidden), "forbidden");
  EXPECT_EQ(to_string(reject_code::not_found), "not_found");
  EXPECT_EQ(to_string(reject_code::conflict), "conflict");
  EXPECT_EQ(to_string(reject_code::locked), "locked");
  EXPECT_EQ(to_string(reject_code::too_large), "too_large");
  EXPECT_EQ(to_string(reject_code::internal), "internal");
}

}  // namespace
}  // namespace a4p::protocol::testing
