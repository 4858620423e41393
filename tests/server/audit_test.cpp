// Integration tests of the auditor's reads (protocol/README.md, "REST reads") against the real
// a4pd on the demo workspace: /api/state?at_time, /api/events filters and cursor paging,
// /api/history for every entity kind with paging, and "as org X saw it" (as_org, auditors
// only).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "tests/server/test_util.hpp"

namespace a4p::test {
namespace {

using nlohmann::json;

class audit_test : public suite_a4pd<audit_test> {
 protected:
  static void SetUpTestSuite() {
    start(unthrottled());
    auditor_ = login(port(), "un.auditor", demo_password);
    ASSERT_FALSE(auditor_.empty());
  }
  static const std::string& auditor() { return auditor_; }
  static inline std::string auditor_;
};

json get_json(std::uint16_t port, const std::string& target, const std::string& token) {
  auto r = get(port, target, token);
  EXPECT_EQ(r.status, 200) << target << ": " << r.body;
  return r.status == 200 ? json::parse(r.body) : json();
}

// Every page of a paged /api/events read, following X-A4P-Next; the number of pages in `pages`.
std::vector<json> all_pages(std::uint16_t port, const std::string& target, const std::string& token,
                            int* pages = nullptr) {
  std::vector<json> out;
  std::string cursor = "0";
  for (int n = 1;; ++n) {
    auto r = get(port, target + "&after=" + cursor, token);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return out;
    for (auto& e : lines_of(r.body)) out.push_back(std::move(e));
    auto it = r.headers.find("x-a4p-next");
    if (it == r.headers.end()) {
      if (pages) *pages = n;
      return out;
    }
    EXPECT_GT(std::stoull(it->second), std::stoull(cursor));
    cursor = it->second;
  }
}

TEST_F(audit_test, as_org_x_saw_it_hides_a_restricted_discussion_x_was_not_invited_to) {
  // The auditor sees D2 (restricted, NLD with BGD/ETH/RWA invited); as GHA saw it, it is gone;
  // as BGD (invited) saw it, it is there.
  auto all = get_json(port(), "/api/state", auditor());
  ASSERT_TRUE(all["discussions"].contains("D2"));
  auto gha = get_json(port(), "/api/state?as_org=GHA", auditor());
  EXPECT_FALSE(gha["discussions"].contains("D2"));
  EXPECT_TRUE(gha["discussions"].contains("D1"));
  for (const auto& [id, c] : gha["comments"].items())
    EXPECT_NE(c["target"], "discussion:D2") << "comment " << id << " on D2 leaked";
  auto bgd = get_json(port(), "/api/state?as_org=BGD", auditor());
  EXPECT_TRUE(bgd["discussions"].contains("D2"));
  // Exactly what a GHA member is shown.
  auto member = login(port(), "gha.delegate", demo_password);
  EXPECT_EQ(get_json(port(), "/api/state", member), gha);

  // The same for a past state, a past instant, the events and the history.
  const auto head = all["seq"].get<std::uint64_t>();
  auto past =
      get_json(port(), "/api/state?at=" + std::to_string(head - 1) + "&as_org=GHA", auditor());
  EXPECT_FALSE(past["discussions"].contains("D2"));
  auto later = get_json(port(), "/api/state?at_time=2999-01-01T00:00:00Z&as_org=GHA", auditor());
  EXPECT_FALSE(later["discussions"].contains("D2"));
  EXPECT_EQ(later["seq"], head);
  auto d2_events = get(port(), "/api/events?entity=discussion:D2&as_org=GHA", auditor());
  EXPECT_EQ(d2_events.status, 200);
  EXPECT_EQ(d2_events.body, "");
  EXPECT_FALSE(get(port(), "/api/events?entity=discussion:D2", auditor()).body.empty());
  auto hist = get_json(port(), "/api/history?entity=discussion:D2&as_org=GHA", auditor());
  EXPECT_TRUE(hist["events"].empty());
  EXPECT_FALSE(get_json(port(), "/api/history?entity=discussion:D2", auditor())["events"].empty());
  // Unfiltered, the GHA view has withheld stubs where the auditor has D2's events.
  auto stubs = lines_of(get(port(), "/api/events?limit=10000&as_org=GHA", auditor()).body);
  EXPECT_TRUE(std::any_of(stubs.begin(), stubs.end(),
                          [](const json& e) { return e.value("withheld", false); }));
}

// GET /api/state?at=N&view=light and GET /api/thread?room=...&at=N (the audit timeline on a
// large log): the skeleton and the pages of a past point hold exactly what the whole past state
// holds, for each reader (the auditor, a member, the auditor as that member's org).
// A room's entity as its first page carries it (protocol/README.md "Rooms and the light
// snapshot"): the full state's object, a pledge's reports cut to its latest, with its thread.
json room_entity(json full, const json& thread) {
  if (full.contains("reports")) {
    const json reports = full["reports"];
    full["reports"] = reports.empty() ? json::array() : json::array({reports.back()});
    full["report_count"] = reports.size();
  }
  full["thread"] = thread;
  return full;
}

// The opinions on `room` in a full state, by id.
json opinions_on(const json& full, const std::string& room) {
  json out = json::array();
  for (const auto& [id, o] : full["opinions"].items())
    if (o["target"] == room) out.push_back(o);
  return out;
}

TEST_F(audit_test, thread_pages_and_the_light_view_at_a_past_point_are_the_past_state) {
  const auto member = login(port(), "gha.delegate", demo_password);
  const auto head = get_json(port(), "/api/state", auditor())["seq"].get<std::uint64_t>();
  struct reader {
    std::string token, as;
  };
  const std::vector<reader> readers = {{auditor(), ""}, {member, ""}, {auditor(), "&as_org=GHA"}};
  std::size_t compared = 0;
  for (const auto& rd : readers) {
    for (const std::uint64_t at : {head / 3, 2 * head / 3, head}) {
      const std::string point = "at=" + std::to_string(at) + rd.as;
      const json full = get_json(port(), "/api/state?" + point, rd.token);
      const json light = get_json(port(), "/api/state?" + point + "&view=light", rd.token);
      ASSERT_EQ(light["seq"], at);
      EXPECT_TRUE(light["comments"].empty());
      std::map<std::string, std::vector<json>> by_target;
      for (const auto& [id, c] : full["comments"].items()) by_target[c["target"]].push_back(c);
      for (const auto& [kind, map] :
           {std::pair{"discussion:", "discussions"}, std::pair{"pledge:", "pledges"},
            std::pair{"action:", "actions"}}) {
        EXPECT_EQ(light[map].size(), full[map].size()) << map;
        for (const auto& [id, x] : full[map].items()) {
          const std::string room = kind + id;
          const auto& want = by_target[room];
          std::size_t visible = 0;
          for (const auto& c : want) visible += c.value("hidden", false) ? 0 : 1;
          EXPECT_EQ(light[map][id]["thread"]["count"], visible) << room << " " << point;
          // The pages, two at a time, oldest last page first, cover the past comments exactly.
          std::vector<json> got;
          std::string cursor;
          for (int pages = 0; pages < 100; ++pages) {
            const auto page = get_json(port(),
                                       "/api/thread?room=" + room + "&" + point + "&limit=2" +
                                           (cursor.empty() ? "" : "&before=" + cursor),
                                       rd.token);
            ASSERT_EQ(page["seq"], at);
            // The first page carries the room's entity and opinions as the full state has
            // them (a pledge's reports paged: its latest only); later pages neither.
            if (cursor.empty()) {
              EXPECT_EQ(page["entity"], room_entity(x, page["thread"])) << room << " " << point;
              EXPECT_EQ(page["opinions"], opinions_on(full, room)) << room << " " << point;
            } else {
              EXPECT_FALSE(page.contains("entity") || page.contains("opinions")) << room;
            }
            got.insert(got.begin(), page["comments"].begin(), page["comments"].end());
            if (page["before"].is_null()) break;
            cursor = std::to_string(page["before"].get<std::uint64_t>());
          }
          auto by_id = [](const json& a, const json& b) { return a["id"] < b["id"]; };
          auto sorted_want = want;
          std::sort(sorted_want.begin(), sorted_want.end(), by_id);
          std::sort(got.begin(), got.end(), by_id);
          EXPECT_EQ(got, sorted_want) << room << " " << point;
          compared += got.size();
        }
      }
    }
  }
  EXPECT_GT(compared, 20u);
  // A restricted discussion the reader's org was not invited to is no room at any point.
  EXPECT_EQ(get(port(), "/api/thread?room=discussion:D2&at=" + std::to_string(head), member).status,
            404);
  EXPECT_EQ(get(port(), "/api/thread?room=discussion:D2&as_org=GHA", auditor()).status, 404);
  EXPECT_EQ(get(port(), "/api/thread?room=discussion:D2", auditor()).status, 200);
  for (const char* bad : {"room=", "room=discussion:D1&before=0", "room=discussion:D1&limit=0",
                          "room=discussion:D1&reports_before=5", "room=discussion:D1&at=x"})
    EXPECT_EQ(get(port(), std::string("/api/thread?") + bad, auditor()).status, 400) << bad;
  EXPECT_EQ(
      get(port(), "/api/thread?room=discussion:D1&at=" + std::to_string(head + 1000), auditor())
          .status,
      404);
}

// ?at reads keep the past STATE, never a view (decision 0320): one point read by the auditor,
// a member and the auditor as that member's org gets each its own view, while paging a past
// thread builds that state at most once.
TEST_F(audit_test, a_kept_past_state_is_viewed_for_each_reader_and_built_once) {
  const auto member = login(port(), "gha.delegate", demo_password);
  const auto head = get_json(port(), "/api/state", auditor())["seq"].get<std::uint64_t>();
  const std::string at = "at=" + std::to_string(head - 1);
  const double built = metric(port(), "a4p_past_states_built_total");
  const double reused = metric(port(), "a4p_past_states_reused_total");
  ASSERT_GE(built, 0);
  const json by_auditor = get_json(port(), "/api/state?" + at, auditor());
  const json by_member = get_json(port(), "/api/state?" + at, member);
  const json as_gha = get_json(port(), "/api/state?" + at + "&as_org=GHA", auditor());
  EXPECT_TRUE(by_auditor["discussions"].contains("D2"));  // restricted, GHA not invited
  EXPECT_FALSE(by_member["discussions"].contains("D2"));
  EXPECT_FALSE(as_gha["discussions"].contains("D2"));
  std::size_t hidden = 0;
  for (const auto& [id, c] : by_auditor["comments"].items()) {
    if (!c.value("hidden", false)) continue;
    ++hidden;
    EXPECT_TRUE(c.contains("body")) << id;
    EXPECT_TRUE(by_member["comments"][id].value("redacted", false)) << id;
    EXPECT_FALSE(by_member["comments"][id].contains("body")) << id;
  }
  EXPECT_GT(hidden, 0u);
  // Paging the past thread one comment at a time, as the member and as the auditor.
  std::size_t pages = 3;
  for (const std::string& token : {member, auditor()}) {
    std::string cursor;
    for (int guard = 0; guard < 50; ++guard, ++pages) {
      const auto page = get_json(port(),
                                 "/api/thread?room=discussion:D3&" + at + "&limit=1" +
                                     (cursor.empty() ? "" : "&before=" + cursor),
                                 token);
      for (const auto& c : page["comments"])
        EXPECT_EQ(
            c, (token == member ? by_member : by_auditor)["comments"][c["id"].get<std::string>()]);
      if (page["before"].is_null()) break;
      cursor = std::to_string(page["before"].get<std::uint64_t>());
    }
  }
  EXPECT_LE(metric(port(), "a4p_past_states_built_total") - built, 1);
  EXPECT_GE(metric(port(), "a4p_past_states_reused_total") - reused,
            static_cast<double>(pages - 1));
}

TEST_F(audit_test, the_timeline_index_has_every_marker_and_the_times_the_log_has) {
  const std::set<std::string> marked = {
      "round.opened",      "round.closed",      "comment.hidden",  "comment.restored",
      "discussion.locked", "discussion.closed", "audit.checkpoint"};
  const auto check = [&] {
    auto all = lines_of(all_event_lines(port(), auditor()));
    auto idx = get_json(port(), "/api/audit/timeline", auditor());
    ASSERT_FALSE(all.empty());
    // The index may be ahead of the log read just before (never behind it).
    ASSERT_GE(idx["head"].get<std::uint64_t>(), all.back()["seq"].get<std::uint64_t>());
    const auto head = idx["head"].get<std::uint64_t>();
    const auto step = idx["step"].get<std::uint64_t>();
    ASSERT_GE(step, 1u);
    json want_markers = json::array();
    std::map<std::uint64_t, std::string> want_points;
    for (const auto& e : all) {
      const auto seq = e["seq"].get<std::uint64_t>();
      if (seq == 1 || seq % step == 0 || seq == head) want_points[seq] = e["ts"];
      if (marked.contains(e["name"]))
        want_markers.push_back(
            {{"seq", e["seq"]}, {"ts", e["ts"]}, {"name", e["name"]}, {"entity", e["entity"]}});
    }
    if (idx["head"] == all.back()["seq"]) {
      EXPECT_EQ(idx["markers"], want_markers);
      std::map<std::uint64_t, std::string> points;
      for (const auto& p : idx["points"]) points[p["seq"].get<std::uint64_t>()] = p["ts"];
      EXPECT_EQ(points, want_points);
    }
  };
  check();
  // A new marker (a round opened) and a new head reach the index.
  auto sec = login(port(), "un.secretariat", demo_password);
  auto c = std::make_unique<ws_client>();
  ASSERT_EQ(c->connect(port(), sec), 101);
  ASSERT_TRUE(c->hello());
  ASSERT_TRUE(c->send({{"type", "command"},
                       {"id", unique_id("round")},
                       {"name", "round.open"},
                       {"args", {{"name", "Timeline test round"}, {"closes", "2031-01-01"}}}}));
  auto ack = c->next_of("ack", std::chrono::seconds(5));
  ASSERT_TRUE(ack) << "no ack";
  auto idx = get_json(port(), "/api/audit/timeline", auditor());
  EXPECT_EQ(idx["head"], (*ack)["seq"]);
  ASSERT_FALSE(idx["markers"].empty());
  EXPECT_EQ(idx["markers"].back()["seq"], (*ack)["seq"]);
  EXPECT_EQ(idx["markers"].back()["name"], "round.opened");
  EXPECT_EQ(idx["points"].back()["seq"], (*ack)["seq"]);
  check();
  // Readers who do not see every event are refused; so is an anonymous one.
  EXPECT_EQ(get(port(), "/api/audit/timeline", login(port(), "gha.delegate", demo_password)).status,
            403);
  EXPECT_EQ(get_json(port(), "/api/audit/timeline", sec)["head"], idx["head"]);
  EXPECT_EQ(get(port(), "/api/audit/timeline", "").status, 401);
}

TEST_F(audit_test, as_org_is_for_auditors_only) {
  for (const char* user : {"gha.delegate", "un.secretariat"}) {
    auto token = login(port(), user, demo_password);
    for (const char* target :
         {"/api/state?as_org=GHA", "/api/state?at=5&as_org=GHA",
          "/api/state?at_time=2020-01-01T00:00:00Z&as_org=GHA", "/api/events?as_org=GHA",
          "/api/history?entity=pledge:P1&as_org=GHA"}) {
      auto r = get(port(), target, token);
      EXPECT_EQ(r.status, 403) << user << " " << target;
      EXPECT_NE(r.body.find("forbidden"), std::string::npos);
    }
  }
  EXPECT_EQ(get(port(), "/api/state?as_org=NOPE", auditor()).status, 404);
}

TEST_F(audit_test, state_at_time_is_the_state_after_the_last_event_at_or_before_it) {
  auto writer = open_session(port(), "gbr.delegate");
  ASSERT_TRUE(writer);
  auto first = post_comment(*writer, "discussion:D1", "before the instant", "at-time");
  ASSERT_TRUE(first);
  const auto seq1 = (*first)["seq"].get<std::uint64_t>();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  auto second = post_comment(*writer, "discussion:D1", "after the instant", "at-time");
  ASSERT_TRUE(second);
  const auto seq2 = (*second)["seq"].get<std::uint64_t>();

  auto ev = lines_of(
      get(port(), "/api/events?after=" + std::to_string(seq1 - 1) + "&limit=1", auditor()).body);
  ASSERT_EQ(ev.size(), 1u);
  const std::string ts1 = ev[0]["ts"];  // "YYYY-MM-DDTHH:MM:SS.mmmZ"

  auto at = get_json(port(), "/api/state?at_time=" + ts1, auditor());
  EXPECT_EQ(at["seq"], seq1);
  EXPECT_EQ(at, get_json(port(), "/api/state?at=" + std::to_string(seq1), auditor()));
  // The same instant written with an offset (the '+' percent-encoded, and left bare).
  const int hour = std::stoi(ts1.substr(11, 2));
  std::string shifted = ts1;
  const int h2 = (hour + 1) % 24;
  if (h2 != 0) {  // the offset form would change the date at midnight; skip that minute
    shifted.replace(11, 2, (h2 < 10 ? "0" : "") + std::to_string(h2));
    shifted.replace(shifted.size() - 1, 1, "%2B01:00");
    EXPECT_EQ(get_json(port(), "/api/state?at_time=" + shifted, auditor())["seq"], seq1);
  }
  EXPECT_LT(at["seq"].get<std::uint64_t>(), seq2);
  // Before the first event: the empty workspace at seq 0; after the head: the head.
  EXPECT_EQ(get_json(port(), "/api/state?at_time=2000-01-01T00:00:00Z", auditor())["seq"], 0);
  EXPECT_GE(get_json(port(), "/api/state?at_time=2999-12-31T23:59:59Z", auditor())["seq"]
                .get<std::uint64_t>(),
            seq2);
  for (const char* bad : {"2026-02-30T00:00:00Z", "2026-03-01", "2026-03-01T00:00:00", "yesterday",
                          "2026-03-01T25:00:00Z"}) {
    auto r = get(port(), std::string("/api/state?at_time=") + bad, auditor());
    EXPECT_EQ(r.status, 400) << bad;
  }
  EXPECT_EQ(get(port(), "/api/state?at=3&at_time=" + ts1, auditor()).status, 400);
}

TEST_F(audit_test, events_filters_select_and_cursor_pages_cover_them_exactly_once) {
  auto all = lines_of(get(port(), "/api/events?limit=10000", auditor()).body);
  ASSERT_GT(all.size(), 100u);
  struct filter {
    std::string query;
    std::function<bool(const json&)> keep;
  };
  const std::vector<filter> filters = {
      {"entity=pledge:P1", [](const json& e) { return e["entity"] == "pledge:P1"; }},
      {"actor=gbr.delegate", [](const json& e) { return e["actor"]["user"] == "gbr.delegate"; }},
      {"org=UN", [](const json& e) { return e["actor"]["org"] == "UN"; }},
      {"name=comment.posted", [](const json& e) { return e["name"] == "comment.posted"; }},
      {"name=pledge.progress_reported&org=GBR",
       [](const json& e) {
         return e["name"] == "pledge.progress_reported" && e["actor"]["org"] == "GBR";
       }},
  };
  for (const auto& f : filters) {
    std::vector<json> want;
    for (const auto& e : all)
      if (f.keep(e)) want.push_back(e);
    ASSERT_FALSE(want.empty()) << f.query;
    int pages = 0;
    auto got = all_pages(port(), "/api/events?limit=2&" + f.query, auditor(), &pages);
    EXPECT_EQ(got, want) << f.query;
    EXPECT_GE(pages, static_cast<int>((want.size() + 1) / 2)) << f.query;
  }
  // A time window: every event with from <= ts <= to, in order.
  const std::string from = all[20]["ts"], to = all[60]["ts"];
  std::vector<json> want;
  for (const auto& e : all)
    if (e["ts"] >= from && e["ts"] <= to) want.push_back(e);
  EXPECT_EQ(all_pages(port(), "/api/events?limit=7&from=" + from + "&to=" + to, auditor()), want);
  for (const char* bad : {"from=soon", "to=2026-13-01T00:00:00Z", "entity=", "limit=0", "after=x"})
    EXPECT_EQ(get(port(), std::string("/api/events?") + bad, auditor()).status, 400) << bad;
}

TEST_F(audit_test, events_are_sent_in_canonical_form_full_ones_as_stored) {
  for (const char* target : {"/api/events?limit=10000", "/api/events?limit=10000&as_org=GHA"}) {
    auto r = get(port(), target, auditor());
    ASSERT_EQ(r.status, 200);
    std::istringstream in(r.body);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line); ++n)
      EXPECT_EQ(json::parse(line).dump(), line) << target;
    EXPECT_GT(n, 100u);
  }
}

TEST_F(audit_test, a_member_filtering_events_never_learns_about_withheld_ones) {
  auto gha = login(port(), "gha.delegate", demo_password);
  auto r = get(port(), "/api/events?actor=nld.delegate&limit=10000", gha);
  ASSERT_EQ(r.status, 200);
  for (const auto& e : lines_of(r.body)) {
    EXPECT_FALSE(e.contains("withheld")) << e.dump();
    EXPECT_NE(e["entity"], "discussion:D2");
  }
}

TEST_F(audit_test, history_of_every_entity_kind_pages_with_a_cursor) {
  for (const char* entity :
       {"pledge:P1", "action:A1", "gap:G1", "commitment:CM1", "discussion:D1", "comment:C1"}) {
    auto whole = get_json(port(), std::string("/api/history?entity=") + entity, auditor());
    ASSERT_FALSE(whole["events"].empty()) << entity;
    EXPECT_FALSE(whole.contains("next"));
    EXPECT_FALSE(whole["events"][0]["changes"].empty()) << entity;
    json paged = json::array();
    std::string cursor = "0";
    for (int guard = 0; guard < 1000; ++guard) {
      auto page = get_json(
          port(), std::string("/api/history?entity=") + entity + "&limit=1&after=" + cursor,
          auditor());
      ASSERT_LE(page["events"].size(), 1u);
      for (auto& e : page["events"]) paged.push_back(e);
      if (!page.contains("next")) break;
      cursor = std::to_string(page["next"].get<std::uint64_t>());
    }
    EXPECT_EQ(paged, whole["events"]) << entity;
  }
}

// Issue 11 item 2: history costs what changed. A report is recorded as the report added, not as
// the pledge's whole reports array before and after; every list-valued field likewise; and a
// page is bounded in bytes (under 1 MB however many large reports the pledge has).
TEST_F(audit_test, history_records_what_changed_and_pages_are_bounded_in_bytes) {
  auto state = get_json(port(), "/api/state", auditor());
  std::string pledge;
  for (const auto& [id, p] : state["pledges"].items())
    if (p["org"] == "GBR") pledge = id;
  ASSERT_FALSE(pledge.empty());
  std::string action;
  for (const auto& [id, a] : state["actions"].items()) {
    const auto& by = a["taken_up_by"];
    if (std::find(by.begin(), by.end(), json("GBR")) == by.end()) action = id;
  }
  ASSERT_FALSE(action.empty());

  auto writer = open_session(port(), "gbr.delegate");
  ASSERT_TRUE(writer);
  constexpr int reports = 300;
  const std::string note(9000, 'n');
  for (int i = 0; i < reports; ++i) {  // pipelined: every command sent, then every ack read
    ASSERT_TRUE(writer->send({{"type", "command"},
                              {"id", unique_id("report")},
                              {"name", "pledge.report"},
                              {"args",
                               {{"id", pledge},
                                {"status", "on_track"},
                                {"progress", i % 101},
                                {"note", note + std::to_string(i)}}}}));
  }
  for (int i = 0; i < reports; ++i) {
    auto ack = writer->next_of("ack", std::chrono::seconds(30));
    ASSERT_TRUE(ack) << "report " << i;
    ASSERT_TRUE(ack->contains("seq")) << ack->dump();
  }
  ASSERT_TRUE(writer->send({{"type", "command"},
                            {"id", unique_id("take-up")},
                            {"name", "action.take_up"},
                            {"args", {{"id", action}}}}));
  ASSERT_TRUE(writer->next_of("ack"));

  int pages = 0;
  int seen = 0;
  std::string cursor = "0";
  for (;;) {
    auto r = get(port(), "/api/history?entity=pledge:" + pledge + "&after=" + cursor, auditor());
    ASSERT_EQ(r.status, 200) << r.body;
    ++pages;
    EXPECT_LT(r.body.size(), 1'000'000u) << "page " << pages;
    auto page = json::parse(r.body);
    for (const auto& e : page["events"]) {
      if (e["name"] != "pledge.progress_reported") continue;
      const auto& rep = e["changes"]["reports"];
      ASSERT_TRUE(rep.contains("added")) << e["changes"].dump().substr(0, 300);
      EXPECT_FALSE(rep.contains("from"));
      ASSERT_EQ(rep["added"].size(), 1u);
      EXPECT_EQ(rep["added"][0]["seq"], e["seq"]);
      EXPECT_TRUE(rep["removed"].empty());
      if (rep["added"][0]["note"].get<std::string>().starts_with(note)) ++seen;
    }
    if (!page.contains("next")) break;
    EXPECT_GT(page["next"].get<std::uint64_t>(), std::stoull(cursor));
    cursor = std::to_string(page["next"].get<std::uint64_t>());
  }
  EXPECT_EQ(seen, reports);
  EXPECT_GT(pages, 2);  // 300 reports of 9 KB do not fit one bounded page

  auto hist = get_json(port(), "/api/history?entity=action:" + action, auditor());
  ASSERT_FALSE(hist["events"].empty());
  const auto& last = hist["events"].back();
  EXPECT_EQ(last["name"], "action.taken_up");
  EXPECT_EQ(last["changes"]["taken_up_by"], json({{"added", {"GBR"}}, {"removed", json::array()}}));
}

}  // namespace
}  // namespace a4p::test
