// server/sequencer in process: several writers on real sockets against a server_app with a real
// log in a temp dir. Acks come only once durable and carry the seq the log holds; a reader
// gets every event once, in seq order; the durable head, the log and query() agree; a resend
// appends nothing; a shutdown drains what was appended.
#include "server/sequencer.hpp"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "protocol/state.hpp"
#include "storage/event_log.hpp"
#include "tests/server/inprocess.hpp"

namespace a4p::test {
namespace {

// The durable state's seq, read on the sequencer's strand.
std::uint64_t queried_seq(server::sequencer& seq) {
  std::promise<std::uint64_t> p;
  auto f = p.get_future();
  seq.query([&p](const protocol::state& s) { p.set_value(s.seq()); });
  return f.get();
}

TEST(sequencer, concurrent_writers_get_durable_acks_and_a_reader_sees_every_event_in_order) {
  inprocess_a4pd server;
  ASSERT_TRUE(server.started());
  auto& app = server.app();
  nlohmann::json welcome;
  auto reader = open_session(server.port(), "un.secretariat", &welcome);
  ASSERT_TRUE(reader);
  const std::uint64_t start = welcome["head"];

  constexpr int writers = 3, per_writer = 40;
  const char* users[writers] = {"gbr.delegate", "nld.delegate", "bgd.delegate"};
  std::mutex mu;
  std::set<std::uint64_t> acked;
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      auto c = open_session(server.port(), users[w]);
      if (!c) return;
      for (int i = 0; i < per_writer; ++i) {
        auto ack = post_comment(*c, "discussion:D1", "in order", users[w]);
        if (!ack) return;
        const std::uint64_t seq = (*ack)["seq"];
        // An ack is sent from the durable callback: the log holds the event already.
        EXPECT_GE(app.seq().durable_head(), seq);
        std::lock_guard lock(mu);
        acked.insert(seq);
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(acked.size(), std::size_t{writers * per_writer});

  std::uint64_t last = start;
  for (std::size_t n = 0; n < acked.size(); ++n) {
    auto e = reader->next_of("event", std::chrono::seconds(10));
    ASSERT_TRUE(e) << "event " << n << " of " << acked.size() << " missing";
    ASSERT_EQ((*e)["prev"].get<std::uint64_t>(), last) << e->dump();
    last = (*e)["seq"];
  }
  EXPECT_EQ(last, *acked.rbegin());
  EXPECT_EQ(app.seq().durable_head(), last);
  EXPECT_EQ(app.log().head(), last);
  EXPECT_EQ(queried_seq(app.seq()), last);
}

TEST(sequencer, a_resend_is_acked_with_the_original_seq_and_appends_nothing) {
  inprocess_a4pd server;
  ASSERT_TRUE(server.started());
  auto c = open_session(server.port(), "gbr.delegate");
  ASSERT_TRUE(c);
  const auto cmd = comment_cmd(unique_id("resend"), "discussion:D1", "once");
  ASSERT_TRUE(c->send(cmd));
  auto first = c->next_of("ack");
  ASSERT_TRUE(first);
  const std::uint64_t head = server.app().log().head();
  ASSERT_TRUE(c->send(cmd));
  auto again = c->next_of("ack");
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)["seq"], (*first)["seq"]);
  EXPECT_EQ(server.app().log().head(), head);
  EXPECT_EQ(queried_seq(server.app().seq()), head);
}

TEST(sequencer, a_shutdown_under_writers_keeps_every_acked_event_and_closes_with_1001) {
  inprocess_a4pd server;
  ASSERT_TRUE(server.started());
  auto& app = server.app();
  auto c = open_session(server.port(), "gbr.delegate");
  ASSERT_TRUE(c);
  for (int i = 0; i < 50; ++i)
    ASSERT_TRUE(c->send(comment_cmd(unique_id("drain"), "discussion:D1", "drain")));
  // The first ack: the writer is busy when the shutdown begins (the rest may be acked, or
  // refused with unavailable, but nothing acked may be lost).
  auto first = c->next_of("ack", std::chrono::seconds(30));  // ThreadSanitizer on a busy machine
  ASSERT_TRUE(first);
  app.stop();  // as SIGTERM: drain, then close every client with 1001
  EXPECT_EQ(c->wait_close(), 1001);
  server.stop();  // joins run()
  std::uint64_t max_acked = (*first)["seq"];
  for (auto& m : c->skipped())
    if (m.value("type", "") == "ack") max_acked = std::max<std::uint64_t>(max_acked, m["seq"]);
  EXPECT_LE(max_acked, app.log().head());
  EXPECT_EQ(app.seq().durable_head(), app.log().head());
  EXPECT_GT(max_acked, 0u);
}

}  // namespace
}  // namespace a4p::test
