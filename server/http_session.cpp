#include "server/http_session.hpp"
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "server/admin/session_store.hpp"
#include "server/cluster/node.hpp"
#include "server/config.hpp"
#include "server/hub.hpp"
#include "server/metrics.hpp"
#include "server/public_api.hpp"
#include "server/public_page.hpp"
#include "server/public_site.hpp"
#include "server/public_stream.hpp"
#include "server/rate_limit.hpp"
#include "server/rest_api.hpp"
#include "server/server_context.hpp"
#include "server/static_files.hpp"
#include "server/websocket_session.hpp"
#include "storage/event_log.hpp"

namespace a4p::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;

namespace {
void fail(beast::error_code ec, const char* what) {
  if (ec == net::error::operation_aborted || ec == http::error::end_of_stream ||
      ec == net::error::eof || ec == net::error::connection_reset || ec == beast::error::timeout)
    return;
  spdlog::debug("http: {}: {}", what, ec.message());
}
}  // namespace

http_session::http_session(server_context& ctx, net::ip::tcp::socket&& socket, std::string peer,
                           bool from_proxy, connection_slot slot, bool public_lane)
    : ctx_(ctx),
      stream_(std::in_place_index<0>, std::move(socket)),
      ex_(std::get<0>(stream_).get_executor()),
      slot_(std::move(slot)),
      peer_(std::move(peer)),
      peer_is_proxy_(from_proxy),
      public_lane_(public_lane) {
  ctx_.stats->connections_http.fetch_add(1);
  boost::system::error_code ec;
  peer_loopback_ = net::ip::make_address(peer_, ec).is_loopback() && !ec;
  client_ = {peer_, peer_loopback_, false};
}

http_session::~http_session() {
  ctx_.stats->connections_http.fetch_sub(1);
}

void http_session::run() {
  net::dispatch(ex_, [self = shared_from_this()] {
    if (!self->ctx_.tls) return self->do_read();
    auto& plain = std::get<0>(self->stream_);
    plain.expires_after(std::chrono::seconds(30));
    beast::async_detect_ssl(plain, self->buffer_,
                            beast::bind_front_handler(&http_session::on_detect, self));
  });
}

void http_session::on_detect(beast::error_code ec, bool tls) {
  if (ec) return fail(ec, "detect");
  if (!tls) return do_read();
  beast::tcp_stream plain(std::move(std::get<0>(stream_)));
  stream_.emplace<1>(std::move(plain), *ctx_.tls);
  auto& s = std::get<1>(stream_);
  beast::get_lowest_layer(s).expires_after(std::chrono::seconds(30));
  s.async_handshake(net::ssl::stream_base::server, buffer_.data(),
                    beast::bind_front_handler(&http_session::on_handshake, shared_from_this()));
}

void http_session::on_handshake(beast::error_code ec, std::size_t used) {
  if (ec) return fail(ec, "tls handshake");
  client_.secure = true;
  buffer_.consume(used);
  do_read();
}

// Three deadlines: the idle keep-alive wait for a request's first byte, its header from then
// on (--header-timeout), and its body (--http-timeout).
void http_session::do_read() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(ctx_.cfg->max_header_bytes));
  parser_->body_limit(ctx_.cfg->max_body_bytes);
  if (buffer_.size() > 0) return read_header();  // pipelined, or left by TLS detection
  std::visit(
      [&](auto& s) {
        beast::get_lowest_layer(s).expires_after(ctx_.cfg->http_timeout);
        s.async_read_some(
            buffer_.prepare(1024),
            beast::bind_front_handler(&http_session::on_first_bytes, shared_from_this()));
      },
      stream_);
}

void http_session::on_first_bytes(beast::error_code ec, std::size_t bytes) {
  if (ec) return fail(ec, "read");
  buffer_.commit(bytes);
  read_header();
}

void http_session::read_header() {
  std::visit(
      [&](auto& s) {
        beast::get_lowest_layer(s).expires_after(ctx_.cfg->header_timeout);
        http::async_read_header(
            s, buffer_, *parser_,
            beast::bind_front_handler(&http_session::on_header, shared_from_this()));
      },
      stream_);
}

void http_session::on_header(beast::error_code ec, std::size_t bytes) {
  if (ec) return on_read(ec, bytes);
  slot_.handshake_done();
  if (parser_->is_done()) return on_read(ec, bytes);
  std::visit(
      [&](auto& s) {
        beast::get_lowest_layer(s).expires_after(ctx_.cfg->http_timeout);
        http::async_read(s, buffer_, *parser_,
                         beast::bind_front_handler(&http_session::on_read, shared_from_this()));
      },
      stream_);
}

void http_session::on_read(beast::error_code ec, std::size_t) {
  if (ec == beast::error::timeout && buffer_.size() > 0)
    spdlog::info("http: {}: request not complete in time; connection closed", client_.address);
  if (ec == http::error::header_limit)
    return send(error_response(11, 431, "too_large", "request header fields too large"));
  if (ec == http::error::body_limit)
    return send(error_response(11, 413, "too_large", "request body too large"));
  if (ec == http::error::end_of_stream) return do_eof();
  if (ec) {
    if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
        buffer_.size() > 0)
      return send(error_response(11, 400, "bad_request", "malformed HTTP request"));
    return fail(ec, "read");
  }
  ctx_.stats->http_requests.fetch_add(1, std::memory_order_relaxed);
  handle(parser_->release());
}

client_info http_session::client_of(const http_request& req) const {
  client_info c{peer_, peer_loopback_, stream_.index() == 1};
  if (!peer_is_proxy_) return c;
  if (auto fwd = forwarded_for(req)) {
    boost::system::error_code ec;
    c.loopback = net::ip::make_address(*fwd, ec).is_loopback() && !ec;
    c.address = std::move(*fwd);
  }
  c.secure = c.secure || forwarded_https(req);
  return c;
}

bool http_session::metrics_allowed(const http_request& req) const {
  if (ctx_.metrics_token_hash.empty()) return client_.loopback;
  auto it = req.find(http::field::authorization);
  if (it == req.end()) return false;
  std::string_view auth(it->value().data(), it->value().size());
  constexpr std::string_view bearer = "Bearer ";
  if (!auth.starts_with(bearer)) return false;
  const std::string got = session_store::hash_token(auth.substr(bearer.size()));
  return got.size() == ctx_.metrics_token_hash.size() &&
         CRYPTO_memcmp(got.data(), ctx_.metrics_token_hash.data(), got.size()) == 0;
}

std::optional<http_response> http_session::refuse_plain_http(const http_request& req) const {
  if (!ctx_.tls || client_.secure || client_.loopback || ctx_.cfg->plain_http_any)
    return std::nullopt;
  auto host = req.find(http::field::host);
  const bool safe = req.method() == http::verb::get || req.method() == http::verb::head;
  if (!safe || websocket::is_upgrade(req) || !req.target().starts_with('/') || host == req.end() ||
      host->value().empty() || host->value().find_first_of("\r\n/\\@") != std::string_view::npos)
    return error_response(req, 403, "forbidden", "use https on this port");
  http_response res = make_response(req, 308, "", "text/plain; charset=utf-8");
  res.set(http::field::location,
          "https://" + std::string(host->value()) + std::string(req.target()));
  return res;
}

void http_session::handle(http_request req) {
  client_ = client_of(req);
  if (auto refused = refuse_plain_http(req)) return send(std::move(*refused));
  auto path = target_path(req.target());
  if (!path) return send(error_response(req, 400, "bad_request", "malformed target"));
  const bool anonymous = *path == "/public" || path->starts_with("/public/");
  const bool signed_in = *path == "/ws" || *path == "/api" || path->starts_with("/api/");
  if ((public_lane_ ? signed_in : anonymous) && move_lane(req)) return;

  if (*path == "/ws") {
    if (!websocket::is_upgrade(req))
      return send(error_response(req, 426, "upgrade_required", "GET /ws is a WebSocket"));
    return upgrade(std::move(req));
  }
  if (*path == "/healthz") return send(json_response(req, 200, R"({"ok":true})"));
  if (*path == "/readyz") {
    // In cluster mode a4pd listens only once caught up with the stream; a replica that
    // stopped following it (a message that does not chain) is not ready either.
    const bool replica_ok = !ctx_.cluster || ctx_.cluster->failure().empty();
    const bool ready = !ctx_.stopping.load() && !ctx_.log->failed() && replica_ok;
    return send(json_response(req, ready ? 200 : 503,
                              ready ? R"({"ready":true})"
                                    : (ctx_.log->failed() ? R"({"ready":false,"reason":"storage"})"
                                       : !replica_ok      ? R"({"ready":false,"reason":"replica"})"
                                                     : R"({"ready":false,"reason":"stopping"})")));
  }
  if (*path == "/metrics") {
    if (!metrics_allowed(req)) {
      return send(ctx_.metrics_token_hash.empty()
                      ? error_response(req, 403, "forbidden",
                                       "/metrics answers loopback connections only without "
                                       "--metrics-token-file")
                      : error_response(req, 401, "unauthorized",
                                       "/metrics needs Authorization: Bearer <metrics token>"));
    }
    return send(
        make_response(req, 200, ctx_.stats->render(), "text/plain; version=0.0.4; charset=utf-8"));
  }
  if (anonymous) {
    // Anonymous: its own budgets (public_site.hpp), answered here from the immutable snapshot.
    ctx_.stats->public_requests.fetch_add(1, std::memory_order_relaxed);
    if (!ctx_.site->limits().take_request(client_.address)) {
      ctx_.stats->public_rate_limited.fetch_add(1, std::memory_order_relaxed);
      auto res = error_response(req, 429, "rate_limited", "too many public requests");
      res.set(http::field::retry_after, "1");
      return send(std::move(res));
    }
    if (*path == "/public/api/feed") return open_public_stream(std::move(req));
    if (path->starts_with("/public/api/") || *path == "/public/api")
      return send(public_api_response(ctx_, req, *path));
    // A page: the client's shell with that page's title and link-preview tags.
    const auto snap = ctx_.site->current();
    if (auto page = public_page_response(ctx_.cfg->web_root, snap.get(), req, *path))
      return send(std::move(*page));
  }
  if (path->starts_with("/api/") || *path == "/api") {
    // The answer may come from another thread: post it back to this session's strand.
    handle_api(ctx_, std::move(req), client_, [self = shared_from_this()](http_response res) {
      net::post(self->ex_, [self, r = std::make_shared<http_response>(std::move(res))]() mutable {
        self->send(std::move(*r));
      });
    });
    return;
  }
  send(serve_static(ctx_.cfg->web_root, req));
}

bool http_session::move_lane(http_request& req) {
  auto* plain = std::get_if<0>(&stream_);
  if (!plain || !ctx_.public_ioc) return false;
  beast::error_code ec;
  const auto protocol = plain->socket().local_endpoint(ec).protocol();
  if (ec) return false;
  plain->expires_never();  // no operation is pending: the request has just been read
  const auto fd = plain->socket().release(ec);
  if (ec) return false;
  net::ip::tcp::socket moved(net::make_strand(public_lane_ ? *ctx_.ioc : *ctx_.public_ioc));
  moved.assign(protocol, fd, ec);
  if (ec) {
    ::close(fd);  // deliberate: the connection is lost, as if it had been reset
    spdlog::warn("http: moving a connection to the {} lane: {}", public_lane_ ? "main" : "public",
                 ec.message());
    return true;
  }
  auto next = std::make_shared<http_session>(ctx_, std::move(moved), peer_, peer_is_proxy_,
                                             std::move(slot_), !public_lane_);
  next->buffer_ = std::move(buffer_);  // a pipelined request already read
  net::dispatch(next->ex_, [next, r = std::make_shared<http_request>(std::move(req))] {
    next->handle(std::move(*r));
  });
  return true;
}

void http_session::upgrade(http_request req) {
  if (!origin_allowed(req, ctx_.allowed_origins))
    return send(error_response(req, 403, "forbidden", "origin not allowed"));
  if (!offers_subprotocol(req, "a4p.v1"))
    return send(
        error_response(req, 400, "bad_request", "Sec-WebSocket-Protocol must offer a4p.v1"));
  auto token = request_token(req);
  auto session = token ? ctx_.sessions->find(*token) : std::nullopt;
  if (!session) return send(error_response(req, 401, "unauthorized", "sign in first"));
  if (ctx_.stopping.load())
    return send(error_response(req, 503, "unavailable", "the server is shutting down"));
  if (ctx_.connect_limits && !ctx_.connect_limits->take(session->user)) {
    ctx_.stats->connections_refused.fetch_add(1);
    auto res = error_response(req, 429, "rate_limited",
                              "too many connections opened by this user; try again shortly");
    res.set(http::field::retry_after, "1");
    return send(std::move(res));
  }
  if (!ctx_.clients->reserve(session->user)) {
    ctx_.stats->connections_refused.fetch_add(1);
    return send(
        error_response(req, 429, "too_many_connections", "too many connections for this user"));
  }
  upgraded_ = true;
  std::visit(
      [&](auto& s) {
        auto ws = std::make_shared<websocket_session>(ctx_, std::move(s), session->user,
                                                      session->token_hash, std::move(slot_));
        ws->run(std::move(req));
      },
      stream_);
}

void http_session::open_public_stream(http_request req) {
  if (req.method() != http::verb::get)
    return send(error_response(req, 405, "method_not_allowed", "GET the feed"));
  if (ctx_.stopping.load())
    return send(error_response(req, 503, "unavailable", "the server is shutting down"));
  if (!ctx_.site->current())
    return send(error_response(req, 503, "unavailable", "the public site is starting"));
  if (!ctx_.site->limits().open_stream(client_.address)) {
    ctx_.stats->public_rate_limited.fetch_add(1, std::memory_order_relaxed);
    auto res = error_response(req, 429, "too_many_streams", "too many public feed streams");
    res.set(http::field::retry_after, "5");
    return send(std::move(res));
  }
  upgraded_ = true;
  auto s = std::make_shared<public_stream>(ctx_, std::move(stream_),
                                           public_feed_head(req, client_.secure), client_.address,
                                           std::move(slot_));
  s->run();
}

void http_session::send(http_response res) {
  if (client_.secure) res.set(http::field::strict_transport_security, hsts_value);
  const bool close = res.need_eof();
  res_ = std::make_shared<http_response>(std::move(res));
  std::visit(
      [&](auto& s) {
        // The write's own deadline: the request header's may have run out while a slow read
        // (a past state, an export) was being answered, and would cut the answer midway.
        beast::get_lowest_layer(s).expires_after(ctx_.cfg->write_timeout);
        http::async_write(
            s, *res_,
            beast::bind_front_handler(&http_session::on_write, shared_from_this(), close));
      },
      stream_);
}

void http_session::on_write(bool close, beast::error_code ec, std::size_t) {
  res_.reset();
  if (ec) return fail(ec, "write");
  if (close || ctx_.stopping.load()) return do_eof();
  do_read();
}

void http_session::do_eof() {
  if (auto* tls = std::get_if<1>(&stream_)) {
    beast::get_lowest_layer(*tls).expires_after(std::chrono::seconds(5));
    tls->async_shutdown([self = shared_from_this()](beast::error_code) {});
    return;
  }
  beast::error_code ec;
  std::get<0>(stream_).socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace a4p::server
