// One JetStream KV bucket that every a4pd node of a cluster shares (docs/decisions/0327): made
// if missing, watched from its current values on, written with a quorum's acknowledgement.
//  - open(): makes the bucket (file storage, `replicas` copies; tried again for up to 30 s
//    while the servers do not answer), starts the watch and waits
//    until its current values have been delivered (or `limit` passed), so that a node serves
//    nothing before it knows them. Blocking.
//  - put(): blocks until JetStream has stored the value (a quorum) or the API timeout passed.
//  - put_later(), remove(): a value or a delete marker sent in the background, and sent again
//    every second until stored, for up to five minutes (a logout made while the quorum is lost
//    takes effect everywhere once it returns).
// Keys are NATS subject tokens: [-_=A-Za-z0-9/] (hex_key() makes one of any string).
//
// Thread safety: every method from any thread but the NATS client's own (put and open block
// on it); `on_entry` runs on the client's strand, one entry at a time, in revision order.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "nats/jetstream.hpp"

namespace a4p::server::cluster {

class kv_bucket {
 public:
  // REQUIRES: js outlives this object.
  kv_bucket(nats::jetstream& js, nats::client& c, std::string name);
  ~kv_bucket();
  kv_bucket(const kv_bucket&) = delete;
  kv_bucket& operator=(const kv_bucket&) = delete;

  [[nodiscard]] std::expected<void, std::string> open(
      int replicas, std::function<void(const nats::kv_entry&)> on_entry,
      std::chrono::milliseconds limit);
  [[nodiscard]] bool put(const std::string& key, const std::string& value);
  // Each attempt after the first only while `wanted()` (called on the client's strand) holds.
  void put_later(const std::string& key, const std::string& value, std::function<bool()> wanted);
  void remove(const std::string& key);
  // Ends the watch and the retries; no on_entry starts once its stop has run on the strand.
  void stop();

  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  nats::jetstream& js_;
  nats::client& c_;
  std::string name_;
  std::shared_ptr<nats::watcher> watch_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // read on the client's strand
};

// Any string as a KV key: its bytes in lower-case hex.
[[nodiscard]] std::string hex_key(std::string_view s);
// The string a hex_key() was made of; empty when `key` is not one.
[[nodiscard]] std::string from_hex_key(std::string_view key);

}  // namespace a4p::server::cluster
