// A real nats-server (Debian's package) with JetStream, on a free loopback port, for the
// tests of nats/: started by the constructor, SIGTERM and wait by the destructor.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace a4p::nats::testing {

class nats_server {
 public:
  // `port` 0: a free one. The store directory is kept across restart().
  explicit nats_server(int port = 0);
  ~nats_server();
  nats_server(const nats_server&) = delete;
  nats_server& operator=(const nats_server&) = delete;

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
  void kill9();  // SIGKILL and wait
  void start();  // on the same port and store
  [[nodiscard]] bool running() const { return pid_ > 0; }

 private:
  int port_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

}  // namespace a4p::nats::testing
