// One a4p.v1 WebSocket connection, after the HTTP upgrade (Beast chat-multi's
// websocket_session). It reads client messages and hands them to the sequencer, and writes
// what the sequencer and the hub queue for it: one async_write in flight, the rest in a queue
// bounded in bytes (over the bound: close 4008), coalesced into one frame of '\n'-separated
// messages under bursts (PROTOCOL.md section 2). Each event gets this connection's own "prev"
// in front of the shared body.
//
// Ending (SECURITY.md, "Sessions that end"): once a close starts, nothing more it reads is
// processed and nothing more is queued; if the close handshake of a close that ends the
// session's authority (4001, 4003, 1008) has not finished within --close-timeout (a write
// stuck on a client that stopped reading), the socket is cut; other closes (4008, 1001) get
// --write-timeout. A frame write in flight longer than --write-timeout closes it 4008, however
// much the client sends.
//
// Thread safety: all state is touched on the session's strand only, except ended() (atomic). The
// public methods (deliver_event, send, close, and the sequencer's hooks) may be called from any
// thread: they post to the strand. Calls made one after another from one strand are delivered in
// order, which is how the sequencer keeps catch-up and live events gap-free.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <variant>

#include "server/fanout.hpp"
#include "server/peer_limits.hpp"
#include "server/rate_limit.hpp"

namespace a4p::server {

struct server_context;

class websocket_session : public std::enable_shared_from_this<websocket_session> {
 public:
  // `user`, `token_hash`: who authenticated the upgrade (hub::reserve was called for user);
  // `slot`: the socket's place in the per-address connection count, held until destruction.
  websocket_session(server_context& ctx, boost::beast::tcp_stream&& stream, std::string user,
                    std::string token_hash, connection_slot slot);
  websocket_session(server_context& ctx,
                    boost::beast::ssl_stream<boost::beast::tcp_stream>&& stream, std::string user,
                    std::string token_hash, connection_slot slot);
  ~websocket_session();

  // Enrolls with the hub, accepts the upgrade (answering subprotocol a4p.v1 when the client
  // offered it), checks the token once more (a logout may have come since the HTTP check) and
  // starts reading.
  void run(boost::beast::http::request<boost::beast::http::string_body> req);

  // ---- any thread ----
  // Events and ticks in one post (live feed, catch-up), in seq order.
  void deliver_events(std::vector<feed_item> events);
  void send(std::shared_ptr<const std::string> message);
  void send(std::string message);
  // The welcome snapshot: the one message that may exceed the send-queue bound by itself (a
  // large workspace's state is bigger than the bound; without this such a client could never
  // connect). Only what is queued beside it counts against the bound.
  // binary: `message` is sent as one binary frame of its own (a gzip snapshot, decision 0213).
  void send_snapshot(std::string message, bool binary = false);
  void close(int code);
  // Calls `fn` on this session's strand once what is queued but not yet written is at most a
  // quarter of --max-send-queue (at once if it is already): the resume catch-up's backpressure.
  // Never called once the session has ended; one waiter at a time (a new one replaces it).
  void when_drained(std::function<void()> fn);

  // ---- for the sequencer, on its strand ----
  // After the welcome: the seq the feed continues from (the resume point or snapshot seq),
  // and who this session is from now on.
  void start_feed(std::uint64_t from_seq, const protocol::principal& v);
  // hello refused (unknown user): the close code.
  void refuse(int code);

  [[nodiscard]] std::uint64_t id() const { return id_; }
  [[nodiscard]] const std::string& user() const { return user_; }
  [[nodiscard]] const std::string& token_hash() const { return token_hash_; }
  // A close has started: the sequencer drops what this session sent. Any thread.
  [[nodiscard]] bool ended() const { return ended_.load(std::memory_order_acquire); }

 private:
  struct out_item {
    std::shared_ptr<const std::string> body;
    std::uint64_t seq = 0;   // 0: a plain message; else an event or a tick (gets "prev")
    std::uint64_t prev = 0;  // decided when queued
    bool exempt = false;     // the welcome snapshot: not counted against the bound
    bool tick = false;       // a tick body (protocol::tick_message), not an event body
    bool binary = false;     // a binary frame of its own, never coalesced (decision 0213)
  };

  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle_text(std::string_view text);
  void on_hello_timeout(boost::beast::error_code ec);

  void enqueue(out_item item);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void notify_drained();
  void start_close(int code);
  void leave();  // closing: out of the hub, the queue dropped
  void gone();   // the connection failed: leave and stop the timers
  void do_close();
  // One timer for two deadlines: while open, the write in flight (--write-timeout); once
  // closing, the close itself (--close-timeout). Stale waits are told apart by generation.
  void arm_watchdog(std::chrono::steady_clock::time_point at);
  void on_watchdog(std::uint64_t gen, boost::beast::error_code ec);
  void cut();

  server_context& ctx_;
  using plain_ws = boost::beast::websocket::stream<boost::beast::tcp_stream>;
  using tls_ws =
      boost::beast::websocket::stream<boost::beast::ssl_stream<boost::beast::tcp_stream>>;
  std::variant<plain_ws, tls_ws> ws_;
  boost::asio::any_io_executor ex_;  // the connection's strand
  boost::beast::flat_buffer buffer_;
  boost::asio::steady_timer hello_timer_;
  boost::asio::steady_timer watchdog_;
  const std::uint64_t id_;
  const std::string user_;
  const std::string token_hash_;
  connection_slot slot_;

  std::atomic<bool> ended_{false};
  bool accepted_ = false;  // the upgrade's handshake finished
  bool hello_seen_ = false;
  bool live_ = false;  // start_feed ran: in the hub
  bool writing_ = false;
  bool closing_ = false;  // a close is decided: nothing more is queued
  bool close_sent_ = false;
  int close_code_ = 0;
  bool watchdog_armed_ = false;
  std::uint64_t watchdog_gen_ = 0;
  std::chrono::steady_clock::time_point write_started_;
  std::uint64_t last_seq_ = 0;  // "prev" of the next event
  std::deque<out_item> queue_;
  std::size_t queued_bytes_ = 0;
  std::function<void()> drained_;  // when_drained's waiter
  rate_limiter control_limits_;    // join, leave and ping (--rate, --burst)
  std::size_t exempt_bytes_ = 0;   // of queued_bytes_, the part of an exempt snapshot
  std::string frame_;              // the frame being written
  std::size_t frame_accounted_ = 0;
  std::size_t frame_exempt_ = 0;
};

}  // namespace a4p::server
