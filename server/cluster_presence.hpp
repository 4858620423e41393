// Presence across the nodes of a cluster (docs/decisions/0328), on core NATS (at most once,
// no JetStream: presence is soft state, made again by every heartbeat).
//  - Each node publishes on `a4p.presence.<node>` {"node","rooms":{room:[{user,org}]}}: the
//    rooms whose local members changed (an empty list when none is left; changes made while
//    a publication waits on the strand go out with it), and every room it has members in
//    every `heartbeat` (in messages of at most about 256 KiB).
//  - Each node subscribes to `a4p.presence.*` and hands the other nodes' lists to the hub
//    (which announces every presence as the union of all nodes, each member once). A node's
//    list of a room not repeated for `expiry` is dropped (looked at every quarter heartbeat):
//    the node died or lost NATS, or the message that emptied the room was lost.
// Visibility: only members of a room are published, and a session joined a room only after
// the room check, so presence carries no more than on one node (user and org).
//
// Thread safety: start() and stop() once each, from one thread; the rest runs on the NATS
// client's strand.
#pragma once

#include <chrono>
#include <memory>
#include <string>

namespace a4p::nats {
class client;
}

namespace a4p::server {

class hub;

class cluster_presence {
 public:
  struct options {
    std::string node;                           // this node's name: a NATS subject token
    std::chrono::milliseconds heartbeat{2000};  // --presence-heartbeat
    std::chrono::milliseconds expiry{6000};     // --presence-expiry
  };
  // REQUIRES: c and clients outlive this object (or its stop()).
  cluster_presence(nats::client& c, hub& clients, options o);
  ~cluster_presence();
  cluster_presence(const cluster_presence&) = delete;
  cluster_presence& operator=(const cluster_presence&) = delete;

  // Subscribes, hooks the hub's local changes and starts the heartbeat.
  void start();
  // Stops publishing and taking reports (what runs on the strand then does nothing).
  void stop();

  // The subject a node publishes its presence on.
  [[nodiscard]] static std::string subject(const std::string& node);

 private:
  struct state;
  std::shared_ptr<state> st_;
};

}  // namespace a4p::server
