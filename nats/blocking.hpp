// For callers that block instead of running an event loop (a4pctl, the tests): a nats::client
// on an io_context of its own, run by one thread, and await(), which waits for a callback's
// value.
//
// Thread safety: the client is used as nats::client documents (any thread); await() blocks the
// calling thread, which must not be the client's own.
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "nats/client.hpp"

namespace a4p::nats {

class threaded_client {
 public:
  // Starts connecting at once (to o.servers, in turn, for ever).
  explicit threaded_client(options o) : work_(io_.get_executor()) {
    c_ = std::make_unique<client>(io_, std::move(o));
    thread_ = std::thread([this] { io_.run(); });
    c_->start([this](bool up) {
      std::lock_guard lock(mu_);
      ++(up ? ups_ : downs_);
    });
  }
  ~threaded_client() {
    c_->close();
    work_.reset();
    io_.stop();
    thread_.join();
  }
  threaded_client(const threaded_client&) = delete;
  threaded_client& operator=(const threaded_client&) = delete;

  // False when no connection was up within `limit`.
  bool wait_connected(std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!c_->connected()) {
      if (std::chrono::steady_clock::now() > end) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
  }
  client& operator*() { return *c_; }
  client* operator->() { return c_.get(); }
  // How many times a connection came up (reconnects included).
  int ups() {
    std::lock_guard lock(mu_);
    return ups_;
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<client> c_;
  std::thread thread_;
  std::mutex mu_;
  int ups_ = 0, downs_ = 0;
};

// Calls start(callback) and waits for the value the callback is called with.
template <class T, class Start>
T await(Start start) {
  auto p = std::make_shared<std::promise<T>>();
  auto f = p->get_future();
  start([p](T v) { p->set_value(std::move(v)); });
  return f.get();
}

}  // namespace a4p::nats
