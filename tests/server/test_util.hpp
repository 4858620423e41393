// Shared helpers of the a4pd integration tests: sign in and open a live session, send a
// command and collect its answer, make unique comment commands and post one.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "tests/server/a4pd_process.hpp"
#include "tests/server/test_client.hpp"

namespace a4p::test {

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

}  // namespace a4p::test
