#include "protocol/json_reader.hpp"

#include <cstring>
#include <limits>

#include "protocol/utf8.hpp"

namespace a4p::protocol::detail {

using json = nlohmann::json;

bool json_reader::fail(std::string what) {
  if (message_.empty())
    message_ = "invalid JSON at byte " + std::to_string(p_ - begin_) + ": " + std::move(what);
  return false;
}

void json_reader::skip_ws() {
  while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
}

bool json_reader::expect(char c) {
  skip_ws();
  if (p_ >= end_ || *p_ != c) return fail(std::string("expected '") + c + "'");
  ++p_;
  return true;
}

bool json_reader::document(json& out) {
  if (!value(out, 0)) return false;
  if (!at_end()) return fail("unexpected text after the value");
  return true;
}

bool json_reader::literal(std::string_view word) {
  if (static_cast<std::size_t>(end_ - p_) < word.size() ||
      std::memcmp(p_, word.data(), word.size()) != 0)
    return fail("unexpected character");
  p_ += word.size();
  return true;
}

bool json_reader::value(json& out, std::size_t depth) {
  skip_ws();
  if (p_ >= end_) return fail("unexpected end of input");
  switch (*p_) {
    case '{':
      return object(out, depth + 1);
    case '[':
      return array(out, depth + 1);
    case '"': {
      std::string s;
      if (!string(s)) return false;
      out = std::move(s);
      return true;
    }
    case 't':
      if (!literal("true")) return false;
      out = true;
      return true;
    case 'f':
      if (!literal("false")) return false;
      out = false;
      return true;
    case 'n':
      if (!literal("null")) return false;
      out = nullptr;
      return true;
    default: {
      std::int64_t n;
      if (!integer(n)) return false;
      out = n;
      return true;
    }
  }
}

bool json_reader::object(json& out, std::size_t depth) {
  if (depth > max_depth_) return fail("nesting deeper than " + std::to_string(max_depth_));
  ++p_;  // '{'
  out = json::object();
  auto& m = out.get_ref<json::object_t&>();
  skip_ws();
  if (p_ < end_ && *p_ == '}') {
    ++p_;
    return true;
  }
  for (;;) {
    skip_ws();
    std::string key;
    if (!string(key)) return false;
    if (!expect(':')) return false;
    json v;
    if (!value(v, depth)) return false;
    // Canonical input has sorted keys: the hint makes each insert O(1).
    std::size_t before = m.size();
    auto it = m.emplace_hint(m.end(), std::move(key), std::move(v));
    if (m.size() == before) return fail("duplicate key \"" + it->first.substr(0, 40) + "\"");
    skip_ws();
    if (p_ < end_ && *p_ == ',') {
      ++p_;
      continue;
    }
    if (p_ < end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    return fail("expected ',' or '}'");
  }
}

bool json_reader::array(json& out, std::size_t depth) {
  if (depth > max_depth_) return fail("nesting deeper than " + std::to_string(max_depth_));
  ++p_;  // '['
  out = json::array();
  auto& a = out.get_ref<json::array_t&>();
  skip_ws();
  if (p_ < end_ && *p_ == ']') {
    ++p_;
    return true;
  }
  for (;;) {
    json v;
    if (!value(v, depth)) return false;
    a.push_back(std::move(v));
    skip_ws();
    if (p_ < end_ && *p_ == ',') {
      ++p_;
      continue;
    }
    if (p_ < end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    return fail("expected ',' or ']'");
  }
}

bool json_reader::integer(std::int64_t& out) {
  skip_ws();
  const char* start = p_;
  bool neg = false;
  if (p_ < end_ && *p_ == '-') {
    neg = true;
    ++p_;
  }
  if (p_ >= end_ || *p_ < '0' || *p_ > '9') return fail("unexpected character");
  if (*p_ == '0' && p_ + 1 < end_ && p_[1] >= '0' && p_[1] <= '9')
    return fail("leading zeros are not allowed");
  std::uint64_t v = 0;
  bool overflow = false;
  while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
    unsigned d = static_cast<unsigned>(*p_ - '0');
    if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10)
      overflow = true;
    else
      v = v * 10 + d;
    ++p_;
  }
  if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E'))
    return fail("floating-point numbers are not allowed: " +
                std::string(start, std::min<std::size_t>(40, end_ - start)));
  const std::uint64_t limit =
      neg ? static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1
          : static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (overflow || v > limit)
    return fail("integer out of range (int64): " +
                std::string(start, std::min<std::size_t>(40, p_ - start)));
  out = neg ? static_cast<std::int64_t>(0 - v) : static_cast<std::int64_t>(v);
  return true;
}

bool json_reader::hex4(std::uint32_t& out) {
  if (end_ - p_ < 4) return fail("truncated \\u escape");
  out = 0;
  for (int i = 0; i < 4; ++i) {
    char c = *p_++;
    out <<= 4;
    if (c >= '0' && c <= '9')
      out |= static_cast<std::uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f')
      out |= static_cast<std::uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      out |= static_cast<std::uint32_t>(c - 'A' + 10);
    else
      return fail("bad \\u escape");
  }
  return true;
}

namespace {
// The first byte at or after p that is not plain ASCII string content ('"', '\\', a control
// character or a byte >= 0x80), or end.
const char* skip_plain_ascii(const char* p, const char* end) {
  while (p < end) {
    auto c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
    ++p;
  }
  return p;
}

void put_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}
}  // namespace

bool json_reader::string(std::string& out) {
  skip_ws();
  if (p_ >= end_ || *p_ != '"') return fail("expected a string");
  ++p_;
  out.clear();
  for (;;) {
    // Fast path: a run of plain ASCII.
    const char* run = p_;
    p_ = skip_plain_ascii(p_, end_);
    out.append(run, p_);
    if (p_ >= end_) return fail("unterminated string");
    auto c = static_cast<unsigned char>(*p_);
    if (c == '"') {
      ++p_;
      return true;
    }
    if (c < 0x20) return fail("control character in string");
    if (c == '\\') {
      ++p_;
      if (p_ >= end_) return fail("unterminated string");
      char e = *p_++;
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          std::uint32_t cp;
          if (!hex4(cp)) return false;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return fail("lone surrogate in \\u escape");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t lo;
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u')
              return fail("lone surrogate in \\u escape");
            p_ += 2;
            if (!hex4(lo)) return false;
            if (lo < 0xDC00 || lo > 0xDFFF) return fail("lone surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          put_utf8(out, cp);
          break;
        }
        default:
          return fail("bad escape in string");
      }
      continue;
    }
    // A multi-byte UTF-8 sequence: validate and copy.
    const std::size_t n = utf8_sequence_length(reinterpret_cast<const unsigned char*>(p_),
                                               reinterpret_cast<const unsigned char*>(end_));
    if (n == 0) return fail("invalid UTF-8");
    out.append(p_, p_ + n);
    p_ += n;
  }
}

}  // namespace a4p::protocol::detail
