// Small HTTP helpers shared by the HTTP routes: JSON and error responses (every error body is
// {"error":{"code","message"}}, PROTOCOL.md section 1), query parameters, and reading the
// session token from the cookie or the Authorization header.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace a4p::server {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

[[nodiscard]] http_response make_response(const http_request& req, unsigned status,
                                          std::string body, std::string_view content_type);
[[nodiscard]] http_response json_response(const http_request& req, unsigned status,
                                          std::string body);
[[nodiscard]] http_response error_response(const http_request& req, unsigned status,
                                           std::string_view code, std::string_view message);
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

}  // namespace a4p::server
