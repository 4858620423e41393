// The reader pool (decisions 0308, 0317 and 0335): the threads every read runs on, apart from
// the sequencer's strand and the network threads, in three lanes with threads of their own, so
// that one kind of read never queues behind another:
//  - the requests' lane (--reader-threads): REST reads (/api/events, /api/state and ?at,
//    /api/history, verify, exports), bounded for requests (try_post: false when full, the
//    caller answers 503 + Retry-After), and the periodic state snapshot (post_background);
//  - the sessions' lane (--session-reader-threads): what a WebSocket session waits for (the
//    welcome snapshot, a joined room's thread) and the published version's upkeep (its replica
//    and the frozen copies every read is served from, published.hpp), which sign-ins wait for.
//    Not bounded here: sessions bound it (--max-snapshot-bytes);
//  - the catch-ups' lane (--catch-up-threads): a resume's pages from the log, older than the
//    resume ring. Bounded by the sessions (--max-user-catch-ups, one page in flight per
//    catching-up session).
// Reconnecting clients thus never wait behind auditors' `?at` answers and exports, and sign-ins
// never behind clients catching up from far back.
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

// The lane a read runs on.
enum class read_lane { requests, sessions, catch_ups };

class reader_pool {
 public:
  // Each lane's threads and their nice value (0: the process's own priority).
  struct lanes {
    int requests = 2, requests_nice = 19;
    int sessions = 1, sessions_nice = 5;
    int catch_ups = 1, catch_ups_nice = 19;
    // The requests' and catch-ups' threads under SCHED_IDLE (decision 0335): they run only on a
    // CPU that nothing else wants; their nice values apply when false.
    bool idle = true;
  };
  // At most `queue_bound` requests waiting or running.
  reader_pool(const lanes& l, std::size_t queue_bound);
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
  // The sessions' or the catch-ups' lane: always queued. REQUIRES: lane is not requests.
  void post(std::function<void()> fn, read_lane lane = read_lane::sessions);
  [[nodiscard]] boost::asio::io_context::executor_type get_executor() {
    return sessions_.ioc.get_executor();
  }
  // Requests waiting or running.
  [[nodiscard]] std::size_t requests() const { return requests_.load(); }
  // Lets the queued work finish and joins the threads (shutdown).
  void join();

 private:
  struct lane {
    lane(int threads, int nice, bool idle, const char* name, const char* thread_name);
    void join();
    boost::asio::io_context ioc;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
    std::vector<std::thread> threads;
  };

  lane requests_lane_;
  lane sessions_;
  lane catch_ups_;
  const std::size_t bound_;
  std::atomic<std::size_t> requests_{0};
};

}  // namespace a4p::server
