// protocol_bench: replay and state_at on a generated 1,000,000-event log (stored bytes form);
// the rooms benchmarks (BM_rooms_*) read the skeleton and pages of its pledge with 50,000
// comments.
//
// The log is the large workspace of workspace_gen.hpp: decide() on a realistic mix of commands
// by ~300 users of 190 orgs (comments 35%, progress reports 20%, pledge edits 12%, opinions,
// actions, discussions, moderation, ...), with A4P's entity counts capped (decision 0402), so
// every event is one the server could have written. Built once per run.
//
//   build/protocol/tests/protocol/protocol_bench [--benchmark_filter=...]
//   A4P_BENCH_EVENTS=200000 to try a smaller log; A4P_BENCH_CAPS=0 for the uncapped mix
//   (~45,000 pledges); A4P_BENCH_BUSY_COMMENTS=N for the busy pledge's comments.
//   It runs with a4pd's allocator setting (server/allocator.hpp: freed memory kept for reuse);
//   A4P_BENCH_GLIBC_DEFAULTS=1 measures with glibc's defaults instead.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <utility>

#include <sys/resource.h>

#include "protocol/json_codec.hpp"
#include "protocol/light_skeleton.hpp"
#include "protocol/messages.hpp"
#include "protocol/public_view.hpp"
#include "protocol/rooms.hpp"
#include "protocol/snapshot.hpp"
#include "protocol/visibility.hpp"
#include "server/allocator.hpp"
#include "test_log.hpp"
#include "workspace_gen.hpp"

namespace a4p::protocol::testing {
namespace {

using nlohmann::json;

struct corpus {
  std::vector<std::string> stored;
  std::map<std::uint64_t, std::string> snapshots;  // every 10,000 events (those needed)
  std::set<std::uint64_t> targets;                 // the random seqs of state_at
  std::uint64_t head = 0;
  std::size_t snapshot_bytes_max = 0;
  workspace_summary made;
};

// The generator's writer: test_log (decide, fake hashes, apply), plus a snapshot every 10,000
// events, as a4pd keeps them; to bound this program's memory (a late snapshot of the uncapped
// log is ~150 MB) only those that the state_at targets need are kept.
class bench_writer final : public workspace_writer {
 public:
  bench_writer(corpus& out, std::uint64_t events) : out_(out), events_(events) {
    log.keep_events = false;
  }
  const state& current() const override { return log.s; }
  std::optional<json> run(const principal& p, std::string name, json args) override {
    auto d = log.run(p, std::move(name), std::move(args));
    if (!d) return std::nullopt;
    return d->result;
  }
  void after_command(std::uint64_t seq) override {
    if (seq / 10000 <= snapshots_taken_) return;
    snapshots_taken_ = seq / 10000;
    auto t = out_.targets.lower_bound(seq);
    bool needed = (t != out_.targets.end() && *t < seq + 10000) || seq + 10000 > events_;
    if (needed) {
      out_.snapshots[seq] = serialize(log.s);
      out_.snapshot_bytes_max = std::max(out_.snapshot_bytes_max, out_.snapshots[seq].size());
    }
  }
  test_log log;

 private:
  corpus& out_;
  std::uint64_t events_;
  std::uint64_t snapshots_taken_ = 0;
};

const workspace_options& bench_options() {
  static const workspace_options o = workspace_options_from_env();
  return o;
}

const corpus& get_corpus() {
  static const corpus c = [] {
    corpus out;
    const workspace_options& o = bench_options();
    std::mt19937_64 pick(7);
    while (out.targets.size() < 16) out.targets.insert(1 + pick() % o.events);
    bench_writer w(out, o.events);
    out.made = generate_workspace(w, o);
    out.stored = std::move(w.log.stored);
    out.head = out.stored.size();
    std::printf(
        "workspace (%s): %llu events, %zu pledges, %zu actions, %zu gaps, %zu discussions, "
        "%zu comments (%zu on %s)\n",
        o.caps ? "capped" : "uncapped, A4P_BENCH_CAPS=0", static_cast<unsigned long long>(out.head),
        out.made.pledges, out.made.actions, out.made.gaps, out.made.discussions, out.made.comments,
        out.made.busy_comments, out.made.busy_room.c_str());
    return out;
  }();
  return c;
}

const std::vector<event>& decoded() {
  static const std::vector<event> v = [] {
    std::vector<event> out;
    out.reserve(get_corpus().stored.size());
    for (const auto& b : get_corpus().stored) out.push_back(*decode_stored(b));
    return out;
  }();
  return v;
}

long minor_faults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

void BM_replay_from_stored_bytes(benchmark::State& st) {
  const corpus& c = get_corpus();
  std::size_t bytes = 0;
  for (const auto& b : c.stored) bytes += b.size();
  for (auto _ : st) {
    auto s = std::make_unique<state>();
    for (const auto& b : c.stored) {
      auto e = decode_stored(b);
      if (!e || !apply(*s, *e)) st.SkipWithError("replay failed");
    }
    benchmark::DoNotOptimize(s->seq());
    st.PauseTiming();  // freeing the state is not replay
    s.reset();
    st.ResumeTiming();
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * c.stored.size()));
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * bytes));
  st.counters["events"] = static_cast<double>(c.stored.size());
}
BENCHMARK(BM_replay_from_stored_bytes)->Unit(benchmark::kMillisecond)->Iterations(2);

void BM_decode_stored_only(benchmark::State& st) {
  const corpus& c = get_corpus();
  for (auto _ : st) {
    for (const auto& b : c.stored) benchmark::DoNotOptimize(decode_stored(b));
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * c.stored.size()));
}
BENCHMARK(BM_decode_stored_only)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_replay_decoded_events(benchmark::State& st) {
  const auto& events = decoded();
  for (auto _ : st) {
    auto s = std::make_unique<state>();
    for (const auto& e : events)
      if (!apply(*s, e)) st.SkipWithError("apply failed");
    benchmark::DoNotOptimize(s->seq());
    st.PauseTiming();
    s.reset();
    st.ResumeTiming();
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations() * events.size()));
}
BENCHMARK(BM_replay_decoded_events)->Unit(benchmark::kMillisecond)->Iterations(3);

// A scan callback over the corpus's stored events, as event_log::scan_raw gives them.
scan_events_fn scan_corpus(const corpus& c) {
  return [&c](std::uint64_t after, std::uint64_t up_to,
              const std::function<bool(std::string_view)>& sink) -> result<void> {
    for (std::uint64_t q = after + 1; q <= up_to; ++q)
      if (!sink(c.stored[q - 1])) break;
    return {};
  };
}

void BM_state_at_random_seq(benchmark::State& st) {
  const corpus& c = get_corpus();
  std::mt19937_64 rng(7);
  auto load = [&](std::uint64_t at) -> result<std::optional<loaded_snapshot>> {
    auto it = c.snapshots.upper_bound(at);
    if (it == c.snapshots.begin()) return std::nullopt;
    --it;
    // The stored bytes in place, as storage gives them (a4pd: event_log::open_snapshot);
    // state_at copies them once.
    return loaded_snapshot{it->first, it->second, nullptr};
  };
  auto scan = scan_corpus(c);
  std::vector<std::uint64_t> targets(c.targets.begin(), c.targets.end());
  std::shuffle(targets.begin(), targets.end(), rng);
  std::size_t next = 0;
  long faults = minor_faults();
  for (auto _ : st) {
    std::uint64_t at = std::min<std::uint64_t>(targets[next++ % targets.size()], c.head);
    auto s = state_at(at, load, scan);
    if (!s || s->seq() != at) st.SkipWithError("state_at failed");
    benchmark::DoNotOptimize(s);
  }
  st.counters["page_faults_per_call"] =
      static_cast<double>(minor_faults() - faults) / static_cast<double>(st.iterations());
  st.counters["snapshot_MB_max"] = static_cast<double>(c.snapshot_bytes_max) / 1e6;
}
BENCHMARK(BM_state_at_random_seq)->Unit(benchmark::kMillisecond)->Iterations(64)->UseRealTime();

// The parts of state_at at the targets, one benchmark each: copying the snapshot's bytes (what
// a storage read costs: a fresh buffer), deserialising them (shared, not copied), and the
// replay of the events after the snapshot.
struct state_at_part {
  std::uint64_t at;
  const std::string* snapshot;
  std::uint64_t snapshot_seq;
};
std::vector<state_at_part> state_at_parts() {
  const corpus& c = get_corpus();
  std::vector<state_at_part> out;
  for (auto at : c.targets) {
    auto it = c.snapshots.upper_bound(std::min(at, c.head));
    if (it == c.snapshots.begin()) continue;
    --it;
    out.push_back({std::min(at, c.head), &it->second, it->first});
  }
  return out;
}

void BM_state_at_part_copy_bytes(benchmark::State& st) {
  auto parts = state_at_parts();
  std::size_t i = 0;
  for (auto _ : st) {
    auto copy = copy_snapshot_bytes(*parts[i++ % parts.size()].snapshot);
    benchmark::DoNotOptimize(copy->data());
  }
}
BENCHMARK(BM_state_at_part_copy_bytes)->Unit(benchmark::kMillisecond)->Iterations(64);

void BM_state_at_part_deserialize(benchmark::State& st) {
  auto parts = state_at_parts();
  std::vector<std::shared_ptr<const snapshot_bytes>> shared;
  for (const auto& p : parts) shared.push_back(copy_snapshot_bytes(*p.snapshot));
  std::size_t i = 0;
  long faults = minor_faults();
  for (auto _ : st) {
    auto s = deserialize(shared[i++ % shared.size()]);
    benchmark::DoNotOptimize(s);
  }
  st.counters["page_faults_per_call"] =
      static_cast<double>(minor_faults() - faults) / static_cast<double>(st.iterations());
}
BENCHMARK(BM_state_at_part_deserialize)->Unit(benchmark::kMillisecond)->Iterations(64);

void BM_state_at_part_replay_tail(benchmark::State& st) {
  const corpus& c = get_corpus();
  auto parts = state_at_parts();
  std::vector<std::shared_ptr<const snapshot_bytes>> shared;
  for (const auto& p : parts) shared.push_back(copy_snapshot_bytes(*p.snapshot));
  std::size_t i = 0, events = 0;
  for (auto _ : st) {
    st.PauseTiming();
    std::size_t k = i++ % parts.size();
    state s = std::move(*deserialize(shared[k]));
    st.ResumeTiming();
    for (std::uint64_t q = parts[k].snapshot_seq + 1; q <= parts[k].at; ++q, ++events)
      if (!apply(s, *decode_stored(c.stored[q - 1]))) st.SkipWithError("apply failed");
    benchmark::DoNotOptimize(s);
    st.PauseTiming();
    s = state();
    st.ResumeTiming();
  }
  st.counters["events_per_call"] =
      static_cast<double>(events) / static_cast<double>(st.iterations());
}
BENCHMARK(BM_state_at_part_replay_tail)->Unit(benchmark::kMillisecond)->Iterations(64);

void BM_state_at_head_worst_case(benchmark::State& st) {
  const corpus& c = get_corpus();
  auto last = std::prev(c.snapshots.end());
  // The largest snapshot plus up to 9,999 events, through state_at as a4pd calls it.
  auto load = [&](std::uint64_t) -> result<std::optional<loaded_snapshot>> {
    return loaded_snapshot{last->first, last->second, nullptr};
  };
  auto scan = scan_corpus(c);
  for (auto _ : st) {
    auto s = state_at(c.head, load, scan);
    if (!s || s->seq() != c.head) st.SkipWithError("state_at failed");
    benchmark::DoNotOptimize(s);
  }
  st.counters["events_after_snapshot"] = static_cast<double>(c.head - last->first);
}
BENCHMARK(BM_state_at_head_worst_case)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(20)
    ->UseRealTime();

void BM_serialize_snapshot(benchmark::State& st) {
  const corpus& c = get_corpus();
  auto s = deserialize(std::prev(c.snapshots.end())->second);
  for (auto _ : st) benchmark::DoNotOptimize(serialize(*s));
}
BENCHMARK(BM_serialize_snapshot)->Unit(benchmark::kMillisecond)->Iterations(5);

// A copy of the whole state at the head (a4pd's published version for readers, decision
// 0308): the tables are copied, the arena's immutable bytes are shared.
void BM_copy_state(benchmark::State& st) {
  const corpus& c = get_corpus();
  auto s = deserialize(std::prev(c.snapshots.end())->second);
  for (auto _ : st) {
    state copy = *s;
    benchmark::DoNotOptimize(copy);
  }
  st.counters["seq"] = static_cast<double>(s->seq());
}
BENCHMARK(BM_copy_state)->Unit(benchmark::kMillisecond)->Iterations(20)->UseRealTime();

void BM_view_event_member(benchmark::State& st) {
  const auto& events = decoded();
  const corpus& c = get_corpus();
  auto s = deserialize(std::prev(c.snapshots.end())->second);
  viewer v{"M50.user0", "M50", role::member};
  std::size_t i = 0;
  for (auto _ : st) {
    benchmark::DoNotOptimize(event_body(view_event(*s, v, events[i])));
    i = (i + 7919) % events.size();
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}
BENCHMARK(BM_view_event_member);

// ---- rooms and the light snapshot (issue 18) ----

// The state at the head; the generator's busy pledge (50,000 comments by default,
// A4P_BENCH_BUSY_COMMENTS) is the thread of the page benchmarks.
struct busy_workspace {
  test_log log;
  std::string room;
};
busy_workspace& get_busy() {
  static busy_workspace* w = [] {
    auto* out = new busy_workspace;
    const corpus& c = get_corpus();
    out->log.keep_events = false;
    out->log.s = std::move(*deserialize(std::prev(c.snapshots.end())->second));
    for (std::uint64_t q = std::prev(c.snapshots.end())->first + 1; q <= c.head; ++q)
      (void)apply(out->log.s, *decode_stored(c.stored[q - 1]));
    out->room = c.made.busy_room;
    return out;
  }();
  return *w;
}

// The public site's whole projection at the head (protocol::public_state), which the public
// site makes again at each flush of its feed (server/public_site.cpp publish_snapshot: at most
// every --public-batch while events come); "MB" is its canonical JSON, as state.json serves it.
// Arg 0: the generated log as it is (it publishes no pledge); arg 1: every pledge published,
// with all its reports (the public dashboard's purpose, at the log's scale).
void BM_public_state(benchmark::State& st) {
  auto& w = get_busy();
  static const public_stamps stamps = [] {
    public_stamps out;
    for (const auto& e : decoded()) out.feed(e);
    return out;
  }();
  state s = w.log.s;
  if (st.range(0) == 1) {
    std::vector<std::string> ids;
    for (const auto& [id, p] : s.pledges) ids.emplace_back(id);
    for (const auto& id : ids) s.pledges.get(id)->published = true;
  }
  for (auto _ : st) benchmark::DoNotOptimize(public_state(s, stamps));
  const json j = public_state(s, stamps);
  st.counters["MB"] = static_cast<double>(canonical(j).size()) / 1e6;
  st.counters["pledges"] = static_cast<double>(j["pledges"].size());
  st.counters["events"] = static_cast<double>(s.seq());
}
BENCHMARK(BM_public_state)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5)
    ->UseRealTime();

// The aggregate counts alone (protocol::public_counts), which the public feed also computes
// for the last change of a flush that moved them.
void BM_public_counts(benchmark::State& st) {
  auto& w = get_busy();
  for (auto _ : st) benchmark::DoNotOptimize(public_counts(w.log.s));
  st.counters["reports"] = static_cast<double>(public_counts(w.log.s)["reports"].get<double>());
}
BENCHMARK(BM_public_counts)->Unit(benchmark::kMillisecond)->Iterations(10)->UseRealTime();

// The welcome snapshot's state, full (a4p.v1) and light, for a member: bytes and time.
void BM_rooms_full_snapshot(benchmark::State& st) {
  auto& w = get_busy();
  viewer v{"M50.user0", "M50", role::member};
  std::size_t bytes = 0;
  for (auto _ : st) bytes = snapshot_message(w.log.s.seq(), view_state(w.log.s, v)).size();
  st.counters["MB"] = static_cast<double>(bytes) / 1e6;
  st.counters["events"] = static_cast<double>(w.log.s.seq());
}
BENCHMARK(BM_rooms_full_snapshot)->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();

// The skeleton's composition: per map its entries and bytes, and per field of its entries
// the bytes of `"field":value,` summed over them (fields under 0.1% of the message left out).
void print_composition(const json& light, std::size_t message_bytes) {
  std::printf("skeleton composition (%zu bytes in all):\n", message_bytes);
  for (const auto& [k, m] : light.items()) {
    if (!m.is_object()) continue;
    std::printf("  %-14s %8zu entries %12zu bytes\n", k.c_str(), m.size(), m.dump().size());
    std::map<std::string, std::size_t> fields;
    for (const auto& [id, x] : m.items())
      if (x.is_object())
        for (const auto& [f, val] : x.items()) fields[f] += f.size() + 4 + val.dump().size();
    for (const auto& [f, b] : fields)
      if (b * 1000 >= message_bytes) std::printf("    %-22s %12zu bytes\n", f.c_str(), b);
  }
}

void BM_rooms_light_snapshot(benchmark::State& st) {
  auto& w = get_busy();
  viewer v{"M50.user0", "M50", role::member};
  std::size_t bytes = 0;
  for (auto _ : st)
    bytes = light_snapshot_message(w.log.s.seq(), view_light_state(w.log.s, v)).size();
  st.counters["MB"] = static_cast<double>(bytes) / 1e6;
  // What the skeleton is made of: each map's canonical bytes (and, printed once, its fields').
  json light = view_light_state(w.log.s, v);
  for (const auto& [k, m] : light.items())
    if (m.is_object()) st.counters[k + "_MB"] = static_cast<double>(m.dump().size()) / 1e6;
  static bool printed = false;
  if (!std::exchange(printed, true)) print_composition(light, bytes);
  st.counters["pledges"] = static_cast<double>(w.log.s.pledges.size());
  st.counters["actions"] = static_cast<double>(w.log.s.actions.size());
  st.counters["discussions"] = static_cast<double>(w.log.s.discussions.size());
  st.counters["gaps"] = static_cast<double>(w.log.s.gaps.size());
}
BENCHMARK(BM_rooms_light_snapshot)->Unit(benchmark::kMillisecond)->Iterations(5)->UseRealTime();

// The skeleton serialised once per version (light_skeleton.hpp, decision 0212): building it,
// then what each light hello costs after that (its reader's text put together).
void BM_rooms_light_skeleton_build(benchmark::State& st) {
  auto& w = get_busy();
  std::size_t bytes = 0;
  for (auto _ : st) bytes = light_skeleton(w.log.s).bytes();
  st.counters["MB"] = static_cast<double>(bytes) / 1e6;
}
BENCHMARK(BM_rooms_light_skeleton_build)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_rooms_light_hello_cached(benchmark::State& st) {
  auto& w = get_busy();
  static const light_skeleton sk(w.log.s);
  viewer v{"M50.user0", "M50", role::member};
  std::size_t bytes = 0;
  for (auto _ : st) bytes = sk.message(w.log.s, v).size();
  st.counters["MB"] = static_cast<double>(bytes) / 1e6;
}
BENCHMARK(BM_rooms_light_hello_cached)->Unit(benchmark::kMillisecond);

// A page of 50 comments of the busy pledge: the latest (a join), and at random cursors (load
// earlier), serialised as the page message.
void BM_rooms_page(benchmark::State& st) {
  auto& w = get_busy();
  viewer v{"M50.user0", "M50", role::member};
  const auto* t = w.log.s.threads.find(w.room);
  if (!t) return st.SkipWithError("no busy thread");
  std::mt19937_64 rng(3);
  std::size_t bytes = 0;
  for (auto _ : st) {
    std::optional<std::uint64_t> before;
    if (st.range(0)) before = w.log.s.comments.rows()[t->rows[rng() % t->rows.size()]].seq;
    auto p = page_comments(w.log.s, v, w.room, before, 50);
    page_answer a{w.room,
                  w.log.s.seq(),
                  thread_json(w.log.s, w.room),
                  p->items,
                  {},
                  p->before,
                  {},
                  before,
                  {},
                  {},
                  {}};
    bytes = page_message(a).size();
  }
  st.counters["page_KB"] = static_cast<double>(bytes) / 1e3;
  st.counters["thread_comments"] = static_cast<double>(t->rows.size());
}
BENCHMARK(BM_rooms_page)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace a4p::protocol::testing

int main(int argc, char** argv) {
  if (std::getenv("A4P_BENCH_GLIBC_DEFAULTS") == nullptr) a4p::server::keep_freed_memory();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
