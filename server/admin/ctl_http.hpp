// a4pctl's client for a running a4pd's HTTP API (PROTOCOL.md sections 1 and 7): sign in with
// POST /api/session, then GET or POST with the bearer token. Plain HTTP only (behind a reverse
// proxy, or on loopback); one short-lived connection per request.
//
// Thread safety: none; one ctl_http per thread.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace a4p::server {

class ctl_http {
 public:
  // url: "http://HOST:PORT" (a trailing '/' is allowed). Signs in; the error is a message.
  [[nodiscard]] static std::expected<ctl_http, std::string> sign_in(std::string_view url,
                                                                    const std::string& user,
                                                                    const std::string& password);

  struct response {
    int status = 0;
    std::string body;
    std::string head;  // X-A4P-Head, when the server sent it
  };
  // GET `target` (for example "/api/events?after=0&limit=1000") with the session's token.
  [[nodiscard]] std::expected<response, std::string> get(const std::string& target) const;
  // "http://HOST:PORT", as given to sign_in() without a trailing '/'.
  [[nodiscard]] std::string base() const { return "http://" + host_ + ":" + port_; }
  // POST `target` with a JSON body, with the session's token.
  [[nodiscard]] std::expected<response, std::string> post(const std::string& target,
                                                          const std::string& json_body) const;

 private:
  ctl_http() = default;
  [[nodiscard]] std::expected<response, std::string> request(bool post, const std::string& target,
                                                             const std::string& body) const;

  std::string host_;
  std::string port_;
  std::string token_;
};

}  // namespace a4p::server
