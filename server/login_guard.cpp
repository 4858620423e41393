#include "server/login_guard.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

namespace a4p::server {

namespace {

using std::chrono::duration_cast;
using std::chrono::seconds;

// Whole seconds, rounded up: Retry-After has no fractions, and 0 would invite a retry too soon.
seconds ceil_seconds(login_guard::clock::duration d) {
  auto s = std::chrono::ceil<seconds>(d);
  return std::max(s, seconds(1));
}

}  // namespace

std::optional<seconds> login_guard::blocked(std::string_view user, std::string_view address,
                                            clock::time_point now) const {
  std::lock_guard lock(mu_);
  clock::time_point until{};
  for (const auto* table : {&users_, &addresses_}) {
    const auto key = table == &users_ ? user : address;
    auto it = table->find(std::string(key));
    if (it != table->end()) until = std::max(until, it->second.until);
  }
  if (until <= now) return std::nullopt;
  return ceil_seconds(until - now);
}

void login_guard::fail_locked(std::unordered_map<std::string, record>& table, std::string_view key,
                              std::size_t free, clock::time_point now) {
  if (table.size() >= limits_.max_keys) {
    // Forget what has expired; if that is not enough, everything not blocked right now.
    std::erase_if(table, [&](const auto& kv) {
      return kv.second.until <= now && now - kv.second.last >= limits_.forget_after;
    });
    if (table.size() >= limits_.max_keys)
      std::erase_if(table, [&](const auto& kv) { return kv.second.until <= now; });
  }
  auto& r = table[std::string(key)];
  if (r.failures > 0 && now - r.last >= limits_.forget_after) r = record{};
  ++r.failures;
  r.last = now;
  if (r.failures <= free) return;
  // backoff * 2^(n - free - 1), capped (the shift is bounded so it cannot overflow).
  const auto doublings = std::min<std::size_t>(r.failures - free - 1, 30);
  auto wait = limits_.backoff * (std::int64_t{1} << doublings);
  wait = std::min(wait, limits_.backoff_max);
  r.until = now + wait;
}

void login_guard::failed(std::string_view user, std::string_view address, clock::time_point now) {
  std::lock_guard lock(mu_);
  fail_locked(users_, user, limits_.free_user_failures, now);
  fail_locked(addresses_, address, limits_.free_address_failures, now);
}

void login_guard::succeeded(std::string_view user) {
  std::lock_guard lock(mu_);
  users_.erase(std::string(user));
}

std::size_t login_guard::suspect_threads() const {
  return limits_.threads > 1 ? limits_.threads - 1 : 1;
}

bool login_guard::suspect_locked(const std::string& address, std::size_t own) const {
  auto mine = in_flight_.find(address);
  if (mine != in_flight_.end() && mine->second > own) return true;
  auto failures = addresses_.find(address);
  return failures != addresses_.end() && failures->second.failures > 0 &&
         clock::now() - failures->second.last < limits_.forget_after;
}

void login_guard::wait_suspect_locked(const std::string& address, job j) {
  auto& q = waiting_[address];
  if (q.empty()) turns_.push_back(address);
  q.push_back(std::move(j));
}

login_guard::admission login_guard::submit(const std::string& address,
                                           boost::asio::thread_pool& pool,
                                           std::function<void()> check) {
  std::lock_guard lock(mu_);
  if (queued_ >= limits_.queue) return admission::queue_full;
  auto& mine = in_flight_[address];
  if (mine >= limits_.per_address) return admission::address_busy;
  const bool suspect = suspect_locked(address, 0);
  // Suspect checks may fill half the queue: the rest stays open to quiet addresses.
  if (suspect && queued_ >= limits_.queue / 2) return admission::queue_full;
  ++mine;
  ++queued_;
  job j{&pool, std::move(check)};
  if (running_ < (suspect ? suspect_threads() : limits_.threads))
    start_locked(address, std::move(j));
  else if (suspect)
    wait_suspect_locked(address, std::move(j));
  else
    quiet_.emplace_back(address, std::move(j));
  return admission::ok;
}

void login_guard::start_locked(std::string address, job j) {
  ++running_;
  // A post to a thread_pool never runs the handler inline, so mu_ is not held by it.
  boost::asio::post(*j.pool, [this, address = std::move(address), run = std::move(j.run)] {
    run();
    finished(address);
  });
}

void login_guard::finished(const std::string& address) {
  std::lock_guard lock(mu_);
  --running_;
  --queued_;
  if (auto it = in_flight_.find(address); it != in_flight_.end() && --it->second == 0)
    in_flight_.erase(it);
  // The first waiting check whose address is still quiet; those that have become suspect
  // meanwhile (their first check failed, or more came) join the suspect turns.
  while (!quiet_.empty()) {
    auto [next, j] = std::move(quiet_.front());
    quiet_.pop_front();
    if (!suspect_locked(next, 1)) return start_locked(std::move(next), std::move(j));
    wait_suspect_locked(next, std::move(j));
  }
  if (turns_.empty() || running_ >= suspect_threads()) return;  // the kept thread idles
  // The next suspect address in turn; it goes to the back if it has more waiting.
  std::string next = std::move(turns_.front());
  turns_.pop_front();
  auto it = waiting_.find(next);
  job j = std::move(it->second.front());
  it->second.pop_front();
  if (it->second.empty())
    waiting_.erase(it);
  else
    turns_.push_back(next);
  start_locked(std::move(next), std::move(j));
}

}  // namespace a4p::server
