// A small, fixed workspace for the table-driven tests: orgs, users in every role, and one of
// each entity, all in theme "politics".
//
//   NOR  member_state, owns pledge P1, author of comments C1 (visible) and C2 (hidden)
//   KEN  member_state, no special standing ("a member of another org")
//   CAN  champion of politics, convened D1 (open) and D2 (restricted, invitees [NOR])
//   USA  champion of performance ("champion of another theme")
//   BGD  in group G10
//   UN   the Secretariat (un.sec) and an auditor (un.auditor)
#pragma once

#include <string>

#include "protocol/history.hpp"
#include "protocol/visibility.hpp"
#include "test_log.hpp"

namespace a4p::protocol::testing {

struct world {
  test_log log;
  principal sec{"un.sec", "UN", role::secretariat};
  principal owner{"nor.delegate", "NOR", role::member};
  principal other{"ken.delegate", "KEN", role::member};
  principal champ{"can.delegate", "CAN", role::member};
  principal champ_other{"usa.delegate", "USA", role::member};
  principal g10{"bgd.delegate", "BGD", role::member};
  principal auditor{"un.auditor", "UN", role::auditor};

  world() {
    using nlohmann::json;
    auto sys = system_principal();
    auto org = [&](const char* id, json groups) {
      log.must(sys, "org.add",
               {{"id", id},
                {"name", std::string("Org ") + id},
                {"kind", "member_state"},
                {"region", "WEOG"},
                {"groups", groups}});
    };
    org("NOR", json::array());
    org("KEN", json::array());
    org("CAN", json::array());
    org("USA", json::array());
    org("BGD", json::array({"G10"}));
    for (const principal* p : {&sec, &owner, &other, &champ, &champ_other, &g10, &auditor})
      log.must(sys, "user.add",
               {{"id", p->user}, {"name", p->user}, {"org", p->org}, {"role", to_string(p->r)}});
    log.must(sys, "champion.assign", {{"org", "CAN"}, {"theme", "politics"}});
    log.must(sys, "champion.assign", {{"org", "USA"}, {"theme", "performance"}});
    log.must(sec, "commitment.add",
             {{"theme", "politics"},
              {"number", 1},
              {"title", "Political primacy"},
              {"responsibility", "shared"}});
    log.must(sec, "gap.add", {{"theme", "politics"}, {"title", "Mandates"}, {"description", "d"}});
    log.must(sec, "action.add",
             {{"theme", "politics"}, {"title", "Workshop"}, {"kind", "concrete"}});
    log.must(sec, "round.open", {{"name", "2026 Q1"}, {"closes", "2026-03-31"}});
    log.must(owner, "pledge.create",
             {{"theme", "politics"},
              {"title", "Train mediators"},
              {"description", "d"},
              {"output", {{"indicator", "people trained"}, {"target", "100"}}}});
    log.must(champ, "discussion.convene",
             {{"theme", "politics"}, {"title", "Open"}, {"agenda", "a"}, {"visibility", "open"}});
    log.must(champ, "discussion.convene",
             {{"theme", "politics"},
              {"title", "Closed door"},
              {"agenda", "a"},
              {"visibility", "restricted"},
              {"invitees", {"NOR"}}});
    log.must(owner, "comment.post", {{"target", "discussion:D1"}, {"body", "first"}});
    log.must(owner, "comment.post", {{"target", "discussion:D1"}, {"body", "rude words"}});
    log.must(sec, "comment.hide", {{"id", "C2"}, {"reason", "conduct"}});
  }
};

// After a past point: a comment posted on D1 and hidden (C3), another restricted discussion
// (NOR invited). For views of an older state judged by the rules of now.
inline void later_acts(world& w) {
  w.log.must(w.owner, "comment.post", {{"target", "discussion:D1"}, {"body", "later"}});
  w.log.must(w.sec, "comment.hide", {{"id", "C3"}, {"reason", "conduct"}});
  w.log.must(w.champ, "discussion.convene",
             {{"theme", "politics"},
              {"title", "Later"},
              {"agenda", "c"},
              {"visibility", "restricted"},
              {"invitees", {"NOR"}}});
}

}  // namespace a4p::protocol::testing
