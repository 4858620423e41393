// Shared helpers of the a4pd integration tests: one demo a4pd per test suite (suite_a4pd), sign
// in and open a live session, send a command and collect its answer, make unique comment
// commands and post one (or flood many), read the whole log through /api/events, read a metric,
// wait until something holds.
#pragma once

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/server/a4pd_process.hpp"
#include "tests/server/test_client.hpp"

namespace a4p::test {

// One demo a4pd shared by every test of a suite (gtest's SetUpTestSuite): a suite derives
// `class my_test : public suite_a4pd<my_test>` and calls start(flags) from its own
// SetUpTestSuite. The data directory is dir()/data; dir() may hold other files (a web root).
template <class Suite>
class suite_a4pd : public ::testing::Test {
 protected:
  // Starts a4pd --demo with `extra` flags; a failure to start fails the suite.
  static void start(std::vector<std::string> extra = {}) {
    if (!dir_) dir_ = new temp_dir();
    a4pd_options o;
    o.data_dir = dir_->path() + "/data";
    o.extra_args = std::move(extra);
    server_ = new a4pd_process(o);
    ASSERT_TRUE(server_->started()) << server_->output();
  }
  // The suite's directory, made before start() if a suite needs files there first.
  static const temp_dir& dir() {
    if (!dir_) dir_ = new temp_dir();
    return *dir_;
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }
  static std::uint16_t port() { return server_->port(); }
  static a4pd_process& server() { return *server_; }

 private:
  static inline temp_dir* dir_ = nullptr;
  static inline a4pd_process* server_ = nullptr;
};

inline const std::string demo_password = "test-password-1";

// Signs `user` in and opens a WebSocket that has been welcomed; nullptr on failure.
inline std::unique_ptr<ws_client> open_session(std::uint16_t port, const std::string& user,
                                               nlohmann::json* welcome = nullptr) {
  auto token = login(port, user, demo_password);
  if (token.empty()) return nullptr;
  auto c = std::make_unique<ws_client>();
  if (c->connect(port, token) != 101) return nullptr;
  auto w = c->hello();
  if (!w) return nullptr;
  if (welcome) *welcome = *w;
  return c;
}

// The JSON objects of a JSON Lines body (GET /api/events, an export), empty lines skipped.
inline std::vector<nlohmann::json> lines_of(const std::string& body) {
  std::vector<nlohmann::json> out;
  std::istringstream in(body);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  return out;
}

inline nlohmann::json comment_cmd(const std::string& id, const std::string& target,
                                  const std::string& body) {
  return {{"type", "command"},
          {"id", id},
          {"name", "comment.post"},
          {"args", {{"target", target}, {"body", body}}}};
}

inline std::string unique_id(const std::string& prefix) {
  static std::atomic<int> n{0};
  return prefix + "-" + std::to_string(++n);
}

// Posts a comment under a fresh command id (from `id_prefix`) and waits for its ack; nullopt
// when the send fails or no ack comes within `timeout`.
inline std::optional<nlohmann::json> post_comment(
    ws_client& c, const std::string& target, const std::string& body,
    const std::string& id_prefix = "comment",
    std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  if (!c.send(comment_cmd(unique_id(id_prefix), target, body))) return std::nullopt;
  return c.next_of("ack", timeout);
}

// Every event line of GET /api/events as `token`'s user sees it (JSON Lines), following the
// X-A4P-Next cursor: a page is bounded in bytes as well as in events (protocol/README.md).
inline std::string all_event_lines(std::uint16_t port, const std::string& token) {
  std::string out;
  std::string after = "0";
  for (int pages = 0; pages < 1000; ++pages) {
    const auto r = get(port, "/api/events?after=" + after + "&limit=10000", token);
    out += r.body;
    const auto next = r.headers.find("x-a4p-next");
    if (next == r.headers.end()) break;
    after = next->second;
  }
  return out;
}

// The same, by seq.
inline std::map<std::uint64_t, nlohmann::json> all_events(std::uint16_t port,
                                                          const std::string& token) {
  std::map<std::uint64_t, nlohmann::json> out;
  for (auto& e : lines_of(all_event_lines(port, token))) {
    const auto seq = e["seq"].get<std::uint64_t>();
    out[seq] = std::move(e);
  }
  return out;
}

// Waits (up to a minute) until writers filling `acked` under `mu` have more than `n` acks: the
// moment to strike (kill, backup) is when they are under way, not after a fixed pause, which a
// loaded machine's argon2id sign-ins can outlast.
inline void wait_for_acks(std::mutex& mu, const std::map<std::string, std::uint64_t>& acked,
                          std::size_t n) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < until) {
    {
      std::lock_guard lock(mu);
      if (acked.size() > n) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// Starts a4pd on `data_dir` (no demo data) and checks that its chain verifies and that every
// "<user>|<command id>" -> seq of `acked` is there, sent by that user, with the comment body
// `body_prefix + <command id>`. `what` says what the events survived, for the failure text.
inline void expect_acked_comments(const std::string& data_dir,
                                  const std::map<std::string, std::uint64_t>& acked,
                                  const std::string& body_prefix, const std::string& what) {
  a4pd_options o;
  o.data_dir = data_dir;
  o.demo = false;
  a4pd_process server(o);
  ASSERT_TRUE(server.started()) << server.output();
  auto token = login(server.port(), "un.secretariat", demo_password);
  ASSERT_FALSE(token.empty());
  auto v = get(server.port(), "/api/audit/verify", token);
  ASSERT_EQ(v.status, 200);
  EXPECT_TRUE(nlohmann::json::parse(v.body)["ok"].get<bool>()) << v.body;
  auto events = all_events(server.port(), token);
  for (const auto& [key, seq] : acked) {
    auto it = events.find(seq);
    ASSERT_NE(it, events.end()) << "acked seq " << seq << " is missing " << what;
    const auto user = key.substr(0, key.find('|'));
    const auto id = key.substr(key.find('|') + 1);
    EXPECT_EQ(it->second["actor"]["user"], user);
    EXPECT_EQ(it->second["data"]["body"], body_prefix + id);
  }
}

// A non-loopback IPv4 address of this machine, if it has one (tests of what a4pd does for
// connections from other hosts skip without one).
inline std::optional<std::string> outside_address() {
  ifaddrs* all = nullptr;
  if (getifaddrs(&all) != 0) return std::nullopt;
  std::optional<std::string> found;
  for (ifaddrs* i = all; i && !found; i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET) continue;
    char buf[INET_ADDRSTRLEN];
    auto* in = reinterpret_cast<sockaddr_in*>(i->ifa_addr);
    if (!inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf)) continue;
    if (std::string_view(buf).starts_with("127.")) continue;
    found = buf;
  }
  freeifaddrs(all);
  return found;
}

// Sends "<request_line> HTTP/1.1" with a Host header and Connection: close over a plain socket
// to address:port and returns the first bytes of the answer ("" on failure).
inline std::string raw_http(const std::string& address, std::uint16_t port,
                            const std::string& request_line) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
  std::string answer;
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0) {
    std::string req = request_line + " HTTP/1.1\r\nHost: " + address + ":" + std::to_string(port) +
                      "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    if (send(fd, req.data(), req.size(), 0) == static_cast<ssize_t>(req.size())) {
      char buf[1024];
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n > 0) answer.assign(buf, static_cast<std::size_t>(n));
    }
  }
  close(fd);
  return answer;
}

// The status code of a raw answer; 0 if it is not an HTTP/1.1 response.
inline int status_of(const std::string& answer) {
  if (!answer.starts_with("HTTP/1.1 ") || answer.size() < 12) return 0;
  return std::stoi(answer.substr(9, 3));
}

// One gauge or counter of GET /metrics (loopback: no token needed); -1 if absent.
inline double metric(std::uint16_t port, const std::string& name) {
  auto r = http_call(port, "GET", "/metrics");
  std::istringstream in(r.body);
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with(name + " ")) return std::stod(line.substr(name.size() + 1));
  return -1;
}

// Polls `done` every 10 ms for up to `timeout`; whether it became true.
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// The first open discussion of a snapshot, as a comment target.
inline std::string open_discussion(const nlohmann::json& snapshot) {
  for (const auto& [id, d] : snapshot["state"]["discussions"].items())
    if (d["visibility"] == "open" && d["state"] == "open") return "discussion:" + id;
  return {};
}

// Floods `target` with `n` comments of `size` bytes from `c` (pipelined), then reads their acks.
inline bool flood(ws_client& c, const std::string& target, int n, std::size_t size) {
  const std::string body(size, 'x');
  for (int i = 0; i < n; ++i)
    if (!c.send(comment_cmd(unique_id("flood"), target, body))) return false;
  for (int i = 0; i < n; ++i)
    if (!c.next_of("ack", std::chrono::seconds(30))) return false;
  return true;
}

}  // namespace a4p::test
