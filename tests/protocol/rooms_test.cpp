// Rooms and the light snapshot (issue 18): the per-target comment index, the skeleton, and
// pages that show exactly what the full view and the live feed show each reader.
#include <gtest/gtest.h>

#include "protocol/messages.hpp"
#include "protocol/rooms.hpp"
#include "protocol/snapshot.hpp"
#include "world.hpp"

namespace a4p::protocol::testing {
namespace {

using nlohmann::json;

// Comments C3.. on P1 (20 of them), interleaved with comments on D1 and reports on P1.
void busy_pledge(world& w) {
  for (int i = 0; i < 20; ++i) {
    w.log.must(w.other, "comment.post",
               {{"target", "pledge:P1"}, {"body", "on the pledge " + std::to_string(i)}});
    if (i % 5 == 0)
      w.log.must(w.champ, "comment.post", {{"target", "discussion:D1"}, {"body", "x"}});
    if (i % 4 == 0)
      w.log.must(w.owner, "pledge.report",
                 {{"id", "P1"}, {"status", "on_track"}, {"progress", i}, {"note", "n"}});
  }
}

// Every page from the latest back to the first, joined oldest first.
json all_pages(const state& s, const viewer& v, std::string_view room, std::size_t limit) {
  json out = json::array();
  std::optional<std::uint64_t> before;
  std::vector<json> pages;
  for (int guard = 0; guard < 1000; ++guard) {
    auto p = page_comments(s, v, room, before, limit);
    EXPECT_TRUE(p);
    if (!p) break;
    pages.push_back(p->items);
    if (!p->before) break;
    before = p->before;
  }
  for (auto it = pages.rbegin(); it != pages.rend(); ++it)
    for (const auto& c : *it) out.push_back(c);
  return out;
}

TEST(Rooms, PagesBackToTheFirstCommentWithNoGapOrDuplicate) {
  world w;
  busy_pledge(w);
  viewer v = w.other;
  json full = view_state(w.log.s, v);
  json expected = json::array();
  for (const auto& [id, c] : full["comments"].items())
    if (c["target"] == "pledge:P1") expected.push_back(c);
  std::sort(expected.begin(), expected.end(), [](const json& a, const json& b) {
    return std::stoi(a["id"].get<std::string>().substr(1)) <
           std::stoi(b["id"].get<std::string>().substr(1));
  });
  ASSERT_EQ(expected.size(), 20u);
  for (std::size_t limit : {1u, 3u, 7u, 20u, 50u})
    EXPECT_EQ(all_pages(w.log.s, v, "pledge:P1", limit), expected);
  // The latest page first; its cursor is the seq of its oldest comment's comment.posted.
  auto p = page_comments(w.log.s, v, "pledge:P1", std::nullopt, 5);
  ASSERT_TRUE(p);
  ASSERT_EQ(p->items.size(), 5u);
  EXPECT_EQ(p->items.back(), expected.back());
  const std::string oldest = p->items.front()["id"];
  EXPECT_EQ(p->before, w.log.s.comments.at(oldest).seq);
  for (const auto& e : w.log.events)
    if (e.entity == "comment:" + oldest && e.name == "comment.posted") {
      EXPECT_EQ(*p->before, e.seq);
    }
}

TEST(Rooms, HiddenCommentInAPageIsRedactedExactlyAsInTheFullViewAndTheLiveEvent) {
  world w;
  busy_pledge(w);
  w.log.must(w.sec, "comment.hide", {{"id", "C8"}, {"reason", "conduct"}});
  for (const principal* p : {&w.owner, &w.other, &w.g10, &w.sec, &w.auditor}) {
    viewer v = *p;
    json full = view_state(w.log.s, v);
    json paged = all_pages(w.log.s, v, "pledge:P1", 4);
    bool seen = false;
    for (const auto& c : paged) {
      EXPECT_EQ(c, full["comments"][c["id"].get<std::string>()]);
      if (c["id"] == "C8") {
        seen = true;
        EXPECT_EQ(c.contains("body"), privileged(v));
        EXPECT_EQ(c.contains("redacted"), !privileged(v));
      }
    }
    EXPECT_TRUE(seen);
    // The live event of that comment shows the same: no body unless privileged.
    for (const auto& e : w.log.events)
      if (e.entity == "comment:C8" && e.name == "comment.posted") {
        EXPECT_EQ(view_event(w.log.s, v, e)["data"].contains("body"), privileged(v));
      }
  }
  // D1's thread in the world: C2 is hidden, so the count leaves it out.
  EXPECT_EQ(thread_json(w.log.s, "pledge:P1")["count"], 19);
  w.log.must(w.sec, "comment.restore", {{"id", "C8"}});
  EXPECT_EQ(thread_json(w.log.s, "pledge:P1")["count"], 20);
}

TEST(Rooms, RestrictedDiscussionIsNoRoomForThoseWhoMayNotSeeIt) {
  world w;
  w.log.must(w.owner, "comment.post", {{"target", "discussion:D2"}, {"body", "secret"}});
  EXPECT_FALSE(page_comments(w.log.s, w.other, "discussion:D2", std::nullopt, 50));
  EXPECT_FALSE(room_visible(w.log.s, w.other, "discussion:D2"));
  EXPECT_FALSE(view_light_state(w.log.s, w.other)["discussions"].contains("D2"));
  for (const principal* p : {&w.owner, &w.champ, &w.sec, &w.auditor}) {
    auto page = page_comments(w.log.s, *p, "discussion:D2", std::nullopt, 50);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->items.size(), 1u);
    EXPECT_EQ(view_light_state(w.log.s, *p)["discussions"]["D2"]["thread"]["count"], 1);
  }
  EXPECT_FALSE(page_comments(w.log.s, w.sec, "discussion:D99", std::nullopt, 50));
  EXPECT_FALSE(page_comments(w.log.s, w.sec, "theme:politics", std::nullopt, 50));
  EXPECT_FALSE(page_reports(w.log.s, w.sec, "discussion:D1", std::nullopt, 50));
}

TEST(Rooms, LightStateIsTheFullViewWithoutBodiesAndWithThreads) {
  world w;
  busy_pledge(w);
  for (const principal* p : {&w.other, &w.sec}) {
    json full = view_state(w.log.s, *p);
    json light = view_light_state(w.log.s, *p);
    EXPECT_EQ(light["comments"], json::object());
    EXPECT_EQ(light.dump().find("on the pledge"), std::string::npos);
    const auto& pl = light["pledges"]["P1"];
    EXPECT_EQ(pl["report_count"], full["pledges"]["P1"]["reports"].size());
    ASSERT_EQ(pl["reports"].size(), 1u);
    // The thin skeleton (decision 0212): the latest report without its texts.
    json latest = full["pledges"]["P1"]["reports"].back();
    latest["has_impact_note"] = latest["impact_note"].is_string() && latest["impact_note"] != "";
    for (const char* k : {"note", "evidence", "impact_note"}) latest.erase(k);
    if (latest["attribution"].is_object()) latest["attribution"].erase("statement");
    EXPECT_EQ(pl["reports"][0], latest);
    EXPECT_FALSE(pl.contains("description"));
    EXPECT_FALSE(light["discussions"]["D1"].contains("agenda"));
    EXPECT_FALSE(light["discussions"]["D1"].contains("outcome"));
    EXPECT_EQ(light["discussions"]["D1"]["has_outcome"], false);
    EXPECT_FALSE(light["gaps"]["G1"].contains("description"));
    EXPECT_EQ(light["opinions"], json::object());
    // Every pledge, discussion and action is room_entity() less exactly those cuts.
    for (const auto& [id, x] : light["pledges"].items()) {
      json e = room_entity(w.log.s, "pledge:" + id);
      for (const auto& [k, v] : e.items())
        if (k != "description" && k != "reports") {
          EXPECT_EQ(x[k], v) << id << " " << k;
        }
    }
    EXPECT_EQ(pl["thread"]["count"], 20);
    EXPECT_EQ(light["actions"]["A1"]["thread"],
              json({{"count", 0}, {"last_seq", 0}, {"last_ts", ""}}));
    EXPECT_EQ(light["discussions"]["D1"]["thread"]["count"], 1 + 4);  // C1 and four; C2 hidden
    // Everything else as the full view.
    for (const char* k : {"themes", "commitments", "orgs", "users", "rounds", "champions", "seq"})
      EXPECT_EQ(light[k], full[k]) << k;
    for (const auto& [id, g] : full["gaps"].items()) {
      json thin = g;
      thin.erase("description");
      EXPECT_EQ(light["gaps"][id], thin) << id;
    }
  }
  // The pledge's thread: the latest comment.posted on it.
  const comment* newest = nullptr;
  for (const auto& c : w.log.s.comments.rows())
    if (c.target == "pledge:P1") newest = &c;
  ASSERT_TRUE(newest);
  json t = thread_json(w.log.s, "pledge:P1");
  EXPECT_EQ(t["last_seq"], newest->seq);
  EXPECT_EQ(t["last_ts"], std::string(newest->ts));
}

TEST(Rooms, ReportPagesGoBackToTheFirstReport) {
  world w;
  busy_pledge(w);
  const auto& reports = w.log.s.pledges.at("P1").reports;
  ASSERT_EQ(reports.size(), 5u);
  auto p = page_reports(w.log.s, w.other, "pledge:P1", std::nullopt, 2);
  ASSERT_TRUE(p);
  ASSERT_EQ(p->items.size(), 2u);
  EXPECT_EQ(p->items[1]["seq"], reports[4].seq);
  EXPECT_EQ(p->before, reports[3].seq);
  auto q = page_reports(w.log.s, w.other, "pledge:P1", p->before, 2);
  auto r = page_reports(w.log.s, w.other, "pledge:P1", q->before, 2);
  EXPECT_EQ(q->items[0]["seq"], reports[1].seq);
  ASSERT_EQ(r->items.size(), 1u);
  EXPECT_EQ(r->items[0]["seq"], reports[0].seq);
  EXPECT_FALSE(r->before);
}

// Every field the skeleton drops comes with the room: a first page carries the target as the
// full state shows it (a pledge's reports paged as before) and the opinions on it.
TEST(Rooms, AFirstPageCarriesTheEntityAndItsOpinionsALaterPageDoesNot) {
  world w;
  busy_pledge(w);
  w.log.must(w.g10, "opinion.give",
             {{"target", "pledge:P1"}, {"position", "concerns"}, {"text", "why"}});
  w.log.must(w.g10, "opinion.give",
             {{"target", "discussion:D1"}, {"position", "support"}, {"text", "yes"}});
  for (const principal* p : {&w.other, &w.owner, &w.sec}) {
    const json full = view_state(w.log.s, *p);
    auto first = answer_page(w.log.s, w.log.s, *p, page_request{"pledge:P1", {}, {}, 5}, true);
    ASSERT_TRUE(first);
    ASSERT_TRUE(first->entity && first->opinions);
    json expected = full["pledges"]["P1"];
    const json reports = expected["reports"];
    expected["reports"] = json::array({reports.back()});
    expected["report_count"] = reports.size();
    expected["thread"] = thread_json(w.log.s, "pledge:P1");
    EXPECT_EQ(*first->entity, expected);
    EXPECT_EQ(*first->opinions, json::array({full["opinions"]["BGD:pledge:P1"]}));
    const json msg = json::parse(page_message(*first));
    EXPECT_EQ(msg["entity"], expected);
    EXPECT_EQ(msg["opinions"].size(), 1u);
    // A later page repeats neither.
    auto later =
        answer_page(w.log.s, w.log.s, *p, page_request{"pledge:P1", first->before, {}, 5}, false);
    ASSERT_TRUE(later);
    EXPECT_FALSE(later->entity || later->opinions);
    EXPECT_FALSE(json::parse(page_message(*later)).contains("entity"));
    // A discussion and an action: the full state's object and its thread.
    auto d = answer_page(w.log.s, w.log.s, *p, page_request{"discussion:D1", {}, {}, {}}, true);
    ASSERT_TRUE(d);
    json dx = full["discussions"]["D1"];
    dx["thread"] = thread_json(w.log.s, "discussion:D1");
    EXPECT_EQ(*d->entity, dx);
    EXPECT_EQ(*d->opinions, json::array({full["opinions"]["BGD:discussion:D1"]}));
    auto a = answer_page(w.log.s, w.log.s, *p, page_request{"action:A1", {}, {}, {}}, true);
    ASSERT_TRUE(a);
    EXPECT_EQ((*a->entity)["title"], full["actions"]["A1"]["title"]);
    EXPECT_EQ(*a->opinions, json::array());
  }
  // A restricted room the reader may not see: no entity, no page.
  EXPECT_FALSE(
      answer_page(w.log.s, w.log.s, w.other, page_request{"discussion:D2", {}, {}, {}}, true));
}

TEST(Rooms, TheIndexIsRebuiltFromASnapshotAndOlderFormatsAreNotUsedByStateAt) {
  world w;
  busy_pledge(w);
  auto bytes = serialize(w.log.s);
  EXPECT_EQ(snapshot_format(bytes), 5u);
  auto loaded = deserialize(bytes);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(serialize(*loaded), bytes);
  for (const char* room : {"pledge:P1", "discussion:D1", "discussion:D2", "action:A1"}) {
    EXPECT_EQ(thread_json(*loaded, room), thread_json(w.log.s, room)) << room;
    EXPECT_EQ(page_comments(*loaded, w.sec, room, std::nullopt, 7)->items,
              page_comments(w.log.s, w.sec, room, std::nullopt, 7)->items);
  }
  EXPECT_EQ(snapshot_format("nope"), 0u);
}

TEST(Rooms, MessagesParseAndBuild) {
  auto h = parse_client_message(R"({"type":"hello","view":"light","rooms":["pledge:P1"]})");
  ASSERT_TRUE(h);
  EXPECT_EQ(std::get<hello>(*h).view, "light");
  EXPECT_EQ(std::get<hello>(*h).rooms, std::vector<std::string>{"pledge:P1"});
  auto bad_view = parse_client_message(R"({"type":"hello","view":"thin"})");
  ASSERT_FALSE(bad_view);
  EXPECT_EQ(bad_view.error().field, "view");
  json many = json::array();
  for (int i = 0; i < 65; ++i) many.push_back("discussion:D" + std::to_string(i));
  auto too_many = parse_client_message(json{{"type", "hello"}, {"rooms", many}}.dump());
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().code, "too_large");
  auto j = parse_client_message(R"({"type":"join","room":"pledge:P1","limit":20})");
  ASSERT_TRUE(j);
  EXPECT_EQ(std::get<join>(*j).limit, 20u);
  EXPECT_FALSE(parse_client_message(R"({"type":"join","room":"pledge:P1","limit":201})"));
  auto p = parse_client_message(R"({"type":"page","room":"pledge:P1","before":9})");
  ASSERT_TRUE(p);
  EXPECT_EQ(std::get<page_request>(*p).before, 9u);
  EXPECT_FALSE(parse_client_message(R"({"type":"page","room":"pledge:P1"})"));
  EXPECT_FALSE(
      parse_client_message(R"({"type":"page","room":"pledge:P1","before":9,"reports_before":3})"));
  // A tick keeps the gap check: its prev and seq; canonical with prev first.
  std::string body =
      tick_body("discussion:D1", 12, {{"count", 3}, {"last_seq", 12}, {"last_ts", "t"}});
  EXPECT_EQ(
      tick_message(11, body),
      R"({"prev":11,"room":"discussion:D1","seq":12,"thread":{"count":3,"last_seq":12,"last_ts":"t"},"type":"tick"})");
  // A hello that did not ask gets the welcome it always got.
  welcome_user u{"a", "A", "NOR", {"member"}};
  EXPECT_EQ(welcome_message(u, "e", 1, "snapshot").find("view"), std::string::npos);
  EXPECT_NE(welcome_message(u, "e", 1, "snapshot", "light").find(R"("view":"light")"),
            std::string::npos);
}

}  // namespace
}  // namespace a4p::protocol::testing
