// The UTF-8 rule of the wire and storage formats (PROTOCOL.md: "valid UTF-8 only"): well-formed
// sequences, no overlongs, no surrogates, nothing past U+10FFFF.
//
// Header-only and dependency-free so that storage/ (which must not link the protocol library)
// and protocol/ check strings by one rule: storage/encoding.hpp, protocol/json_codec.hpp and
// the JSON reader all call these.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace a4p::protocol {

// The length (2 to 4) of the well-formed multi-byte UTF-8 sequence that starts at `p`, or 0
// when it is not one (bad lead or continuation byte, truncated, overlong, surrogate, past
// U+10FFFF). REQUIRES: p < end and *p >= 0x80.
[[nodiscard]] inline std::size_t utf8_sequence_length(const unsigned char* p,
                                                      const unsigned char* end) noexcept {
  const unsigned char c = *p;
  int n = 0;
  std::uint32_t cp = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 1;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 2;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 3;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (end - p <= n) return 0;
  for (int i = 1; i <= n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)) return 0;
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return static_cast<std::size_t>(n + 1);
}

// True when `s` is well-formed UTF-8.
[[nodiscard]] inline bool valid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    const std::size_t n = utf8_sequence_length(p, end);
    if (n == 0) return false;
    p += n;
  }
  return true;
}

}  // namespace a4p::protocol
