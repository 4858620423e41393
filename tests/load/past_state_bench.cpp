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
// Prints one line per request, then the median and the largest of each phase.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "protocol/principal.hpp"
#include "protocol/rooms.hpp"
#include "protocol/snapshot.hpp"
#include "server/allocator.hpp"
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
  auto v = protocol::principal_of(*now, user);
  if (!v) {
    std::fprintf(stderr, "no user %s\n", user.c_str());
    return 1;
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
