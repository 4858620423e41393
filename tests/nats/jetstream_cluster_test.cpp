// JetStream clustered, as a4pd's cluster mode runs on it (issue 16 item 5): three Debian
// nats-servers routed to each other and a stream with three replicas. With one server killed
// the writes go on; with two, there is no quorum and a publish fails (nothing is stored); once
// one comes back, the same client's writes resume by themselves. Every message acknowledged is
// in the stream exactly once, in order.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "nats/blocking.hpp"
#include "nats/jetstream.hpp"
#include "tests/nats/nats_server.hpp"

namespace a4p::nats {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::nats_cluster;

// Calls f until it is true or `limit` has passed.
template <class F>
bool retry_until(F f, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!f()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(200ms);
  }
  return true;
}

TEST(nats_cluster, writes_go_on_with_a_quorum_stop_without_one_and_resume_by_themselves) {
  nats_cluster cluster(3);
  options o;
  o.servers = cluster.urls();
  o.reconnect_wait = 50ms;
  o.name = "jetstream_cluster_test";
  threaded_client c(o);
  ASSERT_TRUE(c.wait_connected(10s));
  jetstream js(*c, 2s);

  // The cluster elects its meta leader some seconds after it starts.
  const json config = {{"name", "A4P_LOG"},
                       {"subjects", {"a4p.log"}},
                       {"storage", "file"},
                       {"num_replicas", 3},
                       {"deny_delete", true},
                       {"deny_purge", true},
                       {"duplicate_window", 120'000'000'000LL}};
  ASSERT_TRUE(retry_until(
      [&] {
        return await<js_result<json>>([&](auto cb) { js.create_stream(config, cb); }).has_value();
      },
      60s))
      << "no stream with three replicas";

  // Message i, under the id "m-i": a retry of one that was stored but whose ack was lost is
  // answered as a duplicate, not stored twice.
  const auto publish = [&](int i) {
    return await<js_result<pub_ack>>([&](auto cb) {
      js.publish("a4p.log", std::to_string(i), {"m-" + std::to_string(i), std::nullopt}, cb);
    });
  };
  const auto publish_all = [&](int from, int to, std::chrono::milliseconds each) {
    for (int i = from; i < to; ++i)
      if (!retry_until([&] { return publish(i).has_value(); }, each)) return i;
    return to;
  };

  ASSERT_EQ(publish_all(0, 50, 30s), 50);
  cluster.node(0).kill9();  // one of three: a quorum is left
  ASSERT_EQ(publish_all(50, 100, 30s), 100) << "writes stopped with a quorum left";

  cluster.node(1).kill9();  // two of three: no quorum
  std::this_thread::sleep_for(2s);
  auto refused = publish(100);
  EXPECT_FALSE(refused.has_value())
      << "stored at seq " << (refused ? refused->seq : 0) << " without a quorum";

  cluster.node(0).start();  // the quorum is back: the same client writes again
  ASSERT_EQ(publish_all(100, 150, 60s), 150) << "writes did not resume with the quorum back";
  cluster.node(1).start();

  // Exactly once, in order.
  std::vector<stored_message> got;
  ASSERT_TRUE(retry_until(
      [&] {
        auto r = await<js_result<std::vector<stored_message>>>(
            [&](auto cb) { js.fetch("A4P_LOG", 1, 1000, 2s, cb); });
        if (!r) return false;
        got = std::move(*r);
        return got.size() >= 150;
      },
      30s));
  ASSERT_EQ(got.size(), 150u);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].seq, i + 1);
    EXPECT_EQ(got[i].data, std::to_string(i));
  }
}

}  // namespace
}  // namespace a4p::nats
