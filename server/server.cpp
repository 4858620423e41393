#include "server/server.hpp"

#include <csignal>
#include <iostream>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>

#include "protocol/snapshot.hpp"
#include "protocol/workspace.hpp"
#include "server/admin/checkpoint.hpp"
#include "server/admin/demo.hpp"
#include "server/admin/session_store.hpp"
#include "server/audit_api.hpp"
#include "server/audit_timeline.hpp"
#include "server/cluster/node.hpp"
#include "server/cluster_presence.hpp"
#include "server/cluster_shared.hpp"
#include "server/invite_store.hpp"
#include "server/kept_states.hpp"
#include "server/listener.hpp"
#include "server/log_state.hpp"
#include "server/past_states.hpp"
#include "server/public_site.hpp"
#include "server/published.hpp"
#include "server/reader_pool.hpp"
#include "server/sequencer.hpp"
#include "server/thread_priority.hpp"
#include "storage/event_log.hpp"

namespace net = boost::asio;

namespace a4p::server {
namespace {

// How often expired login sessions are swept (their open WebSockets closed with 4001).
constexpr auto sweep_every = std::chrono::seconds(1);
// At shutdown, how long the 1001 close handshakes may take, and how often that is checked.
constexpr auto close_wait = std::chrono::seconds(3);
constexpr auto close_poll = std::chrono::milliseconds(20);

std::unique_ptr<net::ssl::context> tls_context(const server_config& cfg,
                                               boost::system::error_code& ec) {
  auto tls = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                   net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                   net::ssl::context::no_tlsv1_1);
  tls->use_certificate_chain_file(cfg.tls_cert, ec);
  if (!ec) tls->use_private_key_file(cfg.tls_key, net::ssl::context::pem, ec);
  return tls;
}

}  // namespace

server_app::server_app(options opts)
    : opts_(std::move(opts)),
      cfg_(opts_.cfg),
      user_reads_(cfg_.max_user_reads),
      user_catch_ups_(cfg_.max_user_catch_ups),
      peers_(cfg_.max_address_connections, cfg_.max_address_handshakes),
      clients_(cfg_.max_connections_per_user, cfg_.max_rooms),
      ioc_(cfg_.threads),
      public_ioc_(cfg_.public_threads),
      public_work_(public_ioc_.get_executor()),
      blocking_(2),
      login_pool_(static_cast<std::size_t>(cfg_.login_threads)),
      logins_({cfg_.login_free_user_failures, cfg_.login_free_address_failures, cfg_.login_backoff,
               cfg_.login_backoff_max, cfg_.login_forget_after, cfg_.login_queue,
               cfg_.login_per_address, static_cast<std::size_t>(cfg_.login_threads)}),
      signals_(ioc_, SIGINT, SIGTERM),
      sweep_timer_(ioc_),
      close_timer_(ioc_) {}

server_app::~server_app() {
  // The applier hands messages to the sequencer: it stops first.
  if (presence_) presence_->stop();
  if (shared_) shared_->stop();
  if (cluster_) cluster_->stop();
  // Feed viewers still held by ioc_'s handlers outlive public_ (destroyed first): they must
  // not reach it (public_stream's destructor checks).
  ctx_.site = nullptr;
}

std::expected<void, int> server_app::open() {
  if (!cfg_.tls_cert.empty()) {
    boost::system::error_code ec;
    tls_ = tls_context(cfg_, ec);
    if (ec) {
      std::cerr << "a4pd: TLS certificate or key: " << ec.message() << "\n";
      return std::unexpected(2);
    }
  }
  if (!cfg_.checkpoint_key.empty()) {
    auto loaded = checkpoint_signer::load(cfg_.checkpoint_key);
    if (!loaded) {
      std::cerr << "a4pd: --checkpoint-key: " << loaded.error() << "\n";
      return std::unexpected(2);
    }
    signer_ = std::move(*loaded);
    spdlog::info("signed checkpoints every {} events or {} min, key {}", cfg_.checkpoint_every,
                 cfg_.checkpoint_interval.count() / 60'000.0, signer_->fingerprint());
  }
  if (auto r = open_log(); !r) return r;
  std::uint64_t stream_seq = 0;
  if (!cfg_.cluster.empty()) {
    cluster::node_options co;
    co.urls = cfg_.cluster_urls;
    co.name = cfg_.node;
    cluster_ = std::make_unique<cluster::node>(std::move(co));
    auto opened =
        cluster_->open(*log_, new_events(protocol::system_principal(), protocol::genesis()));
    if (!opened) {
      std::cerr << "a4pd: cluster: " << opened.error() << "\n";
      return std::unexpected(1);
    }
    stream_seq = *opened;
    ctx_.cluster = cluster_.get();
    stats_.cluster.store(true);
    stats_.cluster_stream_seq.store(stream_seq);
  }

  auto state = load_state(*log_, log_->head());
  if (!state) {
    std::cerr << "a4pd: cannot rebuild the state: " << state.error().message << "\n";
    return std::unexpected(1);
  }
  spdlog::info("state at seq {} (epoch {})", state->seq(), log_->epoch());

  sessions_ = std::make_unique<session_store>(*log_, cfg_.session_ttl);
  if (cluster_) {
    // Sessions and passwords shared by every node (decision 0327), in before a4pd listens.
    shared_ = std::make_unique<cluster_shared>(*cluster_, *log_, *sessions_, clients_);
    if (auto r = shared_->open(3); !r) {
      std::cerr << "a4pd: cluster: " << r.error() << "\n";
      return std::unexpected(1);
    }
    ctx_.shared = shared_.get();
    // Presence across nodes (decision 0328), hooked into the hub before any session joins.
    presence_ = std::make_unique<cluster_presence>(
        cluster_->client(), clients_,
        cluster_presence::options{cfg_.node, cfg_.presence_heartbeat, cfg_.presence_expiry});
    presence_->start();
  } else {
    sessions_->load();
  }
  invites_ = std::make_unique<invite_store>(*log_, cfg_.invite_ttl);
  ctx_.cfg = &cfg_;
  ctx_.stats = &stats_;
  ctx_.log = log_.get();
  ctx_.sessions = sessions_.get();
  ctx_.invites = invites_.get();
  ctx_.clients = &clients_;
  if (cfg_.user_connect_rate > 0) {
    connect_limits_ =
        std::make_unique<shared_rate_limiter>(cfg_.user_connect_rate, cfg_.user_connect_burst);
    ctx_.connect_limits = connect_limits_.get();
  }
  ctx_.ioc = &ioc_;
  ctx_.public_ioc = &public_ioc_;
  ctx_.blocking = &blocking_;
  ctx_.login_pool = &login_pool_;
  ctx_.logins = &logins_;
  ctx_.peers = &peers_;
  ctx_.tls = tls_.get();
  ctx_.metrics_token_hash = opts_.metrics_token_hash;
  ctx_.signer = signer_ ? &*signer_ : nullptr;
  public_ = std::make_unique<public_site>(ctx_, *state);
  ctx_.site = public_.get();
  public_->start();
  readers_ = std::make_unique<reader_pool>(
      reader_pool::lanes{cfg_.reader_threads, cfg_.reader_nice, cfg_.session_reader_threads,
                         cfg_.session_reader_nice, cfg_.catch_up_threads, cfg_.catch_up_nice,
                         cfg_.reader_idle},
      cfg_.reader_queue);
  ctx_.readers = readers_.get();
  timeline_ = std::make_unique<timeline_index>();
  ctx_.timeline = timeline_.get();
  past_ = std::make_unique<past_states>(cfg_.past_state_cache_bytes);
  ctx_.past = past_.get();
  kept_ = std::make_unique<kept_states>(cfg_.kept_state_every, cfg_.kept_state_bytes);
  ctx_.kept = kept_.get();
  // Warmed on the reader pool, so that the first auditor does not wait for the log's scan.
  if (!readers_->try_post([this] {
        if (auto st = timeline_->extend(*log_, log_->head()); !st)
          spdlog::warn("audit timeline: the log's scan failed: {}", st.error().message);
      }))
    spdlog::warn("audit timeline: not warmed (the reader queue is full)");
  published_ = std::make_unique<publisher>(ctx_, *readers_, *state);
  ctx_.published = published_.get();
  build_kept_states(ctx_);  // in the background, a step per task
  ctx_.user_reads = &user_reads_;
  ctx_.user_catch_ups = &user_catch_ups_;
  seq_ = std::make_unique<sequencer>(ctx_, std::move(*state));
  ctx_.seq = seq_.get();
  seq_->start_checkpoints();
  if (cluster_) {
    seq_->start_cluster(stream_seq);
    cluster_->follow([this](cluster::applied a) { seq_->on_replicated(std::move(a)); });
  }
  return bind();
}

std::expected<void, int> server_app::open_log() {
  storage::options log_opts;
  // A snapshot that fails its check is never used (SECURITY.md section 7): say so loudly.
  log_opts.on_snapshot_rejected = [this](std::uint64_t seq, const std::string& problem) {
    stats_.snapshots_rejected.fetch_add(1);
    spdlog::error(
        "SNAPSHOT REJECTED: the snapshot at seq {} is not used: {}; the state is "
        "rebuilt from an earlier snapshot or the events (run a4pctl verify)",
        seq, problem);
  };
  // A cluster node's log is a replica of the stream, which holds every acked event on a
  // quorum of disks: it is written without an fsync per write, and a node that lost its last
  // writes in a power cut reads them again from the stream (decision 0322).
  log_opts.sync = cfg_.cluster.empty();
  auto opened = storage::event_log::open(cfg_.data_dir, log_opts);
  if (!opened) {
    std::cerr << "a4pd: cannot open " << cfg_.data_dir << ": " << opened.error().message << "\n";
    return std::unexpected(opened.error().code == storage::status_code::busy ? 3 : 1);
  }
  log_ = std::move(*opened);
  // The chain from the last point verified (meta `verified`) to the head, before anything is
  // served from it.
  std::uint64_t verified_from = 0;
  auto chain = log_->verify_since_last_verified(&verified_from);
  if (!chain || !chain->ok) {
    std::cerr << "a4pd: the event log in " << cfg_.data_dir << " does not verify"
              << (chain ? " at seq " + std::to_string(chain->first_bad_seq) + ": " + chain->problem
                        : ": " + chain.error().message)
              << " (checked from seq " << verified_from
              << "). a4pd refuses to start on it. Repair: see storage/FORMAT.md, section Repair "
                 "(restore the last good backup with a4pctl restore, then a4pctl verify)\n";
    return std::unexpected(1);
  }
  spdlog::info("chain verified from seq {} to the head {}", verified_from, chain->head);
  // In cluster mode the stream is the log of record: the node reads genesis from it (or
  // publishes it on a new stream); demo data comes by a4pctl cluster import.
  if (!cfg_.cluster.empty()) {
    if (opts_.demo) spdlog::info("--demo ignored in cluster mode (use a4pctl cluster import)");
    return {};
  }
  if (log_->head() != 0) {
    if (opts_.demo)
      spdlog::info("--demo ignored: {} already holds {} events", cfg_.data_dir, log_->head());
    return {};
  }
  spdlog::info("new log in {} (epoch {})", cfg_.data_dir, log_->epoch());
  if (auto g = append_genesis(*log_); !g) {
    spdlog::error("genesis: {}", g.error().message);
    return std::unexpected(1);
  }
  if (!opts_.demo) return {};
  auto r = populate(*log_, opts_.demo_password);
  if (!r) {
    std::cerr << "a4pd: demo data: " << r.error().message << "\n";
    return std::unexpected(1);
  }
  std::cout << "demo sign-ins (user / password):\n";
  for (const auto& [u, pw] : r->sign_ins) std::cout << "  " << u << " / " << pw << "\n";
  std::cout.flush();
  return {};
}

std::expected<void, int> server_app::bind() {
  // On a strand of its own (the listener's header): stop() closes it from another thread, and
  // ThreadSanitizer reported that close racing with do_accept's is_open() on a network thread.
  net::ip::tcp::acceptor acceptor(net::make_strand(ioc_));
  try {
    net::ip::tcp::endpoint ep(net::ip::make_address(cfg_.listen_host), cfg_.listen_port);
    acceptor.open(ep.protocol());
    acceptor.set_option(net::socket_base::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen(net::socket_base::max_listen_connections);
  } catch (const std::exception& e) {
    std::cerr << "a4pd: cannot listen on " << opts_.listen << ": " << e.what() << "\n";
    return std::unexpected(1);
  }
  port_ = acceptor.local_endpoint().port();
  host_ = cfg_.listen_host;
  if (host_.find(':') != std::string::npos) host_ = "[" + host_ + "]";
  // With TLS the port serves both (detected per connection): allow both schemes. The
  // localhost names only when a4pd listens on loopback: on a public address, a page served
  // by something else on a user's own machine is not this server.
  scheme_ = tls_ ? "https" : "http";
  const bool on_loopback = acceptor.local_endpoint().address().is_loopback();
  for (const std::string& sch : {std::string("http"), std::string("https")}) {
    if (sch == "https" && !tls_) continue;
    ctx_.allowed_origins.push_back(sch + "://" + host_ + ":" + std::to_string(port_));
    if (!on_loopback) continue;
    ctx_.allowed_origins.push_back(sch + "://localhost:" + std::to_string(port_));
    ctx_.allowed_origins.push_back(sch + "://127.0.0.1:" + std::to_string(port_));
  }
  for (const auto& o : cfg_.allow_origins) ctx_.allowed_origins.push_back(o);
  listener_ = std::make_shared<listener>(ctx_, std::move(acceptor));
  return {};
}

void server_app::run() {
  listener_->run();
  do_signal_wait();
  do_sweep();
  std::cout << "listening on " << scheme_ << "://" << host_ << ":" << port_ << std::endl;
  spdlog::info("a4pd ready: {} threads, {} public, data {}", cfg_.threads, cfg_.public_threads,
               cfg_.data_dir);

  std::vector<std::thread> threads;
  for (int i = 0; i < cfg_.public_threads; ++i)
    threads.emplace_back([this] {
      name_thread("a4pd-public");
      set_thread_nice(cfg_.public_nice, "public lane");
      public_ioc_.run();
    });
  for (int i = 1; i < cfg_.threads; ++i)
    threads.emplace_back([this] {
      name_thread("a4pd-net");
      ioc_.run();
    });
  ioc_.run();
  // The viewers were closed with the clients (on_drained); what is left of them is cut here.
  public_work_.reset();
  public_ioc_.stop();
  for (auto& t : threads) t.join();
  readers_->join();
  blocking_.join();
  login_pool_.join();
  spdlog::info("a4pd stopped at seq {}", log_->head());
}

void server_app::stop() {
  net::post(ioc_, [this] { begin_shutdown(); });
}

void server_app::do_signal_wait() {
  signals_.async_wait([this](const boost::system::error_code& ec, int sig) { on_signal(ec, sig); });
}

void server_app::on_signal(const boost::system::error_code& ec, int sig) {
  if (ec) return;
  spdlog::info("signal {}: shutting down", sig);
  begin_shutdown();
}

void server_app::begin_shutdown() {
  if (ctx_.stopping.exchange(true)) return;
  listener_->stop();
  seq_->drain([this] { on_drained(); });
}

// Expired login sessions: forget them and close their open WebSockets with 4001, so that a
// token's lifetime bounds the live feed too, not only new connections.
void server_app::do_sweep() {
  sweep_timer_.expires_after(sweep_every);
  sweep_timer_.async_wait([this](const boost::system::error_code& ec) { on_sweep(ec); });
}

void server_app::on_sweep(const boost::system::error_code& ec) {
  if (ec || ctx_.stopping) return;
  if (cluster_) {
    stats_.cluster_lag.store(static_cast<std::int64_t>(cluster_->lag()));
    stats_.cluster_connected.store(cluster_->connected() ? 1 : 0);
  }
  for (const auto& h : sessions_->sweep_expired()) {
    spdlog::info("session {}... expired: closing its sockets with 4001", h.substr(0, 8));
    clients_.close_token(h, 4001);
  }
  do_sweep();
}

void server_app::on_drained() {
  spdlog::info("durable writes finished; closing clients with 1001");
  clients_.close_all(1001);
  public_->close_all();
  close_deadline_ = std::chrono::steady_clock::now() + close_wait;
  do_close_wait();
}

void server_app::do_close_wait() {
  if (stats_.connections_ws.load() == 0 || std::chrono::steady_clock::now() > close_deadline_) {
    ioc_.stop();
    return;
  }
  close_timer_.expires_after(close_poll);
  close_timer_.async_wait([this](const boost::system::error_code& ec) { on_close_wait(ec); });
}

void server_app::on_close_wait(const boost::system::error_code& ec) {
  if (ec) return;
  do_close_wait();
}

}  // namespace a4p::server
