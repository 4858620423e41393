// Online backup (issue 14 item 3) end to end: four writers keep a4pd busy; the Secretariat
// takes a backup through `a4pctl --url ... backup` (POST /api/admin/backup, a RocksDB
// checkpoint while a4pd serves); the backup is restored with `a4pctl restore` into a new
// directory, a4pd starts there, the chain verifies, and every event acked before the backup
// began is in it, unchanged.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "tests/server/test_util.hpp"

namespace a4p::test {
namespace {

// Runs a4pctl (A4PCTL_BIN) with `args` and `input` on stdin; exit code and stdout+stderr.
std::pair<int, std::string> a4pctl(const std::string& args, const std::string& input = "") {
  const char* bin = std::getenv("A4PCTL_BIN");
  std::string cmd = "printf '%s\\n' '" + input + "' | " + std::string(bin ? bin : A4PCTL_BIN) +
                    " " + args + " 2>&1";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return {-1, ""};
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(backup, online_backup_under_writers_restores_every_event_acked_before_it) {
  temp_dir dir;
  auto o = options_in(dir.path() + "/data", {"--rate", "100000", "--burst", "100000",
                                             "--backup-dir", dir.path() + "/backups"});
  std::map<std::string, std::uint64_t> acked;  // "<user>|<command id>" -> seq
  std::mutex mu;
  std::map<std::string, std::uint64_t> acked_before;
  std::string backup_out;
  int backup_code = -1;
  {
    a4pd_process server(o);
    ASSERT_TRUE(server.started()) << server.output();
    const char* users[] = {"gbr.delegate", "nld.delegate", "bgd.delegate", "eth.delegate"};
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (const char* user : users) {
      writers.emplace_back([&, user] {
        auto c = open_session(server.port(), user);
        if (!c) return;
        for (int sent = 0; !stop;) {
          for (int k = 0; k < 10; ++k) {
            auto id = std::string(user) + "-" + std::to_string(sent++);
            if (!c->send(comment_cmd(id, "discussion:D1", "backup " + id))) return;
          }
          for (int k = 0; k < 10; ++k) {
            auto a = c->next_of("ack", std::chrono::seconds(10));
            if (!a) return;
            std::lock_guard lock(mu);
            acked[std::string(user) + "|" + (*a)["id"].get<std::string>()] = (*a)["seq"];
          }
        }
      });
    }
    wait_for_acks(mu, acked, 20);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    {
      std::lock_guard lock(mu);
      acked_before = acked;
    }
    const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
    std::tie(backup_code, backup_out) =
        a4pctl("--url " + url + " --user un.secretariat backup under-load", demo_password);
    // The writers go on a little after the backup, then stop.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop = true;
    for (auto& t : writers) t.join();
    server.signal(SIGTERM);
    ASSERT_EQ(server.wait(10000).value_or(-1), 0);
  }
  ASSERT_EQ(backup_code, 0) << backup_out;
  EXPECT_NE(backup_out.find("verified: ok"), std::string::npos) << backup_out;
  ASSERT_GT(acked_before.size(), 20u) << "too few commands were acknowledged before the backup";
  EXPECT_GT(acked.size(), acked_before.size()) << "the writers did not go on during the backup";

  const std::string restored = dir.path() + "/restored";
  auto [rc, out] = a4pctl("--data " + restored + " restore " + dir.path() + "/backups/under-load");
  ASSERT_EQ(rc, 0) << out;

  expect_acked_comments(restored, acked_before, "backup ", "from the restored backup");
}

}  // namespace
}  // namespace a4p::test
