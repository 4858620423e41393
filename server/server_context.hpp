// What every connection of one a4pd process shares: its configuration, counters, log, login
// sessions, hub and sequencer. Built once by server_app::open() (server.hpp); the objects it points
// to outlive every connection.
//
// Thread safety: the pointers never change after start; each pointee documents its own.
// `stopping` is set once, by the signal handler's strand, and read from anywhere.
#pragma once

#include <atomic>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
class thread_pool;
namespace ssl {
class context;
}
}  // namespace boost::asio

namespace a4p::storage {
class event_log;
}

namespace a4p::server::cluster {
class node;
}

namespace a4p::server {

struct server_config;
class metrics;
class session_store;
class invite_store;
class hub;
class shared_rate_limiter;
class sequencer;
class checkpoint_signer;
class login_guard;
class peer_limits;
class cluster_shared;
class public_site;
class publisher;
class reader_pool;
class timeline_index;
class past_states;
class kept_states;
class user_slots;

struct server_context {
  const server_config* cfg = nullptr;
  metrics* stats = nullptr;
  storage::event_log* log = nullptr;
  session_store* sessions = nullptr;
  invite_store* invites = nullptr;
  hub* clients = nullptr;
  shared_rate_limiter* connect_limits = nullptr;  // WebSockets opened per user; null: no limit
  sequencer* seq = nullptr;
  public_site* site = nullptr;             // the anonymous public site (issue 15, public_site.hpp)
  boost::asio::io_context* ioc = nullptr;  // the signed-in sockets, the sequencer
  boost::asio::io_context* public_ioc = nullptr;  // anonymous /public connections (decision 0316)
  boost::asio::thread_pool* blocking = nullptr;   // admin writes: backups, links, index
  reader_pool* readers = nullptr;                 // every read (decision 0308)
  publisher* published = nullptr;                 // the durable state as the readers see it
  timeline_index* timeline = nullptr;             // GET /api/audit/timeline
  past_states* past = nullptr;                    // states of ?at reads (--past-state-cache-bytes)
  kept_states* kept = nullptr;                    // states at every K events (--kept-state-*)
  user_slots* user_reads = nullptr;               // REST reads in flight per user
  user_slots* user_catch_ups = nullptr;           // hellos per user not yet caught up
  boost::asio::thread_pool* login_pool =
      nullptr;  // argon2 checks of sign-ins and invitation accepts
  login_guard* logins = nullptr;
  peer_limits* peers = nullptr;
  boost::asio::ssl::context* tls = nullptr;   // null: plain HTTP only
  const checkpoint_signer* signer = nullptr;  // null: no signed checkpoints
  cluster::node* cluster = nullptr;           // cluster mode (--cluster); null: one node
  cluster_shared* shared = nullptr;           // its shared sessions and passwords
  std::vector<std::string> allowed_origins;   // exact "scheme://host:port" strings
  std::string metrics_token_hash;  // sha256 hex of --metrics-token-file's token; empty: none
  std::atomic<bool> stopping{false};
};

}  // namespace a4p::server
