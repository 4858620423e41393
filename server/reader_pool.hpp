// The reader pool (decision 0308): the threads every read runs on, apart from the sequencer's
// strand and the network threads. Reads of the log, past states, views and their serialisation
// (REST reads, the welcome snapshot, the resume catch-up's log pages) queue here; the queue is
// bounded for requests (try_post: false when full, the caller answers 503 + Retry-After), not for
// the server's own work (post: the published version's upkeep, a resume's next page).
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
  // `threads` threads at `nice` (0: the process's own priority); at most `queue_bound`
  // requests waiting or running.
  reader_pool(int threads, std::size_t queue_bound, int nice);
  ~reader_pool();
  reader_pool(const reader_pool&) = delete;
  reader_pool& operator=(const reader_pool&) = delete;

  // A request: queued unless `queue_bound` requests are already waiting or running.
  [[nodiscard]] bool try_post(std::function<void()> fn);
  // The same in two steps: admit() takes a place (false: full), post_admitted() queues fn in it
  // (the place is given back once fn has run).
  [[nodiscard]] bool admit();
  void post_admitted(std::function<void()> fn);
  // The server's own work: always queued.
  void post(std::function<void()> fn);
  [[nodiscard]] boost::asio::io_context::executor_type get_executor() {
    return ioc_.get_executor();
  }
  // Requests waiting or running.
  [[nodiscard]] std::size_t requests() const { return requests_.load(); }
  // Lets the queued work finish and joins the threads (shutdown).
  void join();

 private:
  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
  const std::size_t bound_;
  std::atomic<std::size_t> requests_{0};
};

}  // namespace a4p::server
