#include "server/invite_store.hpp"

#include <vector>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "server/admin/session_store.hpp"
#include "storage/event_log.hpp"

namespace a4p::server {

namespace {

constexpr std::string_view invite_prefix = "invite/";

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool hex64(std::string_view t) {
  if (t.size() != 64) return false;
  for (char c : t)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string key_of(std::string_view token) {
  return std::string(invite_prefix) + session_store::hash_token(token);
}

invite_store::refusal unavailable(const std::string& why) {
  spdlog::warn("invites: {}", why);
  return {"unavailable", "the link cannot be checked now; try again later"};
}

}  // namespace

invite_store::invite_store(storage::event_log& log, std::chrono::seconds ttl)
    : log_(log), ttl_(ttl) {}

std::expected<invite_store::link, std::string> invite_store::create(const std::string& user,
                                                                    std::string_view purpose) {
  auto token = session_store::random_token();
  if (!token) return std::unexpected("no randomness");
  link out{std::move(*token), now_seconds() + ttl_.count()};
  nlohmann::json j = {
      {"user", user}, {"purpose", purpose}, {"expires", out.expires}, {"state", "open"}};
  std::lock_guard lock(mu_);
  revoke_open(user);
  if (auto st = log_.put_aux(key_of(out.token), j.dump()); !st)
    return std::unexpected(st.error().message);
  return out;
}

std::expected<std::string, invite_store::refusal> invite_store::check(
    const std::string& key) const {
  auto v = log_.get_aux(key);
  if (!v) return std::unexpected(unavailable(v.error().message));
  if (!*v) return std::unexpected(refusal{"link_unknown", "this link is not valid"});
  auto j = nlohmann::json::parse(**v, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::unexpected(unavailable("bad record " + key));
  const std::string state = j.value("state", "");
  if (state == "used")
    return std::unexpected(refusal{"link_used", "this link has been used already"});
  if (state == "revoked")
    return std::unexpected(
        refusal{"link_revoked", "this link was withdrawn; ask the Secretariat for a new one"});
  if (j.value("expires", std::int64_t{0}) <= now_seconds())
    return std::unexpected(
        refusal{"link_expired", "this link has expired; ask the Secretariat for a new one"});
  return j.value("user", "");
}

std::expected<std::string, invite_store::refusal> invite_store::peek(std::string_view token) const {
  if (!hex64(token)) return std::unexpected(refusal{"link_unknown", "this link is not valid"});
  return check(key_of(token));
}

std::expected<std::string, invite_store::refusal> invite_store::redeem(
    std::string_view token, const std::function<std::optional<refusal>(const std::string&)>& use) {
  if (!hex64(token)) return std::unexpected(refusal{"link_unknown", "this link is not valid"});
  const auto key = key_of(token);
  std::lock_guard lock(mu_);
  auto user = check(key);
  if (!user) return user;
  if (auto no = use(*user)) return std::unexpected(std::move(*no));
  auto v = log_.get_aux(key);
  if (!v || !*v) return std::unexpected(unavailable("record vanished: " + key));
  auto j = nlohmann::json::parse(**v, nullptr, false);
  j["state"] = "used";
  if (auto st = log_.put_aux(key, j.dump()); !st)
    return std::unexpected(unavailable(st.error().message));
  return user;
}

std::size_t invite_store::revoke_user(const std::string& user) {
  std::lock_guard lock(mu_);
  return revoke_open(user);
}

std::size_t invite_store::revoke_open(const std::string& user) {
  std::vector<std::pair<std::string, nlohmann::json>> open;
  auto st = log_.scan_aux(invite_prefix, [&](std::string_view key, std::string_view value) {
    auto j = nlohmann::json::parse(value, nullptr, false);
    if (j.is_object() && j.value("user", "") == user && j.value("state", "") == "open")
      open.emplace_back(std::string(key), std::move(j));
    return true;
  });
  if (!st) spdlog::warn("invites: scan failed: {}", st.error().message);
  for (auto& [key, j] : open) {
    j["state"] = "revoked";
    if (auto w = log_.put_aux(key, j.dump()); !w)
      spdlog::warn("invites: revoking {} failed: {}", key, w.error().message);
  }
  return open.size();
}

}  // namespace a4p::server
