// The settings of one a4pd process: where it listens, where its data lives, and every limit a
// client can run into. Filled once by parse_options() (options.hpp) from the command line, then
// read-only; share it by const reference from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace a4p::server {

struct server_config {
  std::string data_dir = "./data";
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::string web_root;  // empty: no static files
  int threads = 2;
  std::string tls_cert;  // both set: TLS (detected per connection)
  std::string tls_key;
  // With TLS: whether plain HTTP on the same port is served to every peer, or only to loopback
  // ones (others get a redirect to https for GET/HEAD, 403 for the rest and for /ws).
  bool plain_http_any = false;
  std::vector<std::string> allow_origins;  // extra Origins besides the server's own
  // Peers whose X-Forwarded-For / X-Forwarded-Proto are believed (a reverse proxy); from any
  // other peer those headers are ignored. Normalised by parse_options() (address::to_string()).
  std::vector<std::string> trust_proxy;
  // GET /metrics: with a token file, only requests bearing that token; without, only
  // connections from loopback addresses.
  std::string metrics_token_file;

  // Limits a client controls.
  std::size_t max_frame_bytes = 64 * 1024;           // close 1009
  std::size_t max_header_bytes = 8 * 1024;           // HTTP 431
  std::size_t max_body_bytes = 64 * 1024;            // HTTP 413
  std::chrono::milliseconds hello_timeout{10'000};   // close 1008
  std::chrono::milliseconds http_timeout{30'000};    // idle HTTP keep-alive, and a body
  std::chrono::milliseconds header_timeout{10'000};  // a request header, from its first byte
  // A frame write in flight this long (the client stopped reading while it may keep
  // sending): close 4008. Incoming frames do not extend it.
  std::chrono::milliseconds write_timeout{60'000};
  // Once a close that ends the session's authority starts (logout, expiry: 4001; role change:
  // 4003; 1008), the socket is cut this long after if the close handshake has not finished
  // (e.g. a write is stuck). Other closes (4008, 1001) are cut after write_timeout.
  std::chrono::milliseconds close_timeout{500};
  double commands_per_second = 50;               // per user, token bucket refill
  double command_burst = 100;                    // per user, bucket size
  double command_bytes_per_second = 256 * 1024;  // per user: command frames' bytes
  double command_burst_bytes = 1024 * 1024;      // per user, bucket size in bytes
  std::size_t max_connections_per_user = 16;     // WebSockets per user
  // WebSockets a user may open per second, and at once (429): a client reconnecting in a loop
  // (thousands a second) otherwise costs every writer hundreds of ms. 0: no limit.
  double user_connect_rate = 16;
  double user_connect_burst = 64;
  std::size_t max_connections = 20'000;                // every accepted socket
  std::size_t max_address_connections = 256;           // open sockets per peer address
  std::size_t max_address_handshakes = 32;             // of them not past their first header
  std::size_t max_send_queue_bytes = 4 * 1024 * 1024;  // close 4008
  std::size_t max_coalesce_bytes = 256 * 1024;         // the most one outgoing frame carries
  std::size_t max_events_limit = 10'000;               // ?limit ceiling (events, history)
  std::size_t max_page_bytes = 8 * 1024 * 1024;        // stored bytes of one /api/events page
  std::size_t max_history_page_bytes = 512 * 1024;     // of one /api/history page, about
  std::uint64_t max_scan_events = 200'000;             // events one filtered /api/events page reads

  // Reads (decision 0308): the reader pool's threads, their nice value (0: as the writer), and
  // the requests it holds at once (over it: 503 + Retry-After).
  int reader_threads = 2;
  int session_reader_threads = 1;  // the sessions' lane: welcome snapshots, catch-up pages
  // The REST readers yield the CPU to everything else (decision 0334); the sessions' lane carries
  // welcome snapshots, resumes and the published version that sign-ins wait for.
  int reader_nice = 19;
  int session_reader_nice = 5;
  // The resumes' catch-up pages from the log: a lane of their own, at the REST readers' priority
  // (decision 0335), so that clients reconnecting from far back yield to the writer.
  int catch_up_threads = 1;
  int catch_up_nice = 19;
  // Those two lanes (REST readers, catch-ups) under SCHED_IDLE; their nice values apply when
  // false (decision 0335).
  bool reader_idle = true;
  std::size_t reader_queue = 64;
  std::size_t max_user_reads = 8;      // REST reads in flight per user (429)
  std::size_t max_user_catch_ups = 2;  // resumes from the log per user not yet caught up (4008)
  std::size_t max_snapshot_bytes = 256 * 1024 * 1024;  // welcome snapshots unsent, in all
  // Rooms extension (protocol/README.md): the a4p.v1 whole-state snapshot's bound (over it the
  // hello is refused too_large, 1009: the client must ask for the light view), and the rooms
  // one connection may be in at once.
  std::size_t max_full_snapshot_bytes = 64 * 1024 * 1024;
  std::size_t max_rooms = 64;
  // ?at reads (GET /api/state?at=N, GET /api/thread?at=N): the past states kept, in bytes
  // (past_states.hpp; 0: none).
  std::size_t past_state_cache_bytes = 512 * 1024 * 1024;
  // ?at reads at random points (kept_states.hpp, decision 0331): a state kept at every
  // `kept_state_every` events, built in the background, within `kept_state_bytes` (0: none).
  std::uint64_t kept_state_every = 10'000;
  std::size_t kept_state_bytes = std::size_t{1} << 30;

  // Sign-in (login_guard.hpp): failures before the backoff starts, its first step and cap,
  // when failures are forgotten, the argon2 pool and its queue, the shortest password set.
  std::size_t login_free_user_failures = 5;
  std::size_t login_free_address_failures = 20;
  std::chrono::milliseconds login_backoff{1000};
  std::chrono::milliseconds login_backoff_max{300'000};
  std::chrono::seconds login_forget_after{900};
  int login_threads = 2;
  std::size_t login_queue = 16;
  std::size_t login_per_address = 8;
  std::size_t min_password_length = 10;  // --demo-password (credentials.hpp)

  // Sessions and storage.
  std::chrono::seconds session_ttl{12 * 3600};
  std::uint64_t snapshot_every = 10'000;      // events between state snapshots
  std::size_t replay_ring_events = 10'000;    // recent events kept serialised for fast resume
  std::uint64_t max_resume_events = 100'000;  // a resume further behind gets a snapshot

  // Signed checkpoints (docs/audit.md), with --checkpoint-key: one after this many events, and
  // one when this much time has passed with new events since the last.
  std::string checkpoint_key;  // the secret key file; empty: no checkpoints
  std::uint64_t checkpoint_every = 10'000;
  std::chrono::milliseconds checkpoint_interval{60 * 60'000};

  // The public site (public_site.hpp, docs/public-api.md): its own network threads (an
  // io_context apart from the signed-in sockets', decision 0316) and their nice value; how long
  // changes are gathered into one write per viewer; anonymous budgets, apart from every
  // signed-in one: requests per second per client address and in total (token buckets), live
  // feed streams per address and in total, a stream's unsent bytes, and the Cache-Control
  // max-age of /public/api/.
  int public_threads = 1;
  int public_nice = 5;
  std::chrono::milliseconds public_batch{250};
  std::size_t public_sends = 20'000;  // writes per second to live public viewers (0: unpaced)
  double public_rate = 20;
  double public_burst = 60;
  double public_rate_total = 2000;
  double public_burst_total = 4000;
  std::size_t public_max_streams = 10'000;
  std::size_t public_max_address_streams = 8;
  std::size_t public_max_queue_bytes = 256 * 1024;
  std::chrono::seconds public_max_age{5};

  // Cluster mode (docs/decisions/0322): --cluster as given, its URLs, --node. Empty: one node.
  std::string cluster;
  std::vector<std::string> cluster_urls;
  std::string node;
  // Presence across nodes (docs/decisions/0328): every room's local members published this
  // often; a node not heard from for presence_expiry loses its members here.
  std::chrono::milliseconds presence_heartbeat{2000};
  std::chrono::milliseconds presence_expiry{6000};

  // Administration (admin_api.hpp).
  std::chrono::seconds invite_ttl{72 * 3600};  // one-time invitation and reset links
  std::string backup_dir;  // POST /api/admin/backup writes here; parse_options: "<data>-backups"
};

}  // namespace a4p::server
