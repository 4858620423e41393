// A nats::client on its own io_context thread, connected before the test goes on (the tests of
// nats/ and of the cluster tools).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "nats/client.hpp"

namespace a4p::nats::testing {

using namespace std::chrono_literals;

// An io_context on its own thread and a client on it, connected before the test goes on.
class connected_client {
 public:
  explicit connected_client(const std::string& url) : work_(io_.get_executor()) {
    options o;
    o.servers = {url};
    o.reconnect_wait = 50ms;
    o.name = "nats_test";
    c_ = std::make_unique<client>(io_, o);
    thread_ = std::thread([this] { io_.run(); });
    c_->start([this](bool up) {
      std::lock_guard lock(mu_);
      ++(up ? ups_ : downs_);
    });
    EXPECT_TRUE(wait_for([this] { return c_->connected(); }, 10s)) << "no connection to " << url;
  }
  ~connected_client() {
    c_->close();
    work_.reset();
    io_.stop();
    thread_.join();
  }
  client& operator*() { return *c_; }
  client* operator->() { return c_.get(); }
  int ups() {
    std::lock_guard lock(mu_);
    return ups_;
  }

  template <class F>
  static bool wait_for(F f, std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!f()) {
      if (std::chrono::steady_clock::now() > end) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<client> c_;
  std::thread thread_;
  std::mutex mu_;
  int ups_ = 0, downs_ = 0;
};

}  // namespace a4p::nats::testing
