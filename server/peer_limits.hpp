// Per-address connection limits (issue 12 item 8): how many sockets one peer address may hold
// open, and how many of them may still be unfinished (TLS handshake or first request header not
// yet read: the slowloris shape). The listener takes a slot at accept; the slot travels with
// the socket (http_session, then websocket_session) and gives its places back when destroyed.
// The trusted proxy (--trust-proxy) is exempt: it carries every client, and the global
// --max-connections bounds it.
//
// Thread safety: every method may be called from any thread (mu_ guards the counts); a slot is
// owned by one connection and touched on its strand.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace a4p::server {

class peer_limits;

// One connection's places in peer_limits; move-only, empty when exempt or moved from.
class connection_slot {
 public:
  connection_slot() = default;
  connection_slot(connection_slot&& o) noexcept { *this = std::move(o); }
  connection_slot& operator=(connection_slot&& o) noexcept;
  connection_slot(const connection_slot&) = delete;
  connection_slot& operator=(const connection_slot&) = delete;
  ~connection_slot() { reset(); }

  // The connection has finished its handshake: it no longer counts as unfinished.
  void handshake_done();
  void reset();

 private:
  friend class peer_limits;
  peer_limits* owner_ = nullptr;
  std::string address_;
  bool unfinished_ = false;
};

class peer_limits {
 public:
  peer_limits(std::size_t max_connections, std::size_t max_unfinished)
      : max_connections_(max_connections), max_unfinished_(max_unfinished) {}

  // A slot for a new connection from `address`, or false when the address is over a limit
  // (then `slot` is untouched and the caller closes the socket). An exempt address gets an
  // empty slot.
  [[nodiscard]] bool take(const std::string& address, bool exempt, connection_slot& slot);

 private:
  friend class connection_slot;
  struct counts {
    std::size_t open = 0;
    std::size_t unfinished = 0;
  };
  void give_back(const std::string& address, bool unfinished, bool open);

  const std::size_t max_connections_;
  const std::size_t max_unfinished_;
  std::mutex mu_;
  std::unordered_map<std::string, counts> by_address_;  // GUARDED_BY(mu_)
};

}  // namespace a4p::server
