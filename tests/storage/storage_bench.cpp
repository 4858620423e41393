// storage_bench: durable appends/s of ~300-byte events through event_log with 1, 16 and 128
// concurrent appenders, beside raw RocksDB synced writes of the same stored events with the
// same concurrency (RocksDB group-commits concurrent writers itself), and raw synced batches of
// 100 events. Run by hand on a release build (see storage/README.md):
//
//   build/release/tests/storage/storage_bench [--benchmark_min_time=2]
//
// Data goes to fresh directories under $A4P_BENCH_DIR (default: the system temp directory,
// which must be a real disk for the figures to mean anything: fsync on tmpfs is free).
//
// A4P_BENCH_VERBOSE=1 prints each paired round to stderr.
//
// Counters: events/s is durable events per wall-clock second over all threads; vs_raw (on the
// event_log rows) is that rate divided by the raw one-event-per-write rate measured with the
// same number of threads earlier in the same run.
#include <benchmark/benchmark.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "storage/encoding.hpp"
#include "storage/event_log.hpp"

namespace {

using namespace a4p::storage;
using clock_type = std::chrono::steady_clock;

std::filesystem::path fresh_dir_root() {
  const char* base = std::getenv("A4P_BENCH_DIR");
  return base ? base : std::filesystem::temp_directory_path();
}

// Removes a benchmark's directory and flushes the deletion to disk, so that the next row does
// not pay for this one's file system work in its fsyncs.
void remove_and_settle(const std::string& dir) {
  std::filesystem::remove_all(dir);
  ::sync();
}

std::string fresh_dir(const char* what) {
  std::filesystem::path root = fresh_dir_root();
  static std::atomic<int> n{0};
  auto p = root / ("a4p-storage-bench-" + std::to_string(::getpid()) + "-" + what + "-" +
                   std::to_string(n++));
  std::filesystem::remove_all(p);
  return p.string();
}

// About 300 bytes of canonical JSON data, like a pledge.created event.
new_event sample_event(std::uint64_t n) {
  std::string id = "P" + std::to_string(n);
  std::string data =
      R"({"actions":[],"commitment":"CM12","description":"Train and deploy gender advisers to every )"
      R"(field mission by the end of the reporting round, with quarterly reports.","due":"2027-06-30",)"
      R"("id":")" +
      id +
      R"(","impact":null,"org":"GBR","output":{"indicator":"advisers deployed","target":40},)"
      R"("theme":"women_peace_security","title":"Gender advisers in missions","version":1})";
  return new_event{actor{"gbr.delegate", "GBR"}, "pledge.created", "pledge:" + id, std::move(data)};
}

// The stored bytes of a sample event, for the raw baseline (same size as event_log writes).
const std::string& sample_stored() {
  static const std::string s = [] {
    event e;
    new_event n = sample_event(123456);
    e.seq = 123456;
    e.ts = "2026-11-27T21:59:14.123Z";
    e.who = n.who;
    e.name = n.name;
    e.entity = n.entity;
    e.data = n.data;
    e.data_hash = sha256_hex(e.data);
    e.hash = chain_hash(genesis_hash, e);
    return e.to_json();
  }();
  return s;
}

std::mutex rates_mu;
std::map<int, double> raw_rates;  // threads -> events/s of the raw one-event-per-write run

// The measured interval of a multi-threaded row: from the first iteration of the first thread
// to start (not from setup: spawning 128 threads on a loaded machine takes a while) to thread
// 0's return from the loop, which the benchmark library holds until every thread is done.
struct shared_run {
  std::atomic<bool> started{false};
  clock_type::time_point start;  // written once per run, by the first thread to start

  void reset() { started = false; }
  void mark() {
    if (!started.exchange(true)) start = clock_type::now();
  }
  double seconds_until_now() const {
    return std::chrono::duration<double>(clock_type::now() - start).count();
  }
};

// ---- event_log -------------------------------------------------------------------------

std::unique_ptr<event_log> g_log;
std::string g_log_dir;
shared_run g_log_run;

void bm_event_log_append(benchmark::State& state) {
  if (state.thread_index() == 0) {
    g_log_dir = fresh_dir("log");
    auto opened = event_log::open(g_log_dir);
    if (!opened) {
      state.SkipWithError(opened.error().message.c_str());
      return;
    }
    g_log = std::move(*opened);
    g_log_run.reset();
  }
  std::uint64_t n = static_cast<std::uint64_t>(state.thread_index()) << 32;
  bool first = true;
  for (auto _ : state) {
    if (first) {
      first = false;
      g_log_run.mark();
    }
    append_request req;
    req.events.push_back(sample_event(n++));
    auto r = g_log->append(std::move(req));
    if (!r) {
      state.SkipWithError(r.error().message.c_str());
      break;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  if (state.thread_index() == 0) {
    double secs = g_log_run.seconds_until_now();
    double events = static_cast<double>(g_log->head());
    double rate = events / secs;
    state.counters["events/s"] = rate;
    std::lock_guard lk(rates_mu);
    if (auto it = raw_rates.find(state.threads()); it != raw_rates.end() && it->second > 0) {
      state.counters["vs_raw"] = rate / it->second;
    }
    g_log.reset();
    remove_and_settle(g_log_dir);
  }
}

// ---- raw RocksDB -----------------------------------------------------------------------

std::unique_ptr<rocksdb::DB> g_db;
rocksdb::ColumnFamilyHandle* g_cf = nullptr;
std::string g_db_dir;
std::atomic<std::uint64_t> g_raw_seq{0};
shared_run g_raw_run;

bool open_raw(benchmark::State& state) {
  g_db_dir = fresh_dir("raw");
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* db = nullptr;
  auto s = rocksdb::DB::Open(o, g_db_dir, &db);
  if (!s.ok()) {
    state.SkipWithError(s.ToString().c_str());
    return false;
  }
  g_db.reset(db);
  rocksdb::ColumnFamilyHandle* cf = nullptr;
  s = g_db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), "events", &cf);
  if (!s.ok()) {
    state.SkipWithError(s.ToString().c_str());
    return false;
  }
  g_cf = cf;
  g_raw_seq = 0;
  return true;
}

void close_raw() {
  (void)g_db->DestroyColumnFamilyHandle(g_cf);  // ignored on purpose: benchmark teardown
  g_db.reset();
  remove_and_settle(g_db_dir);
}

// Each thread: one synced WriteBatch of `batch` events per iteration.
void bm_raw_synced(benchmark::State& state, int batch) {
  if (state.thread_index() == 0) {
    if (!open_raw(state)) return;
    g_raw_run.reset();
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;
  const std::string& value = sample_stored();
  bool started = false;
  for (auto _ : state) {
    if (!started) {
      started = true;
      g_raw_run.mark();
    }
    rocksdb::WriteBatch wb;
    std::uint64_t first = g_raw_seq.fetch_add(static_cast<std::uint64_t>(batch)) + 1;
    for (int i = 0; i < batch; ++i) {
      (void)wb.Put(g_cf, encoding::seq_key(first + static_cast<std::uint64_t>(i)), value);
    }
    auto s = g_db->Write(wo, &wb);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * batch);
  if (state.thread_index() == 0) {
    double secs = g_raw_run.seconds_until_now();
    double rate = static_cast<double>(g_raw_seq.load()) / secs;
    state.counters["events/s"] = rate;
    if (batch == 1) {
      std::lock_guard lk(rates_mu);
      raw_rates[state.threads()] = rate;
    }
    close_raw();
  }
}

void bm_raw_one_per_write(benchmark::State& state) {
  bm_raw_synced(state, 1);
}
void bm_raw_batch_of_100(benchmark::State& state) {
  bm_raw_synced(state, 100);
}

// ---- event_log, one thread, async with a window of in-flight appends --------------------
// How a server uses the log: one sequencer thread hands appends over and carries on; the
// callbacks come back on the log's completion thread.
void bm_event_log_async_window(benchmark::State& state) {
  const auto window = static_cast<std::size_t>(state.range(0));
  std::string dir = fresh_dir("async");
  auto opened = event_log::open(dir);
  if (!opened) {
    state.SkipWithError(opened.error().message.c_str());
    return;
  }
  auto log = std::move(*opened);
  std::mutex mu;
  std::condition_variable cv;
  std::size_t in_flight = 0;
  bool failed = false;
  std::uint64_t n = 0;
  auto start = clock_type::now();
  for (auto _ : state) {
    {
      std::unique_lock lk(mu);
      cv.wait(lk, [&] { return in_flight < window; });
      ++in_flight;
    }
    append_request req;
    req.events.push_back(sample_event(n++));
    auto r = log->append_async(std::move(req), [&](const result<std::vector<event>>& res) {
      std::lock_guard lk(mu);
      if (!res) failed = true;
      --in_flight;
      cv.notify_one();
    });
    if (!r) {
      state.SkipWithError(r.error().message.c_str());
      break;
    }
  }
  {
    std::unique_lock lk(mu);
    cv.wait(lk, [&] { return in_flight == 0; });
  }
  double secs = std::chrono::duration<double>(clock_type::now() - start).count();
  if (failed) state.SkipWithError("an append failed");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.counters["events/s"] = static_cast<double>(log->head()) / secs;
  log.reset();
  remove_and_settle(dir);
}

// ---- the read side: replay (scan_raw), decode (read) and audit (verify) ----------------
// One log of `replay_events` events, filled once (unsynced, 100 events per request).
constexpr std::uint64_t replay_events = 200000;

std::string replay_dir;

event_log* replay_log() {
  static std::unique_ptr<event_log> log = [] {
    std::string dir = fresh_dir("replay");
    replay_dir = dir;
    // Runs after the log's destructor (registered later, so run earlier).
    std::atexit([] { std::filesystem::remove_all(replay_dir); });
    options o;
    o.sync = false;
    auto opened = event_log::open(dir, o);
    if (!opened) return std::unique_ptr<event_log>();
    for (std::uint64_t n = 0; n < replay_events; n += 100) {
      append_request req;
      for (std::uint64_t k = 0; k < 100; ++k) req.events.push_back(sample_event(n + k));
      if (!(*opened)->append(std::move(req))) return std::unique_ptr<event_log>();
    }
    return std::move(*opened);
  }();
  return log.get();
}

void bm_scan_raw_all(benchmark::State& state) {
  event_log* log = replay_log();
  if (!log) return state.SkipWithError("could not fill the replay log");
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::uint64_t n = 0;
    auto st = log->scan_raw(0, log->head(), [&](std::uint64_t, std::string_view b) {
      bytes += b.size();
      ++n;
      return true;
    });
    if (!st || n != replay_events) return state.SkipWithError("scan failed");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * replay_events));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

void bm_read_decode_all(benchmark::State& state) {
  event_log* log = replay_log();
  if (!log) return state.SkipWithError("could not fill the replay log");
  for (auto _ : state) {
    std::uint64_t after = 0;
    while (after < log->head()) {
      auto r = log->read(after, 1000);
      if (!r || r->empty()) return state.SkipWithError("read failed");
      after = r->back().seq;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * replay_events));
}

void bm_verify_all(benchmark::State& state) {
  event_log* log = replay_log();
  if (!log) return state.SkipWithError("could not fill the replay log");
  for (auto _ : state) {
    auto v = log->verify();
    if (!v || !v->ok) return state.SkipWithError("verify failed");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * replay_events));
}

// ---- paired rounds: raw and event_log alternating, medians -----------------------------
// On a shared machine fsync latency drifts by 10x within a minute, so two rows a few seconds
// apart can disagree for reasons of their own. This row alternates short raw and event_log runs
// with the same number of threads (`rounds` pairs, `round_seconds` each) and reports the medians
// and the median of the per-round ratios.
constexpr int paired_rounds = 5;
constexpr double round_seconds = 0.6;

// Runs `threads` threads calling `one()` (which returns the events it made durable) until the
// deadline; returns events/s over the wall span.
template <class F>
double run_threads(int threads, F one) {
  std::atomic<std::uint64_t> total{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      auto deadline = clock_type::now() + std::chrono::duration<double>(round_seconds);
      std::uint64_t n = 0;
      while (clock_type::now() < deadline) n += one(t);
      total += n;
    });
  }
  auto start = clock_type::now();
  go.store(true, std::memory_order_release);
  for (auto& t : ts) t.join();
  return static_cast<double>(total.load()) /
         std::chrono::duration<double>(clock_type::now() - start).count();
}

double raw_round(int threads) {
  std::string dir = fresh_dir("paired-raw");
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* db = nullptr;
  if (!rocksdb::DB::Open(o, dir, &db).ok()) return 0;
  std::unique_ptr<rocksdb::DB> owner(db);
  std::atomic<std::uint64_t> seq{0};
  rocksdb::WriteOptions wo;
  wo.sync = true;
  double rate = run_threads(threads, [&](int) -> std::uint64_t {
    rocksdb::WriteBatch wb;
    (void)wb.Put(encoding::seq_key(++seq), sample_stored());
    return db->Write(wo, &wb).ok() ? 1 : 0;
  });
  owner.reset();
  remove_and_settle(dir);
  return rate;
}

double log_round(int threads) {
  std::string dir = fresh_dir("paired-log");
  auto opened = event_log::open(dir);
  if (!opened) return 0;
  auto& log = *opened;
  std::vector<std::uint64_t> next(static_cast<std::size_t>(threads));
  double rate = run_threads(threads, [&](int t) -> std::uint64_t {
    append_request req;
    req.events.push_back(sample_event((static_cast<std::uint64_t>(t) << 32) | next[t]++));
    return log->append(std::move(req)) ? 1 : 0;
  });
  log.reset();
  remove_and_settle(dir);
  return rate;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

void bm_paired_rounds(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  std::vector<double> raw, log, ratio;
  for (auto _ : state) {
    for (int r = 0; r < paired_rounds; ++r) {
      double a = raw_round(threads);
      double b = log_round(threads);
      raw.push_back(a);
      log.push_back(b);
      ratio.push_back(a > 0 ? b / a : 0);
      if (std::getenv("A4P_BENCH_VERBOSE"))
        std::fprintf(stderr, "threads %d round %d: raw %.0f/s log %.0f/s\n", threads, r, a, b);
    }
  }
  state.counters["raw_median/s"] = median(raw);
  state.counters["log_median/s"] = median(log);
  state.counters["log_min/s"] = *std::min_element(log.begin(), log.end());
  state.counters["log_max/s"] = *std::max_element(log.begin(), log.end());
  state.counters["ratio_median"] = median(ratio);
}

}  // namespace

// Raw and event_log rows alternate per thread count, so that each pair runs close together in
// time (the machine is shared; fsync latency drifts) and vs_raw compares like with like.
BENCHMARK(bm_raw_one_per_write)->Threads(1)->UseRealTime()->MinTime(1.0);
BENCHMARK(bm_event_log_append)->Threads(1)->UseRealTime()->MinTime(1.0);
BENCHMARK(bm_raw_one_per_write)->Threads(16)->UseRealTime()->MinTime(1.0);
BENCHMARK(bm_event_log_append)->Threads(16)->UseRealTime()->MinTime(1.0);
BENCHMARK(bm_raw_one_per_write)->Threads(128)->UseRealTime()->MinTime(1.0);
BENCHMARK(bm_event_log_append)->Threads(128)->UseRealTime()->MinTime(1.0);
BENCHMARK(bm_raw_batch_of_100)->Threads(1)->UseRealTime()->MinTime(1.0);
BENCHMARK(bm_event_log_async_window)->Arg(128)->UseRealTime()->MinTime(1.0);
BENCHMARK(bm_paired_rounds)
    ->Arg(16)
    ->Arg(128)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kSecond);
BENCHMARK(bm_scan_raw_all)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(bm_read_decode_all)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(bm_verify_all)->Unit(benchmark::kMillisecond)->MinTime(1.0);

BENCHMARK_MAIN();
