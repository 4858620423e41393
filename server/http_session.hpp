// One TCP connection while it speaks HTTP/1.1 (Beast chat-multi's http_session): reads a
// request with bounded header and body sizes and a deadline on each (the header's runs from
// its first byte, so a slow sender cannot hold the socket), answers it (REST, health, metrics,
// static files), and keeps the connection alive; GET /ws checks the token, the Origin, the
// a4p.v1 subprotocol and the per-user connection limit, then hands the socket (and its
// per-address slot) to a websocket_session. Behind a trusted proxy (--trust-proxy) the client
// is the one X-Forwarded-For names, and X-Forwarded-Proto: https counts as TLS. With
// --tls-cert/--tls-key it first detects whether the client speaks TLS (Beast advanced/server-flex)
// and serves plain HTTP and HTTPS on the same port.
//
// Two lanes (decision 0316): a connection starts on the network threads of the signed-in
// sockets (server_context::ioc); its first anonymous /public request moves it to the public
// site's own io_context (public_ioc), and a later /api or /ws request on it moves it back, so
// that anonymous readers' writes never queue beside a signed-in socket's. A move hands the
// socket's descriptor and the bytes already read to a new http_session on the other lane. A
// TLS connection cannot move (its TLS state stays with its stream): it is served where it is.
//
// Thread safety: runs on its own strand (make_strand at accept); the response callbacks of
// asynchronous routes may come from any thread and are posted back to the strand.
#pragma once

#include <memory>
#include <optional>
#include <variant>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "server/http_util.hpp"
#include "server/peer_limits.hpp"

namespace a4p::server {

struct server_context;

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  // `peer`: the socket's remote address (normalised); `from_proxy`: it is a --trust-proxy
  // address; `slot`: the socket's places in peer_limits; `public_lane`: the socket's executor
  // is on ctx.public_ioc.
  http_session(server_context& ctx, boost::asio::ip::tcp::socket&& socket, std::string peer,
               bool from_proxy, connection_slot slot, bool public_lane = false);
  ~http_session();
  void run();

 private:
  void on_detect(boost::beast::error_code ec, bool tls);
  void on_handshake(boost::beast::error_code ec, std::size_t used);
  void do_read();
  void on_first_bytes(boost::beast::error_code ec, std::size_t bytes);
  void read_header();
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle(http_request req);
  // Hands the connection to a new session on the other lane, which answers `req`; false (and
  // `req` untouched) when it cannot move: TLS, or the descriptor could not be taken.
  [[nodiscard]] bool move_lane(http_request& req);
  void upgrade(http_request req);
  // GET /public/api/feed: the anonymous live feed (public_stream) takes the socket.
  void open_public_stream(http_request req);
  void send(http_response res);
  void on_write(bool close, boost::beast::error_code ec, std::size_t bytes);
  void do_eof();
  // Who sent `req`: the peer, or the client a trusted proxy names.
  [[nodiscard]] client_info client_of(const http_request& req) const;
  // Who may read /metrics: the bearer of the metrics token if there is one, else loopback.
  [[nodiscard]] bool metrics_allowed(const http_request& req) const;
  // With TLS configured, the answer to a plain-HTTP request from another host (nullopt: serve
  // it): a redirect to https, or 403.
  [[nodiscard]] std::optional<http_response> refuse_plain_http(const http_request& req) const;

  server_context& ctx_;
  std::variant<boost::beast::tcp_stream, boost::beast::ssl_stream<boost::beast::tcp_stream>>
      stream_;
  boost::asio::any_io_executor ex_;  // the connection's strand
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<http_response> res_;  // the response being written
  connection_slot slot_;
  std::string peer_;            // the socket's remote address
  bool peer_loopback_ = false;  // the connection comes from 127.0.0.0/8 or ::1
  bool peer_is_proxy_ = false;  // the peer is a --trust-proxy address
  client_info client_;          // of the request being answered
  bool upgraded_ = false;
  bool public_lane_ = false;  // on ctx_.public_ioc
};

}  // namespace a4p::server
