#include "protocol/args.hpp"

#include <ostream>
#include <string>

namespace a4p::protocol {

std::string_view to_string(reject_code c) noexcept {
  switch (c) {
    case reject_code::bad_request:
      return "bad_request";
    case reject_code::forbidden:
      return "forbidden";
    case reject_code::not_found:
      return "not_found";
    case reject_code::conflict:
      return "conflict";
    case reject_code::locked:
      return "locked";
    case reject_code::too_large:
      return "too_large";
    case reject_code::internal:
      return "internal";
  }
  return "internal";
}

std::ostream& operator<<(std::ostream& os, reject_code c) {
  return os << to_string(c);
}

namespace detail {

rejection reject(reject_code code, std::string message, json details) {
  return rejection{std::move(code), std::move(message), std::move(details)};
}
rejection bad(const std::string& field, std::string message) {
  return reject(reject_code::bad_request, std::move(message), {{"field", field}});
}
rejection forbidden(std::string message) {
  return reject(reject_code::forbidden, std::move(message));
}
rejection not_found(const std::string& field, std::string message) {
  return reject(reject_code::not_found, std::move(message), {{"field", field}});
}

bool valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  int y = std::stoi(std::string(s.substr(0, 4)));
  int m = (s[5] - '0') * 10 + (s[6] - '0');
  int d = (s[8] - '0') * 10 + (s[9] - '0');
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d > days[m - 1]) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m == 2 && d == 29 && !leap) return false;
  return true;
}

bool valid_url(std::string_view s) {
  auto scheme_ok = s.starts_with("https://") || s.starts_with("http://");
  if (!scheme_ok) return false;
  auto rest = s.substr(s.find("//") + 2);
  if (rest.empty() || rest[0] == '/') return false;
  for (unsigned char c : s)
    if (c <= 0x20 || c == 0x7F) return false;
  return true;
}

bool valid_code(std::string_view s, std::size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_' || c == '.'))
      return false;
  return true;
}

}  // namespace detail
}  // namespace a4p::protocol
