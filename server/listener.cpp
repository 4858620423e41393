#include "server/listener.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "server/config.hpp"
#include "server/http_session.hpp"
#include "server/metrics.hpp"
#include "server/server_context.hpp"

namespace a4p::server {

namespace net = boost::asio;
namespace beast = boost::beast;

listener::listener(server_context& ctx, net::ip::tcp::acceptor&& acceptor)
    : ctx_(ctx), acceptor_(std::move(acceptor)) {}

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
      // Out of file descriptors: back off briefly instead of spinning.
      auto t = std::make_shared<net::steady_timer>(acceptor_.get_executor());
      t->expires_after(std::chrono::milliseconds(50));
      t->async_wait([self = shared_from_this(), t](beast::error_code) { self->do_accept(); });
      return;
    }
  } else {
    ctx_.stats->connections_accepted.fetch_add(1, std::memory_order_relaxed);
    const auto open = ctx_.stats->connections_http.load() + ctx_.stats->connections_ws.load();
    if (ctx_.stopping.load() || open >= static_cast<std::int64_t>(ctx_.cfg->max_connections)) {
      ctx_.stats->connections_refused.fetch_add(1, std::memory_order_relaxed);
      beast::error_code ignored;
      socket.close(ignored);  // deliberate: over the limit there is nothing to say
    } else {
      beast::error_code ignored;
      socket.set_option(net::ip::tcp::no_delay(true), ignored);  // small frames, low latency
      std::make_shared<http_session>(ctx_, std::move(socket))->run();
    }
  }
  do_accept();
}

}  // namespace a4p::server
