// One a4pd node's link to the cluster's log of record (docs/decisions/0313, 0322): a NATS
// connection on a thread of its own, the stream A4P_LOG (created if missing: file storage,
// three replicas, deletes and purges denied), and the local RocksDB log kept as a verified
// replica of it.
//  - open(): connects, makes sure the stream exists, catches the local log up to the stream's
//    head (replica.hpp), and on an empty stream publishes the genesis (one node wins it, by
//    the expected last sequence 0; the others read it back). Blocking, before a4pd listens.
//  - follow(): from then on every message of the stream, in order, from the local stream seq
//    on (an ordered push consumer), is appended to the local log by one applier thread
//    (event_log::append_stored checks seq, chain, data hash and form) and handed to `on_applied`
//    with its events: one path for the node's own messages and the others'.
//  - publish(): one message with Nats-Expected-Last-Sequence and Nats-Msg-Id, the answer on
//    the NATS client's thread.
//
// Thread safety: publish() and the accessors from any thread; open() then follow(), once, from
// one thread. `on_applied` runs on the applier thread, one message at a time, in stream order.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "nats/blocking.hpp"
#include "nats/jetstream.hpp"
#include "server/cluster/log_message.hpp"
#include "server/cluster/replica.hpp"
#include "storage/event_log.hpp"

namespace a4p::server::cluster {

struct node_options {
  std::vector<std::string> urls;  // nats://host:port, one or more servers of the cluster
  std::string name;               // this node's name (--node), in logs and the NATS connection
  int replicas = 3;               // of the stream, when this node creates it
  std::chrono::milliseconds publish_timeout{2000};
};

class node {
 public:
  explicit node(node_options o);
  ~node();
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  // Returns the stream seq the local log has reached; an error says what failed.
  // `genesis`: the events a new cluster starts with (published only on an empty stream).
  [[nodiscard]] std::expected<std::uint64_t, std::string> open(
      storage::event_log& log, std::vector<storage::new_event> genesis);
  void follow(std::function<void(applied)> on_applied);
  // Stops the watch and the applier (on_applied is not called after it returns).
  void stop();

  void publish(const log_message& m, const std::string& msg_id, std::uint64_t expected_last_seq,
               std::function<void(nats::js_result<nats::pub_ack>)> done);

  [[nodiscard]] std::uint64_t stream_seq() const { return stream_seq_.load(); }
  // Messages in the stream after the last one this node has read (the watch's `pending`).
  [[nodiscard]] std::uint64_t lag() const { return lag_.load(); }
  [[nodiscard]] bool connected() { return (*client_)->connected(); }
  [[nodiscard]] const std::string& name() const { return o_.name; }
  // The node's NATS connection and JetStream API (the shared buckets use them). After open().
  [[nodiscard]] nats::jetstream& js() { return *js_; }
  [[nodiscard]] nats::client& client() { return **client_; }
  // The failure that stopped the applier (a message that does not follow the local log);
  // empty while it runs.
  [[nodiscard]] std::string failure() const;

 private:
  void apply_loop();

  node_options o_;
  storage::event_log* log_ = nullptr;
  std::unique_ptr<nats::threaded_client> client_;
  std::unique_ptr<nats::jetstream> js_;
  std::shared_ptr<nats::watcher> watch_;
  std::function<void(applied)> on_applied_;
  std::atomic<std::uint64_t> stream_seq_{0};
  std::atomic<std::uint64_t> lag_{0};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  // Delivered, not yet applied: each with the count after it at delivery. GUARDED_BY(mu_)
  std::deque<std::pair<nats::stored_message, std::uint64_t>> queue_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::string failure_;    // GUARDED_BY(mu_)
  std::thread applier_;
};

}  // namespace a4p::server::cluster
