// The anonymous live viewers of the load generator (issue 15): N connections to the public
// feed (GET /public/api/feed, Server-Sent Events) on one io_context of their own, each reading
// and counting the changes it receives; and one publisher that, while they watch, files
// progress reports on the Secretariat's own published pledges through POST /api/commands, so
// that the public feed carries something (the writers' comments are never public).
//
// Usage: public_viewers v(params); v.prepare(); v.start_publishing(); ... v.connect(); ...
// v.stop_publishing(); v.print(seconds); v.close();
// Thread safety: call the methods from one thread; the counters are atomics.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

namespace a4p::load {

struct viewer_params {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::size_t viewers = 0;
  std::string source_base = "127.0.0.2";  // viewers come from loopback addresses from here on
  std::size_t per_source = 20'000;
  std::string secretariat_token;  // files the reports (pledges of org UN)
  double report_rate = 20;        // reports per second while publishing
  int threads = 1;
  int nice = 0;  // the viewers' threads' nice value (not the publisher's; thread_nice.hpp)
};

class public_viewers {
 public:
  explicit public_viewers(viewer_params p);
  ~public_viewers();
  public_viewers(const public_viewers&) = delete;
  public_viewers& operator=(const public_viewers&) = delete;

  // Publishes the UN pledges (those not yet public); the number of them.
  std::size_t prepare();
  // Opens the viewers and waits (up to 60 s) until every one has its hello; the number greeted.
  // May be called again after close() (rounds); the counters add up over the rounds.
  std::size_t connect();
  void start_publishing();
  void stop_publishing();
  void print(double seconds) const;
  void close();

  struct counters {
    std::atomic<std::uint64_t> connected{0}, failed{0}, hellos{0}, changes{0}, bytes{0};
  };

 private:
  void publish_loop();

  viewer_params p_;
  boost::asio::io_context ioc_;
  std::vector<std::thread> threads_;
  std::vector<std::shared_ptr<void>> conns_;
  std::vector<std::string> pledges_;  // the UN pledges the publisher reports on
  counters c_;
  std::atomic<bool> publishing_{false};
  std::thread publisher_;
  std::atomic<std::uint64_t> reports_{0}, report_errors_{0};
  std::size_t rounds_ = 0;  // connect() calls
};

}  // namespace a4p::load
