#include "server/reader_pool.hpp"

#include <boost/asio/post.hpp>

#include "server/thread_priority.hpp"

namespace a4p::server {

reader_pool::reader_pool(int threads, std::size_t queue_bound, int nice)
    : work_(ioc_.get_executor()), bound_(queue_bound) {
  for (int i = 0; i < threads; ++i)
    threads_.emplace_back([this, nice] {
      set_thread_nice(nice, "reader pool");  // only this pool's threads yield to the others
      ioc_.run();
    });
}

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
  boost::asio::post(ioc_, [this, fn = std::move(fn)] {
    fn();
    requests_.fetch_sub(1);
  });
}

bool reader_pool::try_post(std::function<void()> fn) {
  if (!admit()) return false;
  post_admitted(std::move(fn));
  return true;
}

void reader_pool::post(std::function<void()> fn) {
  boost::asio::post(ioc_, std::move(fn));
}

void reader_pool::join() {
  work_.reset();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

}  // namespace a4p::server
