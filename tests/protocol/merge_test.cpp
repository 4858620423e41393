// Concurrent edits: base_version merges of non-overlapping fields, conflicts on overlap.
#include <gtest/gtest.h>

#include "world.hpp"

namespace a4p::protocol::testing {
namespace {

using nlohmann::json;

json update(const char* id, std::int64_t base, json changes) {
  return {{"id", id}, {"base_version", base}, {"changes", std::move(changes)}};
}

TEST(Merge, DisjointFieldsFromTheSameBaseBothApply) {
  world w;
  auto a = w.log.run(w.owner, "pledge.update", update("P1", 1, {{"title", "Train 200 mediators"}}));
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->result["version"], 2);
  auto b = w.log.run(w.owner, "pledge.update", update("P1", 1, {{"description", "with AU"}}));
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->result["version"], 3);
  const auto& p = w.log.s.pledges.at("P1");
  EXPECT_EQ(p.title, "Train 200 mediators");
  EXPECT_EQ(p.description, "with AU");
  EXPECT_EQ(p.version, 3);
  EXPECT_EQ(w.log.events.back().data["version"], 3);
}

TEST(Merge, OverlappingFieldIsAConflictWithTheCurrentEntity) {
  world w;
  ASSERT_TRUE(w.log.run(w.owner, "pledge.update",
                        update("P1", 1, {{"title", "A"}, {"due", "2027-01-31"}})));
  std::size_t events_before = w.log.events.size();
  auto c =
      w.log.run(w.owner, "pledge.update", update("P1", 1, {{"title", "B"}, {"description", "x"}}));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "conflict");
  EXPECT_EQ(c.error().details["current"]["title"], "A");
  EXPECT_EQ(c.error().details["current"]["version"], 2);
  EXPECT_EQ(c.error().details["current"]["due"], "2027-01-31");
  EXPECT_EQ(c.error().details["fields"], json({"title"}));
  EXPECT_EQ(w.log.events.size(), events_before);  // nothing appended
  EXPECT_EQ(w.log.s.pledges.at("P1").description, "d");
  // Editing from the current version succeeds.
  auto d = w.log.run(w.owner, "pledge.update", update("P1", 2, {{"title", "B"}}));
  ASSERT_TRUE(d);
  EXPECT_EQ(w.log.s.pledges.at("P1").title, "B");
}

TEST(Merge, AFieldChangedAtBaseVersionDoesNotConflict) {
  world w;
  ASSERT_TRUE(w.log.run(w.owner, "pledge.update", update("P1", 1, {{"title", "A"}})));         // v2
  ASSERT_TRUE(w.log.run(w.owner, "pledge.update", update("P1", 2, {{"due", "2027-05-01"}})));  // v3
  // The editor saw v2 (title already "A"): changing the title again is fine.
  auto r = w.log.run(w.owner, "pledge.update", update("P1", 2, {{"title", "C"}}));
  ASSERT_TRUE(r) << r.error().message;
  // But from v1 the title overlaps.
  auto s = w.log.run(w.owner, "pledge.update", update("P1", 1, {{"title", "D"}}));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "conflict");
}

TEST(Merge, FutureBaseVersionIsABadRequest) {
  world w;
  auto r = w.log.run(w.owner, "pledge.update", update("P1", 5, {{"title", "A"}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "bad_request");
  EXPECT_EQ(r.error().details["field"], "base_version");
}

TEST(Merge, ActionsGapsAndCommitmentsMergeTheSameWay) {
  world w;
  ASSERT_TRUE(w.log.run(w.champ, "action.update", update("A1", 1, {{"title", "Workshop 2"}})));
  ASSERT_TRUE(
      w.log.run(w.sec, "action.update", update("A1", 1, {{"due", "2026-09-01"}, {"gap", "G1"}})));
  auto x = w.log.run(w.sec, "action.update", update("A1", 1, {{"title", "Other"}}));
  ASSERT_FALSE(x);
  EXPECT_EQ(x.error().code, "conflict");
  EXPECT_EQ(x.error().details["current"]["gap"], "G1");
  EXPECT_EQ(w.log.s.actions.at("A1").version, 3);

  ASSERT_TRUE(w.log.run(w.sec, "gap.update", update("G1", 1, {{"title", "Mandates 2"}})));
  auto g = w.log.run(w.sec, "gap.update", update("G1", 1, {{"title", "Mandates 3"}}));
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().code, "conflict");

  ASSERT_TRUE(w.log.run(w.sec, "commitment.update", update("CM1", 1, {{"number", 4}})));
  ASSERT_TRUE(w.log.run(w.sec, "commitment.update", update("CM1", 1, {{"title", "Primacy"}})));
  EXPECT_EQ(w.log.s.commitments.at("CM1").number, 4);
  EXPECT_EQ(w.log.s.commitments.at("CM1").title, "Primacy");
  EXPECT_EQ(w.log.s.commitments.at("CM1").version, 3);
}

TEST(Merge, ClearingAnOptionalFieldWithNull) {
  world w;
  ASSERT_TRUE(w.log.run(w.owner, "pledge.update", update("P1", 1, {{"due", "2026-12-31"}})));
  ASSERT_TRUE(w.log.run(w.owner, "pledge.update", update("P1", 2, {{"due", nullptr}})));
  EXPECT_EQ(w.log.s.pledges.at("P1").due, "");
  EXPECT_TRUE(view_entity(w.log.s, w.owner, "pledge:P1")["due"].is_null());
}

TEST(Decide, IdsComeFromCountersSoPipelinedDecisionsDoNotCollide) {
  world w;
  json args = {{"theme", "politics"},
               {"title", "T"},
               {"description", "D"},
               {"output", {{"indicator", "i"}, {"target", "t"}}}};
  auto a = w.log.run(w.owner, "pledge.create", args);
  auto b = w.log.run(w.other, "pledge.create", args);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->result["id"], "P2");
  EXPECT_EQ(b->result["id"], "P3");
  EXPECT_EQ(w.log.s.pledges.at("P3").org, "KEN");
}

TEST(History, FieldLevelChangesOfOneEntity) {
  world w;
  ASSERT_TRUE(w.log.run(w.owner, "pledge.update", update("P1", 1, {{"title", "New"}})));
  ASSERT_TRUE(w.log.run(w.other, "comment.post", {{"target", "pledge:P1"}, {"body", "nice"}}));
  state s;
  history_builder h("pledge:P1");
  for (const auto& e : w.log.events) ASSERT_TRUE(h.feed(s, e));
  EXPECT_EQ(s, w.log.s);
  ASSERT_EQ(h.entries().size(), 3u);
  EXPECT_EQ(h.entries()[0].ev.name, "pledge.created");
  EXPECT_EQ(h.entries()[0].changes["title"]["from"], nullptr);
  EXPECT_EQ(h.entries()[0].changes["title"]["to"], "Train mediators");
  EXPECT_EQ(h.entries()[1].changes["title"], json({{"from", "Train mediators"}, {"to", "New"}}));
  EXPECT_EQ(h.entries()[1].changes["version"], json({{"from", 1}, {"to", 2}}));
  EXPECT_EQ(h.entries()[2].ev.name, "comment.posted");  // touches its target too
  EXPECT_TRUE(h.entries()[2].changes.empty());
  EXPECT_EQ(entities_touched(h.entries()[2].ev),
            (std::vector<std::string>{"comment:C3", "pledge:P1"}));
}

TEST(History, AReportIsRecordedAsTheReportAddedNotTheWholeList) {
  world w;
  auto report = [&](int progress) {
    return w.log.run(w.owner, "pledge.report",
                     {{"id", "P1"}, {"status", "on_track"}, {"progress", progress}, {"note", "n"}});
  };
  ASSERT_TRUE(report(10));
  ASSERT_TRUE(report(20));
  state s;
  history_builder h("pledge:P1");
  for (const auto& e : w.log.events) ASSERT_TRUE(h.feed(s, e));
  ASSERT_EQ(h.entries().size(), 3u);
  EXPECT_FALSE(h.entries()[0].changes.contains("reports"));  // created with none
  for (std::size_t k : {1u, 2u}) {
    const auto& c = h.entries()[k].changes;
    ASSERT_TRUE(c.contains("reports")) << c.dump();
    ASSERT_EQ(c["reports"]["added"].size(), 1u) << c.dump();
    EXPECT_EQ(c["reports"]["added"][0]["seq"], h.entries()[k].ev.seq);
    EXPECT_EQ(c["reports"]["removed"], json::array());
    EXPECT_EQ(c["progress"], json({{"from", k == 1 ? 0 : 10}, {"to", k == 1 ? 10 : 20}}));
  }
}

TEST(History, ListValuedFieldsRecordTheItemsAddedAndRemoved) {
  auto c = field_changes({{"groups", {"G10", "P5"}}, {"name", "A"}},
                         {{"groups", {"P5", "AU", "AU"}}, {"name", "A"}});
  EXPECT_EQ(c, json({{"groups", {{"added", {"AU", "AU"}}, {"removed", {"G10"}}}}}));
  // A list that appears (entity created) is all added; scalars keep {from, to}.
  c = field_changes(nullptr, {{"invitees", {"BGD"}}, {"title", "T"}});
  EXPECT_EQ(c["invitees"], json({{"added", {"BGD"}}, {"removed", json::array()}}));
  EXPECT_EQ(c["title"], json({{"from", nullptr}, {"to", "T"}}));
}

}  // namespace
}  // namespace a4p::protocol::testing
