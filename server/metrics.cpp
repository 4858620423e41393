#include "server/metrics.hpp"

#include <cstdio>

namespace a4p::server {

void metrics::observe_append_latency(double seconds) {
  std::size_t i = 0;
  while (i < bounds_.size() && seconds > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  latency_count_.fetch_add(1, std::memory_order_relaxed);
  latency_sum_us_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void metrics::count_reject(const std::string& code) {
  std::lock_guard lock(mu_);
  ++rejects_[code];
}

void metrics::count_close(int code) {
  std::lock_guard lock(mu_);
  ++closes_[code];
}

namespace {
void line(std::string& out, const char* name, const char* help, const char* type, double v) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  out += name;
  out += ' ';
  out += buf;
  out += '\n';
}
}  // namespace

std::string metrics::render() const {
  std::string out;
  auto ld = [](const auto& a) { return static_cast<double>(a.load(std::memory_order_relaxed)); };
  line(out, "a4p_connections_http", "TCP connections speaking HTTP.", "gauge",
       ld(connections_http));
  line(out, "a4p_connections_websocket", "Open WebSocket sessions.", "gauge", ld(connections_ws));
  line(out, "a4p_connections_accepted_total", "Accepted TCP connections.", "counter",
       ld(connections_accepted));
  line(out, "a4p_connections_refused_total", "Connections refused over a limit.", "counter",
       ld(connections_refused));
  line(out, "a4p_http_requests_total", "HTTP requests served.", "counter", ld(http_requests));
  line(out, "a4p_commands_received_total", "Commands received.", "counter", ld(commands_received));
  line(out, "a4p_events_appended_total", "Events made durable by this process.", "counter",
       ld(events_appended));
  line(out, "a4p_events_delivered_total", "Event messages queued to clients.", "counter",
       ld(events_delivered));
  line(out, "a4p_frames_sent_total", "WebSocket frames written.", "counter", ld(frames_sent));
  line(out, "a4p_send_queue_bytes", "Unsent bytes queued over all sessions.", "gauge",
       ld(send_queue_bytes));
  line(out, "a4p_welcome_snapshot_bytes",
       "Of them, welcome snapshots (bounded by --max-snapshot-bytes).", "gauge",
       ld(snapshot_bytes));
  line(out, "a4p_sequencer_pending", "Commands appended and not yet durable.", "gauge",
       ld(sequencer_pending));
  line(out, "a4p_slow_consumer_closes_total", "Sessions closed with 4008.", "counter",
       ld(slow_closes));
  line(out, "a4p_full_snapshots_refused_total",
       "Whole-state snapshots refused over --max-full-snapshot-bytes (told to page).", "counter",
       ld(full_snapshots_refused));
  line(out, "a4p_past_states_built_total",
       "Past states built for ?at reads (snapshot plus replay).", "counter", ld(past_states_built));
  line(out, "a4p_past_states_reused_total",
       "Past states of ?at reads found kept (--past-state-cache-bytes).", "counter",
       ld(past_states_reused));
  line(out, "a4p_kept_states", "States kept at every K events for ?at reads (--kept-state-every).",
       "gauge", ld(kept_states));
  line(out, "a4p_kept_state_bytes", "Their memory, estimated (--kept-state-bytes).", "gauge",
       ld(kept_state_bytes));
  line(out, "a4p_kept_state_seq", "The newest kept state's seq.", "gauge", ld(kept_state_seq));
  line(out, "a4p_kept_states_building", "1 while the kept states are being extended.", "gauge",
       ld(kept_states_building));
  line(out, "a4p_append_failures_total", "Appends the log refused.", "counter",
       ld(append_failures));
  line(out, "a4p_snapshots_rejected_total",
       "Stored snapshots not used because they failed their check (seq, chain hash, digest).",
       "counter", ld(snapshots_rejected));
  line(out, "a4p_decide_internal_total", "Commands decide() failed on with an internal error.",
       "counter", ld(decide_internal));
  line(out, "a4p_writer_stopped", "1 once an event failed to apply; a restart is needed.", "gauge",
       ld(writer_stopped));
  line(out, "a4p_public_streams", "Open anonymous public feed streams.", "gauge",
       ld(public_streams));
  line(out, "a4p_public_requests_total", "Requests under /public.", "counter", ld(public_requests));
  line(out, "a4p_public_rate_limited_total", "Public requests and streams refused (429).",
       "counter", ld(public_rate_limited));
  line(out, "a4p_public_feed_batches_total", "Batches of public projections broadcast.", "counter",
       ld(public_events));
  if (cluster.load()) {
    line(out, "a4p_cluster_stream_seq", "The last message of the cluster's stream folded in.",
         "gauge", ld(cluster_stream_seq));
    line(out, "a4p_cluster_lag_messages", "Messages of the cluster's stream not yet read here.",
         "gauge", ld(cluster_lag));
    line(out, "a4p_cluster_connected", "1 while this node's NATS connection is up.", "gauge",
         ld(cluster_connected));
    line(out, "a4p_cluster_conflicts_total",
         "Publishes that lost the race to another node (decided again).", "counter",
         ld(cluster_conflicts));
  }

  out +=
      "# HELP a4p_append_latency_seconds From append to durable callback.\n"
      "# TYPE a4p_append_latency_seconds histogram\n";
  std::uint64_t cum = 0;
  char buf[128];
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    cum += buckets_[i].load(std::memory_order_relaxed);
    if (i < bounds_.size())
      std::snprintf(buf, sizeof buf, "a4p_append_latency_seconds_bucket{le=\"%g\"} %llu\n",
                    bounds_[i], static_cast<unsigned long long>(cum));
    else
      std::snprintf(buf, sizeof buf, "a4p_append_latency_seconds_bucket{le=\"+Inf\"} %llu\n",
                    static_cast<unsigned long long>(cum));
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "a4p_append_latency_seconds_sum %.6f\n",
                static_cast<double>(latency_sum_us_.load()) / 1e6);
  out += buf;
  std::snprintf(buf, sizeof buf, "a4p_append_latency_seconds_count %llu\n",
                static_cast<unsigned long long>(latency_count_.load()));
  out += buf;

  std::lock_guard lock(mu_);
  out +=
      "# HELP a4p_rejects_total Commands rejected, by code.\n"
      "# TYPE a4p_rejects_total counter\n";
  for (const auto& [code, n] : rejects_) {
    std::snprintf(buf, sizeof buf, "a4p_rejects_total{code=\"%s\"} %llu\n", code.c_str(),
                  static_cast<unsigned long long>(n));
    out += buf;
  }
  out +=
      "# HELP a4p_websocket_closes_total WebSocket closes sent by the server, by code.\n"
      "# TYPE a4p_websocket_closes_total counter\n";
  for (const auto& [code, n] : closes_) {
    std::snprintf(buf, sizeof buf, "a4p_websocket_closes_total{code=\"%d\"} %llu\n", code,
                  static_cast<unsigned long long>(n));
    out += buf;
  }
  return out;
}

}  // namespace a4p::server
