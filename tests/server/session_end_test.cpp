// Sessions that end and roles that take effect at once (issue 12 items 2 and 3), against the
// real a4pd: a socket whose writes are stuck is logged out for good, a logout between the
// upgrade and the hello is final, a client that stops reading is closed however much it sends,
// and a demoted Secretariat user's open socket gets no hidden comment text after the demotion.
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <sstream>
#include <thread>

#include "tests/server/test_util.hpp"

namespace a4p::test {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

// A real a4pd over a fresh demo directory, default flags.
std::unique_ptr<a4pd_process> demo_server(const temp_dir& dir) {
  auto o = options_in(dir.path());
  return std::make_unique<a4pd_process>(o);
}

// A real a4pd (no rate limit, a send queue large enough not to close anyone for 4008), a writer
// that reads, and `stuck`: signed in as gbr.delegate, welcomed, then never reading again while
// the writer floods an open discussion with 9 MB of comments, so that its writes back up.
struct stuck_reader {
  temp_dir dir;
  std::unique_ptr<a4pd_process> server;
  std::uint16_t port = 0;
  std::unique_ptr<ws_client> writer;
  std::string target;
  std::string token;
  ws_client stuck;

  explicit stuck_reader(const std::vector<std::string>& extra) {
    auto o = options_in(dir.path(), unthrottled({"--max-send-queue", "268435456"}));
    o.extra_args.insert(o.extra_args.end(), extra.begin(), extra.end());
    server = std::make_unique<a4pd_process>(o);
  }
  // Everything above but the server's start; false (with a gtest failure) when a step fails.
  bool set_up() {
    if (!server->started()) {
      ADD_FAILURE() << server->output();
      return false;
    }
    port = server->port();
    writer = open_session(port, "eth.delegate");
    if (!writer) return false;
    target = open_discussion(*writer->snapshot());
    token = login(port, "gbr.delegate", demo_password);
    if (target.empty() || stuck.connect(port, token, std::nullopt, 4096) != 101 || !stuck.hello())
      return false;
    return flood(*writer, target, 1000, 9000);
  }
};

// Sends three comments from the stuck socket and waits until they are appended (the test can
// tell), runs `end_it` (which ends the session), then has the socket keep sending: it must be
// cut within 1 s, and nothing it sent after `end_it` may be appended.
void expect_end_is_final(stuck_reader& t, const std::function<void()>& end_it) {
  const auto port = t.port;
  ASSERT_TRUE(eventually([&] { return metric(port, "a4p_send_queue_bytes") > 1e6; }, 10s))
      << "the stuck socket's writes should be backed up";

  // Before the end what it sends is appended (the test can tell).
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(t.stuck.send(comment_cmd(unique_id("stuck"), t.target, "before-the-end")));
  const auto reader = login(port, "eth.delegate", demo_password);
  ASSERT_TRUE(eventually(
      [&] {
        const auto ev = all_event_lines(port, reader);
        std::size_t n = 0;
        for (auto p = ev.find("before-the-end"); p != std::string::npos;
             p = ev.find("before-the-end", p + 1))
          ++n;
        return n == 3;
      },
      10s));

  end_it();
  const auto ended = clock_type::now();
  // It keeps sending; the server stops reading it, and cuts it: its sends start failing.
  std::optional<clock_type::time_point> refused;
  std::thread sender([&] {
    for (int i = 0; i < 200; ++i) {
      if (!t.stuck.send(comment_cmd(unique_id("stuck"), t.target, "after-the-end"))) {
        refused = clock_type::now();
        return;
      }
      std::this_thread::sleep_for(20ms);
    }
  });
  sender.join();
  ASSERT_TRUE(refused) << "the stuck socket was never cut";
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(*refused - ended);
  EXPECT_LT(took, 1s) << "cut after " << took.count() << " ms";
  EXPECT_TRUE(eventually([&] { return metric(port, "a4p_connections_websocket") == 1; }, 5s));

  std::this_thread::sleep_for(300ms);
  const auto ev = all_event_lines(port, reader);
  EXPECT_EQ(ev.find("after-the-end"), std::string::npos) << "appended after the end";
  EXPECT_NE(ev.find("before-the-end"), std::string::npos);
}

// Issue 12: "A client that stops reading and keeps sending can go on posting after its
// logout." Its writes are stuck, so the close could never be sent and commands kept reaching
// the sequencer. Now the socket is cut within the close deadline and nothing it sends after
// the logout is appended.
TEST(session_end, a_stuck_sockets_logout_is_final) {
  stuck_reader t({"--close-timeout", "500"});
  ASSERT_TRUE(t.set_up());
  expect_end_is_final(t, [&] {
    auto r =
        http_call(t.port, "DELETE", "/api/session", "", {{"Authorization", "Bearer " + t.token}});
    ASSERT_EQ(r.status, 200);
  });
}

// Issue 12 item 2: "an account disable takes effect on every socket within 1 s, even one whose
// writes are stuck". The Secretariat disables gbr.delegate (user.disabled, through POST
// /api/commands): the stuck socket is cut within 1 s with nothing it sends afterwards
// appended, and the account's other, reading socket is closed 4001 at once.
TEST(session_end, a_stuck_sockets_disable_is_final) {
  stuck_reader t({"--close-timeout", "500"});
  ASSERT_TRUE(t.set_up());
  auto other = open_session(t.port, "gbr.delegate");
  ASSERT_TRUE(other);
  // The other socket reads all along (its close frame is not lost to the cut of an unread
  // connection).
  int other_code = -1;
  std::thread other_reader([&] { other_code = other->wait_close(20s); });
  const auto sec = login(t.port, "un.secretariat", demo_password);
  expect_end_is_final(t, [&] {
    const nlohmann::json cmd = {{"type", "command"},
                                {"id", unique_id("disable")},
                                {"name", "user.disable"},
                                {"args", {{"id", "gbr.delegate"}}}};
    auto r = http_call(t.port, "POST", "/api/commands", cmd.dump(),
                       {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + sec}});
    ASSERT_EQ(r.status, 200) << r.body;
  });
  other_reader.join();
  EXPECT_EQ(other_code, 4001);
  EXPECT_EQ(get(t.port, "/api/state", t.token).status, 401);
}

// A client that stops reading cannot keep its socket by sending: a write in flight longer
// than --write-timeout closes it (4008), pings notwithstanding.
TEST(session_end, a_client_that_stops_reading_is_closed_however_much_it_sends) {
  stuck_reader t({"--write-timeout", "3000"});
  ASSERT_TRUE(t.set_up());
  std::atomic<bool> stop{false};
  std::thread pinger([&] {
    while (!stop && t.stuck.send(nlohmann::json{{"type", "ping"}, {"nonce", "still here"}}))
      std::this_thread::sleep_for(50ms);
  });
  const bool closed =
      eventually([&] { return metric(t.port, "a4p_connections_websocket") == 1; }, 10s);
  stop = true;
  pinger.join();
  EXPECT_TRUE(closed);
  EXPECT_EQ(metric(t.port, "a4p_slow_consumer_closes_total"), 1);
  // The writer, which reads, is unaffected.
  EXPECT_TRUE(post_comment(*t.writer, t.target, "still served"));
}

// Issue 12: "A logout that lands between the token check at hello and hub registration also
// survives." A socket is now reached by a logout from its upgrade on: it is closed 4001
// without ever sending hello.
TEST(session_end, a_logout_before_the_hello_closes_the_socket_at_once) {
  temp_dir dir;
  auto server_ptr = demo_server(dir);
  auto& server = *server_ptr;
  ASSERT_TRUE(server.started()) << server.output();
  const auto token = login(server.port(), "bgd.delegate", demo_password);
  ws_client c;
  ASSERT_EQ(c.connect(server.port(), token), 101);
  auto r = http_call(server.port(), "DELETE", "/api/session", "",
                     {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(c.wait_close(2s), 4001);
}

// The text of a hidden comment (its body, or the hide reason) that `m` carries, if any of
// `secrets` is in it.
bool carries(const nlohmann::json& m, const std::vector<std::string>& secrets) {
  const auto s = m.dump();
  for (const auto& x : secrets)
    if (s.find(x) != std::string::npos) return true;
  return false;
}

// Issue 12: "A demoted Secretariat user or auditor keeps receiving hidden comment bodies and
// restricted-discussion events for up to the 12-hour session TTL." Now the role change closes
// their sockets with 4003 before the next event, and their next hello gets a snapshot.
TEST(roles_at_once, a_demoted_secretariat_users_socket_gets_no_hidden_comment_text) {
  temp_dir dir;
  auto server_ptr = demo_server(dir);
  auto& server = *server_ptr;
  ASSERT_TRUE(server.started()) << server.output();
  const auto port = server.port();

  auto sec = open_session(port, "un.secretariat");
  ASSERT_TRUE(sec);
  const auto target = open_discussion(*sec->snapshot());
  auto set_role = [&](const std::string& user, const std::string& role) {
    return sec->send(nlohmann::json{{"type", "command"},
                                    {"id", unique_id("role")},
                                    {"name", "user.set_role"},
                                    {"args", {{"id", user}, {"role", role}}}}) &&
           sec->next_of("ack").has_value();
  };
  auto hide = [&](const std::string& comment, const std::string& reason) {
    return sec->send(nlohmann::json{{"type", "command"},
                                    {"id", unique_id("hide")},
                                    {"name", "comment.hide"},
                                    {"args", {{"id", comment}, {"reason", reason}}}}) &&
           sec->next_of("ack").has_value();
  };

  // A member's comment, hidden: its body and reason are for the Secretariat only.
  auto poster = open_session(port, "eth.delegate");
  ASSERT_TRUE(poster);
  auto ack = post_comment(*poster, target, "hidden-body-before");
  ASSERT_TRUE(ack);
  const std::string first = (*ack)["result"]["id"];
  ASSERT_TRUE(hide(first, "hidden-reason-before"));

  // gbr.delegate becomes Secretariat: it now sees hidden text (the test can tell).
  ASSERT_TRUE(set_role("gbr.delegate", "secretariat"));
  const auto token = login(port, "gbr.delegate", demo_password);
  ws_client demoted;
  ASSERT_EQ(demoted.connect(port, token), 101);
  nlohmann::json welcome = *demoted.hello();
  ASSERT_EQ(welcome["user"]["roles"][0], "secretariat");
  ASSERT_TRUE(carries(*demoted.snapshot(), {"hidden-body-before"}));
  const std::uint64_t seen = welcome["head"];

  // Demoted. Then more hidden text is made: a comment posted and hidden with a reason.
  ASSERT_TRUE(set_role("gbr.delegate", "member"));
  ack = post_comment(*poster, target, "hidden-body-after");
  ASSERT_TRUE(ack);
  ASSERT_TRUE(hide((*ack)["result"]["id"], "hidden-reason-after"));
  // The Secretariat's own socket does get the reason (the test can tell).
  bool sec_saw = false;
  for (const auto& m : sec->skipped()) sec_saw = sec_saw || carries(m, {"hidden-reason-after"});
  while (!sec_saw)
    if (auto m = sec->next(5s))
      sec_saw = carries(*m, {"hidden-reason-after"});
    else
      break;
  EXPECT_TRUE(sec_saw);

  // The demoted socket was closed with 4003, and nothing it got carries hidden text after the
  // role change.
  EXPECT_EQ(demoted.wait_close(2s), 4003);
  const std::vector<std::string> secrets = {"hidden-body-before", "hidden-reason-before",
                                            "hidden-body-after", "hidden-reason-after"};
  for (const auto& m : demoted.skipped()) {
    EXPECT_FALSE(m.value("name", "") == "user.role_changed") << "closed before the event";
    EXPECT_FALSE(carries(m, secrets)) << m.dump();
  }

  // Reconnecting with resume from before the demotion gets a snapshot, redacted.
  ws_client again;
  ASSERT_EQ(again.connect(port, token), 101);
  auto w2 = again.hello(welcome["epoch"].get<std::string>(), seen);
  ASSERT_TRUE(w2);
  EXPECT_EQ((*w2)["mode"], "snapshot");
  EXPECT_EQ((*w2)["user"]["roles"][0], "member");
  ASSERT_TRUE(again.snapshot());
  EXPECT_FALSE(carries(*again.snapshot(), secrets));
}

// An org that loses its endorsement: its users' sockets are closed 4003 too.
TEST(roles_at_once, an_org_losing_its_endorsement_closes_its_users_sockets) {
  temp_dir dir;
  auto server_ptr = demo_server(dir);
  auto& server = *server_ptr;
  ASSERT_TRUE(server.started()) << server.output();
  auto sec = open_session(server.port(), "un.secretariat");
  nlohmann::json welcome;
  auto member = open_session(server.port(), "gbr.delegate", &welcome);
  ASSERT_TRUE(sec && member);
  const std::string org = welcome["user"]["org"];
  ASSERT_TRUE(
      sec->send(nlohmann::json{{"type", "command"},
                               {"id", "unendorse"},
                               {"name", "org.update"},
                               {"args", {{"id", org}, {"changes", {{"endorsed", false}}}}}}));
  ASSERT_TRUE(sec->next_of("ack"));
  EXPECT_EQ(member->wait_close(2s), 4003);
}

}  // namespace
}  // namespace a4p::test
