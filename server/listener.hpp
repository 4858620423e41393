// Accepts TCP connections (Beast's listener): each accepted socket gets its own strand and an
// http_session. Over the total connection limit, or over its peer address's limits
// (peer_limits), a socket is closed at once.
//
// Thread safety: runs on its own strand; stop() may be called from any thread.
#pragma once

#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/error.hpp>

namespace a4p::server {

struct server_context;

class listener : public std::enable_shared_from_this<listener> {
 public:
  listener(server_context& ctx, boost::asio::ip::tcp::acceptor&& acceptor);
  void run();
  void stop();

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);
  void do_backoff();
  void on_backoff(boost::beast::error_code ec);

  server_context& ctx_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_;  // after EMFILE/ENFILE, before the next accept
};

}  // namespace a4p::server
