// a4pd: the A4P Workspace server. HTTP/1.1 and WebSocket (a4p.v1) on one port, over one
// durable, hash-chained event log (../shared/PROTOCOL.md; server/README.md for flags,
// limits and architecture).
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "protocol/snapshot.hpp"
#include "protocol/workspace.hpp"
#include "server/admin/checkpoint.hpp"
#include "server/admin/credentials.hpp"
#include "server/admin/ctl_workspace.hpp"
#include "server/admin/demo.hpp"
#include "server/admin/session_store.hpp"
#include "server/config.hpp"
#include "server/hub.hpp"
#include "server/listener.hpp"
#include "server/login_guard.hpp"
#include "server/metrics.hpp"
#include "server/peer_limits.hpp"
#include "server/sequencer.hpp"
#include "server/server_context.hpp"
#include "storage/event_log.hpp"

namespace net = boost::asio;
using namespace a4p;

namespace {

// The shortest metrics token a4pd takes: a scrape credential, so not a guessable word.
constexpr std::size_t min_metrics_token = 16;

bool split_host_port(const std::string& s, std::string& host, std::uint16_t& port) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos) return false;
  host = s.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  try {
    auto p = std::stoul(s.substr(colon + 1));
    if (p > 65535) return false;
    port = static_cast<std::uint16_t>(p);
  } catch (...) {
    return false;
  }
  return !host.empty();
}

// The genesis events of a new log, as the system principal (PROTOCOL.md section 6).
bool append_genesis(storage::event_log& log) {
  const auto sys = protocol::system_principal();
  storage::append_request req;
  for (const auto& d : protocol::genesis())
    req.events.push_back({{sys.user, sys.org}, d.name, d.entity, protocol::canonical(d.data)});
  auto r = log.append(std::move(req));
  if (!r) {
    spdlog::error("genesis: {}", r.error().message);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  // A closed peer must be an error code, not a signal; a file-size limit must make writes fail
  // with EFBIG (storage then refuses appends), not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGXFSZ, SIG_IGN);

  server::server_config cfg;
  std::string listen = "127.0.0.1:8080";
  bool demo = false;
  std::string demo_password;
  std::string log_level = "info";
  std::int64_t hello_ms = cfg.hello_timeout.count();
  std::int64_t write_ms = cfg.write_timeout.count();
  std::int64_t close_ms = cfg.close_timeout.count();
  std::int64_t session_ttl_s = cfg.session_ttl.count();
  double checkpoint_minutes = 60;
  std::int64_t header_ms = cfg.header_timeout.count();
  std::int64_t login_backoff_ms = cfg.login_backoff.count();
  std::int64_t login_backoff_max_ms = cfg.login_backoff_max.count();
  std::int64_t login_forget_s = cfg.login_forget_after.count();

  CLI::App app{"a4pd: the A4P Workspace server (HTTP + WebSocket a4p.v1 on one port)"};
  app.add_option("--data", cfg.data_dir, "data directory (RocksDB)")->capture_default_str();
  app.add_option("--listen", listen, "HOST:PORT to listen on (port 0: ephemeral)")
      ->capture_default_str();
  app.add_flag("--demo", demo, "fill a new data directory with demo data");
  app.add_option("--demo-password", demo_password,
                 "password of every demo account (default: random per account, printed)");
  app.add_option("--web-root", cfg.web_root, "directory of the web client's files");
  app.add_option("--threads", cfg.threads, "network threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--tls-cert", cfg.tls_cert, "TLS certificate chain (PEM)");
  app.add_option("--tls-key", cfg.tls_key, "TLS private key (PEM)");
  app.add_flag("--plain-http-any", cfg.plain_http_any,
               "with TLS: serve plain HTTP on the port to every peer (default: loopback only; "
               "others are redirected to https)");
  app.add_option("--metrics-token-file", cfg.metrics_token_file,
                 "GET /metrics needs 'Authorization: Bearer <first line of FILE>' (default: "
                 "loopback connections only)");
  app.add_option("--allow-origin", cfg.allow_origins,
                 "extra allowed Origin for /ws and /api/session (repeatable), e.g. "
                 "https://a4p.example.org");
  app.add_option("--trust-proxy", cfg.trust_proxy,
                 "address of a reverse proxy whose X-Forwarded-For/-Proto are believed "
                 "(repeatable)");
  app.add_option("--max-frame", cfg.max_frame_bytes, "largest client frame in bytes (1009)")
      ->capture_default_str();
  app.add_option("--max-header", cfg.max_header_bytes, "largest HTTP header in bytes (431)")
      ->capture_default_str();
  app.add_option("--max-body", cfg.max_body_bytes, "largest HTTP body in bytes (413)")
      ->capture_default_str();
  app.add_option("--hello-timeout", hello_ms, "milliseconds to the first message (1008)")
      ->capture_default_str();
  app.add_option("--write-timeout", write_ms,
                 "milliseconds one frame write may stay in flight before closing 4008")
      ->capture_default_str();
  app.add_option("--close-timeout", close_ms,
                 "milliseconds after a close starts before an unfinished socket is cut")
      ->capture_default_str();
  app.add_option("--rate", cfg.commands_per_second, "commands per second per user")
      ->capture_default_str();
  app.add_option("--burst", cfg.command_burst, "command burst per user")->capture_default_str();
  app.add_option("--max-user-connections", cfg.max_connections_per_user, "WebSockets per user")
      ->capture_default_str();
  app.add_option("--max-connections", cfg.max_connections, "open connections in total")
      ->capture_default_str();
  app.add_option("--max-address-connections", cfg.max_address_connections,
                 "open connections per peer address (a trusted proxy is exempt)")
      ->capture_default_str();
  app.add_option("--max-address-handshakes", cfg.max_address_handshakes,
                 "connections per peer address not yet past their first request header")
      ->capture_default_str();
  app.add_option("--header-timeout", header_ms,
                 "milliseconds for a request header, from its first byte")
      ->capture_default_str();
  app.add_option("--login-free-failures", cfg.login_free_user_failures,
                 "failed sign-ins of a username before the backoff starts")
      ->capture_default_str();
  app.add_option("--login-free-address-failures", cfg.login_free_address_failures,
                 "failed sign-ins from a client address before the backoff starts")
      ->capture_default_str();
  app.add_option("--login-backoff", login_backoff_ms,
                 "milliseconds of the first backoff step (doubling per failure)")
      ->capture_default_str();
  app.add_option("--login-backoff-max", login_backoff_max_ms, "milliseconds: the longest backoff")
      ->capture_default_str();
  app.add_option("--login-forget", login_forget_s,
                 "seconds without a failure after which a key's failures are forgotten")
      ->capture_default_str();
  app.add_option("--login-threads", cfg.login_threads, "threads checking sign-in passwords")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--login-queue", cfg.login_queue,
                 "sign-in checks queued or running before 503 + Retry-After")
      ->capture_default_str();
  app.add_option("--login-per-address", cfg.login_per_address,
                 "of them from one client address before 429 + Retry-After")
      ->capture_default_str();
  app.add_option("--min-password", cfg.min_password_length, "shortest --demo-password accepted")
      ->capture_default_str();
  app.add_option("--max-send-queue", cfg.max_send_queue_bytes,
                 "unsent bytes per connection before closing it with 4008")
      ->capture_default_str();
  app.add_option("--max-coalesce", cfg.max_coalesce_bytes,
                 "largest outgoing frame when coalescing a burst")
      ->capture_default_str();
  app.add_option("--session-ttl", session_ttl_s, "login session lifetime in seconds")
      ->capture_default_str();
  app.add_option("--snapshot-every", cfg.snapshot_every, "events between state snapshots")
      ->capture_default_str();
  app.add_option("--resume-ring", cfg.replay_ring_events,
                 "recent events kept serialised for fast resume")
      ->capture_default_str();
  app.add_option("--max-resume", cfg.max_resume_events,
                 "a resume further behind than this many events gets a snapshot")
      ->capture_default_str();
  app.add_option("--checkpoint-key", cfg.checkpoint_key,
                 "sign checkpoints of the log with this Ed25519 secret key file (a4pctl keygen; "
                 "keep it outside --data)");
  app.add_option("--checkpoint-every", cfg.checkpoint_every,
                 "with --checkpoint-key: a checkpoint after this many events")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  app.add_option("--checkpoint-minutes", checkpoint_minutes,
                 "with --checkpoint-key: a checkpoint when this much time has passed with new "
                 "events")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 1e6));
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  spdlog::set_level(spdlog::level::from_str(log_level));
  cfg.hello_timeout = std::chrono::milliseconds(hello_ms);
  cfg.write_timeout = std::chrono::milliseconds(write_ms);
  cfg.close_timeout = std::chrono::milliseconds(close_ms);
  cfg.session_ttl = std::chrono::seconds(session_ttl_s);
  cfg.checkpoint_interval =
      std::chrono::milliseconds(static_cast<std::int64_t>(checkpoint_minutes * 60'000));
  cfg.header_timeout = std::chrono::milliseconds(header_ms);
  cfg.login_backoff = std::chrono::milliseconds(login_backoff_ms);
  cfg.login_backoff_max = std::chrono::milliseconds(login_backoff_max_ms);
  cfg.login_forget_after = std::chrono::seconds(login_forget_s);
  for (auto& a : cfg.trust_proxy) {
    boost::system::error_code ec;
    auto addr = net::ip::make_address(a, ec);
    if (ec) {
      std::cerr << "a4pd: --trust-proxy expects an IP address, not " << a << "\n";
      return 2;
    }
    a = addr.to_string();
  }
  if (!demo_password.empty()) {
    if (auto why = server::password_policy_problem(demo_password, cfg.min_password_length);
        !why.empty()) {
      std::cerr << "a4pd: --demo-password: " << why << " (--min-password)\n";
      return 2;
    }
  }
  if (!split_host_port(listen, cfg.listen_host, cfg.listen_port)) {
    std::cerr << "a4pd: --listen expects HOST:PORT\n";
    return 2;
  }
  if (cfg.tls_cert.empty() != cfg.tls_key.empty()) {
    std::cerr << "a4pd: --tls-cert and --tls-key go together\n";
    return 2;
  }
  std::string metrics_token_hash;
  if (!cfg.metrics_token_file.empty()) {
    std::ifstream in(cfg.metrics_token_file);
    std::string token;
    if (!in || !std::getline(in, token)) token.clear();
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
    if (token.size() < min_metrics_token) {
      std::cerr << "a4pd: --metrics-token-file " << cfg.metrics_token_file
                << ": unreadable, or its first line is shorter than " << min_metrics_token
                << " characters\n";
      return 2;
    }
    metrics_token_hash = server::session_store::hash_token(token);
  }
  std::unique_ptr<net::ssl::context> tls;
  if (!cfg.tls_cert.empty()) {
    tls = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
    tls->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                     net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                     net::ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    tls->use_certificate_chain_file(cfg.tls_cert, ec);
    if (!ec) tls->use_private_key_file(cfg.tls_key, net::ssl::context::pem, ec);
    if (ec) {
      std::cerr << "a4pd: TLS certificate or key: " << ec.message() << "\n";
      return 2;
    }
  }
  if (!cfg.web_root.empty()) {
    // A missing web root is not fatal (the API still works; files appear once built).
    std::error_code ec;
    auto canon = std::filesystem::weakly_canonical(std::filesystem::absolute(cfg.web_root), ec);
    if (ec) {
      std::cerr << "a4pd: --web-root " << cfg.web_root << ": " << ec.message() << "\n";
      return 2;
    }
    if (!std::filesystem::is_directory(canon, ec))
      spdlog::warn("--web-root {} does not exist (yet): static files answer 404", canon.string());
    cfg.web_root = canon.string();
  }

  std::optional<server::checkpoint_signer> signer;
  if (!cfg.checkpoint_key.empty()) {
    // The key signs what the data directory holds: whoever can rewrite the one must not also
    // hold the other.
    std::error_code ec1, ec2;
    auto key =
        std::filesystem::weakly_canonical(std::filesystem::absolute(cfg.checkpoint_key), ec1);
    auto data = std::filesystem::weakly_canonical(std::filesystem::absolute(cfg.data_dir), ec2);
    auto rel = key.lexically_relative(data);
    if (!ec1 && !ec2 && !rel.empty() && *rel.begin() != "..") {
      std::cerr << "a4pd: --checkpoint-key must be outside the data directory\n";
      return 2;
    }
    auto loaded = server::checkpoint_signer::load(cfg.checkpoint_key);
    if (!loaded) {
      std::cerr << "a4pd: --checkpoint-key: " << loaded.error() << "\n";
      return 2;
    }
    signer = std::move(*loaded);
    spdlog::info("signed checkpoints every {} events or {} min, key {}", cfg.checkpoint_every,
                 checkpoint_minutes, signer->fingerprint());
  }

  server::metrics stats;
  storage::options log_opts;
  // A snapshot that fails its check is never used (SECURITY.md section 7): say so loudly.
  log_opts.on_snapshot_rejected = [&stats](std::uint64_t seq, const std::string& problem) {
    stats.snapshots_rejected.fetch_add(1);
    spdlog::error(
        "SNAPSHOT REJECTED: the snapshot at seq {} is not used: {}; the state is "
        "rebuilt from an earlier snapshot or the events (run a4pctl verify)",
        seq, problem);
  };
  auto opened = storage::event_log::open(cfg.data_dir, log_opts);
  if (!opened) {
    std::cerr << "a4pd: cannot open " << cfg.data_dir << ": " << opened.error().message << "\n";
    return opened.error().code == storage::status_code::busy ? 3 : 1;
  }
  auto& log = **opened;
  // The chain from the last point verified (meta `verified`) to the head, before anything is
  // served from it.
  std::uint64_t verified_from = 0;
  auto chain = log.verify_since_last_verified(&verified_from);
  if (!chain || !chain->ok) {
    std::cerr << "a4pd: the event log in " << cfg.data_dir << " does not verify"
              << (chain ? " at seq " + std::to_string(chain->first_bad_seq) + ": " + chain->problem
                        : ": " + chain.error().message)
              << " (checked from seq " << verified_from
              << "). a4pd refuses to start on it. Repair: see storage/FORMAT.md, section Repair "
                 "(restore the last good backup with a4pctl restore, then a4pctl verify)\n";
    return 1;
  }
  spdlog::info("chain verified from seq {} to the head {}", verified_from, chain->head);
  if (log.head() == 0) {
    spdlog::info("new log in {} (epoch {})", cfg.data_dir, log.epoch());
    if (!append_genesis(log)) return 1;
    if (demo) {
      auto r = server::populate(log, demo_password);
      if (!r) {
        std::cerr << "a4pd: demo data: " << r.error().message << "\n";
        return 1;
      }
      std::cout << "demo sign-ins (user / password):\n";
      for (const auto& [u, pw] : r->sign_ins) std::cout << "  " << u << " / " << pw << "\n";
      std::cout.flush();
    }
  } else if (demo) {
    spdlog::info("--demo ignored: {} already holds {} events", cfg.data_dir, log.head());
  }

  auto state = server::load_state(log, log.head());
  if (!state) {
    std::cerr << "a4pd: cannot rebuild the state: " << state.error().message << "\n";
    return 1;
  }
  spdlog::info("state at seq {} (epoch {})", state->seq(), log.epoch());

  server::session_store sessions(log, cfg.session_ttl);
  sessions.load();
  server::hub clients(cfg.max_connections_per_user);
  // Declared before the io_context: handlers still queued when it is destroyed release
  // sessions, whose destructors use the context, the hub and the metrics.
  server::server_context ctx;
  net::io_context ioc(cfg.threads);
  net::thread_pool blocking(2);
  net::thread_pool login_pool(static_cast<std::size_t>(cfg.login_threads));
  server::login_guard logins({cfg.login_free_user_failures, cfg.login_free_address_failures,
                              cfg.login_backoff, cfg.login_backoff_max, cfg.login_forget_after,
                              cfg.login_queue, cfg.login_per_address,
                              static_cast<std::size_t>(cfg.login_threads)});
  server::peer_limits peers(cfg.max_address_connections, cfg.max_address_handshakes);
  // Installed before anything can report readiness: a SIGTERM that arrives early is queued.
  net::signal_set signals(ioc, SIGINT, SIGTERM);

  ctx.cfg = &cfg;
  ctx.stats = &stats;
  ctx.log = &log;
  ctx.sessions = &sessions;
  ctx.clients = &clients;
  ctx.ioc = &ioc;
  ctx.blocking = &blocking;
  ctx.login_pool = &login_pool;
  ctx.logins = &logins;
  ctx.peers = &peers;
  ctx.tls = tls.get();
  ctx.metrics_token_hash = metrics_token_hash;
  ctx.signer = signer ? &*signer : nullptr;
  server::sequencer seq(ctx, std::move(*state));
  ctx.seq = &seq;
  seq.start_checkpoints();

  net::ip::tcp::acceptor acceptor(ioc);
  try {
    net::ip::tcp::endpoint ep(net::ip::make_address(cfg.listen_host), cfg.listen_port);
    acceptor.open(ep.protocol());
    acceptor.set_option(net::socket_base::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen(net::socket_base::max_listen_connections);
  } catch (const std::exception& e) {
    std::cerr << "a4pd: cannot listen on " << listen << ": " << e.what() << "\n";
    return 1;
  }
  const auto port = acceptor.local_endpoint().port();
  std::string host = cfg.listen_host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  // With TLS the port serves both (detected per connection): allow both schemes. The
  // localhost names only when a4pd listens on loopback: on a public address, a page served
  // by something else on a user's own machine is not this server.
  const std::string scheme = tls ? "https" : "http";
  const bool on_loopback = acceptor.local_endpoint().address().is_loopback();
  for (const std::string& sch : {std::string("http"), std::string("https")}) {
    if (sch == "https" && !tls) continue;
    ctx.allowed_origins.push_back(sch + "://" + host + ":" + std::to_string(port));
    if (!on_loopback) continue;
    ctx.allowed_origins.push_back(sch + "://localhost:" + std::to_string(port));
    ctx.allowed_origins.push_back(sch + "://127.0.0.1:" + std::to_string(port));
  }
  for (const auto& o : cfg.allow_origins) ctx.allowed_origins.push_back(o);

  auto lst = std::make_shared<server::listener>(ctx, std::move(acceptor));
  lst->run();

  // SIGTERM / SIGINT: stop accepting, finish durable writes (and their acks), close every
  // client with 1001, wait briefly for the close handshakes, exit 0.
  // Expired login sessions: forget them and close their open WebSockets with 4001, so a
  // token's lifetime bounds the live feed too, not only new connections. Checked every second.
  auto sweeper = std::make_shared<net::steady_timer>(ioc);
  auto sweep = std::make_shared<std::function<void()>>();
  *sweep = [&, sweeper, weak = std::weak_ptr<std::function<void()>>(sweep)] {
    sweeper->expires_after(std::chrono::seconds(1));
    sweeper->async_wait([&, weak](const boost::system::error_code& ec) {
      if (ec || ctx.stopping) return;
      for (const auto& h : sessions.sweep_expired()) {
        spdlog::info("session {}... expired: closing its sockets with 4001", h.substr(0, 8));
        clients.close_token(h, 4001);
      }
      if (auto f = weak.lock()) (*f)();
    });
  };
  (*sweep)();
  auto waiter = std::make_shared<net::steady_timer>(ioc);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    spdlog::info("signal {}: shutting down", sig);
    ctx.stopping = true;
    lst->stop();
    seq.drain([&] {
      spdlog::info("durable writes finished; closing clients with 1001");
      clients.close_all(1001);
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
      // The pending wait owns the poll; the poll itself holds only a weak reference (a strong
      // one would be a cycle, leaked at exit).
      auto poll = std::make_shared<std::function<void()>>();
      *poll = [&, deadline, weak = std::weak_ptr<std::function<void()>>(poll)] {
        if (stats.connections_ws.load() == 0 || std::chrono::steady_clock::now() > deadline) {
          ioc.stop();
          return;
        }
        auto self = weak.lock();
        if (!self) return;
        waiter->expires_after(std::chrono::milliseconds(20));
        waiter->async_wait([self](const boost::system::error_code&) { (*self)(); });
      };
      (*poll)();
    });
  });

  std::cout << "listening on " << scheme << "://" << host << ":" << port << std::endl;
  spdlog::info("a4pd ready: {} threads, data {}", cfg.threads, cfg.data_dir);

  std::vector<std::thread> threads;
  for (int i = 1; i < cfg.threads; ++i) threads.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : threads) t.join();
  blocking.join();
  login_pool.join();
  spdlog::info("a4pd stopped at seq {}", log.head());
  return 0;
}
