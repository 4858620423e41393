// A string as a JSON string literal, byte for byte as nlohmann::json::dump() writes it.
//
// Header-only and dependency-free, like utf8.hpp, so that storage/ (which must not link the
// protocol library: its canonical event JSON, storage/encoding.hpp) and protocol/ (the light
// view written as text, light_text.hpp) escape by one rule.
//
// Thread safety: a pure function.
#pragma once

#include <string>
#include <string_view>

namespace a4p::protocol {

// Appends `s` with its quotes: `"` and `\` escaped, \b \f \n \r \t, other control characters as
// \u00xx (lowercase hex), everything else (including `/` and non-ASCII UTF-8) as is.
// REQUIRES: valid_utf8(s).
inline void append_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out.reserve(out.size() + s.size() + 2);
  out.push_back('"');
  std::size_t run = 0;  // start of the pending run of bytes that need no escape
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out.push_back(hex[c >> 4]);
        out.push_back(hex[c & 0xf]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

}  // namespace a4p::protocol
