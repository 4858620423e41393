// Integration tests of PROTOCOL.md section 3 (one order, prev, resume, snapshot, idempotency,
// slow clients, shutdown) against the real a4pd binary.
#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include "tests/server/test_util.hpp"

namespace a4p::test {
namespace {

class sync_test : public suite_a4pd<sync_test> {
 protected:
  static void SetUpTestSuite() { start(unthrottled({"--max-resume", "50"})); }
};

// Reads events until one with seq >= until; checks prev chaining from `last`.
void expect_chain(ws_client& c, std::uint64_t& last, std::uint64_t until,
                  std::vector<std::uint64_t>* seqs = nullptr) {
  while (last < until) {
    auto e = c.next_of("event", std::chrono::seconds(10));
    ASSERT_TRUE(e) << "no event after seq " << last;
    ASSERT_EQ((*e)["prev"].get<std::uint64_t>(), last) << e->dump();
    ASSERT_GT((*e)["seq"].get<std::uint64_t>(), last);
    last = (*e)["seq"];
    if (seqs) seqs->push_back(last);
  }
}

TEST_F(sync_test, concurrent_writers_are_delivered_in_one_gap_free_order) {
  nlohmann::json w;
  auto reader = open_session(port(), "gha.delegate", &w);
  ASSERT_TRUE(reader);
  std::uint64_t last = w["head"];

  constexpr int writers = 3, per_writer = 40;
  const char* users[writers] = {"gbr.delegate", "nld.delegate", "bgd.delegate"};
  std::vector<std::uint64_t> max_ack(writers, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < writers; ++i) {
    threads.emplace_back([&, i] {
      auto c = open_session(port(), users[i]);
      ASSERT_TRUE(c);
      for (int k = 0; k < per_writer; ++k)
        ASSERT_TRUE(c->send(comment_cmd(unique_id("order"), "discussion:D1", "burst")));
      for (int k = 0; k < per_writer; ++k) {
        auto a = c->next_of("ack", std::chrono::seconds(20));
        ASSERT_TRUE(a);
        max_ack[i] = std::max(max_ack[i], (*a)["seq"].get<std::uint64_t>());
      }
    });
  }
  for (auto& t : threads) t.join();
  const auto top = *std::max_element(max_ack.begin(), max_ack.end());
  std::vector<std::uint64_t> seqs;
  expect_chain(*reader, last, top, &seqs);
  // Every event was public: the reader got all of them, consecutively.
  EXPECT_EQ(seqs.size(), static_cast<std::size_t>(writers * per_writer));
  for (std::size_t i = 1; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], seqs[i - 1] + 1);
}

TEST_F(sync_test, resume_after_disconnect_gets_exactly_the_missed_events) {
  nlohmann::json w;
  auto a = open_session(port(), "eth.delegate", &w);
  ASSERT_TRUE(a);
  const std::string epoch = w["epoch"];
  const std::uint64_t left_at = w["head"];
  a->close_abruptly();

  auto writer = open_session(port(), "gbr.delegate");
  ASSERT_TRUE(writer);
  std::uint64_t last_ack = 0;
  for (int k = 0; k < 20; ++k) {
    auto ack = post_comment(*writer, "discussion:D1", "missed", "resume");
    ASSERT_TRUE(ack);
    last_ack = (*ack)["seq"];
  }

  auto token = login(port(), "eth.delegate", demo_password);
  ws_client b;
  ASSERT_EQ(b.connect(port(), token), 101);
  auto w2 = b.hello(epoch, left_at);
  ASSERT_TRUE(w2);
  EXPECT_EQ((*w2)["mode"], "resume");
  std::uint64_t last = left_at;
  std::vector<std::uint64_t> seqs;
  expect_chain(b, last, last_ack, &seqs);
  EXPECT_EQ(seqs.size(), 20u);
  EXPECT_EQ(seqs.front(), left_at + 1);
  // And the live feed continues without a gap or duplicate.
  auto ack = post_comment(*writer, "discussion:D1", "live", "resume");
  ASSERT_TRUE(ack);
  expect_chain(b, last, (*ack)["seq"]);
  EXPECT_EQ(last, (*ack)["seq"].get<std::uint64_t>());
}

TEST_F(sync_test, snapshot_mode_for_foreign_epoch_unknown_seq_and_too_old_seq) {
  nlohmann::json w;
  auto a = open_session(port(), "gha.delegate", &w);
  ASSERT_TRUE(a);
  const std::string epoch = w["epoch"];
  const std::uint64_t head = w["head"];
  ASSERT_TRUE(a->snapshot());
  EXPECT_EQ((*a->snapshot())["seq"], head);
  EXPECT_TRUE((*a->snapshot())["state"]["pledges"].contains("P1"));

  auto try_resume = [&](const std::string& ep, std::uint64_t seq) {
    auto token = login(port(), "gha.delegate", demo_password);
    ws_client c;
    EXPECT_EQ(c.connect(port(), token), 101);
    auto welcome = c.hello(ep, seq);
    EXPECT_TRUE(welcome);
    EXPECT_TRUE(c.snapshot()) << "expected a snapshot";
    return welcome ? (*welcome)["mode"].get<std::string>() : std::string();
  };
  EXPECT_EQ(try_resume("00000000-0000-0000-0000-000000000000", head), "snapshot");
  EXPECT_EQ(try_resume(epoch, head + 1000), "snapshot");  // beyond the head
  // The server runs with --max-resume 50: a resume from seq 1 is too old.
  ASSERT_GT(head, 60u);
  EXPECT_EQ(try_resume(epoch, 1), "snapshot");
}

TEST_F(sync_test, idempotent_resend_gets_the_same_ack_and_appends_nothing) {
  auto c = open_session(port(), "gbr.delegate");
  ASSERT_TRUE(c);
  auto cmd = comment_cmd(unique_id("idem"), "discussion:D1", "once");
  ASSERT_TRUE(c->send(cmd));
  auto first = c->next_of("ack");
  ASSERT_TRUE(first);
  const std::uint64_t seq = (*first)["seq"];

  // Resend on the same connection and on a new one (as after a reconnect).
  ASSERT_TRUE(c->send(cmd));
  auto second = c->next_of("ack");
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, *first);
  auto d = open_session(port(), "gbr.delegate");
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->send(cmd));
  auto third = d->next_of("ack");
  ASSERT_TRUE(third);
  EXPECT_EQ(*third, *first);

  // Nothing was appended: the log's head is still the first ack's seq.
  auto token = login(port(), "un.auditor", demo_password);
  auto v = get(port(), "/api/audit/verify", token);
  ASSERT_EQ(v.status, 200);
  EXPECT_EQ(nlohmann::json::parse(v.body)["head"].get<std::uint64_t>(), seq);
  // The same id from another user is another command.
  auto e = open_session(port(), "nld.delegate");
  ASSERT_TRUE(e);
  ASSERT_TRUE(e->send(cmd));
  auto other = e->next_of("ack");
  ASSERT_TRUE(other);
  EXPECT_GT((*other)["seq"].get<std::uint64_t>(), seq);
}

TEST_F(sync_test, restricted_discussion_events_are_withheld_and_prev_stays_checkable) {
  nlohmann::json w;
  auto outsider = open_session(port(), "gha.delegate", &w);  // not invited to D2
  ASSERT_TRUE(outsider);
  auto insider = open_session(port(), "bgd.delegate");  // invited to D2
  ASSERT_TRUE(insider);
  std::uint64_t last = w["head"];

  auto secret = post_comment(*insider, "discussion:D2", "restricted", "secret");
  ASSERT_TRUE(secret);
  auto open = post_comment(*insider, "discussion:D1", "public", "open");
  ASSERT_TRUE(open);

  auto e = outsider->next_of("event");
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["seq"], (*open)["seq"]);  // the restricted event was never sent
  EXPECT_EQ((*e)["prev"].get<std::uint64_t>(), last);

  // GET /api/events shows it as a withheld stub with its hash.
  auto token = login(port(), "gha.delegate", demo_password);
  auto r = get(port(),
               "/api/events?after=" + std::to_string((*secret)["seq"].get<int>() - 1) + "&limit=1",
               token);
  ASSERT_EQ(r.status, 200);
  auto line = nlohmann::json::parse(r.body.substr(0, r.body.find('\n')));
  EXPECT_EQ(line["withheld"], true);
  EXPECT_EQ(line["seq"], (*secret)["seq"]);
  EXPECT_EQ(line["hash"].get<std::string>().size(), 64u);
}

TEST_F(sync_test, slow_consumer_is_closed_4008_while_others_keep_receiving) {
  auto token = login(port(), "gha.delegate", demo_password);
  ws_client slow;
  ASSERT_EQ(slow.connect(port(), token, std::nullopt, 4096), 101);
  ASSERT_TRUE(slow.hello());  // then never reads until the end

  nlohmann::json w;
  auto fast = open_session(port(), "eth.delegate", &w);
  ASSERT_TRUE(fast);
  std::uint64_t last = w["head"];
  auto writer = open_session(port(), "gbr.delegate");
  ASSERT_TRUE(writer);

  const std::string big(9000, 'x');
  const int rounds = 1600;  // ~14 MB of events: past kernel buffers and the 4 MiB queue
  for (int k = 0; k < rounds; ++k) {
    ASSERT_TRUE(writer->send(comment_cmd(unique_id("slow"), "discussion:D1", big)));
    if (k % 50 == 49) {
      // The fast reader keeps up, promptly.
      std::uint64_t top = 0;
      for (int j = 0; j < 50; ++j) {
        auto a = writer->next_of("ack", std::chrono::seconds(20));
        ASSERT_TRUE(a);
        top = (*a)["seq"];
      }
      const auto t0 = std::chrono::steady_clock::now();
      expect_chain(*fast, last, top);
      EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
    }
  }
  // The slow one now reads: what was written, then close 4008 (never a half message).
  EXPECT_EQ(slow.wait_close(std::chrono::seconds(30)), 4008);
  for (const auto& m : slow.skipped()) EXPECT_TRUE(m.is_object()) << "half-written message";
}

// GET /api/state?at=N judges the past by today's rules: a comment hidden after N is redacted
// for members in the old state too, and shown (with its body) to the Secretariat.
TEST_F(sync_test, past_state_redacts_comments_hidden_since) {
  const auto member = login(port(), "gha.delegate", demo_password);
  const auto secretariat = login(port(), "un.secretariat", demo_password);
  auto ev = get(port(), "/api/events?after=0&limit=10000", member);
  ASSERT_EQ(ev.status, 200);
  std::uint64_t hidden_at = 0;
  std::string comment_id;
  std::size_t pos = 0;
  while (pos < ev.body.size()) {
    auto nl = ev.body.find('\n', pos);
    auto line = nlohmann::json::parse(ev.body.substr(pos, nl - pos));
    pos = nl == std::string::npos ? ev.body.size() : nl + 1;
    if (line.value("name", "") == "comment.hidden") {
      hidden_at = line["seq"];
      comment_id = line["entity"].get<std::string>().substr(std::string("comment:").size());
      break;
    }
  }
  ASSERT_NE(hidden_at, 0u) << "the demo hides a comment";
  const auto at = "/api/state?at=" + std::to_string(hidden_at - 1);
  auto old_member = nlohmann::json::parse(get(port(), at, member).body);
  ASSERT_TRUE(old_member["comments"].contains(comment_id));
  EXPECT_EQ(old_member["comments"][comment_id].value("redacted", false), true);
  EXPECT_FALSE(old_member["comments"][comment_id].contains("body"));
  auto old_sec = nlohmann::json::parse(get(port(), at, secretariat).body);
  EXPECT_TRUE(old_sec["comments"][comment_id].contains("body"));
}

// Regression: a workspace whose snapshot is larger than --max-send-queue closed every new
// client with 4008 before it could read its first message. The welcome snapshot is exempt from
// the bound; what is queued beside it still counts.
TEST(sync_snapshot, snapshot_larger_than_the_send_queue_bound_is_delivered) {
  temp_dir dir;
  // The demo snapshot is far larger than this bound.
  a4pd_process server(options_in(dir.path(), {"--max-send-queue", "4096"}));
  ASSERT_TRUE(server.started()) << server.output();
  auto c = open_session(server.port(), "gha.delegate");
  ASSERT_TRUE(c);
  const auto& snap = c->snapshot();
  ASSERT_TRUE(snap);
  EXPECT_GT(snap->dump().size(), 4096u);
  EXPECT_FALSE((*snap)["state"]["pledges"].empty());
  ASSERT_TRUE(c->send(nlohmann::json{{"type", "ping"}, {"nonce", "after-snapshot"}}));
  auto pong = c->next_of("pong", std::chrono::seconds(10));
  ASSERT_TRUE(pong);
  EXPECT_EQ((*pong)["nonce"], "after-snapshot");
}

// Issue 11: a resume whose catch-up is far larger than the send-queue bound is delivered page by
// page as the client reads (from the log, then the ring), not closed 4008; the live feed follows
// without a gap.
TEST(sync_resume, a_catch_up_larger_than_the_send_queue_is_paged_not_closed) {
  temp_dir dir;
  a4pd_process server(options_in(dir.path(), {"--max-send-queue", "65536", "--resume-ring", "200",
                                              "--rate", "100000", "--burst", "100000"}));
  ASSERT_TRUE(server.started()) << server.output();
  nlohmann::json w;
  auto away = open_session(server.port(), "eth.delegate", &w);
  ASSERT_TRUE(away);
  const std::string epoch = w["epoch"];
  const std::uint64_t left_at = w["head"];
  away->close_abruptly();

  auto writer = open_session(server.port(), "gbr.delegate");
  ASSERT_TRUE(writer);
  constexpr int missed = 1500;  // about 1 MB of events, 16 times the bound
  const std::string body(400, 'm');
  std::uint64_t last_ack = 0;
  for (int sent = 0; sent < missed; sent += 25) {  // windows small enough for the writer's queue
    for (int k = 0; k < 25; ++k)
      ASSERT_TRUE(writer->send(comment_cmd(unique_id("far"), "discussion:D1", body)));
    for (int k = 0; k < 25; ++k) {
      auto ack = writer->next_of("ack", std::chrono::seconds(10));
      ASSERT_TRUE(ack && ack->contains("seq"));
      last_ack = std::max(last_ack, (*ack)["seq"].get<std::uint64_t>());
    }
  }

  auto token = login(server.port(), "eth.delegate", demo_password);
  ws_client back;
  ASSERT_EQ(back.connect(server.port(), token), 101);
  auto w2 = back.hello(epoch, left_at);
  ASSERT_TRUE(w2);
  EXPECT_EQ((*w2)["mode"], "resume");
  std::uint64_t last = left_at;
  std::vector<std::uint64_t> seqs;
  expect_chain(back, last, last_ack, &seqs);
  EXPECT_EQ(seqs.size(), static_cast<std::size_t>(missed));
  auto ack = post_comment(*writer, "discussion:D1", "live after the long catch-up", "far");
  ASSERT_TRUE(ack);
  expect_chain(back, last, (*ack)["seq"]);
  EXPECT_EQ(last, (*ack)["seq"].get<std::uint64_t>());
}

TEST(sync_shutdown, sigterm_closes_clients_with_1001_and_exits_0) {
  temp_dir dir;
  const auto o = options_in(dir.path());
  a4pd_process server(o);
  ASSERT_TRUE(server.started()) << server.output();
  auto a = open_session(server.port(), "gbr.delegate");
  auto b = open_session(server.port(), "un.auditor");
  ASSERT_TRUE(a && b);
  auto ack = post_comment(*a, "discussion:D1", "before shutdown", "bye");
  ASSERT_TRUE(ack);
  server.signal(SIGTERM);
  EXPECT_EQ(a->wait_close(std::chrono::seconds(10)), 1001);
  EXPECT_EQ(b->wait_close(std::chrono::seconds(10)), 1001);
  auto code = server.wait(10000);
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 0);

  // Restart: the acknowledged event is there.
  a4pd_options again = o;
  again.demo = false;
  a4pd_process second(again);
  ASSERT_TRUE(second.started()) << second.output();
  auto token = login(second.port(), "un.auditor", demo_password);
  auto v = get(second.port(), "/api/audit/verify", token);
  ASSERT_EQ(v.status, 200);
  auto j = nlohmann::json::parse(v.body);
  EXPECT_TRUE(j["ok"].get<bool>());
  EXPECT_EQ(j["head"], (*ack)["seq"]);
}

}  // namespace
}  // namespace a4p::test
