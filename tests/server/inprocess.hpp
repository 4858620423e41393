// An a4pd in this test process: server_app (server/server.hpp) on a fresh demo data directory
// (real RocksDB in a temp dir) and an ephemeral port, served on its own thread until the
// fixture stops it. The tests reach its hub, sequencer and log directly, and talk to it over
// real sockets with test_client.
//
// Thread safety: one object per test, driven from the test's thread.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "server/options.hpp"
#include "server/server.hpp"
#include "tests/server/test_util.hpp"

namespace a4p::test {

class inprocess_a4pd {
 public:
  explicit inprocess_a4pd(int threads = 2) {
    server::options o;
    o.cfg.data_dir = dir_.path();
    o.cfg.listen_host = "127.0.0.1";
    o.cfg.listen_port = 0;
    o.cfg.threads = threads;
    o.cfg.commands_per_second = 100000;
    o.cfg.command_burst = 100000;
    o.demo = true;
    o.demo_password = demo_password;
    app_ = std::make_unique<server::server_app>(std::move(o));
    opened_ = app_->open().has_value();
    if (opened_) runner_ = std::thread([this] { app_->run(); });
  }
  ~inprocess_a4pd() { stop(); }
  inprocess_a4pd(const inprocess_a4pd&) = delete;
  inprocess_a4pd& operator=(const inprocess_a4pd&) = delete;

  [[nodiscard]] bool started() const { return opened_; }
  [[nodiscard]] std::uint16_t port() const { return app_->port(); }
  [[nodiscard]] server::server_app& app() { return *app_; }

  // The same shutdown as SIGTERM; returns once run() has returned.
  void stop() {
    if (!runner_.joinable()) return;
    app_->stop();
    runner_.join();
  }

 private:
  temp_dir dir_;
  std::unique_ptr<server::server_app> app_;
  bool opened_ = false;
  std::thread runner_;
};

}  // namespace a4p::test
