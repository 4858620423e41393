// The public projection (protocol/public_view.hpp, decision 0208): only published pledges,
// never a user, a discussion, a comment or an opinion; switches per category; every record
// stamped with the seq and hash of its event; one event's projection agrees with the state's.
#include <gtest/gtest.h>

#include <string>

#include "protocol/json_codec.hpp"
#include "protocol/public_view.hpp"
#include "protocol/snapshot.hpp"
#include "world.hpp"

namespace a4p::protocol::testing {
namespace {

using nlohmann::json;

public_stamps stamps_of(const test_log& log) {
  public_stamps st;
  for (const auto& e : log.events) st.feed(e);
  return st;
}

json pub(const world& w) {
  return public_state(w.log.s, stamps_of(w.log));
}

// Nothing of the world's users, discussions, comments and opinions appears anywhere.
void expect_nothing_private(const std::string& text) {
  for (const char* secret : {"nor.delegate", "ken.delegate", "can.delegate", "un.sec", "rude words",
                             "first", "discussion:", "D1", "D2", "\"by\"", "opinion", "comment"})
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in " << text.substr(0, 400);
}

// The aggregate counts: pledges by status, organisations pledging, reports in all and per
// round by status (a round with none has zeros; a report outside a round counts only in all).
TEST(PublicView, CountsTallyEveryPledgeAndEveryReportByRound) {
  world w;
  w.log.must(w.sec, "round.open", {{"name", "2026 Q2"}, {"closes", "2026-06-30"}});
  w.log.must(w.sec, "round.open", {{"name", "2026 Q3"}, {"closes", "2026-09-30"}});
  w.log.must(w.other, "pledge.create",
             {{"theme", "politics"},
              {"title", "Second"},
              {"description", "d"},
              {"output", {{"indicator", "i"}, {"target", "1"}}}});
  auto report = [&](const principal& who, const char* id, const char* status, json round) {
    json a = {{"id", id}, {"status", status}, {"progress", 10}, {"note", "n"}};
    if (!round.is_null()) a["round"] = round;
    w.log.must(who, "pledge.report", a);
  };
  report(w.owner, "P1", "on_track", "R1");
  report(w.owner, "P1", "delayed", "R1");
  report(w.owner, "P1", "delayed", "R2");
  report(w.other, "P2", "done", "R1");
  report(w.other, "P2", "on_track", nullptr);
  const json c = pub(w)["counts"];
  EXPECT_EQ(c["pledges"], 2);
  EXPECT_EQ(c["organisations_pledging"], 2);
  EXPECT_EQ(c["reports"], 5);
  EXPECT_EQ(c["by_status"], (json{{"planned", 0},
                                  {"on_track", 1},
                                  {"delayed", 1},
                                  {"done", 0},
                                  {"dropped", 0}}));  // each pledge's last status
  auto zero = json{{"planned", 0}, {"on_track", 0}, {"delayed", 0}, {"done", 0}, {"dropped", 0}};
  auto with = [&](std::initializer_list<std::pair<const char*, int>> n) {
    json j = zero;
    for (auto [k, v] : n) j[k] = v;
    return j;
  };
  ASSERT_EQ(c["rounds"].size(), 3u);
  EXPECT_EQ(c["rounds"][0],
            (json{{"round", "R1"},
                  {"name", "2026 Q1"},
                  {"reports", 3},
                  {"by_status", with({{"on_track", 1}, {"delayed", 1}, {"done", 1}})}}));
  EXPECT_EQ(c["rounds"][1], (json{{"round", "R2"},
                                  {"name", "2026 Q2"},
                                  {"reports", 1},
                                  {"by_status", with({{"delayed", 1}})}}));
  EXPECT_EQ(c["rounds"][2],
            (json{{"round", "R3"}, {"name", "2026 Q3"}, {"reports", 0}, {"by_status", zero}}));
}

TEST(PublicView, OnlyPublishedPledgesAndNothingPrivate) {
  world w;
  w.log.must(w.owner, "pledge.report",
             {{"id", "P1"}, {"status", "on_track"}, {"progress", 30}, {"note", "halfway"}});
  w.log.must(w.g10, "opinion.give",
             {{"target", "pledge:P1"}, {"position", "support"}, {"text", "opinion text"}});
  json before = pub(w);
  EXPECT_TRUE(before["pledges"].empty());
  EXPECT_EQ(before["counts"]["pledges"], 1);  // aggregate counts: all pledges
  expect_nothing_private(before.dump());

  w.log.must(w.owner, "pledge.publish", {{"id", "P1"}});
  json after = pub(w);
  ASSERT_EQ(after["pledges"].size(), 1u);
  const json& p = after["pledges"][0];
  EXPECT_EQ(p["id"], "P1");
  EXPECT_EQ(p["seq"], w.log.s.seq());  // the publication is its last event
  EXPECT_EQ(p["hash"], w.log.events.back().hash);
  ASSERT_EQ(p["reports"].size(), 1u);
  EXPECT_EQ(p["reports"][0]["note"], "halfway");
  EXPECT_FALSE(p["reports"][0]["hash"].get<std::string>().empty());
  expect_nothing_private(after.dump());

  w.log.must(w.owner, "pledge.withdraw_publication", {{"id", "P1"}});
  EXPECT_TRUE(pub(w)["pledges"].empty());
}

TEST(PublicView, OnlyTheOwningOrganisationPublishes) {
  world w;
  EXPECT_EQ(w.log.run(w.other, "pledge.publish", {{"id", "P1"}}).error().code, "forbidden");
  EXPECT_EQ(w.log.run(w.sec, "pledge.publish", {{"id", "P1"}}).error().code, "forbidden");
  EXPECT_EQ(w.log.run(w.owner, "pledge.publish", {{"id", "P9"}}).error().code, "not_found");
  EXPECT_EQ(w.log.run(w.owner, "pledge.withdraw_publication", {{"id", "P1"}}).error().code,
            "conflict");
  // The Secretariat publishes its own deliverables: the pledges of org UN.
  std::string id = w.log.must(w.sec, "pledge.create",
                              {{"theme", "politics"},
                               {"title", "Darfur transition plan"},
                               {"description", "d"},
                               {"output", {{"indicator", "plan"}, {"target", "adopted"}}}});
  w.log.must(w.sec, "pledge.publish", {{"id", id}});
  EXPECT_EQ(w.log.run(w.owner, "pledge.withdraw_publication", {{"id", id}}).error().code,
            "forbidden");
  EXPECT_EQ(pub(w)["pledges"][0]["org"], "UN");
}

TEST(PublicView, TheSecretariatSwitchesCategoriesOff) {
  world w;
  json on = pub(w);
  EXPECT_FALSE(on["gaps"].empty());
  EXPECT_FALSE(on["themes"][0]["champions"].is_null());
  EXPECT_EQ(w.log.run(w.owner, "public.configure", {{"category", "gaps"}, {"public", false}})
                .error()
                .code,
            "forbidden");
  EXPECT_EQ(w.log.run(w.sec, "public.configure", {{"category", "discussions"}, {"public", true}})
                .error()
                .code,
            "bad_request");
  for (const char* c : {"gaps", "actions", "counts", "champions"})
    w.log.must(w.sec, "public.configure", {{"category", c}, {"public", false}});
  json off = pub(w);
  EXPECT_TRUE(off["gaps"].empty());
  EXPECT_TRUE(off["actions"].empty());
  EXPECT_TRUE(off["counts"].is_null());
  EXPECT_FALSE(off["themes"][0].contains("champions"));
  EXPECT_EQ(off["categories"]["gaps"], false);
  EXPECT_EQ(off["categories"]["themes"], true);
  EXPECT_EQ(
      w.log.run(w.sec, "public.configure", {{"category", "gaps"}, {"public", false}}).error().code,
      "conflict");
  // The switches survive a snapshot round trip.
  auto back = deserialize(serialize(w.log.s));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->public_off, w.log.s.public_off);
  EXPECT_EQ(*back, w.log.s);
}

TEST(PublicView, EachEventProjectsOnceAndAgreesWithTheState) {
  world w;
  public_stamps st;
  for (const auto& e : w.log.events) st.feed(e);
  auto step = [&](const principal& p, const char* name, json args) {
    w.log.must(p, name, std::move(args));
    st.feed(w.log.events.back());
    return public_event(w.log.s, w.log.events.back(), st);
  };
  auto c = step(w.owner, "comment.post", {{"target", "pledge:P1"}, {"body", "secret comment"}});
  EXPECT_FALSE(c.has_value());
  auto r =
      step(w.owner, "pledge.report",
           {{"id", "P1"}, {"status", "delayed"}, {"progress", 5}, {"note", "unpublished report"}});
  ASSERT_TRUE(r.has_value());  // the counts changed, the pledge itself stays hidden
  EXPECT_TRUE((*r)["changes"].empty());
  EXPECT_EQ(r->dump().find("unpublished report"), std::string::npos);
  auto p = step(w.owner, "pledge.publish", {{"id", "P1"}});
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ((*p)["changes"].size(), 1u);
  EXPECT_EQ((*p)["changes"][0]["record"], public_state(w.log.s, st)["pledges"][0]);
  // Once published, a report travels alone with the fields it moved, not the record: those
  // fields and the report are exactly what the whole projection then holds.
  auto rep = step(w.owner, "pledge.report",
                  {{"id", "P1"}, {"status", "done"}, {"progress", 100}, {"note", "finished"}});
  ASSERT_TRUE(rep.has_value());
  const json& ch = (*rep)["changes"][0];
  EXPECT_FALSE(ch.contains("record"));
  const json now = public_state(w.log.s, st)["pledges"][0];
  ASSERT_EQ(ch["fields"].size(), 6u) << ch.dump();
  for (const auto& [k, v] : ch["fields"].items()) EXPECT_EQ(v, now[k]) << k;
  EXPECT_EQ(ch["fields"]["status"], "done");
  EXPECT_EQ(ch["report"], now["reports"].back());
  EXPECT_EQ(ch["report"]["note"], "finished");
  EXPECT_EQ(ch["report"]["seq"], w.log.s.seq());
  EXPECT_FALSE(ch["report"].contains("by"));
  auto u = step(w.owner, "pledge.withdraw_publication", {{"id", "P1"}});
  ASSERT_TRUE(u.has_value());
  EXPECT_TRUE((*u)["changes"][0]["record"].is_null());
  auto d = step(w.champ, "discussion.convene",
                {{"theme", "politics"}, {"title", "T"}, {"agenda", "A"}, {"visibility", "open"}});
  EXPECT_FALSE(d.has_value());
  auto cfg = step(w.sec, "public.configure", {{"category", "rounds"}, {"public", false}});
  ASSERT_TRUE(cfg.has_value());
  EXPECT_EQ((*cfg)["reload"], true);
}

}  // namespace
}  // namespace a4p::protocol::testing
