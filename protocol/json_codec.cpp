#include "protocol/json_codec.hpp"

#include <cstdint>
#include <limits>
#include <vector>

#include <nlohmann/json.hpp>

namespace a4p::protocol {
namespace {

using json = nlohmann::json;

// One-pass SAX handler: builds the DOM like nlohmann's json_sax_dom_parser, but refuses
// floats, integers outside int64, duplicate keys and deep nesting, with an exact message.
class strict_sax {
 public:
  explicit strict_sax(std::size_t max_depth) : max_depth_(max_depth) {}

  bool null() { return put(json(nullptr)); }
  bool boolean(bool v) { return put(json(v)); }
  bool number_integer(json::number_integer_t v) { return put(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) {
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return fail("integer out of range (int64)");
    return put(json(static_cast<std::int64_t>(v)));
  }
  bool number_float(json::number_float_t, const std::string& text) {
    bool is_float = text.find_first_of(".eE") != std::string::npos;
    return fail(is_float ? "floating-point numbers are not allowed: " + text.substr(0, 40)
                         : "integer out of range (int64): " + text.substr(0, 40));
  }
  bool string(std::string& v) { return put(json(std::move(v))); }
  bool binary(json::binary_t&) { return fail("binary values are not allowed"); }
  bool start_object(std::size_t) {
    if (stack_.size() >= max_depth_)
      return fail("nesting deeper than " + std::to_string(max_depth_));
    json* p = place(json(json::value_t::object));
    if (!p) return false;
    stack_.push_back(p);
    return true;
  }
  bool key(std::string& k) {
    json& obj = *stack_.back();
    if (obj.contains(k)) return fail("duplicate key \"" + k.substr(0, 40) + "\"");
    key_ = &obj[k];
    return true;
  }
  bool end_object() {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t) {
    if (stack_.size() >= max_depth_)
      return fail("nesting deeper than " + std::to_string(max_depth_));
    json* p = place(json(json::value_t::array));
    if (!p) return false;
    stack_.push_back(p);
    return true;
  }
  bool end_array() {
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t pos, const std::string&, const nlohmann::detail::exception& ex) {
    if (message_.empty()) {
      std::string what = ex.what();
      // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." -> the tail
      auto colon = what.find(": ");
      message_ = "invalid JSON at byte " + std::to_string(pos) + ": " +
                 (colon == std::string::npos ? what : what.substr(colon + 2));
    }
    return false;
  }

  json root;
  std::string message_;

 private:
  bool put(json&& v) { return place(std::move(v)) != nullptr; }
  json* place(json&& v) {
    if (stack_.empty()) {
      root = std::move(v);
      return &root;
    }
    json& top = *stack_.back();
    if (top.is_array()) {
      top.push_back(std::move(v));
      return &top.back();
    }
    *key_ = std::move(v);
    return key_;
  }
  bool fail(std::string m) {
    if (message_.empty()) message_ = std::move(m);
    return false;
  }

  std::size_t max_depth_;
  std::vector<json*> stack_;
  json* key_ = nullptr;
};

}  // namespace

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
  strict_sax sax(limits.max_depth);
  bool ok = false;
  try {
    ok = json::sax_parse(text.begin(), text.end(), &sax, json::input_format_t::json, true, false);
  } catch (const std::exception& ex) {
    if (sax.message_.empty()) sax.message_ = std::string("invalid JSON: ") + ex.what();
    ok = false;
  }
  if (!ok) {
    if (sax.message_.empty()) sax.message_ = "invalid JSON";
    return std::unexpected(error{"bad_request", std::move(sax.message_), ""});
  }
  return std::move(sax.root);
}

std::string canonical(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace a4p::protocol
