// The durable, append-only, hash-chained event log of A4P Workspace, on RocksDB.
//
// Contract (see storage/FORMAT.md for the bytes on disk and ../shared/PROTOCOL.md section 6):
//  - One EventLog object owns one data directory (RocksDB holds a file lock; a second
//    process gets StatusCode::busy).
//  - Every append assigns consecutive seqs (1, 2, 3, ...) in call order, stamps ts (RFC 3339
//    UTC, milliseconds), and computes data_hash and the chain hash. The seqs are decided when
//    the call is made; the events become durable later, when the writer thread's synced
//    WriteBatch (group commit: all requests queued at that moment) completes.
//  - An append completes (its callback runs, or append() returns) only after the WAL is
//    synced. A failed write or sync puts the log into a failed state: every later append
//    fails with StatusCode::failed until the process reopens the directory. Reads go on.
//  - An append request's events and its idempotency key are written in one WriteBatch: all or
//    nothing.
//
// Thread safety: every public method may be called from any thread. Append callbacks run on
// the log's completion thread (one thread, so one at a time, in seq order), after head() has
// moved past their events; they must not block or throw, and must not call append() (which
// would wait for the completion thread itself). append_async() from a callback is fine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace a4p::storage {

enum class status_code {
  not_found,
  corruption,        // stored bytes do not decode, or a hash does not match
  io_error,          // RocksDB or the file system refused
  invalid_argument,  // the caller's input is unusable (for example data that is not JSON)
  busy,              // the directory is locked by another process (a running a4pd)
  failed,            // an earlier write or sync failed; appends are refused until reopen
};

struct error {
  status_code code;
  std::string message;
};

template <class T>
using result = std::expected<T, error>;
using status = std::expected<void, error>;

struct actor {
  std::string user;
  std::string org;
};

// An event as a caller hands it in. seq, ts and the hashes are decided by the log.
struct new_event {
  actor who;
  std::string name;    // for example "pledge.created"
  std::string entity;  // for example "pledge:P12"
  std::string data;    // canonical JSON of an object (storage/canonical_json.hpp)
};

// An event as stored.
struct event {
  std::uint64_t seq = 0;
  std::string ts;  // RFC 3339 UTC, "2026-11-27T21:59:14.123Z"
  actor who;
  std::string name;
  std::string entity;
  std::string data;       // canonical JSON
  std::string data_hash;  // lowercase hex SHA-256 of data
  std::string hash;       // lowercase hex SHA-256 of prev hash + canonical header (PROTOCOL.md 6)

  // The canonical JSON of the stored event:
  // {"actor":{"org","user"},"data":{...},"data_hash","entity","hash","name","seq","ts"}.
  [[nodiscard]] std::string to_json() const;
  // Parses what to_json() wrote. Does not check hashes.
  [[nodiscard]] static result<event> from_json(std::string_view stored);
};

// The chain arithmetic, shared by the log, verify, and anyone re-checking an export.
[[nodiscard]] std::string sha256_hex(std::string_view bytes);
// hash = sha256_hex(prev_hash (64 hex chars) + canonical
// {"actor","data_hash","entity","name","seq","ts"})
[[nodiscard]] std::string chain_hash(std::string_view prev_hash, const event& e);
inline constexpr std::string_view genesis_hash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// A cluster node's sequencing (docs/decisions/0313): `events` as they will be stored after the
// event (after_seq, after_hash, after_ts): consecutive seqs, one ts (now, never before
// after_ts), data hashes and the chain, each checked as append() checks it. No log is touched:
// the node publishes the stored bytes, and every node's replica takes them by append_stored.
[[nodiscard]] result<std::vector<event>> seal(std::vector<new_event> events,
                                              std::uint64_t after_seq, std::string_view after_hash,
                                              std::string_view after_ts);

struct append_request {
  std::vector<new_event> events;  // appended atomically, with consecutive seqs
  std::string idempotency_key;    // empty: none; else for example user + '\n' + command id
  std::string idempotency_value;  // stored under the key in the same WriteBatch
};

struct options {
  bool create_if_missing = true;
  // false only for benchmarks and tests that measure the cost of sync: an unsynced append
  // survives a process crash (it is in the OS page cache) but not a power loss.
  bool sync = true;
  // The most events one group commit writes; the rest wait for the next batch.
  std::size_t max_batch_events = 8192;
  // How long a blocking append() yields the CPU in a loop, waiting for its group commit, before
  // it sleeps on a condition variable (RocksDB's WriteThread does the same). 0: sleep at once.
  std::uint32_t append_spin_micros = 200;
  // Test-only fault injection: when set, the writer thread calls it before each group commit,
  // and a `true` answer makes that write fail as if RocksDB had returned an I/O error (nothing
  // of the batch is written). Leave empty in production.
  std::function<bool()> fail_write_for_test;
  // Called (on the reading thread) for each stored snapshot that open_snapshot / load_snapshot
  // skips because it fails its check (FORMAT.md "Snapshots"): its seq and what is wrong. The
  // server logs it loudly and counts it; the read goes on with an earlier snapshot or none.
  std::function<void(std::uint64_t seq, const std::string& problem)> on_snapshot_rejected;
};

struct verify_report {
  bool ok = true;
  std::uint64_t head = 0;
  std::string head_hash;
  std::uint64_t first_bad_seq = 0;  // 0 when ok
  std::string problem;              // empty when ok
};

class event_log {
 public:
  using append_callback = std::function<void(const result<std::vector<event>>&)>;

  // Opens the log in `dir`, creating a new one with a random epoch (UUID) if missing.
  [[nodiscard]] static result<std::unique_ptr<event_log>> open(const std::string& dir,
                                                               const options& opts = {});
  ~event_log();
  event_log(const event_log&) = delete;
  event_log& operator=(const event_log&) = delete;

  [[nodiscard]] std::string epoch() const;
  [[nodiscard]] std::uint64_t head() const;  // last durable seq, 0 for an empty log
  [[nodiscard]] std::string head_hash() const;
  [[nodiscard]] bool failed() const;  // true after a write or sync failed

  // Assigns seqs, ts and hashes now, and returns the events as they will be stored. `done`
  // runs on the writer thread once they are durable (or the write failed). An empty request
  // or a log in the failed state is refused at once (and `done` is not called).
  [[nodiscard]] result<std::vector<event>> append_async(append_request req, append_callback done);
  // Blocks until durable.
  // REQUIRES: not called from an append callback.
  [[nodiscard]] result<std::vector<event>> append(append_request req);

  // A replica's append: events that were sequenced, stamped and hashed elsewhere (the cluster's
  // stream, docs/decisions/0313), given as their stored bytes. Each must be in its stored form
  // (canonical, as to_json() writes it), carry the hash of its data, take the next seq, chain
  // from the head's hash, and not go back in time; otherwise the whole request is refused and
  // nothing is written. Blocks until durable, like append(), with the idempotency record if
  // given. A log that takes these should take no append() of its own (the ts rule assumes
  // one clock).
  // REQUIRES: not called from an append callback.
  [[nodiscard]] result<std::vector<event>> append_stored(std::vector<std::string> stored,
                                                         std::string idempotency_key = {},
                                                         std::string idempotency_value = {});

  // Up to `limit` durable events with seq > after, oldest first.
  [[nodiscard]] result<std::vector<event>> read(std::uint64_t after, std::size_t limit) const;
  // Calls fn(seq, stored bytes) for each durable event with after < seq <= up_to, in order,
  // until fn returns false. The view is valid only during the call.
  [[nodiscard]] status scan_raw(
      std::uint64_t after, std::uint64_t up_to,
      const std::function<bool(std::uint64_t, std::string_view)>& fn) const;

  [[nodiscard]] result<std::optional<std::string>> lookup_idempotency(std::string_view key) const;

  // State snapshots (their own column family): bytes of a serialized state as of `seq`,
  // stored in an envelope with `seq`, the hash of event `seq` and the SHA-256 of the bytes
  // (FORMAT.md "Snapshots"). REQUIRES: seq <= head(), seq >= 1.
  // The bytes are written to a file of their own by the calling thread; then a short step takes
  // the file in, holding the log's appends while it runs (decision 0103). `take_in`, if given,
  // runs that step and returns once it has run: on a thread of normal priority when the
  // caller's is low (decision 0335), so that appends never wait for a thread that gets no CPU.
  using step_runner = std::function<void(const std::function<void()>& step)>;
  [[nodiscard]] status save_snapshot(std::uint64_t seq, std::string_view bytes,
                                     const step_runner& take_in = {});
  // The latest snapshot with seq <= at whose envelope checks out (its seq, the hash of the
  // event at that seq in this log, the digest of its bytes), if any; each one skipped on the
  // way is reported to options::on_snapshot_rejected and counted in snapshots_rejected().
  // The bytes returned are the serialized state only, without the envelope.
  [[nodiscard]] result<std::optional<std::pair<std::uint64_t, std::string>>> load_snapshot(
      std::uint64_t at) const;
  // The same without a copy: the latest snapshot with seq <= at in place. `bytes` stay valid
  // while `keep` lives (it pins them in RocksDB); drop `keep` before this event_log is closed.
  struct pinned_snapshot {
    std::uint64_t seq = 0;
    std::string_view bytes;
    std::shared_ptr<const void> keep;
  };
  [[nodiscard]] result<std::optional<pinned_snapshot>> open_snapshot(std::uint64_t at) const;
  [[nodiscard]] std::uint64_t snapshots_rejected() const;
  // Every stored snapshot in seq order, for audits: fn(seq, bytes, problem), where `problem` is
  // empty when the envelope checks out (then `bytes` is the serialized state) and says what is
  // wrong otherwise (then `bytes` is the whole stored value). Stops when fn returns false.
  [[nodiscard]] status scan_snapshots(
      const std::function<bool(std::uint64_t seq, std::string_view bytes,
                               std::string_view problem)>& fn) const;

  // Auxiliary key-value space for what must not be in the log (password hashes, hashed
  // session tokens). Writes are synced.
  [[nodiscard]] status put_aux(std::string_view key, std::string_view value);
  [[nodiscard]] status delete_aux(std::string_view key);
  [[nodiscard]] result<std::optional<std::string>> get_aux(std::string_view key) const;
  [[nodiscard]] status scan_aux(
      std::string_view prefix,
      const std::function<bool(std::string_view key, std::string_view value)>& fn) const;

  // Re-walks the whole chain and every data_hash; reports the first bad seq. `progress`, if
  // given, is called with (seq checked, head) every 4096 events and at the end.
  [[nodiscard]] result<verify_report> verify(
      const std::function<void(std::uint64_t, std::uint64_t)>& progress = {}) const;
  // The same from the last point verified this way (meta `verified`: its seq and hash, which
  // must still match the event there) to the head, then records the head as the new point
  // (best effort: if that write fails, the next walk starts at the older point).
  // a4pd calls it on start and refuses to start unless it is ok (FORMAT.md "Repair").
  // verify_report::first_bad_seq / problem say what broke; `from` is where the walk began.
  [[nodiscard]] result<verify_report> verify_since_last_verified(std::uint64_t* from = nullptr);

  // A consistent copy of the live database in `dest_dir` (RocksDB Checkpoint; must not exist).
  [[nodiscard]] status checkpoint(const std::string& dest_dir) const;
  // Copies a checkpoint `backup_dir` into `data_dir` (must not exist or be empty) and gives
  // the restored log a new epoch.
  [[nodiscard]] static status restore(const std::string& backup_dir, const std::string& data_dir);

 private:
  struct impl;
  explicit event_log(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace a4p::storage
