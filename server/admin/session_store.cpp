#include "server/admin/session_store.hpp"

#include <openssl/rand.h>

#include <charconv>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "storage/event_log.hpp"

namespace a4p::server {

namespace {
std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string to_hex(const unsigned char* p, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  return out;
}

bool is_token_shaped(std::string_view t) {
  if (t.size() != 64) return false;
  for (char c : t)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}
}  // namespace

session_store::session_store(storage::event_log& log, std::chrono::seconds ttl)
    : log_(log), ttl_(ttl) {}

std::string session_store::hash_token(std::string_view token) {
  return storage::sha256_hex(token);
}

namespace {
constexpr std::string_view session_prefix = "session/";
constexpr std::string_view last_sign_in_prefix = "last_sign_in/";

// A stored session from its token hash and value; nullopt if the value is not one.
std::optional<login_session> parse_value(std::string_view token_hash, std::string_view value) {
  auto j = nlohmann::json::parse(value, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  login_session s;
  s.token_hash = std::string(token_hash);
  s.user = j.value("user", "");
  s.expires = j.value("expires", std::int64_t{0});
  return s;
}

// The same from its aux key.
std::optional<login_session> parse_session(std::string_view key, std::string_view value) {
  return parse_value(key.substr(session_prefix.size()), value);
}
}  // namespace

std::expected<std::size_t, std::string> session_store::revoke_user(storage::event_log& log,
                                                                   std::string_view user) {
  std::vector<std::string> keys;
  auto st = log.scan_aux(session_prefix, [&](std::string_view key, std::string_view value) {
    auto s = parse_session(key, value);
    if (s && s->user == user) keys.emplace_back(key);
    return true;
  });
  if (!st) return std::unexpected(st.error().message);
  for (const auto& k : keys)
    if (auto d = log.delete_aux(k); !d) return std::unexpected(d.error().message);
  return keys.size();
}

void session_store::load() {
  const auto now = now_seconds();
  std::vector<std::string> expired;
  std::lock_guard lock(mu_);
  auto st = log_.scan_aux(session_prefix, [&](std::string_view key, std::string_view value) {
    auto parsed = parse_session(key, value);
    if (!parsed) return true;
    login_session s = std::move(*parsed);
    if (s.expires <= now)
      expired.emplace_back(key);
    else
      by_hash_.emplace(s.token_hash, std::move(s));
    return true;
  });
  if (!st) spdlog::warn("sessions: scan failed: {}", st.error().message);
  for (const auto& k : expired) (void)log_.delete_aux(k);  // best effort: expiry is checked anyway
  spdlog::info("sessions: {} active", by_hash_.size());
}

std::optional<std::string> session_store::random_token() {
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1) return std::nullopt;
  return to_hex(raw, sizeof raw);
}

std::expected<std::string, std::string> session_store::create(const std::string& user) {
  auto fresh = random_token();
  if (!fresh) return std::unexpected("no randomness");
  std::string token = std::move(*fresh);
  login_session s{user, hash_token(token), now_seconds() + ttl_.count()};
  nlohmann::json j = {{"user", s.user}, {"expires", s.expires}};
  if (shared_.put) {
    if (!shared_.put(s.token_hash, j.dump()))
      return std::unexpected("the cluster's session bucket did not store it");
  } else if (auto st = log_.put_aux(std::string(session_prefix) + s.token_hash, j.dump()); !st) {
    return std::unexpected(st.error().message);
  }
  // Best effort: a missed record only makes the admin list older, never lets anyone in.
  if (auto st =
          log_.put_aux(std::string(last_sign_in_prefix) + user, std::to_string(now_seconds()));
      !st)
    spdlog::warn("sessions: last sign-in of {} not recorded: {}", user, st.error().message);
  std::lock_guard lock(mu_);
  by_hash_[s.token_hash] = std::move(s);
  return token;
}

std::optional<login_session> session_store::find(std::string_view token) const {
  if (!is_token_shaped(token)) return std::nullopt;
  const auto h = hash_token(token);
  std::lock_guard lock(mu_);
  auto it = by_hash_.find(h);
  if (it == by_hash_.end() || it->second.expires <= now_seconds()) return std::nullopt;
  return it->second;
}

bool session_store::valid_hash(const std::string& token_hash) const {
  std::lock_guard lock(mu_);
  auto it = by_hash_.find(token_hash);
  return it != by_hash_.end() && it->second.expires > now_seconds();
}

std::vector<std::string> session_store::sweep_expired() {
  const auto now = now_seconds();
  std::vector<std::string> gone;
  {
    std::lock_guard lock(mu_);
    for (auto it = by_hash_.begin(); it != by_hash_.end();) {
      if (it->second.expires <= now) {
        gone.push_back(it->first);
        it = by_hash_.erase(it);
      } else {
        ++it;
      }
    }
  }
  // Best effort: an expired session is refused by find() whether or not its key is gone.
  for (const auto& h : gone) drop_stored(h);
  return gone;
}

std::optional<std::string> session_store::remove(std::string_view token) {
  if (!is_token_shaped(token)) return std::nullopt;
  auto h = hash_token(token);
  {
    std::lock_guard lock(mu_);
    if (by_hash_.erase(h) == 0) return std::nullopt;
  }
  drop_stored(h);
  return h;
}

std::size_t session_store::remove_user(const std::string& user) {
  std::vector<std::string> gone;
  {
    std::lock_guard lock(mu_);
    for (auto it = by_hash_.begin(); it != by_hash_.end();) {
      if (it->second.user == user) {
        gone.push_back(it->first);
        it = by_hash_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& h : gone) drop_stored(h);
  return gone.size();
}

void session_store::drop_stored(const std::string& token_hash) {
  if (shared_.remove) return shared_.remove(token_hash);
  if (auto st = log_.delete_aux(std::string(session_prefix) + token_hash); !st)
    spdlog::warn("sessions: delete failed: {}", st.error().message);
}

void session_store::share(shared_store s) {
  shared_ = std::move(s);
}

void session_store::adopt(std::string_view token_hash, std::string_view value) {
  auto s = parse_value(token_hash, value);
  if (!s || s->user.empty()) return;
  std::lock_guard lock(mu_);
  by_hash_[s->token_hash] = std::move(*s);
}

bool session_store::forget(const std::string& token_hash) {
  std::lock_guard lock(mu_);
  return by_hash_.erase(token_hash) > 0;
}

std::unordered_map<std::string, std::size_t> session_store::counts() const {
  const auto now = now_seconds();
  std::unordered_map<std::string, std::size_t> out;
  std::lock_guard lock(mu_);
  for (const auto& [h, s] : by_hash_)
    if (s.expires > now) ++out[s.user];
  return out;
}

std::optional<std::int64_t> session_store::last_sign_in(std::string_view user) const {
  auto v = log_.get_aux(std::string(last_sign_in_prefix) + std::string(user));
  if (!v || !*v) return std::nullopt;
  std::int64_t t = 0;
  auto [p, ec] = std::from_chars((*v)->data(), (*v)->data() + (*v)->size(), t);
  if (ec != std::errc()) return std::nullopt;
  return t;
}

}  // namespace a4p::server
