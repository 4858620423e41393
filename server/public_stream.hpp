// One anonymous live viewer of the public site: GET /public/api/feed answered as Server-Sent
// Events (decision 0310). After the response header, the connection only carries what
// public_site sends: a greeting `event: hello` with the snapshot's seq, then one `event:
// change` per public projection (`id:` its seq), and a comment line as keep-alive. The body
// shared by every viewer is serialised once (public_site); each viewer only queues pointers.
//
// One write in flight; the rest in a queue bounded in bytes (--public-max-queue): over it the
// viewer is closed, and its EventSource reconnects and refetches. A write in flight longer than
// --write-timeout closes it too. What the client sends is read and dropped (so a close is
// seen at once); the per-address and total stream counts are released on destruction.
//
// Thread safety: all state on the stream's own strand; send() and close() post to it.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <variant>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "server/peer_limits.hpp"

namespace a4p::server {

struct server_context;

class public_stream : public std::enable_shared_from_this<public_stream> {
 public:
  using stream_type =
      std::variant<boost::beast::tcp_stream, boost::beast::ssl_stream<boost::beast::tcp_stream>>;
  // `head`: the response header, written first. `address`: counted in public_limits.
  public_stream(server_context& ctx, stream_type&& stream, std::string head, std::string address,
                connection_slot slot);
  ~public_stream();

  // Writes the header, starts reading (to see the close), and subscribes to public_site.
  void run();
  void send(std::shared_ptr<const std::string> chunk);
  void close();

 private:
  void do_send(std::shared_ptr<const std::string> chunk);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void do_read();
  void do_close();

  server_context& ctx_;
  stream_type stream_;
  connection_slot slot_;
  std::string address_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closed_ = false;
  char read_buf_[512];
};

}  // namespace a4p::server
