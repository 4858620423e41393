#include "protocol/json_codec.hpp"

#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

#include "protocol/json_reader.hpp"

namespace a4p::protocol {

using json = nlohmann::json;

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
