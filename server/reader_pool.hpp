// The reader pool (decisions 0308 and 0317): the threads every read runs on, apart from the
// sequencer's strand and the network threads, in two lanes with threads of their own, so that
// one kind of read never queues behind the other:
//  - the requests' lane (--reader-threads): REST reads (/api/events, /api/state and ?at,
//    /api/history, verify, exports), bounded for requests (try_post: false when full, the
//    caller answers 503 + Retry-After), and the periodic state snapshot (post_background);
//  - the sessions' lane (--session-reader-threads): what a WebSocket session waits for (the
//    welcome snapshot, the resume catch-up's log pages) and the published version's upkeep
//    (its replica and the frozen copies every read is served from, published.hpp). Not bounded
//    here: sessions bound it (--max-user-catch-ups, --max-snapshot-bytes, one page in flight
//    per catching-up session).
// Reconnecting clients thus never wait behind auditors' `?at` answers and exports.
//
// Its threads may run at a lower priority (nice), so that on a small machine the writer wins
// the CPU when both want it.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace a4p::server {

class reader_pool {
 public:
  // `threads` threads for requests at `nice` and `session_threads` for sessions at
  // `session_nice` (0: the process's own priority); at most `queue_bound` requests waiting or
  // running.
  reader_pool(int threads, std::size_t queue_bound, int nice, int session_threads,
              int session_nice);
  ~reader_pool();
  reader_pool(const reader_pool&) = delete;
  reader_pool& operator=(const reader_pool&) = delete;

  // A request, on the requests' lane: queued unless `queue_bound` requests are already
  // waiting or running.
  [[nodiscard]] bool try_post(std::function<void()> fn);
  // The same in two steps: admit() takes a place (false: full), post_admitted() queues fn in it
  // (the place is given back once fn has run).
  void post_admitted(std::function<void()> fn);
  [[nodiscard]] bool admit();
  // The server's own work that may wait (the periodic snapshot): the requests' lane, always
  // queued.
  void post_background(std::function<void()> fn);
  // The sessions' lane: always queued.
  void post(std::function<void()> fn);
  [[nodiscard]] boost::asio::io_context::executor_type get_executor() {
    return sessions_.ioc.get_executor();
  }
  // Requests waiting or running.
  [[nodiscard]] std::size_t requests() const { return requests_.load(); }
  // Lets the queued work finish and joins the threads (shutdown).
  void join();

 private:
  struct lane {
    lane(int threads, int nice, const char* name, const char* thread_name);
    void join();
    boost::asio::io_context ioc;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
    std::vector<std::thread> threads;
  };

  lane requests_lane_;
  lane sessions_;
  const std::size_t bound_;
  std::atomic<std::size_t> requests_{0};
};

}  // namespace a4p::server
