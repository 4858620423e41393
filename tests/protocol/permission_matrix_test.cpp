// The table-driven permission matrix: every command against every role.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <set>
#include <string>
#include <vector>

#include "protocol/snapshot.hpp"
#include "world.hpp"

namespace a4p::protocol::testing {
namespace {

using nlohmann::json;

// Roles, in column order.
enum col { sec, owner, other, champ, champ_other, g10, aud, ncols };
const char* const col_names[] = {"secretariat",    "owning_org", "other_org", "theme_champion",
                                 "other_champion", "g10",        "auditor"};

constexpr const char* ok = "ok";
constexpr const char* F = "forbidden";
constexpr const char* NF = "not_found";
constexpr const char* L = "locked";

struct row {
  const char* name;
  json args;
  std::array<const char*, ncols> expect;
};

std::vector<row> rows() {
  json changes_title = {{"title", "New title"}};
  return {
      {"org.add", {{"id", "XYZ"}, {"name", "X"}, {"kind", "member_state"}}, {ok, F, F, F, F, F, F}},
      {"org.update", {{"id", "KEN"}, {"changes", {{"name", "Kenya"}}}}, {ok, F, F, F, F, F, F}},
      {"user.add",
       {{"id", "new.user"}, {"name", "N"}, {"org", "KEN"}, {"role", "member"}},
       {ok, F, F, F, F, F, F}},
      {"user.set_role", {{"id", "ken.delegate"}, {"role", "auditor"}}, {ok, F, F, F, F, F, F}},
      {"user.disable", {{"id", "ken.delegate"}}, {ok, F, F, F, F, F, F}},
      {"user.enable", {{"id", "ken.delegate"}}, {"conflict", F, F, F, F, F, F}},
      // Everyone's own preference; auditors send no commands at all.
      {"user.set_preference", {{"lang", "fr"}}, {ok, ok, ok, ok, ok, ok, F}},
      {"commitment.add",
       {{"theme", "politics"}, {"number", 2}, {"title", "T"}, {"responsibility", "shared"}},
       {ok, F, F, F, F, F, F}},
      {"commitment.update",
       {{"id", "CM1"}, {"base_version", 1}, {"changes", changes_title}},
       {ok, F, F, F, F, F, F}},
      {"pledge.create",
       {{"theme", "politics"},
        {"title", "T"},
        {"description", "D"},
        {"output", {{"indicator", "i"}, {"target", "t"}}}},
       {ok, ok, ok, ok, ok, ok, F}},
      {"pledge.update",
       {{"id", "P1"}, {"base_version", 1}, {"changes", changes_title}},
       {F, ok, F, F, F, F, F}},
      {"pledge.report",
       {{"id", "P1"}, {"status", "on_track"}, {"progress", 40}, {"note", "n"}},
       {F, ok, F, F, F, F, F}},
      {"pledge.publish", {{"id", "P1"}}, {F, ok, F, F, F, F, F}},
      {"pledge.withdraw_publication", {{"id", "P1"}}, {F, "conflict", F, F, F, F, F}},
      {"public.configure", {{"category", "gaps"}, {"public", false}}, {ok, F, F, F, F, F, F}},
      {"round.open", {{"name", "R"}, {"closes", "2026-06-30"}}, {ok, F, F, F, F, F, F}},
      {"round.close", {{"id", "R1"}}, {ok, F, F, F, F, F, F}},
      {"gap.add",
       {{"theme", "politics"}, {"title", "T"}, {"description", "D"}},
       {ok, F, F, F, F, F, F}},
      {"gap.update",
       {{"id", "G1"}, {"base_version", 1}, {"changes", changes_title}},
       {ok, F, F, F, F, F, F}},
      {"action.add",
       {{"theme", "politics"}, {"title", "T"}, {"kind", "broad"}},
       {ok, F, F, ok, F, F, F}},
      {"action.update",
       {{"id", "A1"}, {"base_version", 1}, {"changes", changes_title}},
       {ok, F, F, ok, F, F, F}},
      {"action.take_up", {{"id", "A1"}}, {F, ok, ok, ok, ok, ok, F}},
      {"discussion.convene",
       {{"theme", "politics"}, {"title", "T"}, {"agenda", "A"}, {"visibility", "open"}},
       {ok, F, F, ok, F, F, F}},
      {"discussion.lock", {{"id", "D1"}}, {ok, F, F, ok, F, F, F}},
      {"discussion.close", {{"id", "D1"}, {"outcome", "agreed"}}, {ok, F, F, ok, F, F, F}},
      {"comment.post",
       {{"target", "discussion:D1"}, {"body", "hello"}},
       {ok, ok, ok, ok, ok, ok, F}},
      {"comment.post",
       {{"target", "discussion:D2"}, {"body", "hello"}},
       {ok, ok, NF, ok, NF, NF, F}},
      {"comment.post", {{"target", "pledge:P1"}, {"body", "hello"}}, {ok, ok, ok, ok, ok, ok, F}},
      {"comment.edit", {{"id", "C1"}, {"body", "edited"}}, {F, ok, F, F, F, F, F}},
      {"comment.edit", {{"id", "C2"}, {"body", "edited"}}, {F, F, F, F, F, F, F}},
      {"comment.hide", {{"id", "C1"}, {"reason", "r"}}, {ok, F, F, F, F, F, F}},
      {"comment.restore", {{"id", "C2"}}, {ok, F, F, F, F, F, F}},
      {"opinion.give",
       {{"target", "discussion:D1"}, {"position", "support"}, {"text", "t"}},
       {F, F, F, F, F, ok, F}},
      {"opinion.give",
       {{"target", "pledge:P1"}, {"position", "concerns"}, {"text", "t"}},
       {F, F, F, F, F, ok, F}},
      {"champion.assign", {{"org", "KEN"}, {"theme", "politics"}}, {ok, F, F, F, F, F, F}},
      {"champion.withdraw", {{"org", "CAN"}, {"theme", "politics"}}, {ok, F, F, F, F, F, F}},
  };
}

TEST(PermissionMatrix, EveryCommandAgainstEveryRole) {
  const world base;
  std::size_t checked = 0;
  for (const auto& r : rows()) {
    for (int c = 0; c < ncols; ++c) {
      world w = base;  // a fresh copy: each cell starts from the same state
      const principal* who[] = {&w.sec,         &w.owner, &w.other,  &w.champ,
                                &w.champ_other, &w.g10,   &w.auditor};
      std::string before = canonical(view_state(w.log.s, w.sec));
      auto d = decide(w.log.s, *who[c], command{"x", r.name, r.args});
      std::string got = d ? "ok" : std::string(to_string(d.error().code));
      EXPECT_EQ(got, r.expect[c]) << r.name << " " << r.args.dump() << " as " << col_names[c]
                                  << (d ? "" : ": " + d.error().message);
      if (d) {
        EXPECT_FALSE(d->events.empty()) << r.name;
      }
      // decide never changes the state.
      EXPECT_EQ(before, canonical(view_state(w.log.s, w.sec)));
      ++checked;
    }
  }
  EXPECT_GE(checked, 28u * ncols);
}

TEST(PermissionMatrix, EveryCommandNameIsCovered) {
  // From decide()'s own handler table, so a command added there without a row here fails.
  std::set<std::string> covered;
  for (const auto& r : rows()) covered.insert(r.name);
  const auto names = command_names();
  EXPECT_EQ(names.size(), 32u);  // README "Commands" lists 32
  for (const auto& n : names) EXPECT_TRUE(covered.contains(n)) << n;
  // And every row names a real command.
  for (const auto& n : covered)
    EXPECT_TRUE(std::find(names.begin(), names.end(), n) != names.end()) << n;
}

TEST(PermissionMatrix, NonEndorsingOrgMayNotPledgeOrTakeUp) {
  world w;
  w.log.must(system_principal(), "org.add",
             {{"id", "ZZZ"}, {"name", "Z"}, {"kind", "member_state"}, {"endorsed", false}});
  principal z{"zzz.delegate", "ZZZ", role::member};
  w.log.must(system_principal(), "user.add",
             {{"id", z.user}, {"name", "Z"}, {"org", "ZZZ"}, {"role", "member"}});
  auto d = decide(w.log.s, z,
                  command{"x",
                          "pledge.create",
                          {{"theme", "politics"},
                           {"title", "T"},
                           {"description", "D"},
                           {"output", {{"indicator", "i"}, {"target", "t"}}}}});
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, "forbidden");
  auto t = decide(w.log.s, z, command{"x", "action.take_up", {{"id", "A1"}}});
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, "forbidden");
}

TEST(PermissionMatrix, PledgeOrgIsTheActorsOwn) {
  world w;
  auto d = w.log.run(w.sec, "pledge.create",
                     {{"theme", "politics"},
                      {"title", "Report on performance"},
                      {"description", "D"},
                      {"output", {{"indicator", "i"}, {"target", "t"}}}});
  ASSERT_TRUE(d);
  EXPECT_EQ(w.log.s.pledges.at(d->result["id"].get<std::string>()).org, "UN");
  auto e = w.log.run(w.g10, "pledge.create",
                     {{"theme", "politics"},
                      {"title", "T"},
                      {"description", "D"},
                      {"org", "NOR"},
                      {"output", {{"indicator", "i"}, {"target", "t"}}}});
  ASSERT_FALSE(e);  // "org" is not an argument: a pledge is always for the sender's org
  EXPECT_EQ(e.error().code, "bad_request");
  EXPECT_EQ(e.error().details["field"], "org");
}

TEST(PermissionMatrix, LockedAndClosedDiscussionsRefuseComments) {
  world w;
  w.log.must(w.champ, "discussion.lock", {{"id", "D1"}});
  auto d = decide(w.log.s, w.owner,
                  command{"x", "comment.post", {{"target", "discussion:D1"}, {"body", "b"}}});
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, L);
  auto e = decide(w.log.s, w.owner, command{"x", "comment.edit", {{"id", "C1"}, {"body", "b"}}});
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, L);
  w.log.must(w.sec, "discussion.close", {{"id", "D1"}, {"outcome", "done"}});
  EXPECT_EQ(w.log.s.discussions.at("D1").state, "closed");
  EXPECT_EQ(w.log.s.discussions.at("D1").outcome, "done");
  auto f = decide(w.log.s, w.sec,
                  command{"x", "comment.post", {{"target", "discussion:D1"}, {"body", "b"}}});
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, L);
  auto g = decide(w.log.s, w.sec, command{"x", "discussion.lock", {{"id", "D1"}}});
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().code, "conflict");
}

TEST(PermissionMatrix, UnknownCommandAndMissingTargets) {
  world w;
  auto d = decide(w.log.s, w.sec, command{"x", "pledge.delete", {{"id", "P1"}}});
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, "bad_request");
  EXPECT_EQ(d.error().details["field"], "name");
  auto e = decide(w.log.s, w.owner,
                  command{"x",
                          "pledge.update",
                          {{"id", "P99"}, {"base_version", 1}, {"changes", {{"title", "t"}}}}});
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, "not_found");
  auto f = decide(w.log.s, w.owner,
                  command{"x", "comment.post", {{"target", "action:A9"}, {"body", "b"}}});
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, "not_found");
  EXPECT_EQ(f.error().details["field"], "target");
}

// A disabled account is no principal (no sign-in, socket or command) until it is enabled
// again; the Secretariat cannot disable itself, and the flag survives a snapshot.
TEST(PermissionMatrix, DisabledUserIsNoPrincipalUntilEnabled) {
  world w;
  auto self = decide(w.log.s, w.sec, command{"x", "user.disable", {{"id", w.sec.user}}});
  ASSERT_FALSE(self);
  EXPECT_EQ(self.error().code, "forbidden");

  w.log.must(w.sec, "user.disable", {{"id", w.other.user}});
  EXPECT_FALSE(principal_of(w.log.s, w.other.user));
  EXPECT_TRUE(w.log.s.users.get(w.other.user)->disabled);
  auto again = decide(w.log.s, w.sec, command{"x", "user.disable", {{"id", w.other.user}}});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "conflict");
  auto missing = decide(w.log.s, w.sec, command{"x", "user.enable", {{"id", "nobody"}}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "not_found");

  auto copy = deserialize(std::string_view(serialize(w.log.s)));
  ASSERT_TRUE(copy);
  EXPECT_EQ(*copy, w.log.s);
  EXPECT_EQ(view_state(*copy, w.sec)["users"][w.other.user]["disabled"], true);

  w.log.must(w.sec, "user.enable", {{"id", w.other.user}});
  ASSERT_TRUE(principal_of(w.log.s, w.other.user));
  EXPECT_EQ(w.log.s.users.get(w.other.user)->version, 3);
}

}  // namespace
}  // namespace a4p::protocol::testing
