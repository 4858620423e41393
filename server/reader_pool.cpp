#include "server/reader_pool.hpp"

#include <boost/asio/post.hpp>

#include "server/thread_priority.hpp"

namespace a4p::server {

reader_pool::lane::lane(int n, int nice, bool idle, const char* name, const char* thread_name)
    : work(ioc.get_executor()) {
  for (int i = 0; i < n; ++i)
    threads.emplace_back([this, nice, idle, name, thread_name] {
      name_thread(thread_name);
      set_thread_nice(nice, name);  // only the readers' threads yield to the others
      if (idle) set_thread_idle(name);
      ioc.run();
    });
}

void reader_pool::lane::join() {
  work.reset();
  for (auto& t : threads)
    if (t.joinable()) t.join();
}

reader_pool::reader_pool(const lanes& l, std::size_t queue_bound)
    : requests_lane_(l.requests, l.requests_nice, l.idle, "reader pool (requests)", "a4pd-read"),
      sessions_(l.sessions, l.sessions_nice, false, "reader pool (sessions)", "a4pd-sessions"),
      catch_ups_(l.catch_ups, l.catch_ups_nice, l.idle, "reader pool (catch-ups)", "a4pd-catchup"),
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

void reader_pool::post(std::function<void()> fn, read_lane lane) {
  boost::asio::post(lane == read_lane::catch_ups ? catch_ups_.ioc : sessions_.ioc, std::move(fn));
}

void reader_pool::join() {
  requests_lane_.join();
  sessions_.join();
  catch_ups_.join();
}

}  // namespace a4p::server
