#include "tests/server/a4pd_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace a4p::test {

temp_dir::temp_dir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "a4pd-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

a4pd_process::a4pd_process(const a4pd_options& opts) {
  const char* bin = std::getenv("A4PD_BIN");
#ifdef A4PD_BIN_DEFAULT
  if (!bin) bin = A4PD_BIN_DEFAULT;
#endif
  if (!bin) throw std::runtime_error("A4PD_BIN is not set");
  std::vector<std::string> args = {bin,         "--data",      opts.data_dir, "--listen",
                                   opts.listen, "--log-level", "warn"};
  if (opts.demo) {
    args.push_back("--demo");
    args.push_back("--demo-password");
    args.push_back(opts.demo_password);
  }
  for (const auto& a : opts.extra_args) args.push_back(a);

  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    if (!opts.stderr_file.empty()) {
      int err = open(opts.stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (err < 0) _exit(127);
      dup2(err, STDERR_FILENO);
    }
    if (opts.file_size_limit) {
      rlimit rl{*opts.file_size_limit, *opts.file_size_limit};
      setrlimit(RLIMIT_FSIZE, &rl);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  out_fd_ = fds[0];
  // Read stdout until the listening line (demo hashing of passwords takes a few seconds).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{out_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    auto n = read(out_fd_, buf, sizeof buf);
    if (n <= 0) break;
    output_.append(buf, static_cast<std::size_t>(n));
    auto at = output_.find("listening on http");
    if (at == std::string::npos) continue;
    auto eol = output_.find('\n', at);
    if (eol == std::string::npos) continue;
    auto line = output_.substr(at, eol - at);
    port_ = static_cast<std::uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
    break;
  }
  // Keep draining stdout so a chatty server never blocks on a full pipe.
  fcntl(out_fd_, F_SETFL, O_NONBLOCK);
}

a4pd_process::~a4pd_process() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    int st = 0;
    waitpid(pid_, &st, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
}

void a4pd_process::signal(int sig) {
  if (pid_ > 0 && !reaped_) kill(pid_, sig);
}

std::optional<int> a4pd_process::wait(int timeout_ms) {
  if (reaped_) return std::nullopt;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (true) {
    int st = 0;
    auto r = waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      if (WIFEXITED(st)) return WEXITSTATUS(st);
      if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
      return -1;
    }
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace a4p::test
