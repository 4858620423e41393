// One a4pd: the event log, the state rebuilt from it, the login sessions, the hub, the
// sequencer, the listener and the io_context threads that run them, plus the process-wide
// timers (expired sessions, the shutdown's close wait) as do_/on_ pairs on this object.
// main() parses the options, then open() and run(); the in-process tests (tests/server) do
// the same on a temporary directory and reach the hub and the sequencer directly.
//
// Lifetime: the members are declared so that the io_context is destroyed before what queued
// handlers may still touch (the context, the hub, the metrics, the log), and after the
// sequencer and the listener (which hold its executors).
//
// Thread safety: open() and run() from one thread, in that order, once; stop() and the
// accessors from any thread once open() succeeded.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/system/error_code.hpp>

#include "server/admin/checkpoint.hpp"
#include "server/hub.hpp"
#include "server/login_guard.hpp"
#include "server/metrics.hpp"
#include "server/options.hpp"
#include "server/peer_limits.hpp"
#include "server/rate_limit.hpp"
#include "server/server_context.hpp"
#include "server/user_slots.hpp"

namespace boost::asio::ssl {
class context;
}

namespace a4p::storage {
class event_log;
}

namespace a4p::server {

namespace cluster {
class node;
}
class cluster_presence;
class cluster_shared;
class invite_store;
class listener;
class public_site;
class publisher;
class reader_pool;
class sequencer;
class session_store;
class timeline_index;
class past_states;
class kept_states;
class user_slots;

class server_app {
 public:
  explicit server_app(options opts);
  ~server_app();
  server_app(const server_app&) = delete;
  server_app& operator=(const server_app&) = delete;

  // Loads the TLS files and the checkpoint key, opens the data directory and verifies its chain
  // from the last verified point (refusing to start otherwise), appends genesis (and the demo
  // with --demo, whose sign-ins go to stdout) on a new log, rebuilds the state and binds the
  // port. On failure, the reason is on stderr and the error is a4pd's exit code: 1, 2 for unusable
  // TLS or key files, 3 when another process holds the data directory.
  [[nodiscard]] std::expected<void, int> open();
  // The bound port (after open()): the ephemeral one for --listen HOST:0.
  [[nodiscard]] std::uint16_t port() const { return port_; }
  // Prints "listening on SCHEME://HOST:PORT", then serves on cfg.threads threads (this one
  // among them) until a shutdown (SIGTERM, SIGINT or stop()) has finished. REQUIRES: open().
  void run();
  // A shutdown, as on SIGTERM: stop accepting, refuse new commands, wait for every appended
  // command to be durable and acked, close every client with 1001 (waiting up to 3 s for the
  // close handshakes), then run() returns. Any thread.
  void stop();

  [[nodiscard]] server_context& context() { return ctx_; }
  [[nodiscard]] hub& clients() { return clients_; }
  [[nodiscard]] sequencer& seq() { return *seq_; }
  [[nodiscard]] storage::event_log& log() { return *log_; }
  [[nodiscard]] const metrics& stats() const { return stats_; }

 private:
  [[nodiscard]] std::expected<void, int> open_log();
  [[nodiscard]] std::expected<void, int> bind();
  void begin_shutdown();
  void do_signal_wait();
  void on_signal(const boost::system::error_code& ec, int sig);
  void do_sweep();
  void on_sweep(const boost::system::error_code& ec);
  void on_drained();
  void do_close_wait();
  void on_close_wait(const boost::system::error_code& ec);

  options opts_;
  const server_config& cfg_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::optional<checkpoint_signer> signer_;  // with --checkpoint-key
  metrics stats_;  // before the log: its snapshot-rejected callback counts here
  // What connections hold places in (an address's connection slot, a user's read and catch-up
  // places) outlives the io_contexts and the hub: at shutdown the io_contexts destroy the
  // handlers that still hold sessions (an anonymous viewer's stream may still be open), and
  // each gives its places back here.
  user_slots user_reads_;
  user_slots user_catch_ups_;
  peer_limits peers_;
  std::unique_ptr<storage::event_log> log_;
  std::unique_ptr<cluster::node> cluster_;  // cluster mode (--cluster)
  std::unique_ptr<cluster_shared> shared_;  // its shared sessions and passwords
  std::unique_ptr<session_store> sessions_;
  std::unique_ptr<invite_store> invites_;
  hub clients_;
  std::unique_ptr<shared_rate_limiter> connect_limits_;  // --user-connect-rate/-burst
  std::unique_ptr<cluster_presence> presence_;           // cluster mode: presence across nodes
  server_context ctx_;
  boost::asio::io_context ioc_;
  // The anonymous lane (decision 0316): /public connections and the public site's strand, on
  // --public-threads threads of their own. Kept running by the guard until the shutdown.
  boost::asio::io_context public_ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> public_work_;
  boost::asio::thread_pool blocking_;
  std::unique_ptr<timeline_index> timeline_;  // GET /api/audit/timeline (before readers_)
  std::unique_ptr<past_states> past_;         // ?at reads' states (before readers_)
  std::unique_ptr<kept_states> kept_;         // states at every K events (before readers_)
  std::unique_ptr<reader_pool> readers_;      // every read (decision 0308)
  std::unique_ptr<publisher> published_;      // the durable state for the readers
  boost::asio::thread_pool login_pool_;       // argon2: sign-in checks, invitation accepts
  login_guard logins_;
  // Installed at construction, before anything can report readiness: an early SIGTERM is
  // queued, not lost.
  boost::asio::signal_set signals_;
  std::unique_ptr<public_site> public_;  // before seq_: the sequencer feeds it
  std::unique_ptr<sequencer> seq_;
  std::shared_ptr<listener> listener_;
  boost::asio::steady_timer sweep_timer_;
  boost::asio::steady_timer close_timer_;
  std::chrono::steady_clock::time_point close_deadline_;
  std::string scheme_;
  std::string host_;
  std::uint16_t port_ = 0;
};

}  // namespace a4p::server
