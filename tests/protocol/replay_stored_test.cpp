// detail::replay_stored (the DOM-free replay that state_at uses) against the reference path
// apply(s, decode_stored(bytes)): the same states on logs full of the hot events and their
// edge cases, and the same errors on malformed records.
#include <gtest/gtest.h>

#include "protocol/replay.hpp"
#include "protocol/snapshot.hpp"
#include "world.hpp"

namespace a4p::protocol::testing {
namespace {

using nlohmann::json;

void expect_same_replay(const test_log& log) {
  state via_dom, fused;
  for (const auto& b : log.stored) {
    auto e = decode_stored(b);
    ASSERT_TRUE(e) << e.error().message;
    apply(via_dom, std::move(*e));
    auto done = detail::replay_stored(fused, b);
    ASSERT_TRUE(done) << done.error().message;
    ASSERT_EQ(serialize(fused), serialize(via_dom)) << b;
  }
  EXPECT_EQ(fused, log.s);
}

TEST(ReplayStored, HotEventsAndTheirEdgeCasesMatchApply) {
  world w;
  auto& log = w.log;
  log.must(w.owner, "comment.post", {{"target", "pledge:P1"}, {"body", "on the pledge"}});
  log.must(w.other, "comment.post",
           {{"target", "discussion:D1"}, {"body", "a reply \"quoted\" é ✓"}, {"reply_to", "C1"}});
  log.must(w.owner, "comment.post", {{"target", "discussion:D2"}, {"body", "restricted"}});
  log.must(w.owner, "comment.edit", {{"id", "C1"}, {"body", "edited body, longer than SSO"}});
  log.must(w.other, "comment.edit", {{"id", "C4"}, {"body", "x"}});
  log.must(w.sec, "comment.restore", {{"id", "C2"}});
  log.must(w.g10, "opinion.give",
           {{"target", "pledge:P1"}, {"position", "support"}, {"text", "good"}});
  log.must(w.g10, "opinion.give",
           {{"target", "pledge:P1"}, {"position", "object"}, {"text", "changed our mind"}});
  log.must(w.g10, "opinion.give",
           {{"target", "discussion:D1"}, {"position", "concerns"}, {"text", "hmm"}});
  log.must(w.owner, "pledge.report",
           {{"id", "P1"}, {"status", "on_track"}, {"progress", 10}, {"note", ""}});
  log.must(w.owner, "pledge.report",
           {{"id", "P1"},
            {"status", "delayed"},
            {"progress", 35},
            {"note", "a longer note about the delay"},
            {"round", "R1"},
            {"evidence", {"https://example.org/a", "https://example.org/b/very/long/path"}},
            {"impact_note", "impact"},
            {"attribution",
             {{"statement", "we did it"}, {"preexisting", true}, {"confidence", "high"}}}});
  log.must(w.owner, "pledge.update",
           {{"id", "P1"}, {"base_version", 1}, {"changes", {{"title", "Train more"}}}});
  log.must(w.sec, "round.close", {{"id", "R1"}});
  log.must(w.owner, "pledge.report",
           {{"id", "P1"}, {"status", "done"}, {"progress", 100}, {"note", "done"}});
  expect_same_replay(log);
}

TEST(ReplayStored, UnknownEventsAndOddDataMatchApply) {
  test_log log;
  // Events that decide() never writes, but a log from another version might hold.
  auto add = [&](std::string name, json data) {
    log.append(system_principal(), {draft{std::move(name), "x:y", std::move(data)}});
  };
  add("comment.posted", {{"id", "C7"}, {"target", "pledge:P9"}, {"body", 5}, {"extra", {1, 2}}});
  add("comment.edited", {{"id", "C7"}});
  add("comment.edited", {{"id", "C404"}, {"body", "nobody"}});
  add("opinion.given", {{"id", "UN:pledge:P9"}, {"text", nullptr}, {"position", "support"}});
  add("pledge.progress_reported", {{"id", "P404"}, {"status", "done"}});
  add("pledge.progress_reported", {{"id", 1}});
  add("no.such_event", {{"id", "Z1"}});
  add("comment.posted", json::object());
  expect_same_replay(log);
}

TEST(ReplayStored, MalformedRecordsGiveDecodeStoredsErrorAndChangeNothing) {
  world w;
  const std::string good = w.log.stored.back();
  std::vector<std::string> bad = {
      "", "{}", "not json", good.substr(0, good.size() - 1), good + "x",
  };
  auto replace = [&](std::string from, std::string to) {
    std::string s = good;
    auto at = s.find(from);
    if (at != std::string::npos) s.replace(at, from.size(), to);
    bad.push_back(s);
  };
  replace("\"data\":{", "\"data\":{\"id\":\"C9\",");      // duplicate key in data
  replace("\"data\":{", "\"data\":[{");                   // not an object
  replace("\"data\":{", "\"data\":{\"n\":1.5,");          // a float
  replace("\"data\":{", "\"data\":{\"s\":\"\\ud800\",");  // a lone surrogate
  replace("\"actor\":{", "\"actor\":{\"org\":\"X\",");    // duplicate key in actor
  replace("\"actor\":{", "\"actor\":{\"user\":1,");       // duplicate, not a string
  replace("\"seq\":", "\"seq\":-");
  for (const auto& b : bad) {
    state s = w.log.s;
    auto reference = decode_stored(b);
    auto done = detail::replay_stored(s, b);
    ASSERT_FALSE(reference) << b;
    ASSERT_FALSE(done) << b;
    EXPECT_EQ(done.error().code, reference.error().code) << b;
    EXPECT_EQ(done.error().message, reference.error().message) << b;
    EXPECT_EQ(done.error().field, reference.error().field) << b;
    EXPECT_EQ(s, w.log.s) << b;
  }
}

}  // namespace
}  // namespace a4p::protocol::testing
