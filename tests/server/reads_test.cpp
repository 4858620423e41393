// Reads beside writers (issue 11, decision 0308), against the real a4pd: the bounds on reads,
// each with its limit, its documented answer, and what goes on meanwhile.
//  - REST reads in flight per user (--max-user-reads): 429 rate_limited + Retry-After;
//  - the reader pool's queue (--reader-queue): 503 unavailable + Retry-After;
//  - resumes from the log per user (--max-user-catch-ups): error rate_limited, close 4008;
//  - welcome snapshots unsent in all (--max-snapshot-bytes): a new one waits.
// (A client that stops reading is closed at a hard deadline, --write-timeout: session_end's
// a_client_that_stops_reading_is_closed_however_much_it_sends.)
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "tests/server/test_util.hpp"

namespace a4p::test {
namespace {

using namespace std::chrono_literals;

// A demo a4pd without command limits, `extra` flags added, and a log grown by `n` comments of
// `size` bytes (so that whole-log reads take a while).
struct grown_server {
  temp_dir dir;
  std::unique_ptr<a4pd_process> server;
  std::unique_ptr<ws_client> writer;
  std::string target;
  bool ok = false;

  grown_server(const std::vector<std::string>& extra, int n, std::size_t size) {
    a4pd_options o;
    o.data_dir = dir.path();
    o.extra_args = {"--rate",       "100000", "--burst",       "100000",
                    "--rate-bytes", "1e9",    "--burst-bytes", "1e9"};
    o.extra_args.insert(o.extra_args.end(), extra.begin(), extra.end());
    server = std::make_unique<a4pd_process>(o);
    if (!server->started()) {
      ADD_FAILURE() << server->output();
      return;
    }
    writer = open_session(port(), "eth.delegate");
    if (!writer) return;
    target = open_discussion(*writer->snapshot());
    // In batches of 5 (45 KB with 9 KB comments), so that the writer's own feed stays under a
    // small --max-send-queue.
    ok = !target.empty();
    for (int i = 0; ok && i < n; i += 5) ok = flood(*writer, target, std::min(5, n - i), size);
  }
  [[nodiscard]] std::uint16_t port() const { return server->port(); }
};

// `threads` threads, each as one of `users` in turn, GET `target` `times` times at once; the
// answers.
std::vector<http_result> burst(std::uint16_t port, const std::vector<std::string>& tokens,
                               int threads, int times, const std::string& target) {
  std::mutex mu;
  std::vector<http_result> out;
  std::vector<std::thread> ts;
  for (int i = 0; i < threads; ++i)
    ts.emplace_back([&, i] {
      for (int k = 0; k < times; ++k) {
        auto r = get(port, target, tokens[static_cast<std::size_t>(i) % tokens.size()]);
        std::lock_guard lock(mu);
        out.push_back(std::move(r));
      }
    });
  for (auto& t : ts) t.join();
  return out;
}

bool is_error(const http_result& r, int status, const std::string& code) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  return r.status == status && r.headers.contains("retry-after") && j.is_object() &&
         j.value("error", nlohmann::json::object()).value("code", "") == code;
}

TEST(reads, one_users_reads_over_the_bound_get_429_and_another_users_are_served) {
  grown_server t({"--max-user-reads", "2", "--reader-threads", "1"}, 400, 9000);
  ASSERT_TRUE(t.ok);
  const auto greedy = login(t.port(), "gbr.delegate", demo_password);
  const auto other = login(t.port(), "nld.delegate", demo_password);
  std::atomic<bool> stop{false};
  std::atomic<int> other_ok{0}, other_bad{0};
  std::thread polite([&] {
    while (!stop) {
      auto r = get(t.port(), "/api/state", other);
      (r.status == 200 ? other_ok : other_bad).fetch_add(1);
    }
  });
  auto answers = burst(t.port(), {greedy}, 12, 4, "/api/events?after=0&limit=10000");
  // The writer is served meanwhile.
  EXPECT_TRUE(post_comment(*t.writer, t.target, "written beside the readers"));
  stop = true;
  polite.join();
  int ok = 0, limited = 0;
  for (const auto& r : answers) {
    if (r.status == 200)
      ++ok;
    else if (is_error(r, 429, "rate_limited"))
      ++limited;
    else
      ADD_FAILURE() << r.status << " " << r.body;
  }
  EXPECT_GT(ok, 0);
  EXPECT_GT(limited, 0) << "12 reads at once by one user, 2 allowed";
  EXPECT_GT(other_ok.load(), 0);
  EXPECT_EQ(other_bad.load(), 0) << "another user's reads are not limited by this one's";
}

TEST(reads, a_full_reader_queue_answers_503_with_retry_after_and_then_serves_again) {
  grown_server t({"--reader-queue", "2", "--reader-threads", "1", "--max-user-reads", "100"}, 400,
                 9000);
  ASSERT_TRUE(t.ok);
  std::vector<std::string> tokens;
  for (const char* u : {"gbr.delegate", "nld.delegate", "bgd.delegate"})
    tokens.push_back(login(t.port(), u, demo_password));
  auto answers = burst(t.port(), tokens, 12, 4, "/api/events?after=0&limit=10000");
  int ok = 0, busy = 0;
  for (const auto& r : answers) {
    if (r.status == 200)
      ++ok;
    else if (is_error(r, 503, "unavailable"))
      ++busy;
    else
      ADD_FAILURE() << r.status << " " << r.body;
  }
  EXPECT_GT(ok, 0);
  EXPECT_GT(busy, 0) << "12 reads at once, 2 places";
  // Nothing stays stuck: once the burst is over, reads and writes are served.
  EXPECT_EQ(get(t.port(), "/api/state", tokens[0]).status, 200);
  EXPECT_TRUE(post_comment(*t.writer, t.target, "after the burst"));
}

TEST(reads, a_users_resumes_from_the_log_over_the_bound_are_closed_4008) {
  // A small ring, so that a resume from early on reads the log; a small send queue, so that a
  // client that does not read holds its catch-up (and its place) midway.
  grown_server t({"--max-user-catch-ups", "1", "--resume-ring", "16", "--max-send-queue", "65536"},
                 400, 9000);
  ASSERT_TRUE(t.ok);
  nlohmann::json welcome;
  auto probe = open_session(t.port(), "gbr.delegate", &welcome);
  ASSERT_TRUE(probe);
  const std::string epoch = welcome["epoch"];
  const auto token = login(t.port(), "gbr.delegate", demo_password);
  // The first resume, 400 events back, on a socket that does not read.
  ws_client stuck;
  ASSERT_EQ(stuck.connect(t.port(), token, std::nullopt, 4096), 101);
  ASSERT_TRUE(stuck.send({{"type", "hello"}, {"resume", {{"epoch", epoch}, {"seq", 1}}}}));
  ASSERT_TRUE(eventually([&] { return metric(t.port(), "a4p_send_queue_bytes") > 16384; }, 10s));
  // The second of the same user is refused: an error, then 4008 (the client resumes later).
  ws_client second;
  ASSERT_EQ(second.connect(t.port(), token), 101);
  ASSERT_TRUE(second.send({{"type", "hello"}, {"resume", {{"epoch", epoch}, {"seq", 1}}}}));
  auto err = second.next_of("error", 5s);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->value("code", ""), "rate_limited");
  EXPECT_EQ(second.wait_close(5s), 4008);
  // Another user's resume from the log, and the writer, go on.
  ws_client other;
  ASSERT_EQ(other.connect(t.port(), login(t.port(), "nld.delegate", demo_password)), 101);
  auto w = other.hello(epoch, 1);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->value("mode", ""), "resume");
  EXPECT_TRUE(post_comment(*t.writer, t.target, "beside the catch-ups"));
  // Once the first has gone, the user may resume again.
  stuck.close_abruptly();
  ASSERT_TRUE(eventually(
      [&] {
        ws_client again;
        if (again.connect(t.port(), token) != 101) return false;
        auto a = again.hello(epoch, 1);
        return a && a->value("mode", "") == "resume";
      },
      10s));
}

TEST(reads, a_welcome_snapshot_waits_while_others_are_unsent_over_the_budget) {
  // The state holds 400 comments of 9 KB: each snapshot is about 3.6 MB, over a 1 MB budget.
  grown_server t({"--max-snapshot-bytes", "1000000", "--max-send-queue", "65536"}, 400, 9000);
  ASSERT_TRUE(t.ok);
  // One snapshot that stays unsent: its client does not read.
  ws_client stuck;
  ASSERT_EQ(
      stuck.connect(t.port(), login(t.port(), "gbr.delegate", demo_password), std::nullopt, 4096),
      101);
  ASSERT_TRUE(stuck.send({{"type", "hello"}}));
  ASSERT_TRUE(
      eventually([&] { return metric(t.port(), "a4p_welcome_snapshot_bytes") > 1e6; }, 10s));
  // The next hello waits: no welcome while the budget is spent; the writer goes on.
  ws_client next;
  ASSERT_EQ(next.connect(t.port(), login(t.port(), "nld.delegate", demo_password)), 101);
  ASSERT_TRUE(next.send({{"type", "hello"}}));
  std::optional<nlohmann::json> welcome, snapshot;
  std::chrono::steady_clock::time_point welcomed;
  std::thread waiter([&] {
    welcome = next.next_of("welcome", 20s);
    welcomed = std::chrono::steady_clock::now();
    if (welcome) snapshot = next.next_of("snapshot", 10s);
  });
  std::this_thread::sleep_for(1500ms);
  EXPECT_TRUE(post_comment(*t.writer, t.target, "beside the snapshots"));
  // Once the unsent snapshot is gone, the waiting one is built and sent.
  const auto freed = std::chrono::steady_clock::now();
  stuck.close_abruptly();
  waiter.join();
  ASSERT_TRUE(welcome);
  EXPECT_GT(welcomed, freed) << "welcomed while the snapshot budget was spent";
  EXPECT_EQ(welcome->value("mode", ""), "snapshot");
  EXPECT_TRUE(snapshot);
}

}  // namespace
}  // namespace a4p::test
