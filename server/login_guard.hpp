// Sign-in throttling (issue 12 item 1): how often a username and a client address may fail a
// password check, and how much argon2 work sign-ins may queue.
//
// Failures are counted per username and per client address. The first `free` failures of a
// key cost nothing; each later one blocks the key for backoff * 2^(n - free - 1), capped at
// backoff_max; a blocked key gets 429 with Retry-After before any argon2 work is done, and a
// refused attempt does not count again. A key forgets its failures after `forget_after` without
// one; a correct password forgets the username's (not the address's: an attacker with one
// account must not wash its address clean). A username locked by someone else's guesses stays
// open to its owner again after at most backoff_max: the price of per-account throttling.
//
// submit() bounds and orders the argon2 work: at most `queue` checks queued or running in all,
// and at most `per_address` of them from one client address; over either bound the attempt
// gets 503 (queue) or 429 (address), with Retry-After, and no work. A check from a *suspect*
// address (one with recent failures, or with another check in flight; judged again when a
// thread frees) may use all threads but one and half the queue; the rest is kept for quiet
// addresses, whose checks also go first. Suspect checks wait round robin by address. So once a
// flood is under way, a sign-in from anywhere else starts at once instead of queueing behind it.
//
// Thread safety: every method may be called from any thread (mu_ guards the tables).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace boost::asio {
class thread_pool;
}

namespace a4p::server {

struct login_limits {
  std::size_t free_user_failures = 5;
  std::size_t free_address_failures = 20;
  std::chrono::milliseconds backoff{1000};
  std::chrono::milliseconds backoff_max{300'000};
  std::chrono::seconds forget_after{900};
  std::size_t queue = 16;          // argon2 checks queued or running, in all
  std::size_t per_address = 8;     // of them from one client address
  std::size_t threads = 2;         // of the pool the checks run on
  std::size_t max_keys = 100'000;  // remembered usernames and addresses; the oldest go first
};

class login_guard {
 public:
  using clock = std::chrono::steady_clock;
  enum class admission { ok, address_busy, queue_full };

  explicit login_guard(login_limits limits) : limits_(limits) {}

  // How long `user` from `address` must still wait; nullopt: it may try now.
  [[nodiscard]] std::optional<std::chrono::seconds> blocked(std::string_view user,
                                                            std::string_view address,
                                                            clock::time_point now) const;
  // A wrong password (or unknown user): counts for both keys.
  void failed(std::string_view user, std::string_view address, clock::time_point now);
  // A correct password: the username's failures are forgotten.
  void succeeded(std::string_view user);

  // Runs `check` (one argon2 verification and its answer) on `pool`, now or in its turn; on
  // anything but `ok` it is dropped unrun. REQUIRES: the same pool on every call, with
  // limits.threads threads, outliving every check.
  [[nodiscard]] admission submit(const std::string& address, boost::asio::thread_pool& pool,
                                 std::function<void()> check);

 private:
  struct record {
    std::size_t failures = 0;
    clock::time_point last{};
    clock::time_point until{};  // blocked before this
  };
  struct job {
    boost::asio::thread_pool* pool;
    std::function<void()> run;
  };
  // Posts `j` to its pool; when it has run, finished() gives its thread to the next waiting
  // check. REQUIRES: mu_ held.
  void start_locked(std::string address, job j);
  void finished(const std::string& address);
  // Threads suspect checks may use: all but one, when there is more than one.
  [[nodiscard]] std::size_t suspect_threads() const;
  // Whether `address` has recent failures, or more than `own` checks in flight.
  // REQUIRES: mu_ held.
  [[nodiscard]] bool suspect_locked(const std::string& address, std::size_t own) const;
  // REQUIRES: mu_ held.
  void wait_suspect_locked(const std::string& address, job j);
  // REQUIRES: mu_ held.
  void fail_locked(std::unordered_map<std::string, record>& table, std::string_view key,
                   std::size_t free, clock::time_point now);

  const login_limits limits_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, record> users_;             // GUARDED_BY(mu_)
  std::unordered_map<std::string, record> addresses_;         // GUARDED_BY(mu_)
  std::unordered_map<std::string, std::size_t> in_flight_;    // GUARDED_BY(mu_)
  std::size_t queued_ = 0;                                    // GUARDED_BY(mu_)
  std::size_t running_ = 0;                                   // GUARDED_BY(mu_)
  std::deque<std::pair<std::string, job>> quiet_;             // GUARDED_BY(mu_)
  std::unordered_map<std::string, std::deque<job>> waiting_;  // suspect; GUARDED_BY(mu_)
  std::deque<std::string> turns_;  // addresses in waiting_, next first; GUARDED_BY(mu_)
};

}  // namespace a4p::server
