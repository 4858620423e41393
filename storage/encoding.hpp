// Small, pure byte-level helpers of the storage module: big-endian seq keys, JSON string
// escaping exactly as nlohmann::json::dump() writes it, UTF-8 validation, RFC 3339 timestamps
// and random UUIDs. Internal to storage/ (the public API is event_log.hpp), but kept in its own
// header so that the tests can pin each rule down.
//
// Thread safety: every function is reentrant; none keeps state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/json_string.hpp"
#include "protocol/utf8.hpp"

namespace a4p::storage::encoding {

// The 8-byte big-endian key of `seq`, so that RocksDB's bytewise order is seq order.
[[nodiscard]] std::string seq_key(std::uint64_t seq);
// REQUIRES: nothing; returns nullopt unless `key` is exactly 8 bytes.
[[nodiscard]] std::optional<std::uint64_t> decode_seq_key(std::string_view key);

// UTF-8 validation: the one rule of the wire and storage formats, header-only in
// protocol/utf8.hpp (no link dependency on the protocol library).
using protocol::utf8_sequence_length;
using protocol::valid_utf8;

// A JSON string literal as nlohmann::json::dump() writes it: protocol/json_string.hpp (header-only,
// the escaping the light view's text shares).
using protocol::append_json_string;

// RFC 3339 UTC with milliseconds, "2026-11-27T21:59:14.123Z", of milliseconds since the epoch.
[[nodiscard]] std::string rfc3339_millis(std::int64_t unix_millis);

// The inverse of rfc3339_millis, for exactly that layout; nullopt for anything else.
[[nodiscard]] std::optional<std::int64_t> parse_rfc3339_millis(std::string_view ts);

// A random (version 4) UUID from OpenSSL's RAND_bytes, lowercase with dashes; nullopt when the
// random generator fails.
[[nodiscard]] std::optional<std::string> random_uuid();

}  // namespace a4p::storage::encoding
