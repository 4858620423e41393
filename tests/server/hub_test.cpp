// server/hub in process: the per-user connection count (no sockets), then live sessions of a
// real server_app over real sockets: counted while open, gone once closed, and fed what
// others post.
#include "server/hub.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "tests/server/inprocess.hpp"

namespace a4p::test {
namespace {

TEST(hub, reserve_counts_each_user_up_to_the_limit_and_release_frees_a_place) {
  server::hub h(2);
  EXPECT_TRUE(h.reserve("a"));
  EXPECT_TRUE(h.reserve("a"));
  EXPECT_FALSE(h.reserve("a"));
  EXPECT_TRUE(h.reserve("b"));  // another user has their own count
  h.release("a");
  EXPECT_TRUE(h.reserve("a"));
  EXPECT_FALSE(h.reserve("a"));
}

TEST(hub, concurrent_reserves_never_pass_the_limit) {
  server::hub h(16);
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (h.reserve("u")) {
          granted.fetch_add(1);
          if (i % 2 == 0) {
            h.release("u");
            granted.fetch_sub(1);
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 16);
  EXPECT_FALSE(h.reserve("u"));
}

TEST(hub, live_sessions_are_counted_fed_and_forgotten_when_closed) {
  inprocess_a4pd server;
  ASSERT_TRUE(server.started());
  auto& clients = server.app().clients();
  auto a = open_session(server.port(), "gbr.delegate");
  auto b = open_session(server.port(), "nld.delegate");
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(eventually([&] { return clients.size() == 2; })) << clients.size();

  auto ack = post_comment(*a, "discussion:D1", "seen by both");
  ASSERT_TRUE(ack) << "no ack";
  auto e = b->next_of("event");
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["seq"], (*ack)["seq"]);

  b->close_abruptly();
  EXPECT_TRUE(eventually([&] { return clients.size() == 1; })) << clients.size();
  a.reset();
  EXPECT_TRUE(eventually([&] { return clients.size() == 0; })) << clients.size();
}

}  // namespace
}  // namespace a4p::test
