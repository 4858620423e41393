#include "server/admin/ctl_http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace a4p::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

std::expected<ctl_http, std::string> ctl_http::sign_in(std::string_view url,
                                                       const std::string& user,
                                                       const std::string& password) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme)) {
    return std::unexpected("--url must be http://HOST:PORT (https is not supported here)");
  }
  url.remove_prefix(scheme.size());
  while (url.ends_with('/')) url.remove_suffix(1);
  auto colon = url.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == url.size()) {
    return std::unexpected("--url must be http://HOST:PORT");
  }
  ctl_http c;
  c.host_ = std::string(url.substr(0, colon));
  c.port_ = std::string(url.substr(colon + 1));
  nlohmann::json body = {{"username", user}, {"password", password}};
  auto r = c.request(true, "/api/session", body.dump());
  if (!r) return std::unexpected(r.error());
  if (r->status != 200) {
    return std::unexpected("sign-in refused (HTTP " + std::to_string(r->status) + "): " + r->body);
  }
  auto j = nlohmann::json::parse(r->body, nullptr, false);
  if (!j.is_object() || !j.contains("token") || !j["token"].is_string()) {
    return std::unexpected("sign-in: no token in the answer");
  }
  c.token_ = j["token"].get<std::string>();
  return c;
}

std::expected<ctl_http::response, std::string> ctl_http::get(const std::string& target) const {
  return request(false, target, {});
}

std::expected<ctl_http::response, std::string> ctl_http::post(const std::string& target,
                                                              const std::string& json_body) const {
  return request(true, target, json_body);
}

std::expected<ctl_http::response, std::string> ctl_http::request(bool post,
                                                                 const std::string& target,
                                                                 const std::string& body) const {
  try {
    net::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(300));
    stream.connect(resolver.resolve(host_, port_));
    http::request<http::string_body> req{post ? http::verb::post : http::verb::get, target, 11};
    req.set(http::field::host, host_ + ":" + port_);
    req.set(http::field::user_agent, "a4pctl");
    if (!token_.empty()) req.set(http::field::authorization, "Bearer " + token_);
    if (post) {
      req.set(http::field::content_type, "application/json");
      req.body() = body;
    }
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1024ull * 1024 * 1024);
    http::read(stream, buf, parser);
    auto res = parser.release();
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);  // deliberate: best effort
    response out;
    out.status = static_cast<int>(res.result_int());
    out.body = std::move(res.body());
    if (auto it = res.find("X-A4P-Head"); it != res.end()) out.head = std::string(it->value());
    return out;
  } catch (const std::exception& e) {
    return std::unexpected(std::string("HTTP ") + host_ + ":" + port_ + ": " + e.what());
  }
}

}  // namespace a4p::server
