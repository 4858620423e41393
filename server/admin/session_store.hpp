// Login sessions: random 256-bit tokens, handed to the client as 64 hex characters and kept
// only as their SHA-256 (hex) under aux key "session/<hash>" with the user and an expiry, so a
// copy of the data directory does not let anyone sign in. Each new session also records the
// user's last sign-in (unix seconds) under aux "last_sign_in/<user>": not an act, so not an
// event.
//
// In cluster mode (docs/decisions/0327) the sessions live in a KV bucket every node shares
// instead of the aux space: share() hands the store the bucket's writes, and the bucket's watch
// hands back every node's sessions through adopt() and forget(), so a token works on any node
// and a logout ends it on every node.
//
// Thread safety: every public method may be called from any thread (mu_ guards the cache;
// the log's aux methods are thread-safe).
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
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

  // Loads the stored sessions (dropping expired ones). Call once at start (not when shared).
  void load();

  // Where the sessions are kept when they are shared by the nodes of a cluster.
  struct shared_store {
    // Stores it for every node (blocking); false refuses the sign-in (a4pd answers 503).
    std::function<bool(const std::string& token_hash, const std::string& value)> put;
    // In the background, until stored.
    std::function<void(const std::string& token_hash)> remove;
  };
  // From now on sessions go to `s`, not to the aux space. Call before the first create().
  void share(shared_store s);
  // A session from the shared bucket (made on any node); a value that is not one is ignored.
  void adopt(std::string_view token_hash, std::string_view value);
  // A session ended on any node: forgotten here. True when it was known.
  bool forget(const std::string& token_hash);

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
  // Deletes every session of `user` (sign out everywhere, a disabled account); returns how
  // many there were. The caller closes the user's sockets.
  std::size_t remove_user(const std::string& user);
  // Unexpired sessions per user.
  [[nodiscard]] std::unordered_map<std::string, std::size_t> counts() const;
  // The user's last sign-in, unix seconds; nullopt if never (or unreadable).
  [[nodiscard]] std::optional<std::int64_t> last_sign_in(std::string_view user) const;

  [[nodiscard]] static std::string hash_token(std::string_view token);
  // 256 random bits (OpenSSL's CSPRNG) as 64 hex characters; nullopt without randomness.
  [[nodiscard]] static std::optional<std::string> random_token();

  // Deletes every stored session of `user` (for a4pctl, on a log no a4pd has open); returns
  // how many there were.
  [[nodiscard]] static std::expected<std::size_t, std::string> revoke_user(storage::event_log& log,
                                                                           std::string_view user);

 private:
  // Its stored copy deleted (aux or shared bucket); best effort, expiry is checked anyway.
  void drop_stored(const std::string& token_hash);

  storage::event_log& log_;
  std::chrono::seconds ttl_;
  shared_store shared_;  // set once by share(), before the sessions are used
  mutable std::mutex mu_;
  std::unordered_map<std::string, login_session> by_hash_;  // GUARDED_BY(mu_)
};

}  // namespace a4p::server
