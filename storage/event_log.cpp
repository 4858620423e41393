// event_log on RocksDB: one writer thread, group commit, hash chain (see event_log.hpp and
// FORMAT.md).
//
// Locking: `mu_` guards the assignment state (next seq, chain tip, last ts), the request queue
// and the failed flag. Appenders validate and hash their data outside it, then under it assign
// seqs, ts and chain hashes and serialize the stored values, and enqueue; the queue is thus
// always in seq order. The writer thread takes everything queued (up to max_batch_events) out
// under `mu_`, and writes and syncs it with `mu_` released, so the next batch fills up while
// the current one is on its way to the disk (LevelDB's DBImpl::Write, with the leader being a
// dedicated thread). After a write it moves the durable head (`head_mu_` guards the head hash;
// the head seq is atomic) and hands the batch to the completion thread (`done_mu_`), which runs
// the callbacks in seq order while the writer already writes the next batch (decision 0100).
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/metadata.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/table_properties.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "storage/canonical_json.hpp"
#include "storage/encoding.hpp"
#include "storage/event_log.hpp"
#include "storage/snapshot_ingest.hpp"

namespace a4p::storage {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view format_version = "1";
constexpr const char* meta_epoch = "epoch";
constexpr const char* meta_format = "format_version";
constexpr const char* meta_previous_epoch = "previous_epoch";
constexpr const char* meta_verified = "verified";  // "<seq> <hash>": verify_since_last_verified

// A snapshot value: "A4PV", seq (8 bytes big-endian), the hash of event seq (64 hex), the
// SHA-256 of the payload (64 hex), then the payload (FORMAT.md "Snapshots").
constexpr std::string_view snapshot_magic = "A4PV";
constexpr std::size_t snapshot_header = 4 + 8 + 64 + 64;

// Column family order in the handles vector.
enum cf_index : std::size_t {
  cf_default,
  cf_events,
  cf_idempotency,
  cf_snapshots,
  cf_aux,
  cf_meta
};
// A plain array of literals: rocksdb::kDefaultColumnFamilyName is a namespace-scope std::string,
// which may not be constructed yet when this file's statics are.
constexpr const char* cf_names[] = {"default", "events", "idempotency", "snapshots", "aux", "meta"};

std::unexpected<error> fail(status_code c, std::string msg) {
  return std::unexpected(error{c, std::move(msg)});
}

std::unexpected<error> from_rocks(const rocksdb::Status& s, std::string_view what) {
  status_code c = status_code::io_error;
  if (s.IsCorruption()) c = status_code::corruption;
  if (s.IsNotFound()) c = status_code::not_found;
  if (s.IsInvalidArgument()) c = status_code::invalid_argument;
  return fail(c, std::string(what) + ": " + s.ToString());
}

rocksdb::Slice slice(std::string_view s) {
  return {s.data(), s.size()};
}

std::optional<error> check_new_event(const new_event& e) {
  auto bad = [](std::string m) { return error{status_code::invalid_argument, std::move(m)}; };
  if (e.name.empty()) return bad("event name is empty");
  if (e.entity.empty()) return bad("event entity is empty");
  for (const std::string* s : {&e.name, &e.entity, &e.who.user, &e.who.org}) {
    if (!encoding::valid_utf8(*s)) return bad("event field is not valid UTF-8");
  }
  if (is_canonical_json_object(e.data)) return std::nullopt;  // the fast path, no allocation
  // Refused: parse it properly to say why.
  auto j = nlohmann::json::parse(e.data, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return bad("event data is not JSON");
  if (!j.is_object()) return bad("event data is not a JSON object");
  return bad(
      "event data is not canonical JSON (keys sorted, compact, minimal escapes, integers only, "
      "nesting at most " +
      std::to_string(canonical_json_max_depth) + ")");
}

struct opened_db {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;

  opened_db() = default;
  opened_db(opened_db&&) = default;
  opened_db& operator=(opened_db&&) = default;
  ~opened_db() {
    if (!db) return;
    for (auto* h : cfs) {
      // Ignored on purpose: this only refuses DB::DefaultColumnFamily(), which Open never
      // hands out (its handles are all ours to delete).
      (void)db->DestroyColumnFamilyHandle(h);
    }
    (void)db->Close();  // ignored on purpose: every write was already synced or reported
  }
};

result<opened_db> open_db(const std::string& dir, bool create_if_missing) {
  rocksdb::DBOptions dbo;
  dbo.create_if_missing = create_if_missing;
  dbo.create_missing_column_families = true;
  dbo.max_background_jobs = 2;
  dbo.keep_log_file_num = 4;
  dbo.max_total_wal_size = 256ull << 20;
  dbo.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;

  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (std::size_t i = 0; i < std::size(cf_names); ++i) {
    rocksdb::ColumnFamilyOptions cfo;
    if (i == cf_idempotency || i == cf_aux) {
      // Point lookups: a bloom filter keeps a miss (the common case) off the disk.
      rocksdb::BlockBasedTableOptions t;
      t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
      cfo.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
    }
    if (i == cf_snapshots || i == cf_meta || i == cf_default) cfo.write_buffer_size = 8ull << 20;
    descs.emplace_back(cf_names[i], cfo);
  }
  opened_db out;
  rocksdb::DB* raw = nullptr;
  auto s = rocksdb::DB::Open(dbo, dir, descs, &out.cfs, &raw);
  if (!s.ok()) {
    std::string text = s.ToString();
    if (s.IsIOError() && text.find("lock") != std::string::npos) {
      return fail(status_code::busy,
                  "data directory is in use by another process (is a4pd running?): " + text);
    }
    if (s.IsInvalidArgument() && text.find("does not exist") != std::string::npos) {
      return fail(status_code::not_found, "no event log in " + dir + ": " + text);
    }
    return from_rocks(s, "open " + dir);
  }
  out.db.reset(raw);
  return out;
}

result<std::optional<std::string>> get(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf,
                                       std::string_view key) {
  std::string v;
  auto s = db.Get(rocksdb::ReadOptions(), cf, slice(key), &v);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return from_rocks(s, "read");
  return v;
}

status write_epoch(opened_db& o, std::optional<std::string> previous) {
  auto uuid = encoding::random_uuid();
  if (!uuid) return fail(status_code::io_error, "RAND_bytes failed: cannot make an epoch");
  rocksdb::WriteBatch b;
  b.Put(o.cfs[cf_meta], meta_epoch, *uuid);
  b.Put(o.cfs[cf_meta], meta_format, slice(format_version));
  if (previous) b.Put(o.cfs[cf_meta], meta_previous_epoch, *previous);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  auto s = o.db->Write(wo, &b);
  if (!s.ok()) return from_rocks(s, "write epoch");
  return {};
}

std::int64_t now_millis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

struct event_log::impl {
  // One append request on its way to the disk: the events as stored, their serialized values
  // (in the same order), the idempotency pair and the callback.
  // A blocking append() waits on one of these, on its own stack. The completion thread fills
  // it and signals while holding `mu`, so the waiter cannot return (and free it) before the
  // completion thread is done with it.
  struct sync_waiter {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;                              // GUARDED_BY(mu)
    std::optional<result<std::vector<event>>> res;  // GUARDED_BY(mu)
    std::atomic<bool> done_hint{false};  // set with `done`, read without `mu` while spinning
  };

  struct pending {
    std::vector<event> events;
    std::vector<std::string> values;
    std::string idempotency_key;
    std::string idempotency_value;
    append_callback done;           // for append_async
    sync_waiter* waiter = nullptr;  // for append: gets the events moved in, no copy
  };

  // Validates, hashes, assigns and enqueues. With `copy_out`, returns a copy of the events as
  // they will be stored (append_async's answer); otherwise an empty vector.
  result<std::vector<event>> enqueue(append_request req, append_callback done, sync_waiter* waiter,
                                     bool copy_out);
  // append_stored's checks (each event in its stored form, with its data hash; outside the
  // lock), then, under it, that they follow the head (seq, chain, ts), and enqueues them.
  status enqueue_stored(std::vector<std::string> stored, std::string key, std::string value,
                        sync_waiter* waiter);
  // Waits for a blocking append's group commit (spinning first: decision 0100).
  result<std::vector<event>> wait(sync_waiter& w) const;

  static void finish(pending& p, const std::optional<error>& failure) {
    if (p.waiter) {
      std::lock_guard lk(p.waiter->mu);
      if (failure) {
        p.waiter->res.emplace(std::unexpected(*failure));
      } else {
        p.waiter->res.emplace(std::move(p.events));
      }
      p.waiter->done = true;
      p.waiter->done_hint.store(true, std::memory_order_release);
      p.waiter->cv.notify_one();
      return;
    }
    if (!p.done) return;
    if (failure) {
      p.done(result<std::vector<event>>(std::unexpected(*failure)));
    } else {
      p.done(result<std::vector<event>>(std::move(p.events)));
    }
  }

  options opts_;
  opened_db db_;
  std::string epoch_;
  rocksdb::ColumnFamilyHandle* events_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* idempotency_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* snapshots_cf_ = nullptr;
  mutable std::atomic<std::uint64_t> snapshots_rejected_{0};
  rocksdb::ColumnFamilyHandle* aux_cf_ = nullptr;

  std::mutex mu_;
  std::condition_variable work_cv_;
  std::uint64_t next_seq_ = 1;       // GUARDED_BY(mu_)
  std::string tip_hash_;             // GUARDED_BY(mu_): hash of seq next_seq_ - 1
  std::int64_t last_ts_millis_ = 0;  // GUARDED_BY(mu_): ts never goes backwards
  std::string last_ts_;              // GUARDED_BY(mu_): last_ts_millis_ formatted
  std::deque<pending> queue_;        // GUARDED_BY(mu_), in seq order
  bool failed_ = false;              // GUARDED_BY(mu_)
  std::string failure_;              // GUARDED_BY(mu_)
  bool stopping_ = false;            // GUARDED_BY(mu_)
  std::atomic<bool> failed_flag_{false};

  mutable std::mutex head_mu_;
  std::atomic<std::uint64_t> durable_head_{0};
  std::string durable_hash_;  // GUARDED_BY(head_mu_)

  // Batches whose write finished (or failed), waiting for their callbacks. The completion
  // thread runs them, in seq order, while the writer thread already writes the next batch.
  struct completed {
    std::vector<pending> batch;
    std::optional<error> failure;
  };
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  std::deque<completed> done_queue_;  // GUARDED_BY(done_mu_)
  bool done_stopping_ = false;        // GUARDED_BY(done_mu_)

  std::thread writer_;
  std::thread completer_;

  void set_failed_locked(std::string why) {
    failed_ = true;
    failure_ = std::move(why);
    failed_flag_.store(true, std::memory_order_release);
  }

  void run_writer();
  void run_completer();
  void complete(std::vector<pending> batch, std::optional<error> failure) {
    {
      std::lock_guard lk(done_mu_);
      done_queue_.push_back(completed{std::move(batch), std::move(failure)});
    }
    done_cv_.notify_one();
  }
};

void event_log::impl::run_completer() {
  std::deque<completed> work;
  for (;;) {
    {
      std::unique_lock lk(done_mu_);
      done_cv_.wait(lk, [&] { return !done_queue_.empty() || done_stopping_; });
      if (done_queue_.empty()) return;  // stopping, and every callback has run
      work.swap(done_queue_);
    }
    for (auto& c : work) {
      for (auto& p : c.batch) finish(p, c.failure);
    }
    work.clear();
  }
}

void event_log::impl::run_writer() {
  rocksdb::WriteOptions wo;
  wo.sync = opts_.sync;
  for (;;) {
    std::vector<pending> batch;
    {
      std::unique_lock lk(mu_);
      work_cv_.wait(lk, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and everything is written
      std::size_t n = 0;
      while (!queue_.empty()) {
        std::size_t k = queue_.front().events.size();
        if (!batch.empty() && n + k > opts_.max_batch_events) break;
        n += k;
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }

    std::size_t bytes = 64;
    for (const auto& p : batch) {
      for (const auto& v : p.values) bytes += v.size() + 24;
      bytes += p.idempotency_key.size() + p.idempotency_value.size() + 24;
    }
    rocksdb::WriteBatch wb(bytes);
    rocksdb::Status s;
    for (const auto& p : batch) {
      for (std::size_t i = 0; s.ok() && i < p.events.size(); ++i) {
        s = wb.Put(events_cf_, encoding::seq_key(p.events[i].seq), p.values[i]);
      }
      if (s.ok() && !p.idempotency_key.empty()) {
        s = wb.Put(idempotency_cf_, p.idempotency_key, p.idempotency_value);
      }
    }
    if (s.ok() && opts_.fail_write_for_test && opts_.fail_write_for_test()) {
      s = rocksdb::Status::IOError("injected write failure (options::fail_write_for_test)");
    }
    if (s.ok()) s = db_.db->Write(wo, &wb);

    if (s.ok()) {
      const event& last = batch.back().events.back();
      {
        std::lock_guard lk(head_mu_);
        durable_hash_ = last.hash;
        durable_head_.store(last.seq, std::memory_order_release);
      }
      complete(std::move(batch), std::nullopt);
      continue;
    }

    // LevelDB's RecordBackgroundError: the log can no longer promise the chain it handed out,
    // so it fails this batch, everything queued behind it, and every later append.
    error err{status_code::failed,
              "event log write failed; appends refused until reopen: " + s.ToString()};
    {
      std::lock_guard lk(mu_);
      set_failed_locked(err.message);
      for (auto& p : queue_) batch.push_back(std::move(p));
      queue_.clear();
    }
    complete(std::move(batch), std::move(err));
  }
}

event_log::event_log(std::unique_ptr<impl> p) : impl_(std::move(p)) {}

event_log::~event_log() {
  {
    std::lock_guard lk(impl_->mu_);
    impl_->stopping_ = true;
  }
  impl_->work_cv_.notify_all();
  if (impl_->writer_.joinable()) impl_->writer_.join();
  {
    std::lock_guard lk(impl_->done_mu_);
    impl_->done_stopping_ = true;
  }
  impl_->done_cv_.notify_all();
  if (impl_->completer_.joinable()) impl_->completer_.join();
}

result<std::unique_ptr<event_log>> event_log::open(const std::string& dir, const options& opts) {
  auto p = std::make_unique<impl>();
  p->opts_ = opts;
  if (p->opts_.max_batch_events == 0) p->opts_.max_batch_events = 1;
  if (!opts.create_if_missing && !fs::exists(dir)) {
    return fail(status_code::not_found, "no event log in " + dir);
  }
  auto db = open_db(dir, opts.create_if_missing);
  if (!db) return std::unexpected(db.error());
  p->db_ = std::move(*db);
  auto& o = p->db_;
  clear_ingest_dir(*o.db);  // a snapshot file a crash left before RocksDB took it in
  p->events_cf_ = o.cfs[cf_events];
  p->idempotency_cf_ = o.cfs[cf_idempotency];
  p->snapshots_cf_ = o.cfs[cf_snapshots];
  p->aux_cf_ = o.cfs[cf_aux];

  auto fmt = get(*o.db, o.cfs[cf_meta], meta_format);
  if (!fmt) return std::unexpected(fmt.error());
  auto ep = get(*o.db, o.cfs[cf_meta], meta_epoch);
  if (!ep) return std::unexpected(ep.error());
  if (*fmt && **fmt != format_version) {
    return fail(status_code::invalid_argument, "unsupported storage format version " + **fmt +
                                                   " (this build reads " +
                                                   std::string(format_version) + ")");
  }

  // Recover the head: the last key of the events column family.
  std::uint64_t head = 0;
  std::string head_hash(genesis_hash);
  std::string head_problem;
  std::int64_t head_ts_millis = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it(o.db->NewIterator(rocksdb::ReadOptions(), p->events_cf_));
    it->SeekToLast();
    if (!it->status().ok()) return from_rocks(it->status(), "recover head");
    if (it->Valid()) {
      auto seq = encoding::decode_seq_key(std::string_view(it->key().data(), it->key().size()));
      if (!seq) return fail(status_code::corruption, "events column family holds a bad key");
      head = *seq;
      auto e = event::from_json(std::string_view(it->value().data(), it->value().size()));
      if (e && e->seq == head) {
        head_hash = e->hash;
        // ts never goes backwards along the log, also across a restart with a clock behind.
        head_ts_millis = encoding::parse_rfc3339_millis(e->ts).value_or(0);
      } else {
        head_hash.clear();
        head_problem = "the head event (seq " + std::to_string(head) +
                       ") does not decode; appends refused (run verify)";
      }
    }
  }
  if (!*ep) {
    if (head != 0) return fail(status_code::corruption, "events without an epoch in " + dir);
    auto w = write_epoch(o, std::nullopt);
    if (!w) return std::unexpected(w.error());
    ep = get(*o.db, o.cfs[cf_meta], meta_epoch);
    if (!ep || !*ep) return fail(status_code::io_error, "epoch not readable after write");
  }
  p->epoch_ = **ep;
  p->next_seq_ = head + 1;
  p->tip_hash_ = head_hash;
  p->last_ts_millis_ = head_ts_millis;
  p->durable_hash_ = head_hash;
  p->durable_head_.store(head);
  if (!head_problem.empty()) p->set_failed_locked(head_problem);

  impl* raw = p.get();
  p->writer_ = std::thread([raw] { raw->run_writer(); });
  p->completer_ = std::thread([raw] { raw->run_completer(); });
  return std::unique_ptr<event_log>(new event_log(std::move(p)));
}

std::string event_log::epoch() const {
  return impl_->epoch_;
}

std::uint64_t event_log::head() const {
  return impl_->durable_head_.load(std::memory_order_acquire);
}

std::string event_log::head_hash() const {
  std::lock_guard lk(impl_->head_mu_);
  return impl_->durable_hash_;
}

bool event_log::failed() const {
  return impl_->failed_flag_.load(std::memory_order_acquire);
}

result<std::vector<event>> event_log::append_async(append_request req, append_callback done) {
  return impl_->enqueue(std::move(req), std::move(done), nullptr, /*copy_out=*/true);
}

result<std::vector<event>> event_log::append(append_request req) {
  // REQUIRES: not called from an append callback (the completion thread would wait for itself).
  impl::sync_waiter w;
  auto r = impl_->enqueue(std::move(req), nullptr, &w, /*copy_out=*/false);
  if (!r) return r;
  return impl_->wait(w);
}

result<std::vector<event>> seal(std::vector<new_event> events, std::uint64_t after_seq,
                                std::string_view after_hash, std::string_view after_ts) {
  if (events.empty()) return fail(status_code::invalid_argument, "empty append request");
  const std::int64_t now =
      std::max(encoding::parse_rfc3339_millis(after_ts).value_or(0), now_millis());
  const std::string ts = encoding::rfc3339_millis(now);
  std::string prev(after_hash);
  std::vector<event> out(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (auto bad = check_new_event(events[i])) return std::unexpected(std::move(*bad));
    event& e = out[i];
    e.seq = after_seq + 1 + i;
    e.ts = ts;
    e.who = std::move(events[i].who);
    e.name = std::move(events[i].name);
    e.entity = std::move(events[i].entity);
    e.data = std::move(events[i].data);
    e.data_hash = sha256_hex(e.data);
    e.hash = chain_hash(prev, e);
    prev = e.hash;
  }
  return out;
}

result<std::vector<event>> event_log::append_stored(std::vector<std::string> stored,
                                                    std::string idempotency_key,
                                                    std::string idempotency_value) {
  impl::sync_waiter w;
  auto st = impl_->enqueue_stored(std::move(stored), std::move(idempotency_key),
                                  std::move(idempotency_value), &w);
  if (!st) return std::unexpected(st.error());
  return impl_->wait(w);
}

result<std::vector<event>> event_log::impl::wait(sync_waiter& w) const {
  // Yield for a short while before sleeping, as RocksDB's WriteThread does: a group commit
  // often completes within it, and a process that stays runnable gets its fsync completions
  // handled sooner (measured: decision 0100).
  if (opts_.append_spin_micros > 0) {
    auto until =
        std::chrono::steady_clock::now() + std::chrono::microseconds(opts_.append_spin_micros);
    while (!w.done_hint.load(std::memory_order_acquire) &&
           std::chrono::steady_clock::now() < until) {
      std::this_thread::yield();
    }
  }
  std::unique_lock lk(w.mu);  // also when done_hint is set: the completer may still hold it
  w.cv.wait(lk, [&] { return w.done; });
  return std::move(*w.res);
}

status event_log::impl::enqueue_stored(std::vector<std::string> stored, std::string key,
                                       std::string value, sync_waiter* waiter) {
  if (stored.empty()) return fail(status_code::invalid_argument, "empty append request");
  if (!encoding::valid_utf8(key) || !encoding::valid_utf8(value))
    return fail(status_code::invalid_argument, "idempotency key or value is not valid UTF-8");
  impl::pending p;
  p.events.reserve(stored.size());
  std::vector<std::int64_t> ts_millis;
  for (const auto& bytes : stored) {
    auto e = event::from_json(bytes);
    if (!e) return fail(status_code::invalid_argument, "not a stored event: " + e.error().message);
    if (auto bad = check_new_event(new_event{e->who, e->name, e->entity, e->data}))
      return std::unexpected(std::move(*bad));
    if (e->to_json() != bytes)
      return fail(status_code::invalid_argument,
                  "event " + std::to_string(e->seq) + " is not in its stored form");
    if (sha256_hex(e->data) != e->data_hash)
      return fail(status_code::corruption,
                  "event " + std::to_string(e->seq) + ": data_hash does not match its data");
    auto ms = encoding::parse_rfc3339_millis(e->ts);
    if (!ms)
      return fail(status_code::invalid_argument, "event " + std::to_string(e->seq) + ": bad ts");
    ts_millis.push_back(*ms);
    p.events.push_back(std::move(*e));
  }
  p.values = std::move(stored);
  p.idempotency_key = std::move(key);
  p.idempotency_value = std::move(value);
  p.waiter = waiter;
  {
    std::lock_guard lk(mu_);
    if (failed_) return fail(status_code::failed, failure_);
    if (stopping_) return fail(status_code::failed, "event log is closing");
    std::uint64_t seq = next_seq_;
    std::string tip = tip_hash_;
    std::int64_t last = last_ts_millis_;
    for (std::size_t i = 0; i < p.events.size(); ++i) {
      const event& e = p.events[i];
      if (e.seq != seq)
        return fail(status_code::invalid_argument, "event " + std::to_string(e.seq) +
                                                       " does not follow the head (next is " +
                                                       std::to_string(seq) + ")");
      if (chain_hash(tip, e) != e.hash)
        return fail(status_code::corruption,
                    "event " + std::to_string(e.seq) + " does not chain from the head's hash");
      if (ts_millis[i] < last)
        return fail(status_code::invalid_argument,
                    "event " + std::to_string(e.seq) + ": ts goes backwards");
      tip = e.hash;
      last = ts_millis[i];
      ++seq;
    }
    next_seq_ = seq;
    tip_hash_ = std::move(tip);
    last_ts_millis_ = last;
    last_ts_ = p.events.back().ts;
    queue_.push_back(std::move(p));
  }
  work_cv_.notify_one();
  return {};
}

result<std::vector<event>> event_log::impl::enqueue(append_request req, append_callback done,
                                                    sync_waiter* waiter, bool copy_out) {
  if (req.events.empty()) return fail(status_code::invalid_argument, "empty append request");
  if (!encoding::valid_utf8(req.idempotency_key) || !encoding::valid_utf8(req.idempotency_value)) {
    // Not needed by RocksDB, but the key space is documented as text.
    return fail(status_code::invalid_argument, "idempotency key or value is not valid UTF-8");
  }
  // Validation and data hashes do not depend on the chain: done before taking the lock.
  impl::pending p;
  p.events.resize(req.events.size());
  for (std::size_t i = 0; i < req.events.size(); ++i) {
    new_event& in = req.events[i];
    if (auto bad = check_new_event(in)) return std::unexpected(std::move(*bad));
    event& e = p.events[i];
    e.data_hash = sha256_hex(in.data);
    e.who = std::move(in.who);
    e.name = std::move(in.name);
    e.entity = std::move(in.entity);
    e.data = std::move(in.data);
  }
  p.values.resize(p.events.size());
  p.idempotency_key = std::move(req.idempotency_key);
  p.idempotency_value = std::move(req.idempotency_value);
  p.done = std::move(done);
  p.waiter = waiter;

  std::vector<event> out;
  {
    std::lock_guard lk(mu_);
    if (failed_) return fail(status_code::failed, failure_);
    if (stopping_) return fail(status_code::failed, "event log is closing");
    std::int64_t now = std::max(last_ts_millis_, now_millis());
    if (now != last_ts_millis_ || last_ts_.empty()) {
      last_ts_millis_ = now;
      last_ts_ = encoding::rfc3339_millis(now);
    }
    const std::string& ts = last_ts_;
    for (std::size_t i = 0; i < p.events.size(); ++i) {
      event& e = p.events[i];
      e.seq = next_seq_++;
      e.ts = ts;
      e.hash = chain_hash(tip_hash_, e);
      tip_hash_ = e.hash;
      p.values[i] = e.to_json();
    }
    if (copy_out) out = p.events;
    queue_.push_back(std::move(p));
  }
  work_cv_.notify_one();
  return out;
}

result<std::vector<event>> event_log::read(std::uint64_t after, std::size_t limit) const {
  std::vector<event> out;
  std::uint64_t h = head();
  if (after >= h || limit == 0) return out;
  std::uint64_t up_to = (limit >= h - after) ? h : after + limit;
  out.reserve(static_cast<std::size_t>(up_to - after));
  std::optional<error> bad;
  auto s = scan_raw(after, up_to, [&](std::uint64_t seq, std::string_view bytes) {
    auto e = event::from_json(bytes);
    if (!e) {
      bad =
          error{status_code::corruption, "event " + std::to_string(seq) + ": " + e.error().message};
      return false;
    }
    out.push_back(std::move(*e));
    return true;
  });
  if (!s) return std::unexpected(s.error());
  if (bad) return std::unexpected(std::move(*bad));
  return out;
}

status event_log::scan_raw(std::uint64_t after, std::uint64_t up_to,
                           const std::function<bool(std::uint64_t, std::string_view)>& fn) const {
  up_to = std::min(up_to, head());
  if (after >= up_to) return {};
  const std::string upper = encoding::seq_key(up_to + 1);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper_slice;
  ro.readahead_size = 2u << 20;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db_.db->NewIterator(ro, impl_->events_cf_));
  for (it->Seek(encoding::seq_key(after + 1)); it->Valid(); it->Next()) {
    auto seq = encoding::decode_seq_key(std::string_view(it->key().data(), it->key().size()));
    if (!seq) return fail(status_code::corruption, "events column family holds a bad key");
    if (!fn(*seq, std::string_view(it->value().data(), it->value().size()))) return {};
  }
  if (!it->status().ok()) return from_rocks(it->status(), "scan events");
  return {};
}

result<std::optional<std::string>> event_log::lookup_idempotency(std::string_view key) const {
  return get(*impl_->db_.db, impl_->idempotency_cf_, key);
}

namespace {
// The hash of the stored event at `seq`, or what is wrong.
std::expected<std::string, std::string> stored_hash_at(rocksdb::DB& db,
                                                       rocksdb::ColumnFamilyHandle* events,
                                                       std::uint64_t seq) {
  auto v = get(db, events, encoding::seq_key(seq));
  if (!v)
    return std::unexpected("event " + std::to_string(seq) + " unreadable: " + v.error().message);
  if (!*v) return std::unexpected("there is no event " + std::to_string(seq));
  auto e = event::from_json(**v);
  if (!e) return std::unexpected("event " + std::to_string(seq) + " does not decode");
  return e->hash;
}

// Checks a stored snapshot value against its key and the log; the payload, or what is wrong.
std::expected<std::string_view, std::string> open_envelope(rocksdb::DB& db,
                                                           rocksdb::ColumnFamilyHandle* events,
                                                           std::uint64_t key_seq,
                                                           std::string_view value) {
  if (value.size() < snapshot_header || !value.starts_with(snapshot_magic))
    return std::unexpected("not in the checked snapshot format (no A4PV envelope)");
  auto seq = encoding::decode_seq_key(value.substr(4, 8));
  if (!seq || *seq != key_seq)
    return std::unexpected("its envelope names seq " + (seq ? std::to_string(*seq) : "?"));
  const auto head_hash = value.substr(12, 64);
  const auto digest = value.substr(76, 64);
  const auto payload = value.substr(snapshot_header);
  auto at = stored_hash_at(db, events, key_seq);
  if (!at) return std::unexpected(at.error());
  if (*at != head_hash)
    return std::unexpected("it was taken at another chain (hash of event " +
                           std::to_string(key_seq) + " differs)");
  if (sha256_hex(payload) != digest)
    return std::unexpected("its bytes do not match their digest (changed on disk)");
  return payload;
}
}  // namespace

status event_log::save_snapshot(std::uint64_t seq, std::string_view bytes,
                                const step_runner& take_in) {
  if (failed()) return fail(status_code::failed, "event log is in the failed state");
  if (seq > head() || seq == 0) {
    return fail(status_code::invalid_argument,
                "snapshot seq " + std::to_string(seq) + " is not in 1.." + std::to_string(head()));
  }
  auto at = stored_hash_at(*impl_->db_.db, impl_->events_cf_, seq);
  if (!at) return fail(status_code::corruption, "save snapshot: " + at.error());
  std::string value;
  value.reserve(snapshot_header + bytes.size());
  value += snapshot_magic;
  value += encoding::seq_key(seq);
  value += *at;
  value += sha256_hex(bytes);
  value += bytes;
  // Beside the write path, not through it: the events appended meanwhile do not wait for it.
  auto s = ingest_one(*impl_->db_.db, impl_->snapshots_cf_, encoding::seq_key(seq), value, take_in);
  if (!s.ok()) return from_rocks(s, "save snapshot");
  return {};
}

namespace {
// An SST file of the snapshots column family: its key range and number.
struct snapshot_file {
  std::uint64_t lo, hi, number;
};
struct snapshot_keys {
  std::vector<std::uint64_t> seqs;  // newest first
  std::vector<snapshot_file> files;
};

// A value read in place: the iterator pins its block, and holds the bound it reads up to.
struct pinned_read {
  std::string upper;
  rocksdb::Slice bound;
  std::unique_ptr<rocksdb::Iterator> it;  // last: destroyed first
};

// An iterator that reads only `files` (their numbers), none past `upper` (exclusive).
std::unique_ptr<rocksdb::Iterator> files_iterator(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf,
                                                  std::vector<std::uint64_t> files,
                                                  const rocksdb::Slice* upper) {
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;  // a snapshot is large and read once: keep it out of the block cache
  ro.iterate_upper_bound = upper;
  ro.table_filter = [files = std::move(files)](const rocksdb::TableProperties& p) {
    // A snapshot taken in by ingest_one (snapshot_ingest.hpp) carries its writer's numbers, not
    // the DB's; it holds one key and lies in a level below level 0 (its key is newer than any
    // stored), where only the file whose range holds the key sought is opened.
    if (p.db_id == ingested_file_db_id && p.num_entries == 1) return true;
    return std::find(files.begin(), files.end(), p.orig_file_number) != files.end();
  };
  return std::unique_ptr<rocksdb::Iterator>(db.NewIterator(ro, cf));
}

// The seqs of the stored snapshots at or before `at`, found without reading a snapshot:
// positioning an iterator over the whole column family (SeekForPrev) reads and decompresses the
// whole value next to the target in every level and level-0 file it looks at, 0.7-1.9 s on the
// capped 1,000,000-event log, where each snapshot is one block of up to 130 MB. So the keys
// come from the SST files' metadata: a file's smallest and largest keys, and a file of one or
// two entries has no others. Keys inside a file of more entries are read by a forward scan of
// only those files up to `at`, and only when one may be newer than the best key named. With a
// memtable that holds snapshots: nullopt (the caller seeks as before). Snapshots are never
// deleted, so every key named is there; one missed would only make the caller start from an
// older snapshot and replay more.
std::optional<snapshot_keys> snapshot_seqs_upto(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf,
                                                std::uint64_t at) {
  std::uint64_t in_memory = 0, in_immutable = 0;
  if (!db.GetIntProperty(cf, "rocksdb.num-entries-active-mem-table", &in_memory) ||
      !db.GetIntProperty(cf, "rocksdb.num-entries-imm-mem-tables", &in_immutable) ||
      in_memory + in_immutable > 0)
    return std::nullopt;
  rocksdb::ColumnFamilyMetaData meta;
  db.GetColumnFamilyMetaData(cf, &meta);
  snapshot_keys out;
  auto& seqs = out.seqs;
  std::vector<snapshot_file> inside;  // files with keys their metadata does not name
  for (const auto& level : meta.levels) {
    for (const auto& f : level.files) {
      auto lo = encoding::decode_seq_key(f.smallestkey);
      auto hi = encoding::decode_seq_key(f.largestkey);
      if (!lo || !hi || f.num_deletions > 0) return std::nullopt;
      out.files.push_back({*lo, *hi, f.file_number});
      if (*lo <= at) seqs.push_back(*lo);
      if (*hi <= at) seqs.push_back(*hi);
      if (f.num_entries != 1 && f.num_entries != 2 && *lo < at) inside.push_back(out.files.back());
    }
  }
  const std::uint64_t best = seqs.empty() ? 0 : *std::max_element(seqs.begin(), seqs.end());
  // A key inside such a file matters only if it may be newer than `best`.
  std::vector<std::uint64_t> scan;
  std::uint64_t from = at + 1;
  for (const auto& f : inside) {
    if (std::min(f.hi - 1, at) <= best) continue;
    scan.push_back(f.number);
    from = std::min(from, std::max(f.lo, best) + 1);
  }
  if (!scan.empty()) {
    const std::string upper = encoding::seq_key(at + 1);
    const rocksdb::Slice bound(upper);
    auto it = files_iterator(db, cf, std::move(scan), &bound);
    for (it->Seek(encoding::seq_key(from)); it->Valid(); it->Next()) {
      auto seq = encoding::decode_seq_key(std::string_view(it->key().data(), it->key().size()));
      if (!seq) return std::nullopt;
      seqs.push_back(*seq);
    }
    if (!it->status().ok()) return std::nullopt;
  }
  std::sort(seqs.begin(), seqs.end(), std::greater<>());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
  return out;
}
}  // namespace

result<std::optional<event_log::pinned_snapshot>> event_log::open_snapshot(std::uint64_t at) const {
  auto& db = *impl_->db_.db;
  const auto rejected = [this](std::uint64_t seq, const std::string& problem) {
    // Not used: the caller goes on from an earlier snapshot, or from the events.
    impl_->snapshots_rejected_.fetch_add(1, std::memory_order_relaxed);
    if (impl_->opts_.on_snapshot_rejected) impl_->opts_.on_snapshot_rejected(seq, problem);
  };
  if (auto keys = snapshot_seqs_upto(db, impl_->snapshots_cf_, at)) {
    for (const auto seq : keys->seqs) {
      // Read through the files whose range holds `seq` only (every version of it is in one of
      // them, so the newest is read, as a Get would): the value stays in its block, pinned by
      // the iterator, where a Get copies it out (130 MB at 1,000,000 events).
      std::vector<std::uint64_t> files;
      for (const auto& f : keys->files)
        if (f.lo <= seq && seq <= f.hi) files.push_back(f.number);
      auto read = std::make_shared<pinned_read>();
      read->upper = encoding::seq_key(seq + 1);
      read->bound = rocksdb::Slice(read->upper);
      read->it = files_iterator(db, impl_->snapshots_cf_, std::move(files), &read->bound);
      auto& it = *read->it;
      it.Seek(encoding::seq_key(seq));
      if (!it.Valid()) {
        if (!it.status().ok()) return from_rocks(it.status(), "load snapshot");
        continue;  // not in those files after all: an older snapshot will do
      }
      auto payload = open_envelope(db, impl_->events_cf_, seq,
                                   std::string_view(it.value().data(), it.value().size()));
      if (payload) return pinned_snapshot{seq, *payload, std::move(read)};
      rejected(seq, payload.error());
    }
    return std::nullopt;
  }
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;  // a snapshot is large and read once: keep it out of the block cache
  std::shared_ptr<rocksdb::Iterator> it(db.NewIterator(ro, impl_->snapshots_cf_));
  for (it->SeekForPrev(encoding::seq_key(at)); it->Valid(); it->Prev()) {
    auto seq = encoding::decode_seq_key(std::string_view(it->key().data(), it->key().size()));
    if (!seq) return fail(status_code::corruption, "snapshots column family holds a bad key");
    auto payload = open_envelope(db, impl_->events_cf_, *seq,
                                 std::string_view(it->value().data(), it->value().size()));
    if (payload) return pinned_snapshot{*seq, *payload, std::move(it)};
    rejected(*seq, payload.error());
  }
  if (!it->status().ok()) return from_rocks(it->status(), "load snapshot");
  return std::nullopt;
}

std::uint64_t event_log::snapshots_rejected() const {
  return impl_->snapshots_rejected_.load(std::memory_order_relaxed);
}

status event_log::scan_snapshots(
    const std::function<bool(std::uint64_t, std::string_view, std::string_view)>& fn) const {
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db_.db->NewIterator(ro, impl_->snapshots_cf_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto seq = encoding::decode_seq_key(std::string_view(it->key().data(), it->key().size()));
    if (!seq) return fail(status_code::corruption, "snapshots column family holds a bad key");
    const std::string_view value(it->value().data(), it->value().size());
    auto payload = open_envelope(*impl_->db_.db, impl_->events_cf_, *seq, value);
    if (!(payload ? fn(*seq, *payload, {}) : fn(*seq, value, payload.error()))) break;
  }
  if (!it->status().ok()) return from_rocks(it->status(), "scan snapshots");
  return {};
}

result<std::optional<std::pair<std::uint64_t, std::string>>> event_log::load_snapshot(
    std::uint64_t at) const {
  auto pinned = open_snapshot(at);
  if (!pinned) return std::unexpected(pinned.error());
  if (!*pinned) return std::nullopt;
  return std::pair{(*pinned)->seq, std::string((*pinned)->bytes)};
}

status event_log::put_aux(std::string_view key, std::string_view value) {
  if (failed()) return fail(status_code::failed, "event log is in the failed state");
  rocksdb::WriteOptions wo;
  wo.sync = impl_->opts_.sync;
  auto s = impl_->db_.db->Put(wo, impl_->aux_cf_, slice(key), slice(value));
  if (!s.ok()) return from_rocks(s, "put aux");
  return {};
}

status event_log::delete_aux(std::string_view key) {
  if (failed()) return fail(status_code::failed, "event log is in the failed state");
  rocksdb::WriteOptions wo;
  wo.sync = impl_->opts_.sync;
  auto s = impl_->db_.db->Delete(wo, impl_->aux_cf_, slice(key));
  if (!s.ok()) return from_rocks(s, "delete aux");
  return {};
}

result<std::optional<std::string>> event_log::get_aux(std::string_view key) const {
  return get(*impl_->db_.db, impl_->aux_cf_, key);
}

status event_log::scan_aux(
    std::string_view prefix,
    const std::function<bool(std::string_view key, std::string_view value)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(
      impl_->db_.db->NewIterator(rocksdb::ReadOptions(), impl_->aux_cf_));
  for (it->Seek(slice(prefix)); it->Valid(); it->Next()) {
    std::string_view k(it->key().data(), it->key().size());
    if (!k.starts_with(prefix)) break;
    if (!fn(k, std::string_view(it->value().data(), it->value().size()))) break;
  }
  if (!it->status().ok()) return from_rocks(it->status(), "scan aux");
  return {};
}

namespace {
using verify_progress = std::function<void(std::uint64_t, std::uint64_t)>;
result<verify_report> verify_from(const event_log& log, std::uint64_t after, std::string prev,
                                  const verify_progress& progress);
}  // namespace

result<verify_report> event_log::verify(
    const std::function<void(std::uint64_t, std::uint64_t)>& progress) const {
  return verify_from(*this, 0, std::string(genesis_hash), progress);
}

result<verify_report> event_log::verify_since_last_verified(std::uint64_t* from) {
  std::uint64_t start = 0;
  std::string start_hash(genesis_hash);
  auto rec = get(*impl_->db_.db, impl_->db_.cfs[cf_meta], meta_verified);
  if (!rec) return std::unexpected(rec.error());
  if (*rec) {
    // "<seq> <hash>"; a record that does not parse is ignored: the walk starts at seq 1.
    const auto sp = (*rec)->find(' ');
    std::uint64_t seq = 0;
    if (sp != std::string::npos &&
        std::from_chars((*rec)->data(), (*rec)->data() + sp, seq).ec == std::errc() &&
        seq <= head()) {
      start = seq;
      start_hash = (*rec)->substr(sp + 1);
    }
  }
  if (from) *from = start;
  if (start != 0) {
    auto at = stored_hash_at(*impl_->db_.db, impl_->events_cf_, start);
    if (!at || *at != start_hash) {
      verify_report rep;
      rep.ok = false;
      rep.first_bad_seq = start;
      rep.problem = "event " + std::to_string(start) + " is not the one verified before (" +
                    (at ? std::string("its hash changed") : at.error()) + ")";
      return rep;
    }
  }
  auto rep = verify_from(*this, start, start_hash, {});
  if (!rep || !rep->ok) return rep;
  rocksdb::WriteOptions wo;
  wo.sync = impl_->opts_.sync;
  const std::string value = std::to_string(rep->head) + ' ' + rep->head_hash;
  // Ignored on purpose: the chain holds; a point not recorded (a disk refusing writes) only
  // makes the next walk start earlier.
  (void)impl_->db_.db->Put(wo, impl_->db_.cfs[cf_meta], meta_verified, value);
  return rep;
}

namespace {
result<verify_report> verify_from(const event_log& log, std::uint64_t after, std::string prev,
                                  const verify_progress& progress) {
  verify_report rep;
  const std::uint64_t h = log.head();
  std::uint64_t expected = after + 1;
  rep.head = after;
  auto bad = [&](std::uint64_t seq, std::string why) {
    rep.ok = false;
    rep.first_bad_seq = seq;
    rep.problem = std::move(why);
    return false;
  };
  auto s = log.scan_raw(after, h, [&](std::uint64_t seq, std::string_view bytes) {
    if (seq != expected) {
      return bad(expected, "event " + std::to_string(expected) +
                               " is missing (next stored: " + std::to_string(seq) + ")");
    }
    auto e = event::from_json(bytes);
    if (!e) return bad(seq, "event " + std::to_string(seq) + ": " + e.error().message);
    if (e->seq != seq) {
      return bad(seq,
                 "event under key " + std::to_string(seq) + " says seq " + std::to_string(e->seq));
    }
    if (e->to_json() != bytes) {
      return bad(seq, "event " + std::to_string(seq) + " is not stored in canonical form");
    }
    if (sha256_hex(e->data) != e->data_hash) {
      return bad(seq, "event " + std::to_string(seq) + ": data_hash does not match its data");
    }
    if (chain_hash(prev, *e) != e->hash) {
      return bad(seq, "event " + std::to_string(seq) + ": hash does not match the chain");
    }
    prev = std::move(e->hash);
    rep.head = seq;
    ++expected;
    if (progress && seq % 4096 == 0) progress(seq, h);
    return true;
  });
  if (!s) return std::unexpected(s.error());
  if (progress) progress(rep.head, h);
  if (rep.ok && rep.head != h) {
    bad(expected,
        "event " + std::to_string(expected) + " is missing (head is " + std::to_string(h) + ")");
  }
  rep.head_hash = prev;
  return rep;
}
}  // namespace

status event_log::checkpoint(const std::string& dest_dir) const {
  std::error_code ec;
  fs::path dest = fs::absolute(dest_dir, ec);
  if (ec) return fail(status_code::invalid_argument, "bad checkpoint path: " + ec.message());
  if (fs::exists(dest, ec)) {
    return fail(status_code::invalid_argument, "checkpoint target exists: " + dest.string());
  }
  rocksdb::Checkpoint* raw = nullptr;
  auto s = rocksdb::Checkpoint::Create(impl_->db_.db.get(), &raw);
  if (!s.ok()) return from_rocks(s, "checkpoint");
  std::unique_ptr<rocksdb::Checkpoint> cp(raw);
  s = cp->CreateCheckpoint(dest.string());
  if (!s.ok()) return from_rocks(s, "checkpoint to " + dest.string());
  return {};
}

status event_log::restore(const std::string& backup_dir, const std::string& data_dir) {
  std::error_code ec;
  if (!fs::is_directory(backup_dir, ec) || !fs::exists(fs::path(backup_dir) / "CURRENT", ec)) {
    return fail(status_code::invalid_argument, backup_dir + " is not a checkpoint directory");
  }
  if (fs::exists(data_dir, ec) && !fs::is_empty(data_dir, ec)) {
    return fail(status_code::invalid_argument, data_dir + " exists and is not empty");
  }
  // Work in a sibling directory and rename at the end, so that a failed restore never leaves
  // a half-copied data directory behind.
  fs::path target = fs::absolute(data_dir, ec);
  fs::path tmp = target;
  tmp += ".restoring";
  fs::remove_all(tmp, ec);
  fs::copy(backup_dir, tmp, fs::copy_options::recursive, ec);
  if (ec) {
    fs::remove_all(tmp, ec);
    return fail(status_code::io_error, "copy " + backup_dir + ": " + ec.message());
  }
  auto new_epoch = [&]() -> status {
    auto o = open_db(tmp.string(), /*create_if_missing=*/false);
    if (!o) return std::unexpected(o.error());
    auto old = get(*o->db, o->cfs[cf_meta], meta_epoch);
    if (!old) return std::unexpected(old.error());
    if (!*old) {
      return fail(status_code::invalid_argument, backup_dir + " is not an a4p event log");
    }
    return write_epoch(*o, *old);
  }();
  if (!new_epoch) {
    fs::remove_all(tmp, ec);
    return new_epoch;
  }
  if (fs::exists(target, ec)) fs::remove(target, ec);
  fs::rename(tmp, target, ec);
  if (ec)
    return fail(status_code::io_error, "rename into " + target.string() + ": " + ec.message());
  return {};
}

}  // namespace a4p::storage
