// The hub (Beast chat-multi's shared_state): the set of live WebSocket sessions, their rooms
// and presence, and the per-user connection count. It owns no session: it keeps weak
// references, copies what it needs under its lock, and sends outside it.
//
// A session is enrolled from its creation (so a logout reaches it before its hello) and live
// once its hello was answered (then it receives the feed).
//
// Thread safety: every public method may be called from any thread (mu_). broadcast() is
// called by the sequencer only, on its strand, which is what keeps the live feed in seq order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "protocol/messages.hpp"
#include "server/fanout.hpp"

namespace a4p::server {

class websocket_session;

class hub {
 public:
  // max_rooms: rooms one session may be in at once (--max-rooms).
  explicit hub(std::size_t max_per_user, std::size_t max_rooms = 64)
      : max_per_user_(max_per_user), max_rooms_(max_rooms) {}

  // Counts a WebSocket for `user` before the upgrade; false when the user is at the limit.
  [[nodiscard]] bool reserve(const std::string& user);
  void release(const std::string& user);

  // Registers a session as soon as it exists (before its upgrade is accepted), so that
  // close_token and close_users reach it at every stage of its life. A caller that checked
  // the token before enroll() must check it again after (a logout in between closed nothing).
  void enroll(std::uint64_t id, const std::weak_ptr<websocket_session>& s, const std::string& user,
              const std::string& token_hash);
  // Who an enrolled session is, once its hello is taken (on the sequencer's strand, before its
  // catch-up), and whether it asked for the light view (rooms extension): then comment events
  // on rooms it has not joined reach it as ticks, live (broadcast) and in catch-up
  // (feed_rooms). It may join rooms from here on.
  void prepare(std::uint64_t id, const protocol::principal& v, bool light);
  // Starts live delivery to an enrolled session (after its catch-up was queued, on the
  // sequencer's strand). False when the session is no longer enrolled (it is closing).
  bool add(std::uint64_t id, const protocol::principal& v);
  // Keeps `h` (a place in the per-user catch-up bound, user_slots) with an enrolled session
  // until add() or until the session is forgotten, whichever comes first.
  void hold(std::uint64_t id, std::shared_ptr<void> h);
  // Forgets the session: stops delivery, leaves every room (announcing presence). Any thread.
  void remove(std::uint64_t id);

  // Queues the event to every live session that may see it.
  void broadcast(const fanout& f);
  // The same for several events in seq order: one post per session.
  void broadcast(const std::vector<std::shared_ptr<const fanout>>& events);

  // Closes every session of a token (logout, expiry: 4001), or every session (shutdown: 1001).
  void close_token(const std::string& token_hash, int code);
  void close_all(int code);
  // Closes every session of these users (their view changed: 4003;
  // signed out everywhere or disabled: 4001). Delivery to them stops
  // before this returns, so an event broadcast afterwards never reaches them.
  void close_users(const std::vector<std::string>& users, int code);
  // Open WebSockets per user (counted from reserve() to release()).
  [[nodiscard]] std::unordered_map<std::string, std::size_t> connections_per_user() const;
  [[nodiscard]] std::size_t size() const;
  // Who a session is once prepared (nullopt before its hello was taken, or after it left).
  [[nodiscard]] std::optional<protocol::principal> viewer_of(std::uint64_t id) const;
  // The rooms of a light session (what decides event or tick), nullopt for a full one or an
  // unknown one. Called by the sequencer's catch-up, on its strand.
  [[nodiscard]] std::optional<std::set<std::string>> feed_rooms(std::uint64_t id) const;
  [[nodiscard]] bool in_room(std::uint64_t id, const std::string& room) const;

  // Rooms and presence (every room kind is announced). REQUIRES: the caller checked that the
  // session may see `room`. Called on the sequencer's strand, so that a join is ordered with
  // the broadcasts: every event broadcast after it reaches the session in full.
  enum class join_result { joined, already, too_many, gone };
  join_result join(std::uint64_t id, const std::string& room);
  void leave(std::uint64_t id, const std::string& room);

  // Presence across cluster nodes (docs/decisions/0328). Every presence sent here lists the
  // union of this node's members of the room and those the other nodes reported, each
  // (user, org) once. Unused in single-node mode.
  using presence_list = std::vector<protocol::presence_member>;
  // Called (outside the lock, on the thread that made the change) with each room whose local
  // members changed. Set once, before any session joins.
  void on_local_change(std::function<void(const std::string& room)> f) {
    on_local_change_ = std::move(f);
  }
  // This node's own members of `room` (each once), or of every room that has any.
  [[nodiscard]] presence_list local_presence(const std::string& room) const;
  [[nodiscard]] std::map<std::string, presence_list> local_presence() const;
  // What `node` reported: its members of `room` (empty: none). Announces to the room's local
  // sessions when the union changed.
  void set_remote(const std::string& node, const std::string& room, presence_list members);

 private:
  struct member {
    std::weak_ptr<websocket_session> s;
    std::string user;
    std::string token_hash;
    bool prepared = false;              // prepare() ran: may join rooms
    bool live = false;                  // add() ran: receives the feed
    bool light = false;                 // the light view: ticks for rooms not joined
    protocol::principal v;              // set by prepare() and add()
    std::shared_ptr<void> catching_up;  // hold(): let go by add()
    std::set<std::string> rooms;
  };
  // Erases the member and its rooms; returns the rooms it was in. REQUIRES: mu_ held.
  std::set<std::string> erase_locked(std::uint64_t id);
  void announce(const std::string& room);  // REQUIRES: mu_ not held
  // announce(), and the hook told (on_local_change). REQUIRES: mu_ not held.
  void local_changed(const std::string& room);
  // Local members, then other nodes', each (user, org) once. REQUIRES: mu_ held.
  presence_list union_locked(const std::string& room) const;
  presence_list local_locked(const std::string& room) const;
  // Replaces node's members of room; true when the union changed for local sessions.
  // REQUIRES: mu_ held.
  bool replace_remote_locked(const std::string& node, const std::string& room,
                             presence_list members);

  std::size_t max_per_user_;
  std::size_t max_rooms_;
  mutable std::mutex mu_;
  std::unordered_map<std::uint64_t, member> members_;      // GUARDED_BY(mu_)
  std::unordered_map<std::string, std::size_t> per_user_;  // GUARDED_BY(mu_)
  std::map<std::string, std::set<std::uint64_t>> rooms_;   // GUARDED_BY(mu_)
  // room -> node -> its members there, as the node last reported. GUARDED_BY(mu_)
  std::map<std::string, std::map<std::string, presence_list>> remote_;
  std::function<void(const std::string&)> on_local_change_;
};

}  // namespace a4p::server
