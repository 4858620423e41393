#include "storage/canonical_json.hpp"

#include "storage/encoding.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace a4p::storage {
namespace {

class checker {
 public:
  explicit checker(std::string_view s)
      : begin_(s.data()), p_(s.data()), end_(s.data() + s.size()) {}

  bool document() {
    std::size_t n = object_prefix();  // 0: no object (an object is never empty text)
    return n != 0 && n == static_cast<std::size_t>(end_ - begin_);
  }

  std::size_t object_prefix() {
    if (p_ == end_ || *p_ != '{') return 0;
    if (!value(0)) return 0;
    return static_cast<std::size_t>(p_ - begin_);
  }

  std::size_t string_prefix(std::string& out) {
    out.clear();
    if (p_ == end_ || *p_ != '"') return 0;
    if (!string(&out)) return 0;
    return static_cast<std::size_t>(p_ - begin_);
  }

 private:
  const char* begin_;
  const char* p_;
  const char* end_;
  // The decoded previous key at each object depth, reused across objects.
  std::vector<std::string> prev_keys_;

  bool value(int depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"':
        return string(nullptr);
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size()) return false;
    if (std::string_view(p_, word.size()) != word) return false;
    p_ += word.size();
    return true;
  }

  bool object(int depth) {
    if (depth > canonical_json_max_depth) return false;
    ++p_;  // '{'
    if (p_ == end_) return false;
    if (*p_ == '}') {
      ++p_;
      return true;
    }
    if (prev_keys_.size() < static_cast<std::size_t>(depth)) prev_keys_.resize(depth);
    std::string key;
    bool first = true;
    for (;;) {
      if (p_ == end_ || *p_ != '"') return false;
      key.clear();
      if (!string(&key)) return false;
      // std::map<std::string> order: bytewise on the decoded keys, strictly increasing.
      std::string& prev = prev_keys_[depth - 1];
      if (!first && !(prev < key)) return false;
      first = false;
      if (p_ == end_ || *p_ != ':') return false;
      ++p_;
      if (!value(depth)) return false;
      // value() may have used deeper levels only; this level's slot is still ours.
      prev_keys_[depth - 1].swap(key);
      if (p_ == end_) return false;
      if (*p_ == '}') {
        ++p_;
        return true;
      }
      if (*p_ != ',') return false;
      ++p_;
    }
  }

  bool array(int depth) {
    if (depth > canonical_json_max_depth) return false;
    ++p_;  // '['
    if (p_ == end_) return false;
    if (*p_ == ']') {
      ++p_;
      return true;
    }
    for (;;) {
      if (!value(depth)) return false;
      if (p_ == end_) return false;
      if (*p_ == ']') {
        ++p_;
        return true;
      }
      if (*p_ != ',') return false;
      ++p_;
    }
  }

  static int hex_lower(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  }

  // A string literal as dump() writes it; appends the decoded bytes to `out` when given.
  bool string(std::string* out) {
    ++p_;  // '"'
    for (;;) {
      if (p_ == end_) return false;
      auto c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return false;  // raw control characters are not JSON
      if (c == '\\') {
        if (end_ - p_ < 2) return false;
        char e = p_[1];
        char decoded = 0;
        switch (e) {
          case '"':
            decoded = '"';
            break;
          case '\\':
            decoded = '\\';
            break;
          case 'b':
            decoded = '\b';
            break;
          case 'f':
            decoded = '\f';
            break;
          case 'n':
            decoded = '\n';
            break;
          case 'r':
            decoded = '\r';
            break;
          case 't':
            decoded = '\t';
            break;
          case 'u': {
            // Only \u00xx for a control character that has no short escape.
            if (end_ - p_ < 6 || p_[2] != '0' || p_[3] != '0') return false;
            int hi = hex_lower(p_[4]), lo = hex_lower(p_[5]);
            if (hi < 0 || lo < 0) return false;
            int v = hi * 16 + lo;
            if (v > 0x1f || v == '\b' || v == '\f' || v == '\n' || v == '\r' || v == '\t') {
              return false;
            }
            if (out) out->push_back(static_cast<char>(v));
            p_ += 6;
            continue;
          }
          default:
            return false;  // including "\/"
        }
        if (out) out->push_back(decoded);
        p_ += 2;
        continue;
      }
      if (c < 0x80) {
        if (out) out->push_back(static_cast<char>(c));
        ++p_;
        continue;
      }
      // A multi-byte UTF-8 sequence: well-formed, shortest form, no surrogates.
      const auto n = encoding::utf8_sequence_length(reinterpret_cast<const unsigned char*>(p_),
                                                    reinterpret_cast<const unsigned char*>(end_));
      if (n == 0) return false;
      if (out) out->append(p_, n);
      p_ += n;
    }
  }

  // An integer as dump() writes it: 0, or an optional '-' and digits without a leading zero,
  // within int64 (negative) or uint64 (positive). No fraction or exponent: floats are refused.
  bool number() {
    bool neg = false;
    if (*p_ == '-') {
      neg = true;
      ++p_;
    }
    const char* start = p_;
    while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    std::size_t len = static_cast<std::size_t>(p_ - start);
    if (len == 0) return false;
    if (start[0] == '0' && (len > 1 || neg)) return false;  // leading zero, or -0
    if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
    std::string_view digits(start, len);
    std::string_view limit = neg ? "9223372036854775808" : "18446744073709551615";
    if (len > limit.size()) return false;
    if (len == limit.size() && digits > limit) return false;
    return true;
  }
};

}  // namespace

bool is_canonical_json_object(std::string_view s) {
  return checker(s).document();
}

std::size_t canonical_json_object_length(std::string_view s) {
  return checker(s).object_prefix();
}

std::size_t canonical_json_string(std::string_view s, std::string& out) {
  return checker(s).string_prefix(out);
}

}  // namespace a4p::storage
