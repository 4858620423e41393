#include "protocol/json_codec.hpp"

#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

#include "protocol/json_reader.hpp"

namespace a4p::protocol {

using json = nlohmann::json;

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    std::uint32_t cp;
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
      return false;
    }
    if (end - p < n + 1) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)) return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    p += n + 1;
  }
  return true;
}

result<nlohmann::json> parse_untrusted(std::string_view text, const parse_limits& limits) {
  if (text.size() > limits.max_bytes)
    return std::unexpected(error{"too_large",
                                 "text of " + std::to_string(text.size()) +
                                     " bytes is over the limit of " +
                                     std::to_string(limits.max_bytes),
                                 ""});
  if (!valid_utf8(text)) return std::unexpected(error{"bad_request", "invalid UTF-8", ""});
  detail::json_reader r(text, limits.max_depth);
  json out;
  if (!r.document(out)) return std::unexpected(error{"bad_request", r.message(), ""});
  return out;
}

std::string canonical(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace a4p::protocol
