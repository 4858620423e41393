// A nats::threaded_client (nats/blocking.hpp) connected before the test goes on (the tests of
// nats/ and of the cluster tools).
#pragma once

#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "nats/blocking.hpp"

namespace a4p::nats::testing {

using namespace std::chrono_literals;

inline options test_options(const std::string& url) {
  options o;
  o.servers = {url};
  o.reconnect_wait = 50ms;
  o.name = "nats_test";
  return o;
}

class connected_client : public threaded_client {
 public:
  explicit connected_client(const std::string& url) : threaded_client(test_options(url)) {
    EXPECT_TRUE(wait_connected(10s)) << "no connection to " << url;
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
};

}  // namespace a4p::nats::testing
