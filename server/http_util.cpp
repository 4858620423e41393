#include "server/http_util.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <nlohmann/json.hpp>

namespace a4p::server {

namespace http = boost::beast::http;

http_response make_response(const http_request& req, unsigned status, std::string body,
                            std::string_view content_type) {
  http_response res{static_cast<http::status>(status), req.version()};
  res.set(http::field::server, "a4pd");
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
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

http_response error_response(unsigned version, unsigned status, std::string_view code,
                             std::string_view message) {
  http_response res{static_cast<http::status>(status), version};
  res.set(http::field::server, "a4pd");
  res.set(http::field::content_type, "application/json");
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

}  // namespace a4p::server
