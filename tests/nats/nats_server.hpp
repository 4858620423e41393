// A real nats-server (Debian's package) with JetStream, on a free loopback port, for the
// tests of nats/: started by the constructor, SIGTERM and wait by the destructor. A
// nats_cluster is three of them routed to each other (JetStream clustered, Raft), as a4pd's
// cluster mode runs on.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace a4p::nats::testing {

// A server's place in a cluster: its name, its route port, and its peers' route ports.
struct cluster_member {
  std::string name;
  int route_port = 0;
  std::vector<int> peer_route_ports;
};

class nats_server {
 public:
  // `port` 0: a free one. The store directory is kept across restart().
  explicit nats_server(int port = 0, std::optional<cluster_member> member = std::nullopt);
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
  std::optional<cluster_member> member_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

// `n` servers on free loopback ports, routed to each other, cluster name "a4p".
class nats_cluster {
 public:
  explicit nats_cluster(int n = 3);
  [[nodiscard]] nats_server& node(std::size_t i) { return *nodes_.at(i); }
  [[nodiscard]] std::vector<std::string> urls() const;

 private:
  std::vector<std::unique_ptr<nats_server>> nodes_;
};

}  // namespace a4p::nats::testing
