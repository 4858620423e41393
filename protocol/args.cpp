#include "protocol/args.hpp"

#include <string>

namespace a4p::protocol::detail {

rejection reject(std::string code, std::string message, json details) {
  return rejection{std::move(code), std::move(message), std::move(details)};
}
rejection bad(const std::string& field, std::string message) {
  return reject("bad_request", std::move(message), {{"field", field}});
}
rejection forbidden(std::string message) {
  return reject("forbidden", std::move(message));
}
rejection not_found(const std::string& field, std::string message) {
  return reject("not_found", std::move(message), {{"field", field}});
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

}  // namespace a4p::protocol::detail
