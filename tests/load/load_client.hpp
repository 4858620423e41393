// One WebSocket client of the load generator: connects (optionally from a chosen loopback
// source address), authenticates with a bearer token, says hello (fresh or resuming), and
// then reads forever, checking every event's (and a light session's tick's) "prev" against the
// last seq it holds (a gap is counted, never ignored) and recording the latency of events that
// carry a send timestamp. A client can also be a writer: it sends comment.post commands at a rate
// (or as fast as a window of outstanding commands allows) and counts acks and rejects.
//
// The same class talks to the bare Beast baseline broadcaster (mode::baseline: no auth, no
// hello; the baseline sends events in the a4p.v1 event shape).
//
// Thread safety: each client lives on its own strand; the public methods post to it and may be
// called from any thread. last_seq() and the run_stats counters are atomics.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "tests/load/latency_histogram.hpp"

namespace a4p::load {

// A counter bumped from several threads hundreds of thousands of times a second: one
// cache line per thread shard; reading it sums the shards.
class sharded_counter {
 public:
  void add(std::uint64_t n);
  [[nodiscard]] std::uint64_t value() const;
  operator std::uint64_t() const { return value(); }  // NOLINT: reads like an atomic

 private:
  static constexpr std::size_t shards = 4;
  struct alignas(64) cell {
    std::atomic<std::uint64_t> v{0};
  };
  cell cells_[shards];
};

// Shared by every client of one run.
struct run_stats {
  std::atomic<std::uint64_t> connected{0}, connect_failed{0}, closed{0};
  sharded_counter events, event_bytes;
  std::atomic<std::uint64_t> gaps{0}, duplicates{0};
  std::atomic<std::uint64_t> sent{0}, acks{0}, rejects{0};
  std::atomic<std::uint64_t> max_acked_seq{0};
  sharded_counter bytes_received;  // every message's payload bytes (snapshots included)
  std::atomic<std::uint64_t> gzip_snapshots{0}, gzip_inflated_whole{0};
  latency_histogram latency;      // command sent -> event received (every delivery)
  latency_histogram ack_latency;  // command sent -> ack received
  std::atomic<std::int64_t> window_ack_max_ns{0};  // the slowest ack since the last progress line
  std::mutex mu;
  std::map<std::string, std::uint64_t> reject_codes;  // GUARDED_BY(mu)
  std::map<std::string, std::uint64_t> error_codes;   // GUARDED_BY(mu), of `error` messages
  std::string first_error;                            // GUARDED_BY(mu)
  std::string epoch;                                  // GUARDED_BY(mu), from a welcome
  std::uint64_t welcome_head = 0;                     // GUARDED_BY(mu)

  void note_error(const std::string& e) {
    std::lock_guard lock(mu);
    if (first_error.empty()) first_error = e;
  }
};

// Nanoseconds on the steady clock (CLOCK_MONOTONIC: one clock for the whole machine).
[[nodiscard]] std::int64_t now_ns();

class load_client : public std::enable_shared_from_this<load_client> {
 public:
  enum class mode { a4p, baseline };

  struct target {
    boost::asio::ip::tcp::endpoint server;
    boost::asio::ip::address source;  // unspecified: let the kernel choose
    std::string host_header;          // "127.0.0.1:8080"
    std::string token;                // bearer token (mode a4p)
    std::string resume_epoch;         // empty: fresh hello (snapshot)
    std::uint64_t resume_seq = 0;
    std::string view;  // hello's "view" ("light" or "full"); empty: not sent
    // hello's "snapshot_encoding" ("gzip"); empty: not sent. A gzip snapshot is read cheaply:
    // its head inflated for the seq; inflated whole (CRC-32 and length checked) when
    // `inflate_whole`.
    std::string snapshot_encoding;
    bool inflate_whole = false;
  };

  struct writer_params {
    std::string command_target = "discussion:D1";
    double rate = 0;          // commands per second; 0: as fast as the window allows
    std::size_t window = 64;  // most commands outstanding at once
    std::size_t body_bytes = 120;
    std::uint64_t limit = 0;  // stop after this many (0: no limit)
  };

  // `stats` is shared: handlers still queued after the run (a posted close, an aborted read)
  // may count into it.
  load_client(boost::asio::io_context& ioc, std::shared_ptr<run_stats> stats, std::size_t index,
              mode m);

  // Connects, upgrades, says hello; `ready(true)` runs (on the client's strand) once the
  // welcome (resume) or snapshot (fresh) is in, `ready(false)` on any failure.
  void start(target t, std::function<void(bool)> ready);
  void start_writing(writer_params p);
  void stop_writing();
  void close();

  [[nodiscard]] std::uint64_t last_seq() const { return last_seq_.load(); }
  [[nodiscard]] std::uint64_t gaps() const { return gaps_.load(); }
  [[nodiscard]] bool open() const { return open_.load(); }
  [[nodiscard]] std::size_t index() const { return index_; }

 private:
  void on_connect(boost::beast::error_code ec);
  void on_handshake(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void handle_line(std::string_view line);
  void handle_gzip(std::string_view gz);
  void finish_ready(bool ok);

  void send(std::string text);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void pump_writer();
  void on_tick(boost::beast::error_code ec);

  boost::asio::io_context& ioc_;
  std::shared_ptr<run_stats> stats_;
  std::size_t index_;
  mode mode_;
  target target_;
  std::function<void(bool)> ready_;
  std::unique_ptr<boost::beast::websocket::stream<boost::beast::tcp_stream>> ws_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> outbox_;
  bool writing_ = false;
  bool closing_ = false;

  // Writer state (strand only).
  bool writer_ = false;
  writer_params wp_;
  std::uint64_t commands_ = 0;
  std::size_t outstanding_ = 0;
  std::int64_t writer_start_ns_ = 0;
  std::unique_ptr<boost::asio::steady_timer> tick_;

  std::atomic<std::uint64_t> last_seq_{0};
  std::atomic<std::uint64_t> gaps_{0};
  std::atomic<bool> open_{false};
};

}  // namespace a4p::load
