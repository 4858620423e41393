// A one-pass, allocation-light check that a byte string is exactly the canonical JSON of an
// object (PROTOCOL.md section 6): what nlohmann::json::dump() writes for the value it parses
// to - keys sorted and unique, no whitespace, strings escaped only where dump() escapes them
// (\" \\ \b \f \n \r \t and \u00xx for other control characters, lowercase hex), UTF-8 as is,
// `/` not escaped, and integers only (no fraction, no exponent, no -0, within int64/uint64).
// The append path calls it for every event's data instead of parsing and re-dumping;
// tests/storage checks it against nlohmann on random documents and random mutations of them.
//
// Thread safety: pure function.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace a4p::storage {

// Nesting deeper than this is refused (the parse would otherwise recurse without bound).
inline constexpr int canonical_json_max_depth = 256;

// True when `s` is the canonical JSON of an object, with integers only.
[[nodiscard]] bool is_canonical_json_object(std::string_view s);

// The length of the canonical JSON object (integers only) that `s` starts with; 0 when it does
// not start with one. For decoding stored events without building a DOM.
[[nodiscard]] std::size_t canonical_json_object_length(std::string_view s);

// Decodes the canonical JSON string literal that `s` starts with (at its opening quote) into
// `out` (replacing its content); returns the literal's length, or 0 when it is not one.
[[nodiscard]] std::size_t canonical_json_string(std::string_view s, std::string& out);

}  // namespace a4p::storage
