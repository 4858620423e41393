// JetStream and KV over a nats::client: the calls a4pd's cluster mode needs (nats/README.md).
//  - streams: create (idempotent for an equal config), info;
//  - publish with a publish ack: de-duplication (Nats-Msg-Id) and optimistic concurrency
//    (Nats-Expected-Last-Sequence), the ack naming the stream seq;
//  - read one stored message by seq, or the last one on a subject (STREAM.MSG.GET);
//  - fetch a batch from an ephemeral pull consumer starting at a seq;
//  - KV buckets: create, put (returns the revision), get (nullopt when absent), delete, and watch
//  (every
//    current value, then every change, in order, across reconnects and server restarts).
// Every call answers once through its callback, on the client's strand.
//
// Thread safety: as nats::client.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "nats/client.hpp"

namespace a4p::nats {

// A JetStream API error: the API's code and err_code (e.g. 10071 wrong last sequence), or
// code 0 for a transport error ("timeout", "no responders", "closed").
struct js_error {
  int code = 0;
  int err_code = 0;
  std::string description;
};
template <class T>
using js_result = std::expected<T, js_error>;

struct pub_ack {
  std::string stream;
  std::uint64_t seq = 0;
  bool duplicate = false;
};

struct publish_options {
  std::string msg_id;                              // Nats-Msg-Id: de-duplication
  std::optional<std::uint64_t> expected_last_seq;  // Nats-Expected-Last-Sequence
};

// A message as the stream stores it.
struct stored_message {
  std::string subject;
  std::uint64_t seq = 0;
  nats::headers hdrs;
  std::string data;
};

// One value of a KV bucket as a watch delivers it: `revision` is its stream seq; `deleted` for a
// delete or purge marker.
struct kv_entry {
  std::string key;
  std::string value;
  std::uint64_t revision = 0;
  bool deleted = false;
  std::uint64_t pending = 0;  // the bucket's messages after this one when it was delivered
};

// The handle of a watch() or kv_watch(): stop() or destroy it to end the watch.
class watcher {
 public:
  struct state;
  explicit watcher(std::shared_ptr<state> s) : s_(std::move(s)) {}
  ~watcher() { stop(); }
  watcher(const watcher&) = delete;
  watcher& operator=(const watcher&) = delete;
  // No callback starts once the stop has run on the client's strand.
  void stop();

 private:
  std::shared_ptr<state> s_;
};
using kv_watcher = watcher;

struct watch_options {
  std::string filter_subject;  // empty: every subject of the stream
  std::uint64_t start_seq = 1;
  bool last_per_subject = false;  // start with the latest message of each subject instead
  // Also the longest a message waits after a server comes back.
  std::chrono::milliseconds idle_heartbeat{2000};
};

// Well-known err_code values of the JetStream API.
inline constexpr int err_wrong_last_sequence = 10071;
inline constexpr int err_no_message_found = 10037;
inline constexpr int err_stream_not_found = 10059;

class jetstream {
 public:
  explicit jetstream(client& c, std::chrono::milliseconds timeout = std::chrono::seconds(5))
      : c_(c), timeout_(timeout) {}

  // `config` as the STREAM.CREATE API takes it ({"name","subjects","storage","num_replicas",...}).
  void create_stream(const nlohmann::json& config,
                     std::function<void(js_result<nlohmann::json>)> done);
  void stream_info(const std::string& stream, std::function<void(js_result<nlohmann::json>)> done);
  void publish(const std::string& subject, const std::string& payload, const publish_options& o,
               std::function<void(js_result<pub_ack>)> done);
  void get_message(const std::string& stream, std::uint64_t seq,
                   std::function<void(js_result<stored_message>)> done);
  void last_message(const std::string& stream, const std::string& subject,
                    std::function<void(js_result<stored_message>)> done);
  // Up to `batch` messages of `stream` from `start_seq` on (an ephemeral pull consumer, acks
  // none), waiting at most `wait` for the first; fewer (or none) when the stream has no more.
  void fetch(const std::string& stream, std::uint64_t start_seq, std::size_t batch,
             std::chrono::milliseconds wait,
             std::function<void(js_result<std::vector<stored_message>>)> done);

  // Calls `on_message` (on the client's strand) with every message of `stream` from
  // o.start_seq on, each once and in stream order, with the count of messages after it at
  // that moment (`pending`), until the watcher is stopped or destroyed. An ordered push
  // consumer: flow control answered; made again from the seq after the last one delivered when
  // its idle heartbeats stop (the connection or the server was lost) or its consumer seq skips
  // one (a message dropped on the way).
  [[nodiscard]] std::shared_ptr<watcher> watch(
      const std::string& stream, const watch_options& o,
      std::function<void(const stored_message&, std::uint64_t pending)> on_message);

  // KV: a bucket is the stream KV_<bucket> on subjects $KV.<bucket>.>, one value per key.
  void kv_create(const std::string& bucket, int replicas,
                 std::function<void(js_result<nlohmann::json>)> done);
  void kv_put(const std::string& bucket, const std::string& key, const std::string& value,
              std::function<void(js_result<std::uint64_t>)> done);
  void kv_get(const std::string& bucket, const std::string& key,
              std::function<void(js_result<std::optional<std::string>>)> done);
  // A delete marker (KV-Operation: DEL): kv_get answers nullopt after it, a watch gets it as
  // `deleted`. Returns the marker's revision.
  void kv_delete(const std::string& bucket, const std::string& key,
                 std::function<void(js_result<std::uint64_t>)> done);
  // Calls `on_entry` (on the client's strand) with the bucket's current values (the latest of
  // each key), then with every change, each revision once and in order, until the watcher is
  // stopped or destroyed: a watch() of the bucket's stream from the latest value of each key.
  [[nodiscard]] std::shared_ptr<watcher> kv_watch(
      const std::string& bucket, std::function<void(const kv_entry&)> on_entry,
      std::chrono::milliseconds idle_heartbeat = std::chrono::seconds(2));

 private:
  friend struct watcher::state;
  void api(const std::string& subject, const std::string& body,
           std::function<void(js_result<nlohmann::json>)> done);
  void consumer_create(const std::string& stream, const nlohmann::json& request,
                       std::function<void(js_result<nlohmann::json>)> done);
  void consumer_delete(const std::string& stream, const std::string& consumer);
  void publish_with(const std::string& subject, const std::string& payload, const headers& h,
                    std::function<void(js_result<pub_ack>)> done);
  void msg_get(const std::string& stream, const std::string& body,
               std::function<void(js_result<stored_message>)> done);

  client& c_;
  std::chrono::milliseconds timeout_;
};

// Standard base64 (the JetStream API's encoding of stored data and headers); nullopt on bad input.
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view in);

}  // namespace a4p::nats
