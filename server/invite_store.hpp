// One-time links for invitations and password resets (issue 14): a random 256-bit token,
// shown once to the Secretariat caller and kept only as its SHA-256 (hex) under aux key
// "invite/<hash>" with the user, the purpose ("invite" or "reset"), the expiry and its state
// ("open", "used", "revoked"). Credentials never enter the event log. A used, revoked or
// expired record stays, so a second use gets a clear answer rather than "unknown".
//
// A new link for a user revokes that user's earlier open links; disabling the user revokes
// them all (sequencer::revoke_access).
//
// Thread safety: every method may be called from any thread (mu_ serialises the changes of
// records); redeem() holds mu_ while its callback runs, so a token is redeemed at most once.
// The callback may be slow (argon2id): call redeem() on the blocking pool.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace a4p::storage {
class event_log;
}

namespace a4p::server {

class invite_store {
 public:
  // REQUIRES: log outlives this object.
  invite_store(storage::event_log& log, std::chrono::seconds ttl);

  struct link {
    std::string token;         // 64 hex characters; returned once, never stored
    std::int64_t expires = 0;  // unix seconds
  };
  // Why a token cannot be used. code: link_unknown, link_used, link_expired, link_revoked, or
  // unavailable (storage).
  struct refusal {
    std::string code;
    std::string message;
  };

  // A new link for `user` ("invite" or "reset"); earlier open links of the user are revoked.
  [[nodiscard]] std::expected<link, std::string> create(const std::string& user,
                                                        std::string_view purpose);
  // The user an open, unexpired token belongs to (no change).
  [[nodiscard]] std::expected<std::string, refusal> peek(std::string_view token) const;
  // If the token is open and unexpired, runs use(user); when that returns no refusal, the
  // link is marked used (synced). Answers the user, or why not.
  [[nodiscard]] std::expected<std::string, refusal> redeem(
      std::string_view token, const std::function<std::optional<refusal>(const std::string&)>& use);
  // Revokes every open link of `user`; returns how many.
  std::size_t revoke_user(const std::string& user);

  [[nodiscard]] std::chrono::seconds ttl() const { return ttl_; }

 private:
  [[nodiscard]] std::expected<std::string, refusal> check(const std::string& key) const;
  std::size_t revoke_open(const std::string& user);  // REQUIRES: mu_ held

  storage::event_log& log_;
  std::chrono::seconds ttl_;
  mutable std::mutex mu_;  // serialises read-modify-write of the records
};

}  // namespace a4p::server
