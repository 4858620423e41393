// a4p_past_state_bench: where the time of a past light state goes (issue 13: GET
// /api/state?at=S&view=light at a random S), phase by phase, in one process on a data directory
// of a4pd's (not running: RocksDB locks it; use a copy), with a4pd's allocator setting. For each
// random S, as a4pd's audit reader does it (server/log_state.cpp load_state, protocol::state_at,
// view_light_state):
//   open     event_log::open_snapshot(S): find the nearest snapshot, read it, check its envelope
//   copy     the snapshot's bytes into the state's own buffer (copy_snapshot_bytes)
//   deser    protocol::deserialize
//   replay   decode and apply the events after the snapshot up to S
//   view     protocol::view_light_state(past, now, reader)
//   dump     its JSON text
// Usage: a4p_past_state_bench DATA_DIR [REQUESTS=20] [USER=un.auditor] [SEED=1]
// Prints what a kept state costs (ADR 0331), one line per request, then the median and the
// largest of each phase. A4P_KEPT_EVERY=K [A4P_KEPT_BYTES=B]: builds a4pd's chain of kept
// states (server/kept_states.hpp) and times reads from it (state, view, dump, and the light
// view written as text directly: light_text.hpp) instead.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "protocol/light_text.hpp"
#include "protocol/principal.hpp"
#include "protocol/rooms.hpp"
#include "protocol/snapshot.hpp"
#include "server/allocator.hpp"
#include "server/kept_states.hpp"
#include "server/log_state.hpp"
#include "storage/event_log.hpp"

namespace {
using clk = std::chrono::steady_clock;
double ms(clk::time_point a, clk::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}
}  // namespace

int main(int argc, char** argv) {
  using namespace a4p;
  if (argc < 2) {
    std::fprintf(stderr, "usage: a4p_past_state_bench DATA_DIR [REQUESTS] [USER] [SEED]\n");
    return 2;
  }
  (void)server::keep_freed_memory();  // as a4pd does (decision 0312)
  const int requests = argc > 2 ? std::atoi(argv[2]) : 20;
  const std::string user = argc > 3 ? argv[3] : "un.auditor";
  const unsigned long seed = argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 1;
  storage::options o;
  o.create_if_missing = false;
  auto log = storage::event_log::open(argv[1], o);
  if (!log) {
    std::fprintf(stderr, "open: %s\n", log.error().message.c_str());
    return 1;
  }
  const auto head = (*log)->head();
  auto t0 = clk::now();
  auto now = server::load_state(**log, head);
  if (!now) {
    std::fprintf(stderr, "load: %s\n", now.error().message.c_str());
    return 1;
  }
  std::printf("head %lu, state now loaded in %.1f ms\n", static_cast<unsigned long>(head),
              ms(t0, clk::now()));
  {
    // What a kept state costs (issue 13, decision 0331): its tables against its arena, a copy,
    // and a copy replayed 10,000 events further.
    const auto& n = *now;
    std::printf("now: arena %.1f MB, tables and comment index %.1f MB (comments %zu)\n",
                n.arena().bytes() / 1e6, n.table_bytes() / 1e6, n.comments.size());
    for (int k = 0; k < 3; ++k) {
      auto c0 = clk::now();
      protocol::state copy = n;
      std::printf("copy of the state now: %.3f ms\n", ms(c0, clk::now()));
    }
    if (head > 20000) {
      auto base = server::load_state(**log, head - 10000);
      if (base) {
        protocol::state next = *base;
        const auto arena0 = base->arena().bytes();
        auto r0 = clk::now();
        bool ok = true;
        (void)server::scan_fn (**log)(head - 10000, head, [&](std::string_view stored) {
          auto e = protocol::decode_stored(stored);
          ok = e && protocol::apply(next, *e);
          return ok;
        });
        std::printf(
            "10,000 events replayed on a copy: %.1f ms%s; beyond the copied state: tables "
            "%.2f MB, arena %.2f MB\n",
            ms(r0, clk::now()), ok ? "" : " (failed)", next.table_bytes_beyond(*base) / 1e6,
            (next.arena().bytes() - arena0) / 1e6);
        std::size_t moved = 0, moved_bytes = 0, reports = 0;
        for (const auto& [id, p] : next.pledges) {
          reports += p.reports.size();
          const auto* b = base->pledges.get(id);
          if (!b || b->reports.begin() != p.reports.begin()) {
            ++moved;
            moved_bytes += p.reports.size() * sizeof(protocol::report);
          }
        }
        std::printf(
            "  pledges whose reports moved: %zu (%.2f MB; %zu reports in all, %zu B each); "
            "comments %.2f MB, pledges %.2f MB, threads %.2f MB beyond\n",
            moved, moved_bytes / 1e6, reports, sizeof(protocol::report),
            next.comments.bytes_beyond(base->comments) / 1e6,
            next.pledges.bytes_beyond(base->pledges) / 1e6,
            next.threads.bytes_beyond(base->threads) / 1e6);
      }
    }
  }
  auto v = protocol::principal_of(*now, user);
  if (!v) {
    std::fprintf(stderr, "no user %s\n", user.c_str());
    return 1;
  }
  if (const char* every = std::getenv("A4P_KEPT_EVERY")) {
    // The kept states' path (server/kept_states.hpp): build the chain, then read from it.
    const char* budget = std::getenv("A4P_KEPT_BYTES");
    server::kept_states kept(std::strtoull(every, nullptr, 10),
                             budget ? std::strtoull(budget, nullptr, 10) : std::size_t{1} << 34);
    auto b0 = clk::now();
    for (;;) {
      auto more = kept.step(**log, head);
      if (!more) {
        std::fprintf(stderr, "kept: %s\n", more.error().message.c_str());
        return 1;
      }
      if (!*more) break;
    }
    const auto c = kept.stats();
    std::printf(
        "kept: %zu states every %lu events, %.1f MB (estimate; the texts, shared: "
        "%.1f MB), built in %.1f s\n",
        c.states, static_cast<unsigned long>(c.every), c.bytes / 1e6,
        c.states ? kept.at_or_before(head)->arena().bytes() / 1e6 : 0.0, ms(b0, clk::now()) / 1e3);
    auto vk = protocol::principal_of(*now, user);
    if (!vk) return 1;
    std::vector<double> total;
    std::mt19937_64 rngk(seed);
    for (int i = 0; i < requests; ++i) {
      const auto seq = std::uniform_int_distribution<std::uint64_t>(1, head)(rngk);
      auto t0 = clk::now();
      auto past = kept.state_at(**log, seq);
      if (!past) return 1;
      auto t1 = clk::now();
      auto view = protocol::view_light_state(*past, *now, *vk);
      auto t2 = clk::now();
      const auto text = view.dump();
      auto t3 = clk::now();
      const auto direct = protocol::light_state_text(*past, *now, *vk);
      auto t4 = clk::now();
      if (direct != text) std::printf("light_state_text differs at %lu\n", (unsigned long)seq);
      total.push_back(ms(t0, t1) + ms(t3, t4));
      std::printf("at %lu: state %.1f view %.1f dump %.1f (as text directly: %.1f) = %.1f ms\n",
                  static_cast<unsigned long>(seq), ms(t0, t1), ms(t1, t2), ms(t2, t3), ms(t3, t4),
                  total.back());
    }
    std::sort(total.begin(), total.end());
    std::printf("state + text directly: median %.1f ms, max %.1f ms\n", total[total.size() / 2],
                total.back());
    return 0;
  }
  const char* names[] = {"open", "copy", "deser", "replay", "view", "dump", "total"};
  std::vector<std::vector<double>> phases(std::size(names));
  std::mt19937_64 rng(seed);
  for (int i = 0; i < requests; ++i) {
    const auto seq = std::uniform_int_distribution<std::uint64_t>(1, head)(rng);
    clk::time_point t[7];
    t[0] = clk::now();
    auto snap = (*log)->open_snapshot(seq);
    if (!snap || !*snap) {
      std::fprintf(stderr, "no snapshot at or before %lu\n", static_cast<unsigned long>(seq));
      return 1;
    }
    t[1] = clk::now();
    const auto from = (*snap)->seq;
    const auto snapshot_bytes = (*snap)->bytes.size();
    auto bytes = protocol::copy_snapshot_bytes((*snap)->bytes);
    (*snap)->keep.reset();
    t[2] = clk::now();
    auto past = protocol::deserialize(std::move(bytes));
    if (!past) return 1;
    t[3] = clk::now();
    const auto scan = server::scan_fn(**log);
    bool ok = true;
    auto scanned = scan(from, seq, [&](std::string_view stored) {
      auto e = protocol::decode_stored(stored);
      ok = e && protocol::apply(*past, *e);
      return ok;
    });
    if (!scanned || !ok) return 1;
    t[4] = clk::now();
    auto view = protocol::view_light_state(*past, *now, *v);
    t[5] = clk::now();
    const auto text = view.dump();
    t[6] = clk::now();
    std::printf("at %lu (snapshot %lu, %.1f MB; %lu events; answer %.2f MB):",
                static_cast<unsigned long>(seq), static_cast<unsigned long>(from),
                snapshot_bytes / 1e6, static_cast<unsigned long>(seq - from), text.size() / 1e6);
    for (std::size_t p = 0; p < 6; ++p) {
      phases[p].push_back(ms(t[p], t[p + 1]));
      std::printf(" %s %.1f", names[p], phases[p].back());
    }
    phases[6].push_back(ms(t[0], t[6]));
    std::printf(" = %.1f ms\n", phases[6].back());
  }
  for (std::size_t p = 0; p < phases.size(); ++p) {
    auto& x = phases[p];
    std::sort(x.begin(), x.end());
    std::printf("%-7s median %7.1f ms, max %7.1f ms\n", names[p], x[x.size() / 2], x.back());
  }
}
