#include "server/cluster/kv_bucket.hpp"

#include <future>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "nats/blocking.hpp"

namespace a4p::server::cluster {

namespace {

using namespace std::chrono_literals;

constexpr int attempts = 300;  // one a second: five minutes without a quorum

// One write to a bucket: it calls back with the error, empty when stored.
using kv_write = std::function<void(std::function<void(std::string error)>)>;

// Sends `write`, and again a second after each failure while `alive` and `wanted()`.
void keep_sending(nats::client* c, std::string what, kv_write write, std::function<bool()> wanted,
                  std::shared_ptr<bool> alive, int attempt) {
  // The first attempt is the caller's; each one after it only while still wanted.
  if (!*alive || (attempt > 0 && wanted && !wanted())) return;
  write([c, what, write, wanted, alive, attempt](std::string error) {
    if (error.empty() || !*alive) return;
    if (attempt + 1 >= attempts) {
      spdlog::error("cluster: {} not stored after {} attempts: {}", what, attempts, error);
      return;
    }
    c->after(1s, [c, what, write, wanted, alive, attempt] {
      keep_sending(c, what, write, wanted, alive, attempt + 1);
    });
  });
}

}  // namespace

kv_bucket::kv_bucket(nats::jetstream& js, nats::client& c, std::string name)
    : js_(js), c_(c), name_(std::move(name)) {}

kv_bucket::~kv_bucket() {
  stop();
}

std::expected<void, std::string> kv_bucket::open(
    int replicas, std::function<void(const nats::kv_entry&)> on_entry,
    std::chrono::milliseconds limit) {
  // A server that has just restarted, or a stream leader being elected, answers late: tried
  // again for up to 30 s, as node::open does for the stream.
  nats::js_result<nlohmann::json> made = std::unexpected(nats::js_error{});
  for (int attempt = 0;; ++attempt) {
    made = nats::await<nats::js_result<nlohmann::json>>(
        [&](auto cb) { js_.kv_create(name_, replicas, std::move(cb)); });
    if (made) break;
    // Made before with another config (an older a4pd): use it as it is.
    auto info = nats::await<nats::js_result<nlohmann::json>>(
        [&](auto cb) { js_.stream_info("KV_" + name_, std::move(cb)); });
    if (info) {
      made = std::move(info);
      break;
    }
    if (attempt == 60) return std::unexpected("bucket " + name_ + ": " + made.error().description);
    spdlog::info("cluster: bucket {} not ready yet: {}", name_, made.error().description);
    std::this_thread::sleep_for(500ms);
  }
  const bool empty = (*made)["state"].value("messages", std::uint64_t{0}) == 0;
  struct sync {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
  };
  auto synced = std::make_shared<sync>();
  synced->done = empty;
  watch_ = js_.kv_watch(name_, [synced, on_entry = std::move(on_entry)](const nats::kv_entry& e) {
    on_entry(e);
    if (e.pending != 0) return;
    {
      std::lock_guard lk(synced->mu);
      synced->done = true;
    }
    synced->cv.notify_all();
  });
  std::unique_lock lk(synced->mu);
  if (!synced->cv.wait_for(lk, limit, [&] { return synced->done; }))
    return std::unexpected("bucket " + name_ + ": its current values did not come within " +
                           std::to_string(limit.count()) + " ms");
  return {};
}

bool kv_bucket::put(const std::string& key, const std::string& value) {
  auto r = nats::await<nats::js_result<std::uint64_t>>(
      [&](auto cb) { js_.kv_put(name_, key, value, std::move(cb)); });
  if (!r) spdlog::warn("cluster: {} {} not stored: {}", name_, key, r.error().description);
  return r.has_value();
}

void kv_bucket::put_later(const std::string& key, const std::string& value,
                          std::function<bool()> wanted) {
  keep_sending(
      &c_, name_ + " " + key,
      [js = &js_, bucket = name_, key, value](std::function<void(std::string)> done) {
        js->kv_put(bucket, key, value, [done](nats::js_result<std::uint64_t> r) {
          done(r ? std::string() : r.error().description);
        });
      },
      std::move(wanted), alive_, 0);
}

void kv_bucket::remove(const std::string& key) {
  keep_sending(
      &c_, name_ + " " + key + " (delete)",
      [js = &js_, bucket = name_, key](std::function<void(std::string)> done) {
        js->kv_delete(bucket, key, [done](nats::js_result<std::uint64_t> r) {
          done(r ? std::string() : r.error().description);
        });
      },
      nullptr, alive_, 0);
}

void kv_bucket::stop() {
  if (watch_) watch_->stop();
  watch_.reset();
  c_.after(0ms, [alive = alive_] { *alive = false; });
}

std::string hex_key(std::string_view s) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 2);
  for (unsigned char ch : s) {
    out.push_back(digits[ch >> 4]);
    out.push_back(digits[ch & 15]);
  }
  return out;
}

std::string from_hex_key(std::string_view key) {
  if (key.size() % 2 != 0) return {};
  auto nibble = [](char ch) -> int {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    return -1;
  };
  std::string out;
  out.reserve(key.size() / 2);
  for (std::size_t i = 0; i < key.size(); i += 2) {
    const int hi = nibble(key[i]), lo = nibble(key[i + 1]);
    if (hi < 0 || lo < 0) return {};
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

}  // namespace a4p::server::cluster
