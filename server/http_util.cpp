#include "server/http_util.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <nlohmann/json.hpp>

namespace a4p::server {

namespace http = boost::beast::http;

namespace {
// The web client is one module script and its stylesheet from this origin; nothing inline.
// connect-src 'self' covers ws:/wss: to the same host (CSP level 3).
constexpr std::string_view csp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

std::string_view trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// The last comma-separated value of a header (the one the nearest proxy wrote), trimmed.
std::string_view last_value(const http_request& req, std::string_view name) {
  auto it = req.find(name);
  if (it == req.end()) return {};
  std::string_view v(it->value().data(), it->value().size());
  if (auto comma = v.rfind(','); comma != std::string_view::npos) v.remove_prefix(comma + 1);
  return trim(v);
}
}  // namespace

void set_security_headers(http_response& res) {
  res.set("Content-Security-Policy", csp);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
}

http_response make_response(const http_request& req, unsigned status, std::string body,
                            std::string_view content_type) {
  http_response res{static_cast<http::status>(status), req.version()};
  res.set(http::field::server, "a4pd");
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  set_security_headers(res);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

http_response json_response(const http_request& req, unsigned status, std::string body) {
  return make_response(req, status, std::move(body), "application/json");
}

namespace {
std::string error_body(std::string_view code, std::string_view message) {
  return nlohmann::json{{"error", {{"code", code}, {"message", message}}}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}
}  // namespace

http_response error_response(const http_request& req, unsigned status, std::string_view code,
                             std::string_view message) {
  return json_response(req, status, error_body(code, message));
}

http_response retry_later(const http_request& req, unsigned status, std::string_view code,
                          std::string_view message, std::chrono::seconds after) {
  auto res = error_response(req, status, code, message);
  res.set(boost::beast::http::field::retry_after, std::to_string(after.count()));
  return res;
}

http_response internal_error(const http_request& req, std::string_view what,
                             std::string_view detail) {
  spdlog::error("{} {}: {}: {}", std::string_view(req.method_string()),
                std::string_view(req.target()), what, detail);
  return error_response(req, 500, "internal", "internal error; the server log has the details");
}

http_response error_response(unsigned version, unsigned status, std::string_view code,
                             std::string_view message) {
  http_response res{static_cast<http::status>(status), version};
  res.set(http::field::server, "a4pd");
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  set_security_headers(res);
  res.keep_alive(false);
  res.body() = error_body(code, message);
  res.prepare_payload();
  return res;
}

std::optional<std::string> target_path(std::string_view target) {
  auto u = boost::urls::parse_origin_form(target);
  if (!u) return std::nullopt;
  std::string path = u->path();  // decoded
  if (path.find('\0') != std::string::npos) return std::nullopt;
  return path;
}

std::optional<std::string> query_param(std::string_view target, std::string_view name) {
  auto u = boost::urls::parse_origin_form(target);
  if (!u) return std::nullopt;
  for (auto p : u->params())
    if (p.key == name) return std::string(p.value);
  return std::nullopt;
}

std::optional<std::string> request_token(const http_request& req) {
  auto auth = req[http::field::authorization];
  if (auth.size() > 7 && (auth.starts_with("Bearer ") || auth.starts_with("bearer ")))
    return std::string(auth.substr(7));
  auto cookie = req[http::field::cookie];
  std::string_view c(cookie.data(), cookie.size());
  while (!c.empty()) {
    auto semi = c.find(';');
    auto part = c.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.starts_with("a4p_session=")) return std::string(part.substr(12));
    if (semi == std::string_view::npos) break;
    c.remove_prefix(semi + 1);
  }
  return std::nullopt;
}

bool origin_allowed(const http_request& req, const std::vector<std::string>& allowed) {
  auto it = req.find(http::field::origin);
  if (it == req.end()) return true;  // not a browser: the token (or password) is the check
  for (const auto& a : allowed)
    if (boost::beast::iequals(it->value(), a)) return true;
  return false;
}

bool is_json_request(const http_request& req) {
  auto it = req.find(http::field::content_type);
  if (it == req.end()) return false;
  std::string_view v(it->value().data(), it->value().size());
  return boost::beast::iequals(trim(v.substr(0, v.find(';'))), "application/json");
}

bool offers_subprotocol(const http_request& req, std::string_view name) {
  auto [first, last] = req.equal_range(http::field::sec_websocket_protocol);
  for (auto it = first; it != last; ++it) {
    std::string_view v(it->value().data(), it->value().size());
    while (!v.empty()) {
      auto comma = v.find(',');
      if (trim(v.substr(0, comma)) == name) return true;
      if (comma == std::string_view::npos) break;
      v.remove_prefix(comma + 1);
    }
  }
  return false;
}

std::optional<std::string> forwarded_for(const http_request& req) {
  auto v = last_value(req, "X-Forwarded-For");
  if (v.size() >= 2 && v.front() == '[' && v.back() == ']') v = v.substr(1, v.size() - 2);
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(v, ec);
  if (ec) return std::nullopt;
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    a = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
  return a.to_string();
}

bool forwarded_https(const http_request& req) {
  return boost::beast::iequals(last_value(req, "X-Forwarded-Proto"), "https");
}

}  // namespace a4p::server
