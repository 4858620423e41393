// Small HTTP helpers shared by the HTTP routes: JSON and error responses (every error body is
// {"error":{"code","message"}}, PROTOCOL.md section 1) with the security headers every
// response carries, query parameters, reading the session token from the cookie or the
// Authorization header, and the request checks of sign-in and the upgrade (Origin, media type,
// subprotocol, forwarded client).
//
// Thread safety: pure functions.
#pragma once

#include <chrono>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace a4p::server {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

// Who sent a request: the peer, or with a trusted proxy in front, the client it names.
struct client_info {
  std::string address;    // the client's IP address (IPv4-mapped IPv6 written as IPv4)
  bool loopback = false;  // the client (not the proxy) is on this host
  bool secure = false;    // TLS, here or (X-Forwarded-Proto: https) at the trusted proxy
};

// Content-Security-Policy (script-src 'self', no inline script, frame-ancestors 'none'),
// Referrer-Policy, X-Content-Type-Options and X-Frame-Options: set on every response by the
// functions below. HSTS is the caller's, since only it knows whether the request came over TLS.
void set_security_headers(http_response& res);
inline constexpr std::string_view hsts_value = "max-age=31536000";

[[nodiscard]] http_response make_response(const http_request& req, unsigned status,
                                          std::string body, std::string_view content_type);
[[nodiscard]] http_response json_response(const http_request& req, unsigned status,
                                          std::string body);
[[nodiscard]] http_response error_response(const http_request& req, unsigned status,
                                           std::string_view code, std::string_view message);
// An error that says when to come back: the same JSON error with Retry-After (429, 503).
[[nodiscard]] http_response retry_later(const http_request& req, unsigned status,
                                        std::string_view code, std::string_view message,
                                        std::chrono::seconds after);
// A 500 with a fixed message: storage errors can hold file paths and RocksDB internals, which
// are for the operator's log (where `what` and `detail` go), never for clients.
[[nodiscard]] http_response internal_error(const http_request& req, std::string_view what,
                                           std::string_view detail);
// The same, for a request the parser could not finish (no request object to copy from).
[[nodiscard]] http_response error_response(unsigned version, unsigned status, std::string_view code,
                                           std::string_view message);

// The path of the target without the query, percent-decoded; nullopt when malformed.
[[nodiscard]] std::optional<std::string> target_path(std::string_view target);
// The (decoded) value of `name` in the query string, if present.
[[nodiscard]] std::optional<std::string> query_param(std::string_view target,
                                                     std::string_view name);
// The token from "Authorization: Bearer <t>" or the a4p_session cookie.
[[nodiscard]] std::optional<std::string> request_token(const http_request& req);

// True without an Origin header (not a browser), or when it equals one of `allowed`.
[[nodiscard]] bool origin_allowed(const http_request& req, const std::vector<std::string>& allowed);
// True when Content-Type is application/json (parameters such as charset allowed).
[[nodiscard]] bool is_json_request(const http_request& req);
// True when Sec-WebSocket-Protocol lists `name` as one of its comma-separated tokens, exactly.
[[nodiscard]] bool offers_subprotocol(const http_request& req, std::string_view name);
// The client address a proxy put last in X-Forwarded-For (normalised), if it is an IP address.
[[nodiscard]] std::optional<std::string> forwarded_for(const http_request& req);
// True when the last X-Forwarded-Proto value is https.
[[nodiscard]] bool forwarded_https(const http_request& req);

}  // namespace a4p::server
