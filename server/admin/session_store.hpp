// Login sessions: random 256-bit tokens, handed to the client as 64 hex characters and kept
// only as their SHA-256 (hex) under aux key "session/<hash>" with the user and an expiry, so a
// copy of the data directory does not let anyone sign in.
//
// Thread safety: every public method may be called from any thread (mu_ guards the cache;
// the log's aux methods are thread-safe).
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace a4p::storage {
class event_log;
}

namespace a4p::server {

struct login_session {
  std::string user;
  std::string token_hash;    // sha256 hex of the token
  std::int64_t expires = 0;  // unix seconds
};

class session_store {
 public:
  // REQUIRES: log outlives this object.
  session_store(storage::event_log& log, std::chrono::seconds ttl);

  // Loads the stored sessions (dropping expired ones). Call once at start.
  void load();

  // Creates a session for `user`; returns the token (hex), or an error message.
  [[nodiscard]] std::expected<std::string, std::string> create(const std::string& user);
  // The session a token belongs to, if it is known and not expired.
  [[nodiscard]] std::optional<login_session> find(std::string_view token) const;
  // True while the session with this token hash exists and has not expired.
  [[nodiscard]] bool valid_hash(const std::string& token_hash) const;
  // Forgets every session that has expired (cache and aux) and returns their token hashes, so
  // the caller can close their open WebSockets with 4001.
  std::vector<std::string> sweep_expired();
  // Deletes the session; returns its token hash if there was one.
  std::optional<std::string> remove(std::string_view token);

  [[nodiscard]] static std::string hash_token(std::string_view token);

  // Deletes every stored session of `user` (for a4pctl, on a log no a4pd has open); returns
  // how many there were.
  [[nodiscard]] static std::expected<std::size_t, std::string> revoke_user(storage::event_log& log,
                                                                           std::string_view user);

 private:
  storage::event_log& log_;
  std::chrono::seconds ttl_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, login_session> by_hash_;  // GUARDED_BY(mu_)
};

}  // namespace a4p::server
