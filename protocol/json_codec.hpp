// Parsing untrusted JSON text, and the canonical JSON used for hashing.
//
// parse_untrusted() is the only way text from outside (WebSocket frames, HTTP bodies, stored
// events) becomes a nlohmann::json in this code base. It never throws. It rejects, with a
// message naming the problem: text over max_bytes, invalid UTF-8 (also inside strings),
// nesting deeper than max_depth, any floating-point number (a number written with '.', 'e'
// or 'E'), any integer outside the int64 range, a key repeated in one object, and trailing
// garbage. PROTOCOL.md: integers only.
//
// canonical() is PROTOCOL.md section 6's canonical JSON: keys sorted, no whitespace, UTF-8 as
// is, '/' not escaped (nlohmann's dump()).
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "protocol/result.hpp"
#include "protocol/utf8.hpp"  // valid_utf8

namespace a4p::protocol {

struct parse_limits {
  std::size_t max_bytes = 64 * 1024;  // the client frame bound of PROTOCOL.md section 2
  std::size_t max_depth = 32;         // objects and arrays nested deeper are refused
};

// Never throws. error.code is "bad_request" (or "too_large" when over max_bytes).
[[nodiscard]] result<nlohmann::json> parse_untrusted(std::string_view text,
                                                     const parse_limits& limits = {});

// Canonical JSON text of `value` (= value.dump()).
// REQUIRES: value holds valid UTF-8 strings (everything parse_untrusted returns does).
[[nodiscard]] std::string canonical(const nlohmann::json& value);

}  // namespace a4p::protocol
