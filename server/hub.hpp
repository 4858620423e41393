// The hub (Beast chat-multi's shared_state): the set of live WebSocket sessions, their rooms
// and presence, and the per-user connection count. It owns no session: it keeps weak
// references, copies what it needs under its lock, and sends outside it.
//
// Thread safety: every public method may be called from any thread (mu_). broadcast() is
// called by the sequencer only, on its strand, which is what keeps the live feed in seq order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/fanout.hpp"

namespace a4p::server {

class websocket_session;

class hub {
 public:
  explicit hub(std::size_t max_per_user) : max_per_user_(max_per_user) {}

  // Counts a WebSocket for `user` before the upgrade; false when the user is at the limit.
  [[nodiscard]] bool reserve(const std::string& user);
  void release(const std::string& user);

  // Starts live delivery to `s` (after its catch-up was queued, on the sequencer's strand).
  void add(std::uint64_t id, const std::shared_ptr<websocket_session>& s, const viewer_info& v,
           const std::string& token_hash);
  // Stops delivery, leaves every room (announcing presence). Any thread.
  void remove(std::uint64_t id);

  // Queues the event to every live session that may see it.
  void broadcast(const fanout& f);
  // The same for several events in seq order: one post per session.
  void broadcast(const std::vector<std::shared_ptr<const fanout>>& events);

  // Closes every session of a token (logout: 4001), or every session (shutdown: 1001).
  void close_token(const std::string& token_hash, int code);
  void close_all(int code);
  [[nodiscard]] std::size_t size() const;
  // Who a live session is (nullopt before its hello was answered, or after it left).
  [[nodiscard]] std::optional<viewer_info> viewer_of(std::uint64_t id) const;

  // Presence. REQUIRES: the caller checked that the session may see `room`.
  void join(std::uint64_t id, const std::string& room);
  void leave(std::uint64_t id, const std::string& room);

 private:
  struct member {
    std::weak_ptr<websocket_session> s;
    viewer_info v;
    std::string token_hash;
    std::set<std::string> rooms;
  };
  void announce(const std::string& room);  // REQUIRES: mu_ not held

  std::size_t max_per_user_;
  mutable std::mutex mu_;
  std::unordered_map<std::uint64_t, member> members_;      // GUARDED_BY(mu_)
  std::unordered_map<std::string, std::size_t> per_user_;  // GUARDED_BY(mu_)
  std::map<std::string, std::set<std::uint64_t>> rooms_;   // GUARDED_BY(mu_)
};

}  // namespace a4p::server
