#include "server/audit_time.hpp"

#include <chrono>
#include <cstdio>

namespace a4p::server {

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<std::string> normalize_rfc3339(std::string_view s) {
  // date-time = full-date "T" partial-time time-offset (RFC 3339 section 5.6).
  int y, mo, d, h, mi, sec;
  if (s.size() < 20 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h) ||
      s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec))
    return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month(mo),
                                        std::chrono::day(d)};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  std::size_t i = 19;
  int millis = 0;
  if (i < s.size() && s[i] == '.') {
    std::size_t n = 0;
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++n)
      if (n < 3) millis = millis * 10 + (s[i] - '0');
    if (n == 0) return std::nullopt;
    for (; n < 3; ++n) millis *= 10;
  }
  int offset_min = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-' || s[i] == ' ')) {
    int oh, om;
    if (!digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' ||
        !digits(s, i + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset_min = (s[i] == '-' ? -1 : 1) * (oh * 60 + om);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  using namespace std::chrono;
  // A leap second (:60) counts as the next second's start, as the log's clock would show it.
  auto t = sys_days(ymd) + hours(h) + minutes(mi) + seconds(sec) + milliseconds(millis) -
           minutes(offset_min);
  const auto day = floor<days>(t);
  const year_month_day u{day};
  const hh_mm_ss<milliseconds> tod{t - day};
  if (static_cast<int>(u.year()) < 0 || static_cast<int>(u.year()) > 9999) return std::nullopt;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(u.year()),
                static_cast<unsigned>(u.month()), static_cast<unsigned>(u.day()),
                static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                static_cast<int>(tod.seconds().count()),
                static_cast<int>(tod.subseconds().count()));
  return std::string(buf);
}

storage::result<std::uint64_t> last_seq_where(const storage::event_log& log, std::uint64_t head,
                                              std::string_view ts, bool inclusive) {
  // Invariant: every seq <= lo satisfies the condition, every seq > hi does not.
  std::uint64_t lo = 0, hi = head;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo + 1) / 2;
    auto got = log.read(mid - 1, 1);
    if (!got) return std::unexpected(got.error());
    if (got->empty())
      return std::unexpected(storage::error{storage::status_code::corruption,
                                            "no event at seq " + std::to_string(mid)});
    const std::string_view at = got->front().ts;
    if (inclusive ? at <= ts : at < ts)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

}  // namespace a4p::server
