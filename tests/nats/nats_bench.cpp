// What the cluster's log of record costs per append (issue 16 item 8, docs/SCALING.md): a
// JetStream publish of a ~1 KB message (one command's events) acknowledged by a stream with one
// replica on one nats-server, and with three replicas on three routed nats-servers (a quorum
// write), on loopback. One publish in flight at a time (the latency a command's ack waits for)
// and 64 in flight (the throughput when commands are batched or pipelined).
// Not a ctest test: run build/ci/tests/nats/nats_bench.
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "nats/blocking.hpp"
#include "nats/jetstream.hpp"
#include "tests/nats/nats_server.hpp"

namespace a4p::nats {
namespace {

using namespace std::chrono_literals;

// A stream with `replicas` replicas on servers started for the run.
struct stream_fixture {
  std::unique_ptr<testing::nats_server> single;
  std::unique_ptr<testing::nats_cluster> cluster;
  std::unique_ptr<threaded_client> client;
  std::unique_ptr<jetstream> js;

  explicit stream_fixture(int replicas) {
    options o;
    if (replicas == 1) {
      single = std::make_unique<testing::nats_server>();
      o.servers = {single->url()};
    } else {
      cluster = std::make_unique<testing::nats_cluster>(replicas);
      o.servers = cluster->urls();
    }
    o.name = "nats_bench";
    client = std::make_unique<threaded_client>(o);
    (void)client->wait_connected(10s);
    js = std::make_unique<jetstream>(**client, 5s);
    const nlohmann::json config = {{"name", "BENCH"},
                                   {"subjects", {"bench.log"}},
                                   {"storage", "file"},
                                   {"num_replicas", replicas}};
    const auto end = std::chrono::steady_clock::now() + 60s;
    while (!await<js_result<nlohmann::json>>([&](auto cb) { js->create_stream(config, cb); }) &&
           std::chrono::steady_clock::now() < end)
      std::this_thread::sleep_for(200ms);
  }
};

const std::string payload(1024, 'x');

void BM_publish_one_in_flight(benchmark::State& state) {
  stream_fixture f(static_cast<int>(state.range(0)));
  std::uint64_t n = 0, failed = 0;
  for (auto _ : state) {
    auto r = await<js_result<pub_ack>>([&](auto cb) {
      f.js->publish("bench.log", payload, {"m" + std::to_string(++n), std::nullopt}, cb);
    });
    if (!r) ++failed;
  }
  state.counters["failed"] = static_cast<double>(failed);
  state.SetItemsProcessed(state.iterations());
}

void BM_publish_64_in_flight(benchmark::State& state) {
  stream_fixture f(static_cast<int>(state.range(0)));
  constexpr int window = 64;
  std::uint64_t n = 0;
  std::atomic<std::uint64_t> failed{0};
  for (auto _ : state) {
    std::mutex mu;
    std::condition_variable cv;
    int left = window;
    for (int i = 0; i < window; ++i)
      f.js->publish("bench.log", payload, {"w" + std::to_string(++n), std::nullopt},
                    [&](js_result<pub_ack> r) {
                      if (!r) failed.fetch_add(1);
                      std::lock_guard lock(mu);
                      if (--left == 0) cv.notify_one();
                    });
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return left == 0; });
  }
  state.counters["failed"] = static_cast<double>(failed.load());
  state.SetItemsProcessed(state.iterations() * window);
}

BENCHMARK(BM_publish_one_in_flight)->Arg(1)->Arg(3)->UseRealTime()->MinTime(3.0);
BENCHMARK(BM_publish_64_in_flight)->Arg(1)->Arg(3)->UseRealTime()->MinTime(3.0);

}  // namespace
}  // namespace a4p::nats

BENCHMARK_MAIN();
