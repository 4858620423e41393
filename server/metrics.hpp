// Process-wide counters for GET /metrics (Prometheus text exposition format 0.0.4).
//
// Thread safety: every member is an atomic or guarded by mu_; any thread may count, and
// render() may run concurrently with counting (it reads a consistent-enough view: each value
// is exact, the set of values is not one instant).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace a4p::server {

class metrics {
 public:
  std::atomic<std::int64_t> connections_http{0};  // TCP connections still speaking HTTP
  std::atomic<std::int64_t> connections_ws{0};    // open WebSocket sessions
  std::atomic<std::uint64_t> connections_accepted{0};
  std::atomic<std::uint64_t> connections_refused{0};  // over a connection limit
  std::atomic<std::uint64_t> http_requests{0};
  std::atomic<std::uint64_t> commands_received{0};
  std::atomic<std::uint64_t> events_appended{0};
  std::atomic<std::uint64_t> events_delivered{0};  // event messages queued to clients
  std::atomic<std::uint64_t> frames_sent{0};
  std::atomic<std::int64_t> snapshot_bytes{0};           // of them, welcome snapshots (exempt)
  std::atomic<std::int64_t> send_queue_bytes{0};         // sum over sessions of unsent bytes
  std::atomic<std::int64_t> sequencer_pending{0};        // commands appended but not yet durable
  std::atomic<std::uint64_t> slow_closes{0};             // 4008
  std::atomic<std::uint64_t> full_snapshots_refused{0};  // over --max-full-snapshot-bytes
  std::atomic<std::uint64_t> past_states_built{0};   // ?at reads: states built (past_states.hpp)
  std::atomic<std::uint64_t> past_states_reused{0};  // ?at reads: states found kept
  // The states kept at every K events (kept_states.hpp): how many, their bytes (estimate), the
  // newest kept seq, 1 while a build runs.
  std::atomic<std::int64_t> kept_states{0};
  std::atomic<std::int64_t> kept_state_bytes{0};
  std::atomic<std::int64_t> kept_state_seq{0};
  std::atomic<std::int64_t> kept_states_building{0};
  std::atomic<std::uint64_t> append_failures{0};
  std::atomic<std::uint64_t> snapshots_rejected{0};  // failed their check on load; not used
  // decide() rejections with code `internal`: a bug in the rules, never a client's fault.
  std::atomic<std::uint64_t> decide_internal{0};
  // 1 once an event failed to apply: the sequencer refuses every command until a restart.
  std::atomic<std::int64_t> writer_stopped{0};
  std::atomic<std::int64_t> public_streams{0};        // open anonymous feed streams
  std::atomic<std::uint64_t> public_requests{0};      // requests under /public
  std::atomic<std::uint64_t> public_rate_limited{0};  // of them refused 429 (rate or streams)
  std::atomic<std::uint64_t> public_events{0};        // public feed batches broadcast
  // Cluster mode (docs/decisions/0322); rendered only when `cluster` is set.
  std::atomic<bool> cluster{false};
  std::atomic<std::uint64_t> cluster_stream_seq{0};  // the last stream message folded in
  std::atomic<std::int64_t> cluster_lag{0};          // stream messages not yet read
  std::atomic<std::int64_t> cluster_connected{0};    // 1 while the NATS connection is up
  std::atomic<std::uint64_t> cluster_conflicts{0};   // publishes that lost the race (10071)

  // Append latency: from append_async to the durable callback.
  void observe_append_latency(double seconds);
  void count_reject(const std::string& code);
  void count_close(int code);

  [[nodiscard]] std::string render() const;

 private:
  static constexpr std::array<double, 12> bounds_{0.0005, 0.001, 0.002, 0.005, 0.01, 0.02,
                                                  0.05,   0.1,   0.2,   0.5,   1.0,  5.0};
  std::array<std::atomic<std::uint64_t>, 13> buckets_{};  // last: +Inf
  std::atomic<std::uint64_t> latency_count_{0};
  std::atomic<std::uint64_t> latency_sum_us_{0};
  mutable std::mutex mu_;
  std::map<std::string, std::uint64_t> rejects_;  // GUARDED_BY(mu_)
  std::map<int, std::uint64_t> closes_;           // GUARDED_BY(mu_)
};

}  // namespace a4p::server
