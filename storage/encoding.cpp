#include "storage/encoding.hpp"

#include <openssl/rand.h>

#include <array>
#include <cstdio>
#include <ctime>

namespace a4p::storage::encoding {

std::string seq_key(std::uint64_t seq) {
  std::string k(8, '\0');
  for (int i = 7; i >= 0; --i) {
    k[static_cast<std::size_t>(i)] = static_cast<char>(seq & 0xff);
    seq >>= 8;
  }
  return k;
}

std::optional<std::uint64_t> decode_seq_key(std::string_view key) {
  if (key.size() != 8) return std::nullopt;
  std::uint64_t v = 0;
  for (unsigned char c : key) v = (v << 8) | c;
  return v;
}

std::string rfc3339_millis(std::int64_t unix_millis) {
  std::int64_t secs = unix_millis / 1000;
  std::int64_t ms = unix_millis % 1000;
  if (ms < 0) {
    ms += 1000;
    secs -= 1;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 40> buf{};
  int n = std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                        tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                        tm.tm_sec, static_cast<int>(ms));
  return std::string(buf.data(), static_cast<std::size_t>(n));
}

std::optional<std::int64_t> parse_rfc3339_millis(std::string_view ts) {
  // 2026-11-27T21:59:14.123Z
  if (ts.size() != 24 || ts[4] != '-' || ts[7] != '-' || ts[10] != 'T' || ts[13] != ':' ||
      ts[16] != ':' || ts[19] != '.' || ts[23] != 'Z') {
    return std::nullopt;
  }
  auto num = [&](std::size_t at, std::size_t len) -> int {
    int v = 0;
    for (std::size_t i = at; i < at + len; ++i) {
      if (ts[i] < '0' || ts[i] > '9') return -1;
      v = v * 10 + (ts[i] - '0');
    }
    return v;
  };
  int year = num(0, 4), mon = num(5, 2), day = num(8, 2), hour = num(11, 2), min = num(14, 2),
      sec = num(17, 2), ms = num(20, 3);
  if (year < 1970 || mon < 1 || mon > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
      min < 0 || min > 59 || sec < 0 || sec > 60 || ms < 0) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  std::time_t t = timegm(&tm);
  return static_cast<std::int64_t>(t) * 1000 + ms;
}

std::optional<std::string> random_uuid() {
  std::array<unsigned char, 16> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) return std::nullopt;
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static constexpr char hex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(hex[b[i] >> 4]);
    s.push_back(hex[b[i] & 0xf]);
  }
  return s;
}

}  // namespace a4p::storage::encoding
