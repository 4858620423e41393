// Visibility and redaction: restricted discussions, hidden comments, on every path.
#include <gtest/gtest.h>

#include "protocol/snapshot.hpp"
#include "world.hpp"

namespace a4p::protocol::testing {
namespace {

using nlohmann::json;

const event& find_event(const world& w, std::string_view name, std::string_view entity) {
  for (const auto& e : w.log.events)
    if (e.name == name && e.entity == entity) return e;
  throw std::runtime_error("no such event");
}

TEST(Redaction, HiddenCommentIsRedactedOnReplayForMembersOnly) {
  world w;
  const event& posted = find_event(w, "comment.posted", "comment:C2");
  const event& hidden = find_event(w, "comment.hidden", "comment:C2");
  for (const principal* p : {&w.owner, &w.other, &w.champ, &w.g10}) {
    viewer v = *p;
    EXPECT_EQ(sight_of(w.log.s, v, posted), sight::redacted);
    json j = view_event(w.log.s, v, posted);
    EXPECT_EQ(j["redacted"], true);
    EXPECT_FALSE(j["data"].contains("body"));
    EXPECT_EQ(j["data"]["id"], "C2");
    EXPECT_EQ(j["hash"], posted.hash);  // the chain still checks
    EXPECT_EQ(j["data_hash"], posted.data_hash);
    json h = view_event(w.log.s, v, hidden);
    EXPECT_FALSE(h["data"].contains("reason"));
    json st = view_state(w.log.s, v);
    EXPECT_FALSE(st["comments"]["C2"].contains("body"));
    EXPECT_FALSE(st["comments"]["C2"].contains("hidden_reason"));
    EXPECT_EQ(st["comments"]["C2"]["redacted"], true);
    EXPECT_EQ(st["comments"]["C1"]["body"], "first");
  }
  for (const principal* p : {&w.sec, &w.auditor}) {
    viewer v = *p;
    EXPECT_EQ(sight_of(w.log.s, v, posted), sight::full);
    EXPECT_EQ(view_event(w.log.s, v, posted)["data"]["body"], "rude words");
    EXPECT_EQ(view_state(w.log.s, v)["comments"]["C2"]["body"], "rude words");
    EXPECT_EQ(view_state(w.log.s, v)["comments"]["C2"]["hidden_reason"], "conduct");
  }
  // The live fan-out tells the hub to make a redacted variant.
  EXPECT_TRUE(audience_of(w.log.s, posted).redact_for_unprivileged);
  EXPECT_TRUE(audience_of(w.log.s, posted).everyone);
  EXPECT_NE(event_body(posted, redaction::redacted).find("\"redacted\":true"), std::string::npos);
  EXPECT_EQ(event_body(posted, redaction::redacted).find("rude words"), std::string::npos);
}

TEST(Redaction, RestoreBringsTheBodyBackInEveryReplay) {
  world w;
  w.log.must(w.sec, "comment.restore", {{"id", "C2"}});
  const event& posted = find_event(w, "comment.posted", "comment:C2");
  viewer v = w.other;
  EXPECT_EQ(sight_of(w.log.s, v, posted), sight::full);
  EXPECT_EQ(view_event(w.log.s, v, posted)["data"]["body"], "rude words");
  EXPECT_FALSE(audience_of(w.log.s, posted).redact_for_unprivileged);
}

TEST(Redaction, ViewingOldStateStillRedactsByTheCurrentState) {
  world w;
  // Post and hide later: the state as of the post (state_at) is redacted by "now".
  w.log.must(w.other, "comment.post", {{"target", "pledge:P1"}, {"body", "secret"}});
  std::uint64_t at = w.log.s.seq();
  w.log.must(w.sec, "comment.hide", {{"id", "C3"}, {"reason", "spam"}});
  auto old = state_at(
      at, {}, [&](std::uint64_t after, std::uint64_t up_to, const auto& sink) -> result<void> {
        for (const auto& b : w.log.stored) {
          auto e = decode_stored(b);
          if (e->seq > after && e->seq <= up_to && !sink(b)) break;
        }
        return {};
      });
  ASSERT_TRUE(old);
  EXPECT_FALSE(old->comments.at("C3").hidden);
  // A REST reader asks for the old state; the server redacts comments hidden by now.
  const event& posted = find_event(w, "comment.posted", "comment:C3");
  EXPECT_EQ(sight_of(w.log.s, w.owner, posted), sight::redacted);
  json then = view_state(*old, w.log.s, w.owner);
  EXPECT_EQ(then["seq"], at);
  EXPECT_FALSE(then["comments"]["C3"].contains("body"));
  EXPECT_EQ(then["comments"]["C3"]["redacted"], true);
  EXPECT_EQ(view_state(*old, w.log.s, w.auditor)["comments"]["C3"]["body"], "secret");
  // Without `now`, the old state alone would still show it: the reason for the overload.
  EXPECT_EQ(view_state(*old, w.owner)["comments"]["C3"]["body"], "secret");
}

TEST(Restricted, WithheldFromOutsidersOnEveryPath) {
  world w;
  w.log.must(w.owner, "comment.post", {{"target", "discussion:D2"}, {"body", "inside"}});  // C3
  w.log.must(w.g10, "opinion.give",
             {{"target", "discussion:D1"}, {"position", "support"}, {"text", "ok"}});
  const event& convened = find_event(w, "discussion.convened", "discussion:D2");
  const event& inside = find_event(w, "comment.posted", "comment:C3");
  for (const principal* p : {&w.other, &w.champ_other, &w.g10}) {
    viewer v = *p;
    EXPECT_EQ(sight_of(w.log.s, v, convened), sight::withheld);
    EXPECT_EQ(sight_of(w.log.s, v, inside), sight::withheld);
    EXPECT_EQ(view_event(w.log.s, v, inside),
              json({{"seq", inside.seq}, {"withheld", true}, {"hash", inside.hash}}));
    json st = view_state(w.log.s, v);
    EXPECT_FALSE(st["discussions"].contains("D2"));
    EXPECT_TRUE(st["discussions"].contains("D1"));
    EXPECT_FALSE(st["comments"].contains("C3"));
    EXPECT_TRUE(view_entity(w.log.s, v, "discussion:D2").is_null());
    EXPECT_TRUE(view_entity(w.log.s, v, "comment:C3").is_null());
  }
  for (const principal* p : {&w.owner, &w.champ, &w.sec, &w.auditor}) {
    viewer v = *p;
    EXPECT_EQ(sight_of(w.log.s, v, inside), sight::full);
    json st = view_state(w.log.s, v);
    EXPECT_EQ(st["comments"]["C3"]["body"], "inside");
    EXPECT_EQ(st["discussions"]["D2"]["invitees"], json({"NOR"}));
  }
  audience a = audience_of(w.log.s, inside);
  EXPECT_FALSE(a.everyone);
  EXPECT_EQ(a.orgs, (std::vector<std::string>{"NOR", "CAN"}));
  EXPECT_TRUE(audience_of(w.log.s, find_event(w, "comment.posted", "comment:C1")).everyone);
  // Opinions on open targets are for everyone.
  EXPECT_TRUE(audience_of(w.log.s, w.log.events.back()).everyone);
}

TEST(Restricted, OutsidersCannotLockCloseOrEditThere) {
  world w;
  auto d =
      decide(w.log.s, w.other, command{"x", "discussion.close", {{"id", "D2"}, {"outcome", "o"}}});
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, "not_found");
  auto g = decide(w.log.s, w.g10,
                  command{"x",
                          "opinion.give",
                          {{"target", "discussion:D2"}, {"position", "object"}, {"text", "t"}}});
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().code, "not_found");
}

TEST(Roles, WelcomeRolesListDerivedOnes) {
  world w;
  EXPECT_EQ(roles_of(w.log.s, w.champ), (std::vector<std::string>{"member", "champion"}));
  EXPECT_EQ(roles_of(w.log.s, w.g10), (std::vector<std::string>{"member", "g10"}));
  EXPECT_EQ(roles_of(w.log.s, w.sec), (std::vector<std::string>{"secretariat"}));
  auto p = principal_of(w.log.s, "usa.delegate");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->org, "USA");
  EXPECT_FALSE(principal_of(w.log.s, "nobody"));
}

}  // namespace
}  // namespace a4p::protocol::testing
