#include "protocol/args.hpp"

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

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

bool valid_lang_tag(std::string_view s, std::string* canonical) {
  if (s.empty() || s.size() > 35) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  auto all = [](std::string_view t, auto f) {
    for (char c : t)
      if (!f(c)) return false;
    return true;
  };
  auto alnum = [&](char c) { return alpha(c) || digit(c); };
  auto lower = [](std::string t) {
    for (char& c : t)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return t;
  };
  std::vector<std::string> sub;
  for (std::size_t i = 0;;) {
    std::size_t j = s.find('-', i);
    std::string_view t = s.substr(i, j == std::string_view::npos ? s.size() - i : j - i);
    if (t.empty() || t.size() > 8 || !all(t, alnum)) return false;
    sub.emplace_back(lower(std::string(t)));
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  // language: 2-3 letters (then up to three 3-letter extlangs) or 4-8 letters.
  std::size_t k = 0;
  const std::string& lang = sub[k++];
  if (!all(lang, alpha) || lang.size() == 4 || lang.size() < 2) return false;
  if (lang.size() <= 3)
    for (int n = 0; n < 3 && k < sub.size() && sub[k].size() == 3 && all(sub[k], alpha); ++n) ++k;
  bool region_seen = false, script_seen = false;
  enum { before_ext, in_ext, in_private } part = before_ext;
  std::vector<std::string> seen_singletons;
  for (; k < sub.size(); ++k) {
    std::string& t = sub[k];
    if (part == in_private) continue;  // 1-8 alnum, checked above
    if (t.size() == 1) {
      if (t == "x") {
        part = in_private;
        if (k + 1 >= sub.size()) return false;
        continue;
      }
      if (std::find(seen_singletons.begin(), seen_singletons.end(), t) != seen_singletons.end())
        return false;
      seen_singletons.push_back(t);
      if (k + 1 >= sub.size() || sub[k + 1].size() < 2) return false;
      part = in_ext;
      continue;
    }
    if (part == in_ext) {
      if (t.size() < 2) return false;
      continue;
    }
    if (!script_seen && !region_seen && t.size() == 4 && all(t, alpha)) {
      script_seen = true;
      t[0] = static_cast<char>(t[0] - 'a' + 'A');
    } else if (!region_seen &&
               ((t.size() == 2 && all(t, alpha)) || (t.size() == 3 && all(t, digit)))) {
      region_seen = true;
      for (char& c : t)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    } else if (!((t.size() >= 5) || (t.size() == 4 && digit(t[0])))) {
      return false;  // not a variant
    } else {
      script_seen = region_seen = true;  // variants come last before extensions
    }
  }
  if (canonical) {
    canonical->clear();
    for (const auto& t : sub) *canonical += (canonical->empty() ? "" : "-") + t;
  }
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
