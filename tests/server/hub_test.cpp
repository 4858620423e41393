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

// Presence across cluster nodes (ADR 0328), the hub's part: what another node reported is
// merged into the room's presence, each (user, org) once; a report that changes nothing sends
// nothing; an empty report takes that node's members out again.
TEST(hub, presence_is_the_union_of_this_node_and_what_other_nodes_reported) {
  inprocess_a4pd server;
  ASSERT_TRUE(server.started());
  auto& clients = server.app().clients();
  auto a = open_session(server.port(), "gha.delegate");
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->send(nlohmann::json{{"type", "join"}, {"room", "discussion:D1"}}));
  auto p = a->next_of("presence");
  ASSERT_TRUE(p);
  ASSERT_EQ((*p)["members"].size(), 1u);
  auto org = (*p)["members"][0]["org"].get<std::string>();
  EXPECT_TRUE(eventually([&] { return clients.local_presence("discussion:D1").size() == 1; }));

  // Node n1 has NLD and (in a second tab elsewhere) GHA itself: GHA counts once.
  clients.set_remote("n1", "discussion:D1", {{"nld.delegate", "NLD"}, {"gha.delegate", org}});
  p = a->next_of("presence");
  ASSERT_TRUE(p);
  ASSERT_EQ((*p)["members"].size(), 2u) << p->dump();
  EXPECT_EQ((*p)["members"][0]["user"], "gha.delegate");
  EXPECT_EQ((*p)["members"][1]["user"], "nld.delegate");
  // The same report again (a heartbeat) sends nothing, nor does a room this node has no
  // session in: the next presence is the one of n2's report (a socket read that times out
  // ends the test client, so "nothing" is shown by what comes next).
  clients.set_remote("n1", "discussion:D1", {{"nld.delegate", "NLD"}, {"gha.delegate", org}});
  clients.set_remote("n1", "discussion:D9", {{"usa.delegate", "USA"}});
  // Node n2 adds USA; n1 empties the room.
  clients.set_remote("n2", "discussion:D1", {{"usa.delegate", "USA"}});
  p = a->next_of("presence");
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)["members"].size(), 3u) << p->dump();
  clients.set_remote("n1", "discussion:D1", {});
  p = a->next_of("presence");
  ASSERT_TRUE(p);
  ASSERT_EQ((*p)["members"].size(), 2u) << p->dump();
  EXPECT_EQ((*p)["members"][1]["user"], "usa.delegate");
  // Only this node's own members are published.
  EXPECT_EQ(clients.local_presence("discussion:D1").size(), 1u);
  EXPECT_EQ(clients.local_presence().size(), 1u);
}

}  // namespace
}  // namespace a4p::test
