// Integration tests of the limits and bad input (issue 4 item 4), authentication, Origin,
// the REST routes and static files, against the real a4pd binary.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/server/test_util.hpp"

namespace a4p::test {
namespace {

class limits_test : public suite_a4pd<limits_test> {
 protected:
  static void SetUpTestSuite() {
    web_ = new temp_dir();
    std::ofstream(web_->path() + "/index.html") << "<!doctype html><title>a4p</title>";
    std::filesystem::create_directories(web_->path() + "/assets");
    std::ofstream(web_->path() + "/assets/app.js") << "console.log('a4p')";
    std::ofstream(secret_path()) << "top secret";
    start({"--rate", "5", "--burst", "10", "--hello-timeout", "700", "--max-frame", "4096",
           "--web-root", web_->path(), "--max-user-connections", "3"});
  }
  static void TearDownTestSuite() {
    suite_a4pd::TearDownTestSuite();
    std::filesystem::remove(secret_path());
    delete web_;
  }
  // A file beside the web root, which traversal must not reach.
  static std::string secret_name() {
    return std::filesystem::path(web_->path()).filename().string() + "-secret.txt";
  }
  static std::string secret_path() {
    return (std::filesystem::path(web_->path()).parent_path() / secret_name()).string();
  }
  static bool alive() { return http_call(port(), "GET", "/healthz").status == 200; }
  static inline temp_dir* web_ = nullptr;
};

TEST_F(limits_test, login_answers_401_alike_for_unknown_user_and_wrong_password) {
  auto unknown =
      http_call(port(), "POST", "/api/session", R"({"username":"nobody","password":"x"})");
  auto wrong = http_call(port(), "POST", "/api/session",
                         R"({"username":"gbr.delegate","password":"wrong"})");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.body, wrong.body);
  EXPECT_EQ(nlohmann::json::parse(wrong.body)["error"]["code"], "unauthorized");

  auto ok =
      http_call(port(), "POST", "/api/session",
                nlohmann::json{{"username", "gbr.delegate"}, {"password", demo_password}}.dump());
  ASSERT_EQ(ok.status, 200);
  auto j = nlohmann::json::parse(ok.body);
  EXPECT_EQ(j["token"].get<std::string>().size(), 64u);
  EXPECT_EQ(j["user"]["id"], "gbr.delegate");
  const auto& cookie = ok.headers["set-cookie"];
  EXPECT_NE(cookie.find("a4p_session=" + j["token"].get<std::string>()), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);

  auto bad = http_call(port(), "POST", "/api/session", "{not json");
  EXPECT_EQ(bad.status, 400);
}

TEST_F(limits_test, websocket_needs_auth_and_an_allowed_origin) {
  ws_client anonymous;
  EXPECT_EQ(anonymous.connect(port(), ""), 401);
  ws_client forged;
  EXPECT_EQ(forged.connect(port(), std::string(64, 'a')), 401);
  auto token = login(port(), "gbr.delegate", demo_password);
  ws_client evil;
  EXPECT_EQ(evil.connect(port(), token, "http://evil.example"), 403);
  ws_client good;
  EXPECT_EQ(good.connect(port(), token, "http://127.0.0.1:" + std::to_string(port())), 101);
  // The cookie works as well as the bearer header.
  auto r = http_call(port(), "GET", "/api/state", "", {{"Cookie", "a4p_session=" + token}});
  EXPECT_EQ(r.status, 200);
}

TEST_F(limits_test, rest_routes_need_auth_and_unknown_api_paths_are_404_json) {
  for (const char* p :
       {"/api/events", "/api/state", "/api/history?entity=pledge:P1", "/api/audit/verify"}) {
    auto r = http_call(port(), "GET", p);
    EXPECT_EQ(r.status, 401) << p;
    EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "unauthorized") << p;
  }
  auto r = http_call(port(), "GET", "/api/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "not_found");

  auto token = login(port(), "gbr.delegate", demo_password);
  auto ev = get(port(), "/api/events?after=0&limit=5", token);
  ASSERT_EQ(ev.status, 200);
  EXPECT_EQ(std::count(ev.body.begin(), ev.body.end(), '\n'), 5);
  auto st = get(port(), "/api/state?at=3", token);
  ASSERT_EQ(st.status, 200);
  EXPECT_EQ(nlohmann::json::parse(st.body)["seq"], 3);
  auto h = get(port(), "/api/history?entity=pledge:P1", token);
  ASSERT_EQ(h.status, 200);
  EXPECT_FALSE(nlohmann::json::parse(h.body)["events"].empty());
  auto v = get(port(), "/api/audit/verify", token);
  ASSERT_EQ(v.status, 200);
  EXPECT_TRUE(nlohmann::json::parse(v.body)["ok"].get<bool>());
  EXPECT_EQ(get(port(), "/api/events?after=x", token).status, 400);
}

// A bug in decide() (reject code `internal`) and a writer stopped by an event that does not
// apply are exported, at zero while all is well, so an alert can fire on the first one.
TEST_F(limits_test, metrics_export_decide_internal_errors_and_a_stopped_writer) {
  auto m = http_call(port(), "GET", "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("\na4p_decide_internal_total 0\n"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("\na4p_writer_stopped 0\n"), std::string::npos) << m.body;
}

TEST_F(limits_test, health_metrics_and_static_files) {
  EXPECT_EQ(http_call(port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(http_call(port(), "GET", "/readyz").status, 200);
  auto m = http_call(port(), "GET", "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("a4p_append_latency_seconds_bucket"), std::string::npos);
  EXPECT_NE(m.body.find("a4p_connections_websocket"), std::string::npos);

  auto index = http_call(port(), "GET", "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_NE(index.headers["content-type"].find("text/html"), std::string::npos);
  auto js = http_call(port(), "GET", "/assets/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_NE(js.headers["content-type"].find("text/javascript"), std::string::npos);
  auto route = http_call(port(), "GET", "/pledges/P1");  // a client-side route
  EXPECT_EQ(route.status, 200);
  EXPECT_EQ(route.body, index.body);
  EXPECT_EQ(http_call(port(), "GET", "/missing.png").status, 404);
  const auto n = secret_name();
  for (const std::string& p :
       {"/../" + n, "/%2e%2e/" + n, "/assets/..%2f..%2f" + n, "/..%5c" + n, "/assets/../../" + n}) {
    auto r = http_call(port(), "GET", p);
    EXPECT_NE(r.status, 200) << p;
    EXPECT_EQ(r.body.find("top secret"), std::string::npos) << p;
  }
}

TEST_F(limits_test, http_header_and_body_limits) {
  auto big_body = http_call(port(), "POST", "/api/session", std::string(70 * 1024, 'x'));
  EXPECT_EQ(big_body.status, 413);
  auto big_header = http_call(port(), "GET", "/healthz", "", {{"X-Big", std::string(9000, 'y')}});
  EXPECT_EQ(big_header.status, 431);
  EXPECT_TRUE(alive());
}

TEST_F(limits_test, frame_too_large_closes_1009) {
  auto c = open_session(port(), "gbr.delegate");
  ASSERT_TRUE(c);
  c->send_text(comment_cmd("big", "discussion:D1", std::string(5000, 'z')).dump());
  EXPECT_EQ(c->wait_close(), 1009);
  EXPECT_TRUE(alive());
}

TEST_F(limits_test, no_hello_closes_1008) {
  auto token = login(port(), "gbr.delegate", demo_password);
  ws_client c;
  ASSERT_EQ(c.connect(port(), token), 101);
  EXPECT_EQ(c.wait_close(std::chrono::seconds(5)), 1008);
}

TEST_F(limits_test, bad_input_gets_error_or_reject_and_the_server_stays_up) {
  auto c = open_session(port(), "gbr.delegate");
  ASSERT_TRUE(c);
  auto expect_type = [&](const std::string& type) {
    auto m = c->next(std::chrono::seconds(5));
    EXPECT_TRUE(m);
    if (m) {
      EXPECT_EQ((*m)["type"], type) << m->dump();
    }
    return m.value_or(nlohmann::json());
  };
  c->send_text("{not json");
  expect_type("error");
  c->send_binary(std::string("\x01\x02\x03", 3));
  expect_type("error");
  c->send_text(R"({"type":"launch_missiles"})");
  expect_type("error");
  c->send_text(R"({"type":"ping","nonce":{"deep":[1,2]}})");
  auto m = c->next();
  ASSERT_TRUE(m);  // an error (nonce must be string or integer) or a pong; never a crash
  c->send_text(
      R"({"type":"command","id":"t1","name":"comment.post","args":{"target":7,"body":"x"}})");
  auto r = expect_type("reject");
  EXPECT_EQ(r["id"], "t1");
  EXPECT_EQ(r["code"], "bad_request");
  c->send_text(R"({"type":"command","id":"t2","name":"comment.post","args":"nope"})");
  r = expect_type("reject");
  EXPECT_EQ(r["id"], "t2");
  c->send_text(R"({"type":"command","id":"t3","name":"no.such","args":{}})");
  r = expect_type("reject");
  EXPECT_EQ(r["code"], "bad_request");
  c->send_text(
      R"({"type":"command","id":"t4","name":"comment.post","args":{"target":"discussion:D1","body":1.5}})");
  expect_type("reject");
  c->send_text(R"({"type":"ping","nonce":"n1"})");
  auto pong = c->next_of("pong");
  ASSERT_TRUE(pong);
  EXPECT_EQ((*pong)["nonce"], "n1");
  // A text frame that is not UTF-8 breaks RFC 6455 itself: close 1007.
  c->send_text("\xff\xfe");
  EXPECT_EQ(c->wait_close(), 1007);
  EXPECT_TRUE(alive());
}

TEST_F(limits_test, commands_over_the_rate_are_rejected_rate_limited) {
  auto c = open_session(port(), "nld.delegate");
  ASSERT_TRUE(c);
  for (int i = 0; i < 30; ++i)
    c->send(comment_cmd("rate-" + std::to_string(i), "discussion:D1", "r"));
  int acks = 0, limited = 0;
  while (acks + limited < 30) {
    auto m = c->next(std::chrono::seconds(10));
    ASSERT_TRUE(m);
    if ((*m)["type"] == "ack") ++acks;
    if ((*m)["type"] == "reject") {
      EXPECT_EQ((*m)["code"], "rate_limited");
      ++limited;
    }
  }
  EXPECT_GE(acks, 10);  // the burst
  EXPECT_LE(acks, 14);  // plus what refilled at 5/s meanwhile
  EXPECT_GE(limited, 16);
}

TEST_F(limits_test, pings_over_the_rate_get_rate_limited_and_the_connection_stays_open) {
  // join, leave and ping share a bucket of --rate 5 / --burst 10 per connection (issue 11).
  auto c = open_session(port(), "gha.delegate");
  ASSERT_TRUE(c);
  for (int i = 0; i < 30; ++i) c->send(nlohmann::json{{"type", "ping"}, {"nonce", i}});
  int pongs = 0, limited = 0;
  while (pongs + limited < 30) {
    auto m = c->next(std::chrono::seconds(10));
    ASSERT_TRUE(m);
    if ((*m)["type"] == "pong") ++pongs;
    if ((*m)["type"] == "error") {
      EXPECT_EQ((*m)["code"], "rate_limited") << m->dump();
      ++limited;
    }
  }
  EXPECT_GE(pongs, 10);
  EXPECT_LE(pongs, 14);
  EXPECT_GE(limited, 16);
  // The connection is open, and the bucket refills: a ping a second later is answered.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  c->send(nlohmann::json{{"type", "ping"}, {"nonce", "later"}});
  auto pong = c->next_of("pong", std::chrono::seconds(5));
  ASSERT_TRUE(pong);
  EXPECT_EQ((*pong)["nonce"], "later");
}

TEST_F(limits_test, connections_per_user_are_bounded) {
  auto token = login(port(), "eth.delegate", demo_password);
  std::vector<std::unique_ptr<ws_client>> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(std::make_unique<ws_client>());
    ASSERT_EQ(open.back()->connect(port(), token), 101);
  }
  ws_client fourth;
  EXPECT_EQ(fourth.connect(port(), token), 429);
}

TEST_F(limits_test, rooms_announce_presence_and_hide_rooms_the_reader_may_not_see) {
  auto a = open_session(port(), "gha.delegate");
  auto b = open_session(port(), "nld.delegate");
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->send(nlohmann::json{{"type", "join"}, {"room", "discussion:D1"}}));
  auto p1 = a->next_of("presence");
  ASSERT_TRUE(p1);
  EXPECT_EQ((*p1)["room"], "discussion:D1");
  ASSERT_EQ((*p1)["members"].size(), 1u);
  EXPECT_EQ((*p1)["members"][0]["user"], "gha.delegate");
  ASSERT_TRUE(b->send(nlohmann::json{{"type", "join"}, {"room", "discussion:D1"}}));
  auto p2 = a->next_of("presence");
  ASSERT_TRUE(p2);
  EXPECT_EQ((*p2)["members"].size(), 2u);
  ASSERT_TRUE(b->send(nlohmann::json{{"type", "leave"}, {"room", "discussion:D1"}}));
  auto p3 = a->next_of("presence");
  ASSERT_TRUE(p3);
  EXPECT_EQ((*p3)["members"].size(), 1u);
  // GHA is not invited to the restricted D2: no such room for it.
  ASSERT_TRUE(a->send(nlohmann::json{{"type", "join"}, {"room", "discussion:D2"}}));
  auto err = a->next_of("error");
  ASSERT_TRUE(err);
  EXPECT_EQ((*err)["code"], "not_found");
}

TEST_F(limits_test, logout_closes_the_tokens_sockets_with_4001) {
  auto token = login(port(), "bgd.delegate", demo_password);
  ws_client c;
  ASSERT_EQ(c.connect(port(), token), 101);
  ASSERT_TRUE(c.hello());
  auto r = http_call(port(), "DELETE", "/api/session", "", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(c.wait_close(), 4001);
  EXPECT_EQ(get(port(), "/api/state", token).status, 401);
  ws_client again;
  EXPECT_EQ(again.connect(port(), token), 401);
}

// Regression: a WebSocket opened before its session expired stayed open (and kept receiving the
// feed) after the token's lifetime ended.
// Issue 11: besides their number, commands' bytes are budgeted per user. A burst of large
// comments is cut at the byte budget (rejected rate_limited), and a reader that was not reading
// meanwhile is not closed 4008: it gets every accepted event afterwards.
TEST(command_bytes, a_burst_of_large_commands_is_cut_at_the_byte_budget) {
  temp_dir dir;
  a4pd_process server(
      options_in(dir.path(), {"--rate", "1000", "--burst", "1000", "--rate-bytes", "20000",
                              "--burst-bytes", "100000", "--max-send-queue", "262144"}));
  ASSERT_TRUE(server.started()) << server.output();
  auto token = login(server.port(), "eth.delegate", demo_password);
  ws_client stalled;
  ASSERT_EQ(stalled.connect(server.port(), token, std::nullopt, 4096), 101);
  auto welcome = stalled.hello();
  ASSERT_TRUE(welcome);
  std::uint64_t last = (*welcome)["head"];

  auto writer = open_session(server.port(), "gbr.delegate");
  ASSERT_TRUE(writer);
  const std::string body(9000, 'b');
  constexpr int sent = 100;  // about 900 KB, more than three times the send-queue bound
  for (int i = 0; i < sent; ++i)
    ASSERT_TRUE(writer->send(comment_cmd(unique_id("bytes"), "discussion:D1", body)));
  int acks = 0, limited = 0;
  std::uint64_t last_ack = 0;
  while (acks + limited < sent) {
    auto m = writer->next(std::chrono::seconds(10));
    ASSERT_TRUE(m);
    if ((*m)["type"] == "ack") {
      ++acks;
      last_ack = std::max(last_ack, (*m)["seq"].get<std::uint64_t>());
    }
    if ((*m)["type"] == "reject") {
      EXPECT_EQ((*m)["code"], "rate_limited") << m->dump();
      ++limited;
    }
  }
  EXPECT_GE(acks, 10);  // 100,000 bytes of 9 KB frames, and what refilled at 20 KB/s
  EXPECT_LE(acks, 20);
  EXPECT_GE(limited, 80);
  // The stalled reader now reads: every accepted event, in order, and no close.
  int got = 0;
  while (last < last_ack) {
    auto e = stalled.next_of("event", std::chrono::seconds(10));
    ASSERT_TRUE(e) << "closed or silent after seq " << last;
    EXPECT_EQ((*e)["prev"].get<std::uint64_t>(), last);
    last = (*e)["seq"];
    ++got;
  }
  EXPECT_EQ(got, acks);
}

// Issue 11 item 3: a client that reconnects in a loop (thousands of WebSockets a second from one
// user cost every writer hundreds of milliseconds, docs/decisions/0334) is held to
// --user-connect-rate after --user-connect-burst; the others connect and write as before.
TEST(connect_rate, a_user_reconnecting_in_a_loop_gets_429_and_others_connect_and_write) {
  temp_dir dir;
  a4pd_process server(
      options_in(dir.path(), {"--user-connect-rate", "2", "--user-connect-burst", "5"}));
  ASSERT_TRUE(server.started()) << server.output();
  const auto looping = login(server.port(), "eth.delegate", demo_password);
  const auto start = std::chrono::steady_clock::now();
  int opened = 0, refused = 0;
  for (int i = 0; i < 30; ++i) {
    ws_client c;
    const int status = c.connect(server.port(), looping);
    if (status == 101) ++opened;
    if (status == 429) ++refused;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(opened, 5);                                      // the burst
  EXPECT_LE(opened, 5 + static_cast<int>(2 * seconds) + 1);  // then 2 a second
  EXPECT_EQ(opened + refused, 30);
  // Another user is not held up by it: connects, says hello, writes, gets the ack.
  auto writer = open_session(server.port(), "gbr.delegate");
  ASSERT_TRUE(writer);
  ASSERT_TRUE(writer->send(comment_cmd(unique_id("rate"), "discussion:D1", "still here")));
  auto ack = writer->next_of("ack", std::chrono::seconds(10));
  ASSERT_TRUE(ack);
  // The looping user gets in again once the bucket refilled.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ws_client again;
  EXPECT_EQ(again.connect(server.port(), looping), 101);
}

TEST(session_expiry, an_expired_sessions_open_sockets_are_closed_with_4001) {
  temp_dir dir;
  a4pd_process server(options_in(dir.path(), {"--session-ttl", "2"}));
  ASSERT_TRUE(server.started()) << server.output();
  auto token = login(server.port(), "bgd.delegate", demo_password);
  ws_client c;
  ASSERT_EQ(c.connect(server.port(), token), 101);
  ASSERT_TRUE(c.hello());
  EXPECT_EQ(c.wait_close(std::chrono::seconds(10)), 4001);
  EXPECT_EQ(get(server.port(), "/api/state", token).status, 401);
}

// GET /metrics with --metrics-token-file: only the bearer of that token reads it; a token too
// short to be a credential is refused at start.
TEST(metrics_access, a_token_file_makes_metrics_need_the_token) {
  temp_dir dir;
  const std::string token_file = dir.path() + "/metrics.token";
  std::ofstream(token_file) << "scrape-token-0123456789\n";
  auto o = options_in(dir.path() + "/data", {"--metrics-token-file", token_file});
  {
    a4pd_process server(o);
    ASSERT_TRUE(server.started()) << server.output();
    EXPECT_EQ(http_call(server.port(), "GET", "/metrics").status, 401);
    EXPECT_EQ(http_call(server.port(), "GET", "/metrics", "",
                        {{"Authorization", "Bearer wrong-token-0123456789"}})
                  .status,
              401);
    auto ok = http_call(server.port(), "GET", "/metrics", "",
                        {{"Authorization", "Bearer scrape-token-0123456789"}});
    EXPECT_EQ(ok.status, 200);
    EXPECT_NE(ok.body.find("a4p_connections_websocket"), std::string::npos);
    EXPECT_EQ(http_call(server.port(), "GET", "/healthz").status, 200);  // health stays open
  }
  std::ofstream(token_file) << "short\n";
  a4pd_process refused(o);
  EXPECT_FALSE(refused.started());
  EXPECT_EQ(refused.wait(10000).value_or(-1), 2);
}

// Without a token file, /metrics answers loopback connections only.
TEST(metrics_access, without_a_token_only_loopback_connections_read_metrics) {
  auto outside = outside_address();
  if (!outside) GTEST_SKIP() << "this machine has no non-loopback IPv4 address";
  temp_dir dir;
  auto o = options_in(dir.path());
  o.listen = "0.0.0.0:0";
  a4pd_process server(o);
  ASSERT_TRUE(server.started()) << server.output();
  EXPECT_EQ(http_call(server.port(), "GET", "/metrics").status, 200);
  EXPECT_EQ(status_of(raw_http(*outside, server.port(), "GET /metrics")), 403) << *outside;
  EXPECT_EQ(status_of(raw_http(*outside, server.port(), "GET /healthz")), 200) << *outside;
}

}  // namespace
}  // namespace a4p::test
