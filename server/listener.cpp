#include "server/listener.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "server/config.hpp"
#include "server/http_session.hpp"
#include "server/metrics.hpp"
#include "server/peer_limits.hpp"
#include "server/server_context.hpp"

namespace a4p::server {

namespace net = boost::asio;
namespace beast = boost::beast;

namespace {
// The peer's address as text; an IPv4-mapped IPv6 address as the IPv4 one.
std::string peer_address(const net::ip::tcp::socket& socket) {
  beast::error_code ec;
  auto a = socket.remote_endpoint(ec).address();
  if (ec) return {};
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    a = net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6());
  return a.to_string();
}
}  // namespace

listener::listener(server_context& ctx, net::ip::tcp::acceptor&& acceptor)
    : ctx_(ctx), acceptor_(std::move(acceptor)), backoff_(acceptor_.get_executor()) {}

void listener::run() {
  net::dispatch(acceptor_.get_executor(),
                beast::bind_front_handler(&listener::do_accept, shared_from_this()));
}

void listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
  });
}

void listener::do_accept() {
  if (!acceptor_.is_open()) return;
  acceptor_.async_accept(net::make_strand(*ctx_.ioc),
                         beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, net::ip::tcp::socket socket) {
  if (ec) {
    if (ec == net::error::operation_aborted) return;
    spdlog::warn("accept: {}", ec.message());
    if (ec == net::error::no_descriptors) {
      do_backoff();  // out of file descriptors: back off briefly instead of spinning
      return;
    }
  } else {
    ctx_.stats->connections_accepted.fetch_add(1, std::memory_order_relaxed);
    const auto open = ctx_.stats->connections_http.load() + ctx_.stats->connections_ws.load();
    auto peer = peer_address(socket);
    const auto& proxies = ctx_.cfg->trust_proxy;
    const bool proxy = std::find(proxies.begin(), proxies.end(), peer) != proxies.end();
    connection_slot slot;
    if (ctx_.stopping.load() || open >= static_cast<std::int64_t>(ctx_.cfg->max_connections) ||
        peer.empty() || !ctx_.peers->take(peer, proxy, slot)) {
      ctx_.stats->connections_refused.fetch_add(1, std::memory_order_relaxed);
      beast::error_code ignored;
      socket.close(ignored);  // deliberate: over the limit there is nothing to say
    } else {
      beast::error_code ignored;
      socket.set_option(net::ip::tcp::no_delay(true), ignored);  // small frames, low latency
      std::make_shared<http_session>(ctx_, std::move(socket), std::move(peer), proxy,
                                     std::move(slot))
          ->run();
    }
  }
  do_accept();
}

void listener::do_backoff() {
  backoff_.expires_after(std::chrono::milliseconds(50));
  backoff_.async_wait(beast::bind_front_handler(&listener::on_backoff, shared_from_this()));
}

void listener::on_backoff(beast::error_code ec) {
  if (ec) return;
  do_accept();
}

}  // namespace a4p::server
