// Signed checkpoints (docs/audit.md): a4pd signs {epoch, seq, hash, time} of its log's head
// with an Ed25519 key (libsodium) and appends the result as an `audit.checkpoint` event; anyone
// holding the public key can later prove that an export extends each checkpointed head, which
// a history rewritten whole, with a recomputed chain, cannot.
//
// Key files (text, one line of lowercase hex): the secret file holds the 32-byte Ed25519 seed,
// the public file the 32-byte public key. The key's fingerprint is the lowercase hex SHA-256
// of the 32 public key bytes.
//
// The signed statement is the canonical JSON {"epoch","hash","seq","time"}; the event data is
// the statement plus "key" (the fingerprint) and "signature" (128 hex chars, detached).
//
// Thread safety: a checkpoint_signer is immutable after load(); the free functions are pure.
#pragma once

#include <array>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace a4p::server {

inline constexpr std::string_view checkpoint_event = "audit.checkpoint";
// a4pd's index of its checkpoints in the log's aux space: key prefix + 20-digit event seq ->
// the event's data plus "event_seq".
inline constexpr std::string_view checkpoint_index_prefix = "checkpoint/";
[[nodiscard]] std::string checkpoint_index_key(std::uint64_t event_seq);

// The canonical JSON bytes that are signed.
[[nodiscard]] std::string checkpoint_statement(std::string_view epoch, std::uint64_t seq,
                                               std::string_view hash, std::string_view time);
// sha256 hex of the raw public key bytes.
[[nodiscard]] std::string key_fingerprint(const std::array<unsigned char, 32>& public_key);

class checkpoint_signer {
 public:
  // Reads a secret key file (64 hex chars: the seed).
  [[nodiscard]] static std::expected<checkpoint_signer, std::string> load(const std::string& path);
  [[nodiscard]] std::string public_key_hex() const;
  [[nodiscard]] const std::string& fingerprint() const { return fingerprint_; }
  // The checkpoint event's data: the statement plus "key" and "signature".
  [[nodiscard]] nlohmann::json sign(std::string_view epoch, std::uint64_t seq,
                                    std::string_view hash, std::string_view time) const;

 private:
  std::array<unsigned char, 64> secret_{};  // libsodium's form: seed || public key
  std::array<unsigned char, 32> public_{};
  std::string fingerprint_;
};

// A new key pair: `prefix`.key (the seed, mode 0600, must not exist) and `prefix`.pub. Returns
// the fingerprint.
[[nodiscard]] std::expected<std::string, std::string> generate_key_files(const std::string& prefix);

// A public key file's 32 bytes.
[[nodiscard]] std::expected<std::array<unsigned char, 32>, std::string> read_public_key(
    const std::string& path);

// Checkpoints from a file: the body of GET /api/audit/checkpoints ({"checkpoints":[...]}), or
// JSON Lines of checkpoint data objects or of audit.checkpoint events (an older export).
[[nodiscard]] std::expected<std::vector<nlohmann::json>, std::string> read_checkpoints(
    const std::string& path);

// Checks one checkpoint's signature against the keys: "" when it is valid, else the problem.
[[nodiscard]] std::string check_checkpoint_signature(
    const nlohmann::json& checkpoint, const std::vector<std::array<unsigned char, 32>>& keys);

// The current time as the log stamps it: "2026-11-27T21:59:14.123Z".
[[nodiscard]] std::string utc_now_rfc3339();

}  // namespace a4p::server
