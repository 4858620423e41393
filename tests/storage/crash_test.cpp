// kill -9 in the middle of a stream of appends: every append the child saw acknowledged must
// be in the reopened log, with the content and idempotency key it was sent with, and the whole
// chain must verify. Five rounds on the same directory, so that each round also recovers from
// the previous round's crash and appends on top of it.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <map>

#include "storage/event_log.hpp"
#include "tests/storage/child_process.hpp"
#include "tests/storage/crash_protocol.hpp"
#include "tests/storage/test_util.hpp"

namespace a4p::storage {
namespace {

// Reads whole ack records from `fd` until `deadline` (or EOF when deadline is max()).
void read_acks(int fd, std::string& buf, std::vector<crash::ack>& out,
               std::chrono::steady_clock::time_point deadline) {
  char chunk[4096];
  for (;;) {
    auto now = std::chrono::steady_clock::now();
    int wait_ms =
        deadline == std::chrono::steady_clock::time_point::max()
            ? 1000
            : static_cast<int>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count());
    if (wait_ms <= 0) break;
    pollfd p{fd, POLLIN, 0};
    int n = poll(&p, 1, wait_ms);
    if (n <= 0) {
      if (deadline == std::chrono::steady_clock::time_point::max()) break;  // quiet: done
      continue;
    }
    ssize_t got = read(fd, chunk, sizeof chunk);
    if (got <= 0) break;  // EOF: the child is gone and the pipe is drained
    buf.append(chunk, static_cast<std::size_t>(got));
    while (buf.size() >= sizeof(crash::ack)) {
      crash::ack a{};
      std::memcpy(&a, buf.data(), sizeof a);
      out.push_back(a);
      buf.erase(0, sizeof a);
    }
  }
}

TEST(crash, every_acknowledged_append_survives_kill_9) {
  test::temp_dir tmp;
  std::uint64_t total_acked = 0;
  for (std::uint32_t round = 1; round <= 5; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = test::spawn_child(
        {"crash", tmp.path(), std::to_string(fds[1]), std::to_string(round), "8"}, fds[1], fds[0]);
    ASSERT_GT(pid, 0);
    close(fds[1]);

    std::string buf;
    std::vector<crash::ack> acks;
    // Wait for the first ack (the child is up and writing), then let it run ~200 ms.
    auto start = std::chrono::steady_clock::now();
    while (acks.empty() && std::chrono::steady_clock::now() - start < std::chrono::seconds(20)) {
      read_acks(fds[0], buf, acks,
                std::chrono::steady_clock::now() + std::chrono::milliseconds(20));
    }
    ASSERT_FALSE(acks.empty()) << "round " << round << ": the child never acknowledged";
    read_acks(fds[0], buf, acks, std::chrono::steady_clock::now() + std::chrono::milliseconds(200));
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    EXPECT_EQ(test::wait_child(pid), 128 + SIGKILL);
    // Everything the child wrote before it died is still in the pipe.
    read_acks(fds[0], buf, acks, std::chrono::steady_clock::time_point::max());
    close(fds[0]);
    EXPECT_TRUE(buf.empty());  // whole records only: each was one atomic pipe write

    auto opened = event_log::open(tmp.path());
    ASSERT_TRUE(opened) << opened.error().message;
    auto& log = *opened;
    EXPECT_FALSE(log->failed());
    std::uint64_t max_acked = 0;
    for (const auto& a : acks) {
      EXPECT_EQ(a.round, round);
      max_acked = std::max<std::uint64_t>(max_acked, a.seq + a.count - 1);
      auto got = log->read(a.seq - 1, a.count);
      ASSERT_TRUE(got) << got.error().message;
      ASSERT_EQ(got->size(), a.count) << "acknowledged seq " << a.seq << " is missing";
      for (std::uint32_t k = 0; k < a.count; ++k) {
        auto want = crash::expected_event(a.round, static_cast<int>(a.thread), a.i, k);
        const event& e = (*got)[k];
        ASSERT_EQ(e.seq, a.seq + k);
        EXPECT_EQ(e.data, want.data);
        EXPECT_EQ(e.entity, want.entity);
        EXPECT_EQ(e.who.user, want.who.user);
      }
      EXPECT_EQ(*log->lookup_idempotency(
                    crash::idempotency_key(a.round, static_cast<int>(a.thread), a.i)),
                std::optional<std::string>("acked"));
    }
    EXPECT_GE(log->head(), max_acked);
    auto v = log->verify();
    ASSERT_TRUE(v);
    EXPECT_TRUE(v->ok) << "round " << round << ": " << v->problem;
    EXPECT_EQ(v->head, log->head());
    EXPECT_EQ(v->head_hash, log->head_hash());
    total_acked += acks.size();
    std::printf("crash round %u: %zu acknowledged appends, head %llu after reopen\n", round,
                acks.size(), static_cast<unsigned long long>(log->head()));
  }
  EXPECT_GT(total_acked, 0u);
}

}  // namespace
}  // namespace a4p::storage
