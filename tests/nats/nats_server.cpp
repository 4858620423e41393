#include "tests/nats/nats_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#ifndef NATS_SERVER_BIN
#error "NATS_SERVER_BIN must name Debian's nats-server"
#endif

namespace a4p::nats::testing {

namespace {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("no free port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

bool accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

nats_server::nats_server(int port, std::optional<cluster_member> member)
    : port_(port == 0 ? free_port() : port), member_(std::move(member)) {
  std::random_device rd;
  dir_ = std::filesystem::temp_directory_path() / ("a4p-nats-" + std::to_string(rd()));
  std::filesystem::create_directories(dir_);
  start();
}

nats_server::~nats_server() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void nats_server::start() {
  const std::string port = std::to_string(port_);
  const std::string store = (dir_ / "js").string();
  const std::string log = (dir_ / "nats.log").string();
  pid_ = ::fork();
  if (pid_ == 0) {
    std::vector<std::string> args = {NATS_SERVER_BIN, "-a",  "127.0.0.1", "-p", port,
                                     "-js",           "-sd", store,       "-l", log};
    if (member_) {
      std::string routes;
      for (int p : member_->peer_route_ports)
        routes +=
            (routes.empty() ? "" : ",") + std::string("nats://127.0.0.1:") + std::to_string(p);
      const std::vector<std::string> more = {
          "-n",       member_->name, "--cluster_name",
          "a4p",      "--cluster",   "nats://127.0.0.1:" + std::to_string(member_->route_port),
          "--routes", routes};
      args.insert(args.end(), more.begin(), more.end());
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (!accepts(port_)) {
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("nats-server did not listen on " + port + " (log " + log + ")");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

nats_cluster::nats_cluster(int n) {
  std::vector<int> client_ports, route_ports;
  for (int i = 0; i < n; ++i) {
    client_ports.push_back(free_port());
    route_ports.push_back(free_port());
  }
  for (int i = 0; i < n; ++i) {
    cluster_member m{"n" + std::to_string(i + 1), route_ports[static_cast<std::size_t>(i)], {}};
    for (int j = 0; j < n; ++j)
      if (j != i) m.peer_route_ports.push_back(route_ports[static_cast<std::size_t>(j)]);
    nodes_.push_back(
        std::make_unique<nats_server>(client_ports[static_cast<std::size_t>(i)], std::move(m)));
  }
}

std::vector<std::string> nats_cluster::urls() const {
  std::vector<std::string> out;
  for (const auto& s : nodes_) out.push_back(s->url());
  return out;
}

void nats_server::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

}  // namespace a4p::nats::testing
