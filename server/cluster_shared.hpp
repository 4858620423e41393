// What the nodes of a cluster share besides the log (docs/decisions/0327): login sessions and
// password hashes, each in a KV bucket with the stream's replicas, watched by every node.
//  - A4P_SESSIONS: key the session token's SHA-256 (hex), value {"user","expires"}. A sign-in
//    answers once its session is stored on a quorum, so its token works on any node; a logout,
//    sign-out everywhere, disabled account or expiry deletes it, and every node forgets it and
//    closes its sockets (4001) as soon as its watch gets the delete.
//  - A4P_CREDENTIALS: key the user id in hex, value the argon2id hash. A password set on one
//    node (an invitation or reset link) is put here, and every node writes what its watch gets
//    into its own aux space (`password/<user>`), where check_password() reads it.
// Role changes and disabled accounts are events: every node applies them from the stream.
//
// Thread safety: open() once, before a4pd listens; share_password() from any thread but the
// NATS client's (it blocks on it).
#pragma once

#include <expected>
#include <string>

#include "server/cluster/kv_bucket.hpp"

namespace a4p::storage {
class event_log;
}

namespace a4p::server {

class hub;
class session_store;

namespace cluster {
class node;
}

class cluster_shared {
 public:
  // REQUIRES: every argument outlives this object; node is open.
  cluster_shared(cluster::node& n, storage::event_log& log, session_store& sessions, hub& clients);

  // Makes the buckets if missing, hands the session store its shared bucket, and waits (up to
  // 30 s each) until both buckets' current values are in. Blocking.
  [[nodiscard]] std::expected<void, std::string> open(int replicas);
  // The password hash just stored in the local aux space for `user`, put for every node.
  // False when it was not stored (no quorum).
  [[nodiscard]] bool share_password(const std::string& user);
  void stop();

 private:
  storage::event_log& log_;
  session_store& sessions_;
  hub& clients_;
  cluster::kv_bucket sessions_bucket_;
  cluster::kv_bucket credentials_bucket_;
};

}  // namespace a4p::server
