// The bare Beast broadcaster the load generator compares a4pd against: an in-process
// WebSocket server (Beast chat-multi's shape: listener, one session per socket on its own
// strand, a hub of weak references) that sends every broadcast message, serialised once into
// a shared buffer, to every connected client as its own frame. No auth, no hello, no log, no
// per-connection "prev" (every client sees every message), no coalescing: the naive baseline
// of issue 4 item 7. A session's queue is bounded in bytes like a4pd's (close 4008).
//
// Thread safety: start/stop from the owning thread; broadcast() and clients() from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace a4p::load {

class baseline_session;

class baseline_server {
 public:
  explicit baseline_server(boost::asio::io_context& ioc);
  ~baseline_server();

  // Listens on 127.0.0.1:<ephemeral>; returns the endpoint.
  [[nodiscard]] boost::asio::ip::tcp::endpoint start();
  void stop();

  void broadcast(std::shared_ptr<const std::string> message);
  [[nodiscard]] std::size_t clients() const;

  // For sessions.
  void join(const std::shared_ptr<baseline_session>& s);

 private:
  void do_accept();

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  mutable std::mutex mu_;
  std::vector<std::weak_ptr<baseline_session>> sessions_;  // GUARDED_BY(mu_)
};

}  // namespace a4p::load
