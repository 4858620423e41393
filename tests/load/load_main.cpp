// a4p_load: the load generator of issue 4 item 7. See tests/load/README.md for the scenarios,
// the exact commands, and the figures measured.
//
// One run: sign in once per demo user (POST /api/session), open N authenticated WebSocket
// clients to a4pd (from several loopback source addresses past ~20,000 connections), measure
// server RSS per connection, let W of them send comment.post commands at a total rate (or as
// fast as a window allows), and report acked commands/s, delivered events/s, latency from the
// command's send time (embedded in its body) to each delivery (p50/p99/max), and gaps. Then,
// optionally, a reconnect storm; then the same N clients against an in-process bare Beast
// broadcaster at the same event rate and payload size, and the ratios.
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "server/admin/demo.hpp"
#include "tests/load/baseline_server.hpp"
#include "tests/load/load_client.hpp"
#include "tests/load/public_viewers.hpp"
#include "tests/load/readers.hpp"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using json = nlohmann::json;
using a4p::load::load_client;
using a4p::load::now_ns;
using a4p::load::run_stats;

struct options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string password;
  std::size_t clients = 100;
  std::size_t writers = 1;
  double rate = 250;  // commands per second, all writers together; 0: as fast as possible
  std::size_t window = 64;
  double duration = 10;
  std::size_t body_bytes = 120;
  std::string target = "discussion:D1";
  int server_pid = 0;
  int threads = 2;
  std::size_t connect_concurrency = 256;
  std::string source_base = "127.0.0.2";
  std::size_t per_source = 20'000;
  std::size_t reconnect_storm = 0;  // clients that reconnect at once
  std::size_t storm_missed = 200;   // events appended while they are away
  bool baseline = true;
  // The mixed scenario (issue 11 item 4): the steady state runs twice, without and then with
  // these readers, and the two are compared.
  std::size_t auditors = 0;      // export /api/events whole + /api/state?at, in a loop
  std::size_t reconnectors = 0;  // resume from resume_back events behind, in a loop
  std::uint64_t resume_back = 50'000;
  // Readers and public viewers: the runs without and with them alternate this many times, and
  // the p99s are also given pooled over the rounds (one noisy stretch weighs less).
  int rounds = 1;
  // Issue 15: the steady state again with this many anonymous public feed viewers, beside a
  // publisher of progress reports at public_report_rate (public_viewers.hpp).
  std::size_t public_viewers = 0;
  int bystander_nice = 0;  // nice of the auditors', reconnectors' and viewers' threads
  double public_report_rate = 20;
  // Issue 18: sign in as these users (all with --password) instead of the demo accounts (a
  // directory of a4p_make_workspace); fresh hellos ask for this view ("light", "full").
  std::vector<std::string> users;
  std::string view;
  // Fresh light hellos ask for this snapshot_encoding ("gzip", decision 0213); every
  // `inflate_every`-th client inflates its snapshot whole, the others only its head.
  std::string snapshot_encoding;
  std::size_t inflate_every = 500;
  bool restart_storm = false;  // after connecting: wait for a4pd's restart, all reconnect fresh
};

struct login {
  std::string user, token;
  bool can_write = false;
};

std::optional<std::string> sign_in(const options& o, const std::string& user, std::string* err) {
  try {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(tcp::endpoint(net::ip::make_address(o.host), o.port));
    http::request<http::string_body> req{http::verb::post, "/api/session", 11};
    req.set(http::field::host, o.host + ":" + std::to_string(o.port));
    req.set(http::field::content_type, "application/json");
    req.body() = json{{"username", user}, {"password", o.password}}.dump();
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(stream, buf, res);
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    if (res.result() != http::status::ok) {
      *err = user + ": HTTP " + std::to_string(res.result_int()) + " " + res.body();
      return std::nullopt;
    }
    json j = json::parse(res.body(), nullptr, false);
    if (!j.is_object() || !j.contains("token")) {
      *err = user + ": no token in " + res.body();
      return std::nullopt;
    }
    return j["token"].get<std::string>();
  } catch (const std::exception& e) {
    *err = user + ": " + e.what();
    return std::nullopt;
  }
}

// VmRSS of a process in KiB, 0 if unknown.
std::uint64_t rss_kib(int pid) {
  if (pid <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

void raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  getrlimit(RLIMIT_NOFILE, &rl);
  std::printf("fd limit: %llu\n", static_cast<unsigned long long>(rl.rlim_cur));
}

net::ip::address source_for(const options& o, std::size_t i) {
  auto base = net::ip::make_address_v4(o.source_base).to_uint();
  return net::ip::address_v4(static_cast<std::uint32_t>(base + i / o.per_source));
}

double seconds_since(std::int64_t t0) {
  return static_cast<double>(now_ns() - t0) / 1e9;
}

void sleep_s(double s) {
  std::this_thread::sleep_for(std::chrono::microseconds(static_cast<std::int64_t>(s * 1e6)));
}

// Starts clients [first, last) with at most `concurrency` handshakes in flight; waits until
// every one is ready or failed (or `timeout_s`). Returns how many are ready.
std::size_t connect_all(std::vector<std::shared_ptr<load_client>>& clients, std::size_t first,
                        std::size_t last, std::size_t concurrency,
                        const std::function<load_client::target(std::size_t)>& target_of,
                        double timeout_s) {
  struct progress {
    std::atomic<std::size_t> next, done{0}, ok{0};
  };
  auto p = std::make_shared<progress>();
  p->next = first;
  auto launch = std::make_shared<std::function<void()>>();
  *launch = [&clients, &target_of, p, last, launch_weak = std::weak_ptr(launch)]() {
    std::size_t i = p->next.fetch_add(1);
    if (i >= last) return;
    clients[i]->start(target_of(i), [p, launch_weak](bool ok) {
      if (ok) p->ok++;
      p->done++;
      if (auto l = launch_weak.lock()) (*l)();
    });
  };
  for (std::size_t k = 0; k < std::min(concurrency, last - first); ++k) (*launch)();
  const std::int64_t t0 = now_ns();
  std::size_t reported = 0;
  while (p->done < last - first && seconds_since(t0) < timeout_s) {
    sleep_s(0.05);
    if (p->done / 5000 > reported) {
      reported = p->done / 5000;
      std::printf("  %zu of %zu connected (%.1f s)\n", p->ok.load(), last - first,
                  seconds_since(t0));
      std::fflush(stdout);
    }
  }
  std::size_t ok = p->ok.load();
  // Keep `launch` alive until the stragglers' callbacks are done with it.
  sleep_s(0.01);
  return ok;
}

// Waits until every open client in [first,last) holds seq >= target. Returns the seconds it
// took, or a negative number on timeout.
double wait_caught_up(const std::vector<std::shared_ptr<load_client>>& clients, std::size_t first,
                      std::size_t last, std::uint64_t target, double timeout_s) {
  const std::int64_t t0 = now_ns();
  while (seconds_since(t0) < timeout_s) {
    bool all = true;
    for (std::size_t i = first; i < last; ++i) {
      if (clients[i]->open() && clients[i]->last_seq() < target) {
        all = false;
        break;
      }
    }
    if (all) return seconds_since(t0);
    sleep_s(0.002);
  }
  return -1;
}

struct phase_result {
  double seconds = 0;
  std::uint64_t acks = 0, events = 0, event_bytes = 0, gaps = 0, rejects = 0, dups = 0;
  std::int64_t p50 = 0, p99 = 0, max = 0, ack_p50 = 0, ack_p99 = 0;
  double acked_per_s() const { return seconds > 0 ? static_cast<double>(acks) / seconds : 0; }
  double events_per_s() const { return seconds > 0 ? static_cast<double>(events) / seconds : 0; }
};

phase_result snapshot_phase(run_stats& s, double seconds, std::uint64_t acks0,
                            std::uint64_t events0, std::uint64_t bytes0, std::uint64_t gaps0,
                            std::uint64_t rejects0, std::uint64_t dups0) {
  phase_result r;
  r.seconds = seconds;
  r.acks = s.acks - acks0;
  r.events = s.events - events0;
  r.event_bytes = s.event_bytes - bytes0;
  r.gaps = s.gaps - gaps0;
  r.rejects = s.rejects - rejects0;
  r.dups = s.duplicates - dups0;
  r.p50 = s.latency.percentile_us(0.50);
  r.p99 = s.latency.percentile_us(0.99);
  r.max = s.latency.max_us();
  r.ack_p50 = s.ack_latency.percentile_us(0.50);
  r.ack_p99 = s.ack_latency.percentile_us(0.99);
  return r;
}

void print_phase(const char* name, const phase_result& r, std::size_t clients) {
  std::printf(
      "%s: %.1f s, acked %.0f commands/s, delivered %.0f events/s to %zu clients "
      "(%.0f bytes/event), latency p50 %.2f ms p99 %.2f ms max %.2f ms, ack p50 %.2f ms "
      "p99 %.2f ms, gaps %llu, duplicates %llu, rejects %llu\n",
      name, r.seconds, r.acked_per_s(), r.events_per_s(), clients,
      r.events ? static_cast<double>(r.event_bytes) / static_cast<double>(r.events) : 0.0,
      r.p50 / 1000.0, r.p99 / 1000.0, r.max / 1000.0, r.ack_p50 / 1000.0, r.ack_p99 / 1000.0,
      static_cast<unsigned long long>(r.gaps), static_cast<unsigned long long>(r.dups),
      static_cast<unsigned long long>(r.rejects));
  std::fflush(stdout);
}

// Issue 18's resume storm: the `ok` clients are connected; a4pd is restarted from outside
// (run_scenarios.sh restart); once every client has been dropped and a4pd listens again, all of
// them reconnect at once with a fresh hello (--view), each taking a snapshot. Prints the time
// from a4pd listening (and from the drop) until every client holds its snapshot, and the bytes
// they received in all. True when every client got its snapshot.
bool restart_storm(const options& o, net::io_context& ioc,
                   const std::vector<std::shared_ptr<load_client>>& clients, std::size_t ok,
                   const std::function<load_client::target(std::size_t)>& fresh_target) {
  auto open_count = [&] {
    return static_cast<std::size_t>(
        std::count_if(clients.begin(), clients.end(), [](auto& c) { return c->open(); }));
  };
  std::printf("restart storm: %zu clients connected; restart a4pd now\n", ok);
  std::fflush(stdout);
  const std::int64_t t_wait = now_ns();
  while (open_count() > 0 && seconds_since(t_wait) < 600) sleep_s(0.01);
  if (open_count() > 0) return std::printf("  a4pd did not drop the clients\n"), false;
  const std::int64_t t_drop = now_ns();
  const tcp::endpoint server(net::ip::make_address(o.host), o.port);
  for (bool up = false; !up && seconds_since(t_drop) < 600;) {
    net::io_context probe;
    tcp::socket s(probe);
    beast::error_code ec;
    s.connect(server, ec);
    up = !ec;
    if (!up) sleep_s(0.01);
  }
  const std::int64_t t_up = now_ns();
  std::printf("  all dropped; a4pd listening again %.2f s later\n", seconds_since(t_drop));
  auto shared = std::make_shared<run_stats>();
  std::vector<std::shared_ptr<load_client>> again(clients.size());
  for (std::size_t i = 0; i < clients.size(); ++i)
    again[i] = std::make_shared<load_client>(ioc, shared, i, load_client::mode::a4p);
  const std::size_t n = clients.size();
  std::size_t back = connect_all(again, 0, n, n, fresh_target, 600);
  const double from_up = seconds_since(t_up), from_drop = seconds_since(t_drop);
  std::uint64_t lo = UINT64_MAX, hi = 0;
  for (const auto& c : again) {
    lo = std::min(lo, c->last_seq());
    hi = std::max(hi, c->last_seq());
  }
  const double mb = static_cast<double>(shared->bytes_received.value()) / 1e6;
  std::printf(
      "  restart storm (view %s): %zu of %zu took a snapshot (seq %llu..%llu) in %.2f s after "
      "a4pd listened (%.2f s after the drop); received %.1f MB in all, %.1f KB per client; "
      "gaps %llu, duplicates %llu\n",
      o.view.empty() ? "full, not asked" : o.view.c_str(), back, n,
      static_cast<unsigned long long>(lo), static_cast<unsigned long long>(hi), from_up, from_drop,
      mb, back ? mb * 1e3 / static_cast<double>(n) : 0.0,
      static_cast<unsigned long long>(shared->gaps.load()),
      static_cast<unsigned long long>(shared->duplicates.load()));
  if (shared->gzip_snapshots > 0)
    std::printf("  gzip snapshots: %llu (%llu inflated whole and checked, the rest their head)\n",
                static_cast<unsigned long long>(shared->gzip_snapshots.load()),
                static_cast<unsigned long long>(shared->gzip_inflated_whole.load()));
  {
    std::lock_guard lock(shared->mu);
    for (const auto& [code, count] : shared->error_codes)
      std::printf("  server errors %s: %llu\n", code.c_str(),
                  static_cast<unsigned long long>(count));
    if (!shared->first_error.empty())
      std::printf("  first error: %s\n", shared->first_error.c_str());
  }
  for (auto& c : again) c->close();
  return back == n && shared->gaps == 0 && shared->duplicates == 0;
}

// The steady state without and with some load beside it (readers, public viewers), over
// --rounds alternations: each phase's latencies pooled by condition.
struct comparison {
  a4p::load::latency_histogram delivery[2], ack[2];  // [0] without, [1] with
  void take(const run_stats& s, bool with) {
    delivery[with].add(s.latency);
    ack[with].add(s.ack_latency);
  }
  // One round's writers' ack p99 and delivery p99, with against without.
  static void print_round(const char* what, const std::optional<phase_result>& with,
                          const std::optional<phase_result>& without) {
    if (!with || !without || without->ack_p99 <= 0 || without->p99 <= 0) return;
    std::printf(
        "%s: ack p99 %.2f ms with, %.2f ms without (x%.2f; target <= 1.5); delivery p99 %.2f ms "
        "with, %.2f ms without (x%.2f; target <= 1.5)\n",
        what, with->ack_p99 / 1000.0, without->ack_p99 / 1000.0,
        static_cast<double>(with->ack_p99) / static_cast<double>(without->ack_p99),
        with->p99 / 1000.0, without->p99 / 1000.0,
        static_cast<double>(with->p99) / static_cast<double>(without->p99));
  }
  void print(const char* what, int rounds) const {
    auto ratio = [](const a4p::load::latency_histogram(&h)[2]) {
      return static_cast<double>(h[1].percentile_us(0.99)) /
             static_cast<double>(std::max<std::int64_t>(h[0].percentile_us(0.99), 1));
    };
    std::printf(
        "%s, pooled over %d rounds (%llu acks without, %llu with): ack p99 %.2f ms with, %.2f ms "
        "without (x%.2f; target <= 1.5); delivery p99 %.2f ms with, %.2f ms without (x%.2f)\n",
        what, rounds, static_cast<unsigned long long>(ack[0].count()),
        static_cast<unsigned long long>(ack[1].count()), ack[1].percentile_us(0.99) / 1000.0,
        ack[0].percentile_us(0.99) / 1000.0, ratio(ack), delivery[1].percentile_us(0.99) / 1000.0,
        delivery[0].percentile_us(0.99) / 1000.0, ratio(delivery));
  }
};

// The server run: connect, RSS, writers, storm. Returns the steady-state phase.
// Issue 15: the steady state with the public publisher, first without and then with
// o.public_viewers anonymous viewers; the writers' ack p99 ratio and the server's RSS per viewer.
template <class Steady>
bool run_public_viewers(const options& o, const std::vector<login>& logins, Steady& steady,
                        const run_stats& stats) {
  auto sec = std::find_if(logins.begin(), logins.end(),
                          [](const login& l) { return l.user == "un.secretariat"; });
  if (sec == logins.end())
    return std::fprintf(stderr, "public viewers need un.secretariat\n"), false;
  a4p::load::viewer_params vp;
  vp.host = o.host;
  vp.port = o.port;
  vp.viewers = o.public_viewers;
  vp.source_base = o.source_base;
  vp.per_source = o.per_source;
  vp.secretariat_token = sec->token;
  vp.report_rate = o.public_report_rate;
  vp.nice = o.bystander_nice;
  a4p::load::public_viewers viewers(vp);
  std::printf("public: %zu UN pledges published; %.0f reports/s on them\n", viewers.prepare(),
              o.public_report_rate);
  viewers.start_publishing();
  comparison cmp;
  bool all_greeted = true;
  const std::int64_t t_publishing = now_ns();
  for (int round = 1; round <= o.rounds; ++round) {
    const std::string suffix = o.rounds > 1 ? ", round " + std::to_string(round) : "";
    auto without = steady(("a4pd + public reports, no viewers" + suffix).c_str());
    cmp.take(stats, false);
    const std::uint64_t rss0 = rss_kib(o.server_pid);
    const std::int64_t t0 = now_ns();
    const std::size_t greeted = viewers.connect();
    all_greeted = all_greeted && greeted == o.public_viewers;
    const std::uint64_t rss1 = rss_kib(o.server_pid);
    std::printf(
        "public: %zu viewers greeted in %.2f s; server RSS %.1f -> %.1f MiB: %.2f KiB per "
        "viewer\n",
        greeted, seconds_since(t0), rss0 / 1024.0, rss1 / 1024.0,
        greeted
            ? (static_cast<double>(rss1) - static_cast<double>(rss0)) / static_cast<double>(greeted)
            : 0.0);
    auto with = steady(("a4pd + public reports + anonymous viewers" + suffix).c_str());
    cmp.take(stats, true);
    comparison::print_round("public viewers", with, without);
    viewers.close();
    if (round < o.rounds) sleep_s(5.0);  // the server lets the viewers go before the next round
  }
  viewers.stop_publishing();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  viewers.print(seconds_since(t_publishing));
  if (o.rounds > 1) cmp.print("public viewers", o.rounds);
  return all_greeted;
}

int run_server(const options& o, net::io_context& ioc, phase_result* out_phase,
               std::size_t* out_connected) {
  // Sign in once per demo user (or per --users).
  std::vector<login> logins;
  std::vector<std::pair<std::string, bool>> accounts;  // user, may write
  for (const auto& a : a4p::server::demo_accounts)
    if (o.users.empty()) accounts.emplace_back(a.user, a.role != "auditor");
  for (const auto& u : o.users) accounts.emplace_back(u, u.find("auditor") == std::string::npos);
  for (const auto& [user, can_write] : accounts) {
    std::string err;
    auto token = sign_in(o, user, &err);
    if (!token) {
      std::fprintf(stderr, "a4p_load: sign-in failed: %s\n", err.c_str());
      continue;
    }
    logins.push_back({user, *token, can_write});
  }
  if (logins.empty()) {
    std::fprintf(stderr,
                 "a4p_load: no demo user could sign in (is a4pd running with --demo "
                 "--demo-password, and --password the same?)\n");
    return 1;
  }
  std::vector<const login*> writer_logins, all_logins;
  for (const auto& l : logins) {
    all_logins.push_back(&l);
    if (l.can_write) writer_logins.push_back(&l);
  }
  std::printf("signed in %zu users\n", logins.size());

  auto shared_stats = std::make_shared<run_stats>();
  run_stats& stats = *shared_stats;
  const std::size_t n = std::max<std::size_t>(o.clients, 1);
  const std::size_t w = std::min(o.writers, n);
  int verdict = 0;  // 1: a client failed to connect, saw a gap or a duplicate, or a storm timed out
  std::vector<std::shared_ptr<load_client>> clients;
  clients.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    clients.push_back(std::make_shared<load_client>(ioc, shared_stats, i, load_client::mode::a4p));
  }
  const tcp::endpoint server(net::ip::make_address(o.host), o.port);
  const std::string host_header = o.host + ":" + std::to_string(o.port);
  auto login_of = [&](std::size_t i) -> const login& {
    if (i < w && !writer_logins.empty()) return *writer_logins[i % writer_logins.size()];
    return *all_logins[i % all_logins.size()];
  };

  const std::uint64_t rss0 = rss_kib(o.server_pid);
  const std::int64_t t_connect = now_ns();
  // The first client takes a snapshot and learns the epoch; the rest resume from its head.
  auto first_target = [&](std::size_t i) {
    load_client::target t;
    t.server = server;
    t.source = source_for(o, i);
    t.host_header = host_header;
    t.token = login_of(i).token;
    // The first client only learns the epoch and head: light whenever a view is asked, since
    // a whole-state snapshot of a large log is refused (--max-full-snapshot-bytes).
    t.view = o.view.empty() ? "" : "light";
    return t;
  };
  if (connect_all(clients, 0, 1, 1, first_target, 60) != 1) {
    std::lock_guard lock(stats.mu);
    std::fprintf(stderr, "a4p_load: the first client could not connect: %s\n",
                 stats.first_error.c_str());
    return 1;
  }
  std::string epoch;
  std::uint64_t head = 0;
  {
    std::lock_guard lock(stats.mu);
    epoch = stats.epoch;
    head = stats.welcome_head;
  }
  // One fresh hello end to end: TCP connect, upgrade, hello, welcome and the whole snapshot.
  std::printf("first client: snapshot%s of %.2f MB at seq %llu in %.3f s\n",
              o.view.empty() ? "" : " (light)",
              static_cast<double>(stats.bytes_received.value()) / 1e6,
              static_cast<unsigned long long>(head), seconds_since(t_connect));
  auto resume_target = [&](std::size_t i) {
    load_client::target t = first_target(i);
    t.resume_epoch = epoch;
    t.resume_seq = head;
    return t;
  };
  std::size_t ok = 1 + connect_all(clients, 1, n, o.connect_concurrency, resume_target, 300);
  const double connect_s = seconds_since(t_connect);
  *out_connected = ok;
  std::printf("connected %zu of %zu clients in %.2f s (epoch %s, head %llu)\n", ok, n, connect_s,
              epoch.c_str(), static_cast<unsigned long long>(head));
  if (ok < n) {
    verdict = 1;
    std::lock_guard lock(stats.mu);
    std::printf("  first error: %s\n", stats.first_error.c_str());
  }
  sleep_s(1.0);
  if (o.server_pid > 0) {
    const std::uint64_t rss1 = rss_kib(o.server_pid);
    std::printf(
        "server RSS: %.1f MiB before, %.1f MiB with %zu clients: %.2f KiB per connection "
        "(delta), %.2f KiB per connection (total)\n",
        rss0 / 1024.0, rss1 / 1024.0, stats.connected.load(),
        ok ? (static_cast<double>(rss1) - static_cast<double>(rss0)) / static_cast<double>(ok)
           : 0.0,
        ok ? static_cast<double>(rss1) / static_cast<double>(ok) : 0.0);
  }
  std::fflush(stdout);

  // Steady state: W writers at the total rate.
  auto steady = [&](const char* label) -> std::optional<phase_result> {
    if (w == 0 || o.duration <= 0) return std::nullopt;
    stats.latency.reset();
    stats.ack_latency.reset();
    stats.window_ack_max_ns = 0;
    const std::uint64_t a0 = stats.acks, e0 = stats.events, b0 = stats.event_bytes, g0 = stats.gaps,
                        r0 = stats.rejects, d0 = stats.duplicates;
    const std::int64_t t0 = now_ns();
    for (std::size_t i = 0; i < w; ++i) {
      load_client::writer_params p;
      p.command_target = o.target;
      p.rate = o.rate > 0 ? o.rate / static_cast<double>(w) : 0;
      p.window = o.window;
      p.body_bytes = o.body_bytes;
      clients[i]->start_writing(p);
    }
    for (int s = 1; s <= static_cast<int>(o.duration); ++s) {
      sleep_s(1.0);
      std::printf(
          "  t=%ds acked %llu events %llu gaps %llu p99 %.2f ms, slowest ack this second %.2f ms\n",
          s, static_cast<unsigned long long>(stats.acks - a0),
          static_cast<unsigned long long>(stats.events - e0),
          static_cast<unsigned long long>(stats.gaps - g0),
          stats.latency.percentile_us(0.99) / 1000.0,
          static_cast<double>(stats.window_ack_max_ns.exchange(0)) / 1e6);
      std::fflush(stdout);
    }
    sleep_s(o.duration - static_cast<int>(o.duration));
    const double secs = seconds_since(t0);
    phase_result r = snapshot_phase(stats, secs, a0, e0, b0, g0, r0, d0);
    for (std::size_t i = 0; i < w; ++i) clients[i]->stop_writing();
    sleep_s(0.2);
    double drain = wait_caught_up(clients, 0, n, stats.max_acked_seq, 30);
    // Latency and gaps including the drain.
    phase_result all = snapshot_phase(stats, secs, a0, e0, b0, g0, r0, d0);
    r.p50 = all.p50;
    r.p99 = all.p99;
    r.max = all.max;
    r.gaps = all.gaps;
    r.dups = all.dups;
    print_phase(label, r, ok);
    if (r.gaps > 0 || r.dups > 0 || drain < 0 || r.acks == 0) verdict = 1;
    std::printf("  drained in %.2f s; clients still open %zu of %zu\n", drain,
                static_cast<std::size_t>(std::count_if(clients.begin(), clients.end(),
                                                       [](auto& c) { return c->open(); })),
                ok);
    {
      std::lock_guard lock(stats.mu);
      for (const auto& [code, count] : stats.reject_codes) {
        std::printf("  rejects %s: %llu\n", code.c_str(), static_cast<unsigned long long>(count));
      }
      if (!stats.first_error.empty()) std::printf("  first error: %s\n", stats.first_error.c_str());
    }
    return r;
  };
  if (auto r = steady("a4pd")) *out_phase = *r;
  if (o.auditors + o.reconnectors > 0) {
    // The same steady state again, with the readers running beside it.
    auto auditor =
        std::find_if(logins.begin(), logins.end(), [](const login& l) { return !l.can_write; });
    if (auditor == logins.end()) {
      std::fprintf(stderr, "a4p_load: readers need the demo's auditor account\n");
      return 1;
    }
    a4p::load::reader_params rp;
    rp.host = o.host;
    rp.port = o.port;
    rp.token = auditor->token;
    rp.epoch = epoch;
    rp.auditors = o.auditors;
    rp.reconnectors = o.reconnectors;
    rp.resume_back = o.resume_back;
    rp.nice = o.bystander_nice;
    comparison cmp;
    cmp.take(stats, false);
    for (int round = 1; round <= o.rounds; ++round) {
      const std::string suffix = o.rounds > 1 ? ", round " + std::to_string(round) : "";
      std::optional<phase_result> without = *out_phase;
      if (round > 1) {
        without = steady(("a4pd" + suffix).c_str());
        cmp.take(stats, false);
      }
      rp.head = stats.max_acked_seq.load();
      a4p::load::background_readers readers(rp);
      std::printf("readers: %zu auditors, %zu reconnectors resuming %llu events back\n", o.auditors,
                  o.reconnectors, static_cast<unsigned long long>(o.resume_back));
      readers.start();
      sleep_s(2.0);  // the readers under way before the measurement starts
      const std::int64_t t_readers = now_ns();
      auto with = steady(("a4pd with readers" + suffix).c_str());
      cmp.take(stats, true);
      readers.stop();
      readers.print(seconds_since(t_readers));
      comparison::print_round("readers", with, without);
    }
    if (o.rounds > 1) cmp.print("readers", o.rounds);
  }

  if (o.public_viewers > 0 && !run_public_viewers(o, logins, steady, stats)) verdict = 1;

  // Reconnect storm: K clients drop, miss `storm_missed` events, and come back at once.
  if (o.reconnect_storm > 0 && w > 0 && n > w) {
    const std::size_t k = std::min(o.reconnect_storm, n - w);
    const std::size_t first = w, last = w + k;
    std::printf("reconnect storm: %zu clients drop, miss %zu events, reconnect at once\n", k,
                o.storm_missed);
    std::vector<std::uint64_t> resume_seq(n, 0);
    for (std::size_t i = first; i < last; ++i) {
      resume_seq[i] = clients[i]->last_seq();
      clients[i]->close();
    }
    sleep_s(1.0);
    const std::uint64_t acks0 = stats.acks;
    const std::size_t per_writer = (o.storm_missed + w - 1) / w;
    for (std::size_t i = 0; i < w; ++i) {
      load_client::writer_params p;
      p.command_target = o.target;
      p.rate = 0;
      p.window = o.window;
      p.body_bytes = o.body_bytes;
      p.limit = per_writer;
      clients[i]->start_writing(p);
    }
    const std::int64_t tw = now_ns();
    while (stats.acks - acks0 < per_writer * w && seconds_since(tw) < 30) sleep_s(0.005);
    const std::uint64_t target = stats.max_acked_seq;
    std::uint64_t min_missed = UINT64_MAX;
    for (std::size_t i = first; i < last; ++i) {
      min_missed = std::min(min_missed, target - resume_seq[i]);
    }
    std::printf("  %llu events appended while away (each client missed >= %llu)\n",
                static_cast<unsigned long long>(stats.acks - acks0),
                static_cast<unsigned long long>(min_missed));
    auto shared_storm_stats = std::make_shared<run_stats>();
    run_stats& storm_stats = *shared_storm_stats;
    std::vector<std::shared_ptr<load_client>> again(n);
    for (std::size_t i = first; i < last; ++i) {
      again[i] = std::make_shared<load_client>(ioc, shared_storm_stats, i, load_client::mode::a4p);
    }
    auto storm_target = [&](std::size_t i) {
      load_client::target t = first_target(i);
      t.resume_epoch = epoch;
      t.resume_seq = resume_seq[i];
      return t;
    };
    const std::int64_t ts = now_ns();
    std::size_t back = connect_all(again, first, last, k, storm_target, 60);
    double caught = wait_caught_up(again, first, last, target, 60);
    const double total = seconds_since(ts);
    std::uint64_t storm_gaps = 0;
    std::size_t resumed = 0;
    for (std::size_t i = first; i < last; ++i) {
      storm_gaps += again[i]->gaps();
      resumed += again[i]->last_seq() >= target;
    }
    std::printf(
        "  reconnect storm: %zu of %zu reconnected, %zu caught up to seq %llu, in %.2f s "
        "(%s), gaps %llu, duplicates %llu\n",
        back, k, resumed, static_cast<unsigned long long>(target), total,
        caught >= 0 ? "all resumed" : "TIMEOUT", static_cast<unsigned long long>(storm_gaps),
        static_cast<unsigned long long>(storm_stats.duplicates.load()));
    {
      std::lock_guard lock(storm_stats.mu);
      if (!storm_stats.first_error.empty()) {
        std::printf("  first error: %s\n", storm_stats.first_error.c_str());
      }
    }
    for (std::size_t i = first; i < last; ++i) again[i]->close();
    if (back < k || caught < 0 || storm_gaps > 0 || storm_stats.duplicates > 0) verdict = 1;
  }
  auto storm_view_target = [&](std::size_t i) {
    load_client::target t = first_target(i);
    t.view = o.view;
    if (o.view == "light") {
      t.snapshot_encoding = o.snapshot_encoding;
      t.inflate_whole = o.inflate_every != 0 && i % o.inflate_every == 0;
    }
    return t;
  };
  if (o.restart_storm && !restart_storm(o, ioc, clients, ok, storm_view_target)) verdict = 1;
  for (auto& c : clients) c->close();
  sleep_s(0.5);
  return verdict;
}

// The same clients and rate against the bare Beast broadcaster.
phase_result run_baseline(const options& o, net::io_context& ioc, double rate,
                          std::size_t payload_bytes) {
  // The broadcaster gets its own io_context and threads, as a4pd has its own process.
  net::io_context server_ioc;
  auto server_guard = net::make_work_guard(server_ioc);
  std::vector<std::thread> server_threads;
  for (int i = 0; i < std::max(1, o.threads); ++i) {
    server_threads.emplace_back([&server_ioc] { server_ioc.run(); });
  }
  auto bs = std::make_unique<a4p::load::baseline_server>(server_ioc);
  const tcp::endpoint ep = bs->start();
  auto shared_stats = std::make_shared<run_stats>();
  run_stats& stats = *shared_stats;
  const std::size_t n = std::max<std::size_t>(o.clients, 1);
  std::vector<std::shared_ptr<load_client>> clients;
  for (std::size_t i = 0; i < n; ++i) {
    clients.push_back(
        std::make_shared<load_client>(ioc, shared_stats, i, load_client::mode::baseline));
  }
  auto target_of = [&](std::size_t i) {
    load_client::target t;
    t.server = ep;
    // Other source addresses than the a4pd run's, so TIME_WAIT ports do not collide.
    t.source = net::ip::address_v4(net::ip::make_address_v4(o.source_base).to_uint() + 100 +
                                   i / o.per_source);
    t.host_header = "127.0.0.1:" + std::to_string(ep.port());
    return t;
  };
  std::size_t ok = connect_all(clients, 0, n, o.connect_concurrency, target_of, 300);
  while (bs->clients() < ok) sleep_s(0.01);
  std::printf("baseline: %zu clients connected; broadcasting %.0f events/s of %zu bytes\n", ok,
              rate, payload_bytes);
  std::fflush(stdout);

  const std::uint64_t a0 = 0, e0 = stats.events, b0 = stats.event_bytes, g0 = stats.gaps, r0 = 0,
                      d0 = stats.duplicates;
  const std::int64_t t0 = now_ns();
  std::uint64_t seq = 0;
  const std::string actor = R"("actor":{"org":"GBR","user":"gbr.delegate"},)";
  while (seconds_since(t0) < o.duration) {
    const auto due = static_cast<std::uint64_t>(seconds_since(t0) * rate) + 1;
    while (seq < due) {
      const std::uint64_t prev = seq++;
      std::string body = "lg " + std::to_string(now_ns()) + " ";
      std::string m = "{\"type\":\"event\",\"prev\":" + std::to_string(prev) + "," + actor +
                      "\"data\":{\"body\":\"" + body;
      const std::string tail = "\",\"id\":\"C" + std::to_string(seq) +
                               "\"},\"name\":\"comment.posted\",\"seq\":" + std::to_string(seq) +
                               ",\"ts\":\"2026-01-01T00:00:00.000Z\"}";
      if (m.size() + tail.size() < payload_bytes) {
        m.append(payload_bytes - m.size() - tail.size(), 'x');
      }
      m += tail;
      bs->broadcast(std::make_shared<const std::string>(std::move(m)));
    }
    sleep_s(0.001);
  }
  const double secs = seconds_since(t0);
  phase_result r = snapshot_phase(stats, secs, a0, e0, b0, g0, r0, d0);
  wait_caught_up(clients, 0, n, seq, 30);
  phase_result all = snapshot_phase(stats, secs, a0, e0, b0, g0, r0, d0);
  r.p50 = all.p50;
  r.p99 = all.p99;
  r.max = all.max;
  r.gaps = all.gaps;
  r.acks = seq;
  print_phase("baseline", r, ok);
  for (auto& c : clients) c->close();
  net::post(server_ioc, [&bs] { bs->stop(); });
  sleep_s(0.5);
  server_guard.reset();
  server_ioc.stop();
  for (auto& t : server_threads) t.join();
  bs.reset();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  CLI::App app{"a4p_load: load generator for a4pd, with a bare Beast baseline"};
  app.add_option("--host", o.host, "a4pd address")->capture_default_str();
  app.add_option("--port", o.port, "a4pd port")->capture_default_str();
  app.add_option("--password", o.password, "the demo accounts' password (a4pd --demo-password)")
      ->required();
  app.add_option("--clients", o.clients, "WebSocket clients")->capture_default_str();
  app.add_option("--writers", o.writers, "clients that send comment.post")->capture_default_str();
  app.add_option("--rate", o.rate, "commands per second, all writers together (0: unlimited)")
      ->capture_default_str();
  app.add_option("--window", o.window, "outstanding commands per writer")->capture_default_str();
  app.add_option("--duration", o.duration, "seconds of steady load")->capture_default_str();
  app.add_option("--body-bytes", o.body_bytes, "comment body size")->capture_default_str();
  app.add_option("--target", o.target, "where the comments go")->capture_default_str();
  app.add_option("--server-pid", o.server_pid, "a4pd's pid, for RSS per connection");
  app.add_option("--threads", o.threads, "io_context threads")->capture_default_str();
  app.add_option("--connect-concurrency", o.connect_concurrency, "handshakes in flight")
      ->capture_default_str();
  app.add_option("--source-base", o.source_base, "first loopback source address")
      ->capture_default_str();
  app.add_option("--per-source", o.per_source, "connections per source address")
      ->capture_default_str();
  app.add_option("--reconnect-storm", o.reconnect_storm,
                 "clients that drop, miss --storm-missed events, and reconnect at once");
  app.add_option(
      "--auditors", o.auditors,
      "mixed scenario: auditors exporting /api/events and asking /api/state?at in a loop "
      "(the steady state runs without, then with the readers)");
  app.add_option("--bystander-nice", o.bystander_nice,
                 "nice value of the threads of the auditors, reconnectors and anonymous viewers: "
                 "clients that stand for other machines, so that on one small machine they yield "
                 "the CPU to the server and the measured writers (default 0)")
      ->check(CLI::Range(0, 19));
  app.add_option("--reconnectors", o.reconnectors,
                 "mixed scenario: clients resuming --resume-back events behind, in a loop");
  app.add_option("--resume-back", o.resume_back, "how far behind the head a reconnector resumes")
      ->capture_default_str();
  app.add_option("--rounds", o.rounds,
                 "readers, public viewers: the steady state without and with them alternates this "
                 "many times; the p99s are also given pooled over the rounds")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  app.add_option("--storm-missed", o.storm_missed, "events missed in the storm")
      ->capture_default_str();
  app.add_option("--public-viewers", o.public_viewers,
                 "anonymous public feed viewers (the steady state runs without, then with them)");
  app.add_option("--public-report-rate", o.public_report_rate,
                 "progress reports per second on the published UN pledges meanwhile")
      ->capture_default_str();
  app.add_option("--users", o.users,
                 "sign in as these users (with --password) instead of the demo accounts")
      ->delimiter(',');
  app.add_option("--view", o.view, "fresh hellos ask for this view: light or full")
      ->check(CLI::IsMember({"light", "full"}));
  app.add_option("--snapshot-encoding", o.snapshot_encoding,
                 "fresh light hellos of the storm ask for this snapshot encoding (gzip)")
      ->check(CLI::IsMember({"gzip"}));
  app.add_option("--inflate-every", o.inflate_every,
                 "every n-th gzip snapshot is inflated whole and checked (0: none)")
      ->capture_default_str();
  app.add_flag("--restart-storm", o.restart_storm,
               "after connecting, wait for a4pd to be restarted; then every client reconnects "
               "at once with a fresh hello (--view) and takes a snapshot");
  bool no_baseline = false;
  app.add_flag("--no-baseline", no_baseline, "skip the bare Beast baseline");
  CLI11_PARSE(app, argc, argv);
  o.baseline = !no_baseline;

  raise_fd_limit();
  net::io_context ioc;
  auto guard = net::make_work_guard(ioc);
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(1, o.threads); ++i) threads.emplace_back([&ioc] { ioc.run(); });

  phase_result server_phase;
  std::size_t connected = 0;
  int code = run_server(o, ioc, &server_phase, &connected);

  if (code == 0 && o.baseline && o.writers > 0 && o.duration > 0 && server_phase.acks > 0) {
    const double rate = server_phase.acked_per_s();
    const std::size_t bytes =
        server_phase.events ? server_phase.event_bytes / server_phase.events : 400;
    phase_result base = run_baseline(o, ioc, rate, bytes);
    std::printf(
        "ratio a4pd / baseline: delivered events/s %.2f, p99 latency %.2f (a4pd %.2f ms, "
        "baseline %.2f ms)\n",
        base.events_per_s() > 0 ? server_phase.events_per_s() / base.events_per_s() : 0.0,
        base.p99 > 0 ? static_cast<double>(server_phase.p99) / static_cast<double>(base.p99) : 0.0,
        server_phase.p99 / 1000.0, base.p99 / 1000.0);
  }
  guard.reset();
  ioc.stop();
  for (auto& t : threads) t.join();
  std::printf("%s\n", code == 0 ? "verdict: ok (every client connected, no gap, no duplicate)"
                                : "verdict: FAILED");
  return code;
}
