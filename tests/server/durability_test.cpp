// Integration tests of "durable before acknowledged" (kill -9 under concurrent writers) and of
// a storage failure (the disk refuses writes: commands get `unavailable`, reads and the feed go
// on, and a restart recovers), against the real a4pd binary.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "tests/server/test_util.hpp"

namespace a4p::test {
namespace {

namespace fs = std::filesystem;

TEST(durability, every_acked_event_survives_kill_9_under_concurrent_writers) {
  temp_dir dir;
  auto o = options_in(dir.path(), unthrottled());
  std::map<std::string, std::uint64_t> acked;  // command id -> seq
  std::mutex mu;
  {
    a4pd_process server(o);
    ASSERT_TRUE(server.started()) << server.output();
    const char* users[] = {"gbr.delegate", "nld.delegate", "bgd.delegate", "eth.delegate"};
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&, w] {
        auto c = open_session(server.port(), users[w]);
        if (!c) return;
        int sent = 0;
        while (!stop) {
          // Keep a window of 20 commands in flight.
          for (int k = 0; k < 20; ++k) {
            auto id = std::string(users[w]) + "-" + std::to_string(sent++);
            if (!c->send(comment_cmd(id, "discussion:D1", "kill " + id))) return;
          }
          for (int k = 0; k < 20; ++k) {
            auto a = c->next_of("ack", std::chrono::seconds(10));
            if (!a) return;  // the server died
            std::lock_guard lock(mu);
            acked[std::string(users[w]) + "|" + (*a)["id"].get<std::string>()] = (*a)["seq"];
          }
        }
      });
    }
    wait_for_acks(mu, acked, 50);  // then a little later, mid-stream
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    server.signal(SIGKILL);
    stop = true;
    for (auto& t : writers) t.join();
    server.wait(5000);
  }
  ASSERT_GT(acked.size(), 50u) << "too few commands were acknowledged before the kill";

  expect_acked_comments(o.data_dir, acked, "kill ", "after kill -9");
}

TEST(durability, storage_failure_rejects_unavailable_reads_go_on_and_restart_recovers) {
  temp_dir dir;
  auto o = options_in(dir.path(), unthrottled());
  {
    // Fill the demo data, then stop cleanly.
    a4pd_process first(o);
    ASSERT_TRUE(first.started()) << first.output();
    first.signal(SIGTERM);
    ASSERT_EQ(first.wait(10000).value_or(-1), 0);
  }
  std::uintmax_t largest = 0;
  for (const auto& f : fs::recursive_directory_iterator(dir.path()))
    if (f.is_regular_file()) largest = std::max(largest, f.file_size());

  a4pd_options limited = o;
  limited.demo = false;
  // Room for reopening and a few small writes, not for a burst of 9 KB comments.
  limited.file_size_limit = largest + 256 * 1024;
  std::uint64_t head_before = 0;
  {
    a4pd_process server(limited);
    ASSERT_TRUE(server.started()) << server.output();
    auto reader = open_session(server.port(), "gha.delegate");
    auto writer = open_session(server.port(), "gbr.delegate");
    ASSERT_TRUE(reader && writer);
    auto token = login(server.port(), "un.auditor", demo_password);
    ASSERT_FALSE(token.empty());

    const std::string big(9000, 'f');
    int acks = 0, unavailable = 0;
    for (int k = 0; k < 200 && unavailable < 5; ++k) {
      ASSERT_TRUE(writer->send(comment_cmd(unique_id("fsz"), "discussion:D1", big)));
      auto m = writer->next(std::chrono::seconds(10));
      while (m && (*m)["type"] == "event") m = writer->next(std::chrono::seconds(10));
      ASSERT_TRUE(m) << "no answer to a command";
      if ((*m)["type"] == "ack") ++acks;
      if ((*m)["type"] == "reject") {
        EXPECT_EQ((*m)["code"], "unavailable") << m->dump();
        ++unavailable;
      }
    }
    EXPECT_GE(unavailable, 5) << "the file-size limit never made storage fail";

    // Reads go on: health, REST, the feed (a ping), a new session with a snapshot.
    EXPECT_EQ(http_call(server.port(), "GET", "/healthz").status, 200);
    auto st = get(server.port(), "/api/state", token);
    EXPECT_EQ(st.status, 200);
    head_before = nlohmann::json::parse(st.body)["seq"];
    ASSERT_TRUE(reader->send(nlohmann::json{{"type", "ping"}, {"nonce", "still-there"}}));
    auto pong = reader->next_of("pong", std::chrono::seconds(10));
    ASSERT_TRUE(pong);
    nlohmann::json w;
    auto late = std::make_unique<ws_client>();
    ASSERT_EQ(late->connect(server.port(), token), 101);
    auto welcome = late->hello();
    ASSERT_TRUE(welcome);
    EXPECT_EQ((*welcome)["head"], head_before);
    EXPECT_TRUE(late->snapshot());
    server.signal(SIGKILL);
    server.wait(5000);
  }
  // Restart without the limit: the chain verifies, and commands work again.
  auto unlimited = limited;
  unlimited.file_size_limit.reset();
  a4pd_process server(unlimited);
  ASSERT_TRUE(server.started()) << server.output();
  auto token = login(server.port(), "un.auditor", demo_password);
  auto v = get(server.port(), "/api/audit/verify", token);
  ASSERT_EQ(v.status, 200);
  auto j = nlohmann::json::parse(v.body);
  EXPECT_TRUE(j["ok"].get<bool>()) << v.body;
  EXPECT_GE(j["head"].get<std::uint64_t>(), head_before);
  auto writer = open_session(server.port(), "gbr.delegate");
  ASSERT_TRUE(writer);
  ASSERT_TRUE(
      post_comment(*writer, "discussion:D1", "recovered", "after", std::chrono::seconds(10)));
}

TEST(durability, restart_from_snapshots_gives_the_same_state) {
  temp_dir dir;
  auto o = options_in(dir.path(), unthrottled({"--snapshot-every", "25"}));
  std::string before;
  {
    a4pd_process server(o);
    ASSERT_TRUE(server.started()) << server.output();
    auto c = open_session(server.port(), "gbr.delegate");
    ASSERT_TRUE(c);
    for (int k = 0; k < 60; ++k)
      ASSERT_TRUE(c->send(comment_cmd(unique_id("snap"), "discussion:D1", "s")));
    for (int k = 0; k < 60; ++k) ASSERT_TRUE(c->next_of("ack", std::chrono::seconds(10)));
    auto token = login(server.port(), "un.secretariat", demo_password);
    auto st = get(server.port(), "/api/state", token);
    ASSERT_EQ(st.status, 200);
    before = st.body;
    server.signal(SIGTERM);
    ASSERT_EQ(server.wait(10000).value_or(-1), 0);
  }
  auto again = o;
  again.demo = false;
  a4pd_process server(again);
  ASSERT_TRUE(server.started()) << server.output();
  auto token = login(server.port(), "un.secretariat", demo_password);
  auto st = get(server.port(), "/api/state", token);
  ASSERT_EQ(st.status, 200);
  EXPECT_EQ(st.body, before);
  // A past state is rebuilt from the nearest snapshot too.
  auto past = get(server.port(), "/api/state?at=170", token);
  ASSERT_EQ(past.status, 200);
  EXPECT_EQ(nlohmann::json::parse(past.body)["seq"], 170);
}

}  // namespace
}  // namespace a4p::test
