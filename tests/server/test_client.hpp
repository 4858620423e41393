// A small, blocking HTTP and WebSocket client for the integration tests, on Beast (kept out
// of this header so test files compile fast). Every call has a timeout; nothing throws on a
// network error: results say what happened.
//
// Thread safety: one object per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace a4p::test {

struct http_result {
  int status = 0;  // 0: no answer
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

http_result http_call(std::uint16_t port, const std::string& method, const std::string& target,
                      const std::string& body = "",
                      const std::map<std::string, std::string>& headers = {});
// POST /api/session; the token, or empty.
std::string login(std::uint16_t port, const std::string& user, const std::string& password);
// GET with "Authorization: Bearer <token>".
http_result get(std::uint16_t port, const std::string& target, const std::string& token);

class ws_client {
 public:
  ws_client();
  ~ws_client();
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;

  // Connects and upgrades. Returns the HTTP status of a refused upgrade (401, 403, ...), 101
  // on success, 0 on a network error. recv_buffer: SO_RCVBUF (0: default). protocols: the
  // Sec-WebSocket-Protocol offered (nullopt: none); headers: more request headers.
  int connect(std::uint16_t port, const std::string& token,
              const std::optional<std::string>& origin = std::nullopt, int recv_buffer = 0,
              const std::optional<std::string>& protocols = "a4p.v1",
              const std::map<std::string, std::string>& headers = {});
  // The subprotocol the server chose in its 101 answer.
  [[nodiscard]] const std::string& protocol() const { return protocol_; }

  bool send_text(const std::string& text);
  bool send_binary(const std::string& bytes);
  bool send(const nlohmann::json& message) { return send_text(message.dump()); }

  // The next message (frames are split on '\n'); nullopt on timeout or close.
  std::optional<nlohmann::json> next(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // The next message of `type`, skipping others (kept aside for skipped()).
  std::optional<nlohmann::json> next_of(
      const std::string& type, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Reads until the server closes; the close code (0 if the connection dropped without one,
  // -1 on timeout). Messages read meanwhile go to skipped().
  int wait_close(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  [[nodiscard]] std::vector<nlohmann::json>& skipped() { return skipped_; }
  [[nodiscard]] std::size_t frames_read() const { return frames_; }
  // Binary frames read (each a gzip snapshot, inflated into the messages next() returns).
  [[nodiscard]] std::size_t binary_frames_read() const { return binary_frames_; }
  void close_abruptly();
  // A close handshake begun by the client (a browser closing its tab): sends a close frame and
  // reads, dropping what comes, until the server's reply. False on a timeout or error.
  bool close(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // hello (optional resume) -> welcome (+ snapshot). Returns the welcome, or nullopt.
  std::optional<nlohmann::json> hello(const std::optional<std::string>& epoch = std::nullopt,
                                      std::uint64_t seq = 0);
  // The snapshot read by hello() in snapshot mode.
  [[nodiscard]] const std::optional<nlohmann::json>& snapshot() const { return snapshot_; }

 private:
  bool fill(std::chrono::milliseconds timeout);
  struct impl;
  std::unique_ptr<impl> impl_;
  std::vector<nlohmann::json> pending_;  // parsed, not yet returned
  std::vector<nlohmann::json> skipped_;
  std::optional<nlohmann::json> snapshot_;
  std::size_t frames_ = 0;
  std::size_t binary_frames_ = 0;
  int close_code_ = -1;
  std::string protocol_;
};

}  // namespace a4p::test
