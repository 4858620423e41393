#include "server/reader_pool.hpp"

#include <boost/asio/post.hpp>

#include "server/thread_priority.hpp"

namespace a4p::server {

reader_pool::lane::lane(int n, int nice, const char* name, const char* thread_name)
    : work(ioc.get_executor()) {
  for (int i = 0; i < n; ++i)
    threads.emplace_back([this, nice, name, thread_name] {
      name_thread(thread_name);
      set_thread_nice(nice, name);  // only the readers' threads yield to the others
      ioc.run();
    });
}

void reader_pool::lane::join() {
  work.reset();
  for (auto& t : threads)
    if (t.joinable()) t.join();
}

reader_pool::reader_pool(int threads, std::size_t queue_bound, int nice, int session_threads,
                         int session_nice)
    : requests_lane_(threads, nice, "reader pool (requests)", "a4pd-read"),
      sessions_(session_threads, session_nice, "reader pool (sessions)", "a4pd-sessions"),
      bound_(queue_bound) {}

reader_pool::~reader_pool() {
  join();
}

bool reader_pool::admit() {
  auto n = requests_.load();
  do {
    if (n >= bound_) return false;
  } while (!requests_.compare_exchange_weak(n, n + 1));
  return true;
}

void reader_pool::post_admitted(std::function<void()> fn) {
  boost::asio::post(requests_lane_.ioc, [this, fn = std::move(fn)] {
    fn();
    requests_.fetch_sub(1);
  });
}

bool reader_pool::try_post(std::function<void()> fn) {
  if (!admit()) return false;
  post_admitted(std::move(fn));
  return true;
}

void reader_pool::post_background(std::function<void()> fn) {
  boost::asio::post(requests_lane_.ioc, std::move(fn));
}

void reader_pool::post(std::function<void()> fn) {
  boost::asio::post(sessions_.ioc, std::move(fn));
}

void reader_pool::join() {
  requests_lane_.join();
  sessions_.join();
}

}  // namespace a4p::server
