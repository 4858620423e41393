#include "server/options.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <boost/asio/ip/address.hpp>

#include "server/admin/credentials.hpp"
#include "server/admin/session_store.hpp"

namespace a4p::server {
namespace {

constexpr const char* app_description =
    "a4pd: the A4P Workspace server (HTTP + WebSocket a4p.v1 on one port)";

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

// A flag given in whole units of `Duration` (milliseconds, seconds) straight into its setting.
template <class Duration>
CLI::Option* add_duration(CLI::App& app, const std::string& name, Duration& target,
                          const std::string& what) {
  return app
      .add_option_function<std::int64_t>(
          name, [&target](std::int64_t v) { target = Duration(v); }, what)
      ->default_str(std::to_string(target.count()));
}

void add_flags(CLI::App& app, options& o) {
  auto& cfg = o.cfg;
  app.add_option("--data", cfg.data_dir, "data directory (RocksDB)")->capture_default_str();
  app.add_option("--listen", o.listen, "HOST:PORT to listen on (port 0: ephemeral)")
      ->capture_default_str();
  app.add_flag("--demo", o.demo, "fill a new data directory with demo data");
  app.add_option("--demo-password", o.demo_password,
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
  app.add_option("--cluster", cfg.cluster,
                 "cluster mode: the NATS servers (nats://HOST:PORT[,...]) whose JetStream stream "
                 "A4P_LOG is the log of record; the data directory becomes its replica "
                 "(docs/SCALING.md)");
  app.add_option("--node", cfg.node,
                 "this node's name in cluster mode (letters, digits, '-' and '_')");
  add_duration(app, "--presence-heartbeat", cfg.presence_heartbeat,
               "cluster mode: milliseconds between two publications of every room's members");
  add_duration(app, "--presence-expiry", cfg.presence_expiry,
               "cluster mode: milliseconds without a node's presence before its members go");
  app.add_option("--max-frame", cfg.max_frame_bytes, "largest client frame in bytes (1009)")
      ->capture_default_str();
  app.add_option("--max-header", cfg.max_header_bytes, "largest HTTP header in bytes (431)")
      ->capture_default_str();
  app.add_option("--max-body", cfg.max_body_bytes, "largest HTTP body in bytes (413)")
      ->capture_default_str();
  add_duration(app, "--hello-timeout", cfg.hello_timeout,
               "milliseconds to the first message (1008)");
  add_duration(app, "--write-timeout", cfg.write_timeout,
               "milliseconds one frame write may stay in flight before closing 4008");
  add_duration(app, "--close-timeout", cfg.close_timeout,
               "milliseconds after a close starts before an unfinished socket is cut");
  app.add_option("--rate", cfg.commands_per_second, "commands per second per user")
      ->capture_default_str();
  app.add_option("--burst", cfg.command_burst, "command burst per user")->capture_default_str();
  app.add_option("--rate-bytes", cfg.command_bytes_per_second,
                 "bytes of commands per second per user")
      ->capture_default_str();
  app.add_option("--burst-bytes", cfg.command_burst_bytes,
                 "bytes of commands a user may send at once (at least --max-frame)")
      ->capture_default_str();
  app.add_option("--user-connect-rate", cfg.user_connect_rate,
                 "WebSockets a user may open per second, on average (0: no limit; over it: 429)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--user-connect-burst", cfg.user_connect_burst,
                 "WebSockets a user may open at once before --user-connect-rate applies")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
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
  add_duration(app, "--header-timeout", cfg.header_timeout,
               "milliseconds for a request header, from its first byte");
  app.add_option("--login-free-failures", cfg.login_free_user_failures,
                 "failed sign-ins of a username before the backoff starts")
      ->capture_default_str();
  app.add_option("--login-free-address-failures", cfg.login_free_address_failures,
                 "failed sign-ins from a client address before the backoff starts")
      ->capture_default_str();
  add_duration(app, "--login-backoff", cfg.login_backoff,
               "milliseconds of the first backoff step (doubling per failure)");
  add_duration(app, "--login-backoff-max", cfg.login_backoff_max,
               "milliseconds: the longest backoff");
  add_duration(app, "--login-forget", cfg.login_forget_after,
               "seconds without a failure after which a key's failures are forgotten");
  app.add_option("--login-threads", cfg.login_threads, "threads checking sign-in passwords")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--login-queue", cfg.login_queue,
                 "sign-in checks queued or running before 503 + Retry-After")
      ->capture_default_str();
  app.add_option("--login-per-address", cfg.login_per_address,
                 "of them from one client address before 429 + Retry-After")
      ->capture_default_str();
  app.add_option("--reader-threads", cfg.reader_threads,
                 "threads serving REST reads (events, state, ?at, history, verify)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--session-reader-threads", cfg.session_reader_threads,
                 "threads serving the sessions' reads (welcome snapshots, room threads) and the "
                 "published version, apart from the REST reads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--reader-nice", cfg.reader_nice,
                 "nice value of the REST reader threads (0: the writer's priority)")
      ->capture_default_str()
      ->check(CLI::Range(0, 19));
  app.add_option("--session-reader-nice", cfg.session_reader_nice,
                 "nice value of the sessions' reader threads (0: the writer's priority)")
      ->capture_default_str()
      ->check(CLI::Range(0, 19));
  app.add_option("--catch-up-threads", cfg.catch_up_threads,
                 "threads reading resumes' catch-up pages from the log, apart from the other reads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--catch-up-nice", cfg.catch_up_nice,
                 "nice value of the catch-up threads (0: the writer's priority)")
      ->capture_default_str()
      ->check(CLI::Range(0, 19));
  app.add_option("--reader-idle", cfg.reader_idle,
                 "REST reader and catch-up threads under SCHED_IDLE: they get a CPU only when no "
                 "other thread wants one (false: their nice values apply)")
      ->capture_default_str();
  app.add_option("--reader-queue", cfg.reader_queue,
                 "REST reads queued or running before 503 + Retry-After")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
  app.add_option("--max-user-reads", cfg.max_user_reads,
                 "REST reads in flight per user before 429 + Retry-After")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
  app.add_option("--max-user-catch-ups", cfg.max_user_catch_ups,
                 "resumes from the log per user still catching up before the next is closed 4008")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
  app.add_option("--max-snapshot-bytes", cfg.max_snapshot_bytes,
                 "welcome snapshots' unsent bytes in all before a new one waits")
      ->capture_default_str();
  app.add_option("--max-full-snapshot-bytes", cfg.max_full_snapshot_bytes,
                 "largest whole-state (a4p.v1) snapshot; a larger one is refused too_large (1009)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 40));
  app.add_option("--past-state-cache-bytes", cfg.past_state_cache_bytes,
                 "past states kept for ?at reads, in bytes (the states, not views; 0: none)")
      ->capture_default_str();
  app.add_option("--kept-state-every", cfg.kept_state_every,
                 "?at reads: keep the state at every N events (built in the background)")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{100}, std::uint64_t{1} << 40));
  app.add_option("--kept-state-bytes", cfg.kept_state_bytes,
                 "?at reads: memory of the kept states, in bytes (over it fewer are kept; 0: none)")
      ->capture_default_str();
  app.add_option("--max-rooms", cfg.max_rooms, "rooms one connection may be in at once")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{4096}));
  app.add_option("--min-password", cfg.min_password_length, "shortest --demo-password accepted")
      ->capture_default_str();
  app.add_option("--max-send-queue", cfg.max_send_queue_bytes,
                 "unsent bytes per connection before closing it with 4008")
      ->capture_default_str();
  app.add_option("--max-coalesce", cfg.max_coalesce_bytes,
                 "largest outgoing frame when coalescing a burst")
      ->capture_default_str();
  app.add_option("--max-events-limit", cfg.max_events_limit,
                 "ceiling of ?limit on /api/events and /api/history")
      ->capture_default_str();
  app.add_option("--max-page-bytes", cfg.max_page_bytes,
                 "stored bytes after which an /api/events page ends")
      ->capture_default_str();
  app.add_option("--max-scan-events", cfg.max_scan_events,
                 "events one filtered /api/events page reads at most")
      ->capture_default_str();
  app.add_option("--max-history-page-bytes", cfg.max_history_page_bytes,
                 "bytes (events and changes) after which an /api/history page ends")
      ->capture_default_str();
  add_duration(app, "--session-ttl", cfg.session_ttl, "login session lifetime in seconds");
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
  app.add_option_function<double>(
         "--checkpoint-minutes",
         [&cfg](double minutes) {
           cfg.checkpoint_interval =
               std::chrono::milliseconds(static_cast<std::int64_t>(minutes * 60'000));
         },
         "with --checkpoint-key: a checkpoint when this much time has passed with new events")
      ->default_str(std::to_string(cfg.checkpoint_interval.count() / 60'000))
      ->check(CLI::Range(0.001, 1e6));
  add_duration(app, "--invite-ttl", cfg.invite_ttl,
               "lifetime of one-time invitation and password reset links, in seconds (72 h)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{365 * 24 * 3600}));
  app.add_option("--backup-dir", cfg.backup_dir,
                 "where POST /api/admin/backup writes checkpoints (default: <data>-backups; the "
                 "same file system as --data makes them hard links)");
  app.add_option("--public-threads", cfg.public_threads,
                 "network threads of the anonymous /public connections and the public feed")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--public-nice", cfg.public_nice,
                 "nice value of the public threads (0: the writer's priority)")
      ->capture_default_str()
      ->check(CLI::Range(0, 19));
  add_duration(app, "--public-batch", cfg.public_batch,
               "milliseconds during which public changes are gathered into one write per viewer")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{10'000}));
  app.add_option("--public-sends", cfg.public_sends,
                 "writes per second to live public viewers, each chunk paced over 10 ms slices "
                 "(0: every viewer at once)")
      ->capture_default_str();
  app.add_option("--public-rate", cfg.public_rate,
                 "anonymous /public requests per second per client address")
      ->capture_default_str();
  app.add_option("--public-burst", cfg.public_burst, "of them at once per client address")
      ->capture_default_str();
  app.add_option("--public-rate-total", cfg.public_rate_total,
                 "anonymous /public requests per second from everyone together")
      ->capture_default_str();
  app.add_option("--public-burst-total", cfg.public_burst_total,
                 "of them at once from everyone together")
      ->capture_default_str();
  app.add_option("--public-max-streams", cfg.public_max_streams,
                 "open anonymous public feed streams in total")
      ->capture_default_str();
  app.add_option("--public-max-address-streams", cfg.public_max_address_streams,
                 "open anonymous public feed streams per client address")
      ->capture_default_str();
  app.add_option("--public-max-queue", cfg.public_max_queue_bytes,
                 "unsent bytes per public feed stream before it is closed")
      ->capture_default_str();
  add_duration(app, "--public-max-age", cfg.public_max_age,
               "seconds of Cache-Control max-age on /public/api/");
  app.add_option("--log-level", o.log_level, "trace|debug|info|warn|error|critical|off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_option("--log-format", o.log_fmt, "text (default) or json (JSON Lines on stderr)")
      ->transform(CLI::CheckedTransformer(std::map<std::string, log_format>{
          {"text", log_format::text}, {"json", log_format::json}}));
}

// The environment variable of a flag's long name: A4PD_ and the name in upper case, '_' for '-'.
std::string env_name(const std::string& long_name) {
  std::string env = "A4PD_";
  for (char c : long_name) env += c == '-' ? '_' : static_cast<char>(std::toupper(c));
  return env;
}

// CLI11 fills an option from the file before it looks at the environment, and from either
// only while it is still unset; so that the environment wins over the file, the file's keys
// whose variable is set are dropped as the file is read.
class config_below_environment : public CLI::ConfigTOML {
 public:
  explicit config_below_environment(std::set<std::string> shadowed)
      : shadowed_(std::move(shadowed)) {}
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    auto items = CLI::ConfigTOML::from_config(input);
    std::erase_if(items, [this](const CLI::ConfigItem& i) {
      return i.parents.empty() && shadowed_.contains(i.name);
    });
    return items;
  }

 private:
  std::set<std::string> shadowed_;  // long names whose A4PD_ variable is set
};

// --config FILE (TOML), and A4PD_<NAME> for every flag: one rule, so that no flag lacks either.
// Precedence: the command line, then the environment, then the file.
// The file itself may be named by A4PD_CONFIG (CLI11 reads the file before the environment, so
// that variable is its default, and then the file must exist).
void add_config_and_environment(CLI::App& app) {
  std::set<std::string> shadowed;
  for (CLI::Option* opt : app.get_options()) {
    const auto& names = opt->get_lnames();
    if (names.empty() || names.front() == "help") continue;
    auto env = env_name(names.front());
    opt->envname(env);
    if (const char* v = std::getenv(env.c_str()); v != nullptr && *v != '\0')
      shadowed.insert(names.front());
  }
  app.config_formatter(std::make_shared<config_below_environment>(std::move(shadowed)));
  const char* file = std::getenv(env_name("config").c_str());
  const bool from_env = file != nullptr && *file != '\0';
  app.set_config("--config", from_env ? file : "",
                 "read flags from this TOML file (keys: the flags' long names, e.g. max-frame = "
                 "131072); A4PD_* variables and the command line win over it",
                 from_env);
  app.allow_config_extras(CLI::config_extras_mode::error);
}

void build_app(CLI::App& app, options& o) {
  add_flags(app, o);
  add_config_and_environment(app);
}

// The hash of the token file's first line (trailing CR and blanks dropped), or empty when the
// file is unreadable or the token too short.
std::string metrics_token_hash(const std::string& file) {
  std::ifstream in(file);
  std::string token;
  if (!in || !std::getline(in, token)) token.clear();
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.size() < min_metrics_token) return {};
  return session_store::hash_token(token);
}

}  // namespace

std::vector<flag_doc> flag_docs() {
  options o;
  CLI::App app{app_description};
  build_app(app, o);
  std::vector<flag_doc> out;
  for (const CLI::Option* opt : app.get_options()) {
    const auto& names = opt->get_lnames();
    if (names.empty() || names.front() == "help") continue;
    out.push_back({names.front(),
                   names.front() == "config" ? env_name("config") : opt->get_envname(),
                   opt->get_default_str()});
  }
  return out;
}

std::expected<options, int> parse_options(int argc, char** argv) {
  options o;
  CLI::App app{app_description};
  build_app(app, o);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // 0 once --help is printed; every other problem (a bad value, an unknown key in the file,
    // a missing file) is a bad flag: 2, the reason printed.
    return std::unexpected(app.exit(e) == 0 ? 0 : 2);
  }

  configure_logging(o.log_fmt, o.log_level);
  auto& cfg = o.cfg;
  if (!cfg.cluster.empty()) {
    for (std::size_t at = 0; at <= cfg.cluster.size();) {
      auto comma = cfg.cluster.find(',', at);
      if (comma == std::string::npos) comma = cfg.cluster.size();
      if (comma > at) cfg.cluster_urls.push_back(cfg.cluster.substr(at, comma - at));
      at = comma + 1;
    }
    if (cfg.node.empty() || cfg.cluster_urls.empty()) {
      std::cerr << "a4pd: --cluster needs NATS URLs and --node a name\n";
      return std::unexpected(2);
    }
    // The name is a NATS subject token (a4p.presence.<node>).
    if (!std::ranges::all_of(cfg.node, [](char ch) {
          return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
        })) {
      std::cerr << "a4pd: --node: letters, digits, '-' and '_' only\n";
      return std::unexpected(2);
    }
    if (cfg.presence_heartbeat.count() < 100 || cfg.presence_expiry <= cfg.presence_heartbeat) {
      std::cerr << "a4pd: --presence-heartbeat at least 100 ms, --presence-expiry above it\n";
      return std::unexpected(2);
    }
    if (!cfg.checkpoint_key.empty()) {
      std::cerr << "a4pd: --checkpoint-key is not supported in cluster mode yet\n";
      return std::unexpected(2);
    }
  } else if (!cfg.node.empty()) {
    std::cerr << "a4pd: --node is for cluster mode (--cluster)\n";
    return std::unexpected(2);
  }
  for (auto& a : cfg.trust_proxy) {
    boost::system::error_code ec;
    auto addr = boost::asio::ip::make_address(a, ec);
    if (ec) {
      std::cerr << "a4pd: --trust-proxy expects an IP address, not " << a << "\n";
      return std::unexpected(2);
    }
    a = addr.to_string();
  }
  if (!o.demo_password.empty()) {
    if (auto why = password_policy_problem(o.demo_password, cfg.min_password_length);
        !why.empty()) {
      std::cerr << "a4pd: --demo-password: " << why << " (--min-password)\n";
      return std::unexpected(2);
    }
  }
  if (!split_host_port(o.listen, cfg.listen_host, cfg.listen_port)) {
    std::cerr << "a4pd: --listen expects HOST:PORT\n";
    return std::unexpected(2);
  }
  if (cfg.tls_cert.empty() != cfg.tls_key.empty()) {
    std::cerr << "a4pd: --tls-cert and --tls-key go together\n";
    return std::unexpected(2);
  }
  if (!cfg.metrics_token_file.empty()) {
    o.metrics_token_hash = metrics_token_hash(cfg.metrics_token_file);
    if (o.metrics_token_hash.empty()) {
      std::cerr << "a4pd: --metrics-token-file " << cfg.metrics_token_file
                << ": unreadable, or its first line is shorter than " << min_metrics_token
                << " characters\n";
      return std::unexpected(2);
    }
  }
  if (!cfg.web_root.empty()) {
    // A missing web root is not fatal (the API still works; files appear once built).
    std::error_code ec;
    auto canon = std::filesystem::weakly_canonical(std::filesystem::absolute(cfg.web_root), ec);
    if (ec) {
      std::cerr << "a4pd: --web-root " << cfg.web_root << ": " << ec.message() << "\n";
      return std::unexpected(2);
    }
    if (!std::filesystem::is_directory(canon, ec))
      spdlog::warn("--web-root {} does not exist (yet): static files answer 404", canon.string());
    cfg.web_root = canon.string();
  }
  if (cfg.backup_dir.empty()) {
    auto data = std::filesystem::absolute(cfg.data_dir).lexically_normal().string();
    while (data.size() > 1 && data.back() == '/') data.pop_back();
    cfg.backup_dir = data + "-backups";
  }
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
      return std::unexpected(2);
    }
  }
  return o;
}

}  // namespace a4p::server
