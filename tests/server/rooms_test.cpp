// Rooms and the light snapshot (protocol/README.md "Rooms and the light snapshot", issue 18)
// against the real a4pd: the skeleton, ticks, joins and pages, resume per room, redaction in
// pages exactly as live, the a4p.v1 whole-state bound. Demo data: D1 and D3 open (D3 holds a
// hidden comment), D2 restricted to NLD (convener), BGD, ETH, RWA.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/server/test_util.hpp"

namespace a4p::test {
namespace {

using nlohmann::json;

class rooms_test : public suite_a4pd<rooms_test> {
 protected:
  static void SetUpTestSuite() { start(unthrottled({"--max-rooms", "4"})); }
};

struct light_session {
  std::unique_ptr<ws_client> c = std::make_unique<ws_client>();
  json welcome, snapshot;
};

// A light hello (optionally resuming, with rooms); the welcome and, in snapshot mode, the
// snapshot are read.
std::optional<light_session> open_light(
    std::uint16_t port, const std::string& user, const std::vector<std::string>& rooms = {},
    const std::optional<std::pair<std::string, std::uint64_t>>& resume = std::nullopt) {
  light_session s;
  auto token = login(port, user, demo_password);
  if (token.empty() || s.c->connect(port, token) != 101) return std::nullopt;
  json h = {{"type", "hello"}, {"view", "light"}, {"rooms", rooms}};
  if (resume) h["resume"] = {{"epoch", resume->first}, {"seq", resume->second}};
  if (!s.c->send(h)) return std::nullopt;
  auto w = s.c->next_of("welcome", std::chrono::seconds(10));
  if (!w) return std::nullopt;
  s.welcome = *w;
  if ((*w)["mode"] == "snapshot") {
    auto snap = s.c->next_of("snapshot", std::chrono::seconds(10));
    if (!snap) return std::nullopt;
    s.snapshot = *snap;
  }
  return s;
}

// The comments of `target` in GET /api/state as `user` sees them, oldest first.
std::vector<json> state_comments(std::uint16_t port, const std::string& user,
                                 const std::string& target) {
  auto r = get(port, "/api/state", login(port, user, demo_password));
  EXPECT_EQ(r.status, 200) << r.body;
  std::vector<json> out;
  const json st = json::parse(r.body);
  for (const auto& [id, c] : st["comments"].items())
    if (c["target"] == target) out.push_back(c);
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) {
    return std::stoi(a["id"].get<std::string>().substr(1)) <
           std::stoi(b["id"].get<std::string>().substr(1));
  });
  return out;
}

// Joins `room` (first page of `limit`), then pages back to the first comment; oldest first.
std::vector<json> join_and_page_back(ws_client& c, const std::string& room, int limit,
                                     json* first = nullptr) {
  EXPECT_TRUE(c.send({{"type", "join"}, {"room", room}, {"limit", limit}}));
  std::vector<std::vector<json>> pages;
  auto p = c.next_of("page");
  EXPECT_TRUE(p);
  if (!p) return {};
  if (first) *first = *p;
  for (int guard = 0; guard < 100; ++guard) {
    EXPECT_EQ((*p)["room"], room);
    EXPECT_LE((*p)["comments"].size(), static_cast<std::size_t>(limit));
    pages.push_back((*p)["comments"].get<std::vector<json>>());
    if ((*p)["before"].is_null()) break;
    const auto before = (*p)["before"].get<std::uint64_t>();
    EXPECT_TRUE(c.send({{"type", "page"}, {"room", room}, {"before", before}, {"limit", limit}}));
    p = c.next_of("page");
    EXPECT_TRUE(p);
    if (!p) break;
    EXPECT_EQ((*p)["from"], before);
    EXPECT_FALSE(p->contains("reports"));
    EXPECT_FALSE(p->contains("entity") || p->contains("opinions"));
  }
  std::vector<json> out;
  for (auto it = pages.rbegin(); it != pages.rend(); ++it)
    out.insert(out.end(), it->begin(), it->end());
  return out;
}

TEST_F(rooms_test, light_hello_gets_the_skeleton_without_comment_bodies) {
  auto s = open_light(port(), "gha.delegate");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->welcome["view"], "light");
  EXPECT_EQ(s->snapshot["view"], "light");
  const auto& st = s->snapshot["state"];
  EXPECT_EQ(st["comments"], json::object());
  EXPECT_EQ(s->snapshot.dump().find("background note on renewals"), std::string::npos);
  EXPECT_EQ(st["discussions"]["D1"]["thread"]["count"], 4);
  EXPECT_EQ(st["discussions"]["D3"]["thread"]["count"], 2);  // the third is hidden
  EXPECT_FALSE(st["discussions"].contains("D2"));            // restricted, GHA not invited
  for (const auto& [id, p] : st["pledges"].items()) {
    EXPECT_LE(p["reports"].size(), 1u) << id;
    EXPECT_TRUE(p.contains("report_count")) << id;
    EXPECT_TRUE(p.contains("thread")) << id;
  }
  // The same skeleton over REST; a plain hello still gets the whole state and no "view".
  auto token = login(port(), "gha.delegate", demo_password);
  auto light = json::parse(get(port(), "/api/state?view=light", token).body);
  EXPECT_EQ(light["comments"], json::object());
  EXPECT_EQ(light["discussions"]["D1"]["thread"], st["discussions"]["D1"]["thread"]);
  json w;
  auto full = open_session(port(), "gha.delegate", &w);
  ASSERT_TRUE(full);
  EXPECT_FALSE(w.contains("view"));
  EXPECT_FALSE(full->snapshot()->contains("view"));
  EXPECT_FALSE((*full->snapshot())["state"]["comments"].empty());
}

// Decision 0213: a light hello with "snapshot_encoding":"gzip" gets its snapshot as one binary
// frame that inflates to the text snapshot a plain light hello gets; the welcome and what
// follows stay text; a full hello with it, and a hello without it, get text as before.
TEST_F(rooms_test, a_gzip_light_hello_gets_the_same_snapshot_in_one_binary_frame) {
  auto token = login(port(), "gha.delegate", demo_password);
  auto plain = open_light(port(), "gha.delegate");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->c->binary_frames_read(), 0u);
  // A socket of the same user that sends `hello` as its first message.
  auto said_hello = [&](ws_client& c, const json& hello) {
    return c.connect(port(), token) == 101 && c.send(hello);
  };
  ws_client gz;
  ASSERT_TRUE(said_hello(gz, {{"type", "hello"},
                              {"view", "light"},
                              {"snapshot_encoding", "gzip"},
                              {"rooms", {"discussion:D1"}}}));
  auto w = gz.next_of("welcome");
  ASSERT_TRUE(w);
  EXPECT_EQ(gz.binary_frames_read(), 0u);  // the welcome is text
  auto snap = gz.next_of("snapshot");
  ASSERT_TRUE(snap);
  EXPECT_EQ(gz.binary_frames_read(), 1u);
  EXPECT_EQ(*snap, plain->snapshot);
  auto page = gz.next_of("page");  // the hello's room follows, as text
  ASSERT_TRUE(page);
  EXPECT_EQ((*page)["room"], "discussion:D1");
  EXPECT_EQ(gz.binary_frames_read(), 1u);
  // A full hello ignores it; a value other than "gzip" is refused.
  ws_client full;
  ASSERT_TRUE(
      said_hello(full, {{"type", "hello"}, {"view", "full"}, {"snapshot_encoding", "gzip"}}));
  auto fs = full.next_of("snapshot");
  ASSERT_TRUE(fs);
  EXPECT_FALSE((*fs)["state"]["comments"].empty());
  EXPECT_EQ(full.binary_frames_read(), 0u);
  ws_client bad;
  ASSERT_TRUE(said_hello(bad, {{"type", "hello"}, {"view", "light"}, {"snapshot_encoding", "br"}}));
  auto e = bad.next_of("error");
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["code"], "bad_request");
}

TEST_F(rooms_test, a_comment_on_a_room_not_joined_arrives_as_a_tick_with_the_new_count) {
  auto s = open_light(port(), "gha.delegate");
  ASSERT_TRUE(s);
  const std::uint64_t head = s->welcome["head"];
  const int before = s->snapshot["state"]["discussions"]["D1"]["thread"]["count"];
  auto writer = open_session(port(), "gbr.delegate");
  ASSERT_TRUE(writer);
  auto ack = post_comment(*writer, "discussion:D1", "a body that must not leak", "tick");
  ASSERT_TRUE(ack);
  auto t = s->c->next_of("tick");
  ASSERT_TRUE(t);
  EXPECT_EQ((*t)["room"], "discussion:D1");
  EXPECT_EQ((*t)["seq"], (*ack)["seq"]);
  EXPECT_EQ((*t)["prev"], head);
  EXPECT_EQ((*t)["thread"]["count"], before + 1);
  EXPECT_EQ((*t)["thread"]["last_seq"], (*ack)["seq"]);
  EXPECT_EQ(t->dump().find("must not leak"), std::string::npos);
  EXPECT_FALSE(t->contains("comment"));
  // Opened afterwards, the thread shows it.
  auto thread = join_and_page_back(*s->c, "discussion:D1", 50);
  ASSERT_FALSE(thread.empty());
  EXPECT_EQ(thread.back()["body"], "a body that must not leak");
}

TEST_F(rooms_test, after_a_join_the_page_and_the_live_events_are_exact) {
  auto s = open_light(port(), "gha.delegate");
  ASSERT_TRUE(s);
  auto writer = open_session(port(), "gbr.delegate");
  ASSERT_TRUE(writer);
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(post_comment(*writer, "discussion:D3", "older", "d3"));
  json first;
  auto paged = join_and_page_back(*s->c, "discussion:D3", 3, &first);
  EXPECT_EQ(first["comments"].size(), 3u);
  EXPECT_FALSE(first["before"].is_null());
  // Back to the first comment, no gap, no duplicate: exactly the full view's thread.
  EXPECT_EQ(paged, state_comments(port(), "gha.delegate", "discussion:D3"));
  // Joined: the next comment arrives in full, as an event.
  auto ack = post_comment(*writer, "discussion:D3", "live in the room", "d3");
  ASSERT_TRUE(ack);
  auto e = s->c->next_of("event");
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["seq"], (*ack)["seq"]);
  EXPECT_EQ((*e)["data"]["body"], "live in the room");
  // Left: ticks again.
  ASSERT_TRUE(s->c->send({{"type", "leave"}, {"room", "discussion:D3"}}));
  auto ack2 = post_comment(*writer, "discussion:D3", "after leaving", "d3");
  ASSERT_TRUE(ack2);
  auto t = s->c->next_of("tick");
  ASSERT_TRUE(t);
  EXPECT_EQ((*t)["seq"], (*ack2)["seq"]);
  // A page of a room not joined: not_found.
  ASSERT_TRUE(s->c->send({{"type", "page"}, {"room", "discussion:D3"}, {"before", 5}}));
  auto err = s->c->next_of("error");
  ASSERT_TRUE(err);
  EXPECT_EQ((*err)["code"], "not_found");
}

// A join sent right behind the hello, before its snapshot is read, gets one page with its own
// limit: the snapshot's pages are for the hello's rooms only (a join that won the race against
// the snapshot used to get a second page, with the default limit).
TEST_F(rooms_test, a_join_right_after_the_hello_gets_one_page_with_its_limit) {
  for (int round = 0; round < 8; ++round) {
    auto token = login(port(), "gha.delegate", demo_password);
    ws_client c;
    ASSERT_EQ(c.connect(port(), token), 101);
    ASSERT_TRUE(c.send({{"type", "hello"}, {"view", "light"}}));
    ASSERT_TRUE(c.send({{"type", "join"}, {"room", "discussion:D1"}, {"limit", 1}}));
    int pages = 0;
    while (auto m = c.next(std::chrono::milliseconds(1000))) {
      if ((*m)["type"] != "page") continue;
      ++pages;
      EXPECT_EQ((*m)["comments"].size(), 1u) << m->dump();
    }
    EXPECT_EQ(pages, 1) << "round " << round;
  }
}

TEST_F(rooms_test, a_hidden_comment_is_redacted_in_a_paged_back_page_exactly_as_live) {
  auto member = open_light(port(), "gha.delegate", {"discussion:D1"});
  ASSERT_TRUE(member);
  auto first_page = member->c->next_of("page");  // the hello's room
  ASSERT_TRUE(first_page);
  auto writer = open_session(port(), "gbr.delegate");
  auto sec = open_session(port(), "un.secretariat");
  ASSERT_TRUE(writer && sec);
  auto ack = post_comment(*writer, "discussion:D1", "soon hidden", "hide");
  ASSERT_TRUE(ack);
  const std::string id = (*ack)["result"]["id"];
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(post_comment(*writer, "discussion:D1", "later", "hide"));
  ASSERT_TRUE(sec->send({{"type", "command"},
                         {"id", unique_id("hide")},
                         {"name", "comment.hide"},
                         {"args", {{"id", id}, {"reason", "conduct"}}}}));
  ASSERT_TRUE(sec->next_of("ack"));
  // Live, for the member: comment.hidden without its reason, redacted.
  std::optional<json> hidden;
  for (int i = 0; i < 20 && !hidden; ++i) {
    auto e = member->c->next_of("event");
    ASSERT_TRUE(e);
    if ((*e)["name"] == "comment.hidden") hidden = e;
  }
  ASSERT_TRUE(hidden);
  EXPECT_EQ((*hidden)["redacted"], true);
  EXPECT_FALSE((*hidden)["data"].contains("reason"));
  // Paged back (a fresh light session, pages of 2): the comment exactly as the full view shows
  // it to the member (no body, "redacted":true), and whole to the Secretariat.
  for (const char* user : {"gha.delegate", "un.secretariat"}) {
    auto s = open_light(port(), user);
    ASSERT_TRUE(s);
    auto paged = join_and_page_back(*s->c, "discussion:D1", 2);
    auto full = state_comments(port(), user, "discussion:D1");
    EXPECT_EQ(paged, full) << user;
    bool seen = false;
    for (const auto& c : paged)
      if (c["id"] == id) {
        seen = true;
        const bool sees_body = std::string(user) == "un.secretariat";
        EXPECT_EQ(c.contains("body"), sees_body) << user;
        EXPECT_EQ(c.value("redacted", false), !sees_body) << user;
      }
    EXPECT_TRUE(seen) << user;
  }
}

TEST_F(rooms_test, resume_with_rooms_is_exact_per_room) {
  auto s = open_light(port(), "gha.delegate", {"discussion:D1"});
  ASSERT_TRUE(s);
  const std::string epoch = s->welcome["epoch"];
  const std::uint64_t left_at = s->welcome["head"];
  s->c->close_abruptly();
  auto writer = open_session(port(), "gbr.delegate");
  ASSERT_TRUE(writer);
  std::map<std::uint64_t, std::string> posted;  // seq -> target
  for (int i = 0; i < 6; ++i) {
    const std::string target = i % 2 ? "discussion:D3" : "discussion:D1";
    auto ack = post_comment(*writer, target, "while away " + std::to_string(i), "away");
    ASSERT_TRUE(ack);
    posted[(*ack)["seq"]] = target;
  }
  auto r = open_light(port(), "gha.delegate", {"discussion:D1"}, std::pair{epoch, left_at});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->welcome["mode"], "resume");
  EXPECT_EQ(r->welcome["view"], "light");
  std::uint64_t last = left_at;
  while (last < posted.rbegin()->first) {
    auto m = r->c->next(std::chrono::seconds(5));
    ASSERT_TRUE(m) << "nothing after " << last;
    if ((*m)["type"] != "event" && (*m)["type"] != "tick") continue;
    ASSERT_EQ((*m)["prev"], last) << m->dump();
    last = (*m)["seq"];
    ASSERT_TRUE(posted.contains(last)) << m->dump();
    if (posted[last] == "discussion:D1") {
      EXPECT_EQ((*m)["type"], "event") << m->dump();
      EXPECT_EQ((*m)["data"]["target"], "discussion:D1");
    } else {
      EXPECT_EQ((*m)["type"], "tick") << m->dump();
      EXPECT_EQ((*m)["room"], "discussion:D3");
    }
  }
  EXPECT_EQ(last, posted.rbegin()->first);
}

TEST_F(rooms_test, restricted_rooms_and_the_room_bound) {
  auto s = open_light(port(), "gha.delegate", {"discussion:D2"});
  ASSERT_TRUE(s);
  auto err = s->c->next_of("error");
  ASSERT_TRUE(err);
  EXPECT_EQ((*err)["code"], "not_found");
  // A comment on D2 reaches GHA neither as an event nor as a tick.
  auto nld = open_session(port(), "nld.delegate");
  auto writer = open_session(port(), "gbr.delegate");
  ASSERT_TRUE(nld && writer);
  ASSERT_TRUE(post_comment(*nld, "discussion:D2", "invitees only", "d2"));
  auto ack = post_comment(*writer, "discussion:D1", "public", "d2");
  ASSERT_TRUE(ack);
  auto m = s->c->next_of("tick");
  ASSERT_TRUE(m);
  EXPECT_EQ((*m)["room"], "discussion:D1");  // the D2 comment was skipped
  EXPECT_EQ((*m)["seq"], (*ack)["seq"]);
  // --max-rooms 4: the fifth is refused.
  for (const char* room : {"discussion:D1", "discussion:D3", "pledge:P1", "action:A1"}) {
    ASSERT_TRUE(s->c->send({{"type", "join"}, {"room", room}, {"limit", 1}}));
    auto p = s->c->next_of("page");
    ASSERT_TRUE(p) << room;
    EXPECT_EQ(p->contains("reports"), std::string(room) == "pledge:P1") << room;
  }
  ASSERT_TRUE(s->c->send({{"type", "join"}, {"room", "pledge:P2"}}));
  auto over = s->c->next_of("error");
  ASSERT_TRUE(over);
  EXPECT_EQ((*over)["code"], "too_large");
}

TEST(rooms_bound, a_full_client_beyond_the_bound_is_told_to_page) {
  temp_dir dir;
  a4pd_process server(options_in(dir.path(), {"--max-full-snapshot-bytes", "4096"}));
  ASSERT_TRUE(server.started()) << server.output();
  auto token = login(server.port(), "gha.delegate", demo_password);
  ws_client c;
  ASSERT_EQ(c.connect(server.port(), token), 101);
  ASSERT_TRUE(c.send({{"type", "hello"}}));
  auto err = c.next(std::chrono::seconds(10));
  ASSERT_TRUE(err);
  EXPECT_EQ((*err)["type"], "error");
  EXPECT_EQ((*err)["code"], "too_large");
  EXPECT_NE((*err)["message"].get<std::string>().find("\"view\":\"light\""), std::string::npos);
  EXPECT_EQ(c.wait_close(), 1009);
  for (const auto& m : c.skipped()) EXPECT_NE(m["type"], "snapshot");
  // The light view passes; a full resume sends only events and is unaffected.
  auto s = open_light(server.port(), "gha.delegate");
  ASSERT_TRUE(s);
  ws_client r;
  ASSERT_EQ(r.connect(server.port(), token), 101);
  auto w = r.hello(s->welcome["epoch"].get<std::string>(), s->welcome["head"]);
  ASSERT_TRUE(w);
  EXPECT_EQ((*w)["mode"], "resume");
  // At a newer version a full hello is refused the same way (now without building the
  // snapshot: the first was more than twice the bound).
  const json cmd = {{"type", "command"},
                    {"id", unique_id("newer")},
                    {"name", "comment.post"},
                    {"args", {{"target", "discussion:D1"}, {"body", "a newer version"}}}};
  ASSERT_EQ(http_call(server.port(), "POST", "/api/commands", cmd.dump(),
                      {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}})
                .status,
            200);
  for (int i = 0; i < 3; ++i) {
    ws_client again;
    ASSERT_EQ(again.connect(server.port(), token), 101);
    ASSERT_TRUE(again.send({{"type", "hello"}}));
    auto refused = again.next(std::chrono::seconds(10));
    ASSERT_TRUE(refused);
    EXPECT_EQ((*refused)["code"], "too_large");
    EXPECT_EQ(again.wait_close(), 1009);
  }
}

// Every field the skeleton drops comes with the room: the first page of a hello's room and of
// a join carries "entity" (the full state's object, a pledge's reports paged) and "opinions";
// a load-earlier page neither.
TEST_F(rooms_test, a_rooms_first_page_carries_its_entity_and_opinions) {
  const auto token = login(port(), "gha.delegate", demo_password);
  const json full = json::parse(get(port(), "/api/state", token).body);
  auto opinions_on = [&](const std::string& room) {
    json out = json::array();
    for (const auto& [id, o] : full["opinions"].items())
      if (o["target"] == room) out.push_back(o);
    return out;
  };
  auto s = open_light(port(), "gha.delegate", {"pledge:P1"});
  ASSERT_TRUE(s);
  auto p = s->c->next_of("page");
  ASSERT_TRUE(p);
  json pledge = full["pledges"]["P1"];
  const json reports = pledge["reports"];
  pledge["reports"] = reports.empty() ? json::array() : json::array({reports.back()});
  pledge["report_count"] = reports.size();
  pledge["thread"] = (*p)["thread"];
  EXPECT_EQ((*p)["entity"], pledge);
  EXPECT_EQ((*p)["opinions"], opinions_on("pledge:P1"));
  json first;
  const auto thread = join_and_page_back(*s->c, "discussion:D1", 2, &first);
  ASSERT_GT(thread.size(), 2u);  // so a load-earlier page was read (without entity: checked)
  json d1 = full["discussions"]["D1"];
  d1["thread"] = first["thread"];
  EXPECT_EQ(first["entity"], d1);
  EXPECT_EQ(first["opinions"], opinions_on("discussion:D1"));
}

// The skeleton is serialised once per published version and put together per reader
// (decision 0212): readers who may see different things never share bytes, and a hello after
// a change gets the new version's skeleton.
TEST_F(rooms_test, the_cached_skeleton_is_each_readers_own_and_follows_changes) {
  // The discussions each user's whole state holds (the visibility rules' answer).
  auto visible = [&](const std::string& user) {
    auto st = json::parse(get(port(), "/api/state", login(port(), user, demo_password)).body);
    std::set<std::string> ids;
    for (const auto& [id, d] : st["discussions"].items()) ids.insert(id);
    return ids;
  };
  auto keys = [](const json& m) {
    std::set<std::string> ids;
    for (const auto& [id, d] : m.items()) ids.insert(id);
    return ids;
  };
  // Back to back on one version: NLD (invited to D2), GHA (not), the Secretariat, GHA again.
  std::map<std::string, json> skeletons;
  for (const char* user : {"nld.delegate", "gha.delegate", "un.secretariat"}) {
    auto s = open_light(port(), user);
    ASSERT_TRUE(s) << user;
    skeletons[user] = s->snapshot["state"];
    EXPECT_EQ(keys(s->snapshot["state"]["discussions"]), visible(user)) << user;
  }
  EXPECT_TRUE(skeletons["nld.delegate"]["discussions"].contains("D2"));
  EXPECT_FALSE(skeletons["gha.delegate"]["discussions"].contains("D2"));
  auto again = open_light(port(), "gha.delegate");
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->snapshot["state"]["discussions"].contains("D2"));
  // The same skeleton over REST.
  auto rest = get(port(), "/api/state?view=light", login(port(), "nld.delegate", demo_password));
  EXPECT_TRUE(json::parse(rest.body)["discussions"].contains("D2"));

  // A change, then a hello: the new version's skeleton.
  const int count = again->snapshot["state"]["discussions"]["D1"]["thread"]["count"];
  auto writer = open_session(port(), "gbr.delegate");
  ASSERT_TRUE(writer);
  auto ack = post_comment(*writer, "discussion:D1", "after the cache", "cache");
  ASSERT_TRUE(ack);
  auto after = open_light(port(), "gha.delegate");
  ASSERT_TRUE(after);
  EXPECT_GE(after->snapshot["seq"].get<std::uint64_t>(), (*ack)["seq"].get<std::uint64_t>());
  EXPECT_EQ(after->snapshot["state"]["discussions"]["D1"]["thread"]["count"], count + 1);
  EXPECT_EQ(after->snapshot["state"]["discussions"]["D1"]["thread"]["last_seq"], (*ack)["seq"]);
}

}  // namespace
}  // namespace a4p::test
