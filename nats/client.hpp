// A small client of the NATS protocol over Asio: what a4pd's cluster mode needs and no more
// (nats/README.md). One TCP connection to one of `servers`; CONNECT, PUB/HPUB, SUB/UNSUB,
// MSG/HMSG, PING/PONG and request-reply through one wildcard inbox subscription. When the
// connection drops it reconnects for ever (next server, `reconnect_wait` between rounds),
// subscribes again to everything, and sends what was published while it was away (up to
// `max_buffered_bytes`; a message that does not fit then is dropped, as core NATS is
// at-most-once: JetStream publishes go through request() and learn it from the missing ack).
//
// Thread safety: every public method may be called from any thread; the work runs on the
// client's strand, and every handler is called on it.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nats/parser.hpp"

namespace boost::asio {
class io_context;
}

namespace a4p::nats {

struct options {
  std::vector<std::string> servers{"nats://127.0.0.1:4222"};  // "nats://host:port" or "host:port"
  std::string name = "a4pd";
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds reconnect_wait{250};
  std::chrono::milliseconds ping_interval{5000};  // a PING; two unanswered drop the connection
  std::size_t max_buffered_bytes = 32 * 1024 * 1024;
};

using msg_handler = std::function<void(const message&)>;
// A reply, or why there is none ("timeout", "no responders", "closed").
using reply_handler = std::function<void(std::expected<message, std::string>)>;

class client {
 public:
  client(boost::asio::io_context& io, options o);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  // Connects (and keeps reconnecting until close()). `on_state(true)` after each successful
  // CONNECT and re-subscription, `on_state(false)` when a connection is lost.
  void start(std::function<void(bool connected)> on_state = nullptr);
  // Closes the connection; pending requests get "closed". No handler runs after it returns
  // on the strand.
  void close();

  // False when the message alone is over max_buffered_bytes. While disconnected, a message
  // that does not fit the buffer is dropped (see above); after close() every one is.
  bool publish(const std::string& subject, const std::string& payload, const headers& h = {},
               const std::string& reply = {});
  std::uint64_t subscribe(const std::string& subject, msg_handler h, const std::string& queue = {});
  void unsubscribe(std::uint64_t sid);
  // Publishes with a fresh reply subject and calls `done` once: the first reply, or an error.
  void request(const std::string& subject, const std::string& payload, const headers& h,
               std::chrono::milliseconds timeout, reply_handler done);
  // Calls `fn` on the client's strand after `delay` (not if the client is closed by then).
  void after(std::chrono::milliseconds delay, std::function<void()> fn);
  // A unique inbox subject, for replies that are more than one message.
  [[nodiscard]] std::string new_inbox();

  // True once a connection is up and the start() callback has been told so.
  [[nodiscard]] bool connected() const;
  // The server's INFO (JSON) of the current connection.
  [[nodiscard]] std::string server_info() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace a4p::nats
