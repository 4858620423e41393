// a4pctl cluster import against a real nats-server: the demo log goes into a new stream with one
// message per event, identical seqs and bytes; a second import into the same stream is
// refused; the messages decode (server/cluster/log_message) and hash like the local log.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <random>
#include <sstream>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "nats/client.hpp"
#include "nats/jetstream.hpp"
#include "server/admin/demo.hpp"
#include "server/cluster/log_message.hpp"
#include "storage/event_log.hpp"
#include "tests/nats/nats_server.hpp"

#ifndef A4PCTL_BIN
#error "A4PCTL_BIN must name the a4pctl binary"
#endif

namespace a4p::nats {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct run_result {
  int code;
  std::string out;
};

run_result run(const std::string& args, const fs::path& dir) {
  const auto out = dir / "a4pctl.out";
  const std::string cmd = std::string(A4PCTL_BIN) + " " + args + " >" + out.string() + " 2>&1";
  const int status = std::system(cmd.c_str());
  std::ifstream f(out);
  std::stringstream ss;
  ss << f.rdbuf();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, ss.str()};
}

TEST(cluster_import, the_demo_log_goes_into_a_new_stream_byte_for_byte_once) {
  const fs::path dir =
      fs::temp_directory_path() / ("a4p-import-" + std::to_string(std::random_device{}()));
  fs::create_directories(dir);
  std::uint64_t head = 0;
  std::vector<std::string> stored;
  {
    auto log = storage::event_log::open(dir / "data");
    ASSERT_TRUE(log) << log.error().message;
    ASSERT_TRUE(server::populate(**log, "demo-pass-long"));
    head = (*log)->head();
    ASSERT_TRUE((*log)->scan_raw(0, head, [&](std::uint64_t, std::string_view b) {
      stored.emplace_back(b);
      return true;
    }));
  }
  testing::nats_server server;
  const std::string args = "--data " + (dir / "data").string() + " cluster import --nats " +
                           server.url() + " --replicas 1";
  auto first = run(args, dir);
  ASSERT_EQ(first.code, 0) << first.out;
  EXPECT_NE(first.out.find("imported " + std::to_string(head) + " events"), std::string::npos)
      << first.out;
  auto again = run(args, dir);
  EXPECT_EQ(again.code, 1) << again.out;
  EXPECT_NE(again.out.find("already holds " + std::to_string(head) + " messages"),
            std::string::npos)
      << again.out;

  // Read the stream independently of a4pctl.
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  options o;
  o.servers = {server.url()};
  client c(io, o);
  std::thread t([&] { io.run(); });
  c.start();
  for (int i = 0; i < 500 && !c.connected(); ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(c.connected());
  jetstream js(c);
  std::promise<js_result<std::vector<stored_message>>> p;
  js.fetch(std::string(server::cluster::stream_name), 1, 100000, 2s,
           [&](js_result<std::vector<stored_message>> r) { p.set_value(std::move(r)); });
  auto got = p.get_future().get();
  c.close();
  work.reset();
  io.stop();
  t.join();
  ASSERT_TRUE(got) << got.error().description;
  ASSERT_EQ(got->size(), head);
  for (std::size_t i = 0; i < got->size(); ++i) {
    auto m = server::cluster::decode((*got)[i].data);
    ASSERT_TRUE(m) << m.error();
    ASSERT_EQ(m->events.size(), 1u);
    EXPECT_EQ((*got)[i].seq, i + 1);
    EXPECT_EQ(m->events[0], stored[i]) << "seq " << i + 1;
  }
  fs::remove_all(dir);
}

TEST(cluster_log_message, round_trips_and_refuses_what_is_not_the_format) {
  server::cluster::log_message m{{R"({"seq":1})", R"({"seq":2})"}, "u\ncmd-1", R"({"seq":2})"};
  auto back = server::cluster::decode(server::cluster::encode(m));
  ASSERT_TRUE(back) << back.error();
  EXPECT_EQ(back->events, m.events);
  EXPECT_EQ(back->idempotency_key, m.idempotency_key);
  EXPECT_EQ(back->idempotency_value, m.idempotency_value);
  EXPECT_FALSE(server::cluster::decode("hello"));
  EXPECT_FALSE(server::cluster::decode(R"({"format":"a4p.cluster.v1","events":3})"
                                       "\n{}\n{}"));
}

}  // namespace
}  // namespace a4p::nats
