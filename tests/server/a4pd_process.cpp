#include "tests/server/a4pd_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

extern char** environ;

namespace a4p::test {

namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool sanitizer_build = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool sanitizer_build = true;
#else
constexpr bool sanitizer_build = false;
#endif
#else
constexpr bool sanitizer_build = false;
#endif

// This process's environment for the child; in an ASan or TSan build with log_path=<dir>/a4pd
// added to ASAN_OPTIONS, UBSAN_OPTIONS and TSAN_OPTIONS (the runtime appends .<pid>;
// LeakSanitizer follows ASan's).
std::vector<std::string> child_environment(const std::string& sanitizer_dir) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  if (sanitizer_dir.empty()) return env;
  const std::string log_path = "log_path=" + sanitizer_dir + "/a4pd";
  for (std::string name : {"ASAN_OPTIONS=", "UBSAN_OPTIONS=", "TSAN_OPTIONS="}) {
    auto it = std::ranges::find_if(env, [&](const std::string& v) { return v.starts_with(name); });
    if (it == env.end())
      env.push_back(name + log_path);
    else
      *it += ":" + log_path;
  }
  return env;
}

}  // namespace

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
  if constexpr (sanitizer_build) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "a4pd-sanitizer-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    sanitizer_dir_ = tmpl;
  }
  // Built before fork: the child only calls async-signal-safe functions.
  std::vector<std::string> env = child_environment(sanitizer_dir_);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

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
    execve(argv[0], argv.data(), envp.data());
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
    if constexpr (sanitizer_build) {
      kill(pid_, SIGTERM);
      wait(10000);
    }
    if (!reaped_) {
      kill(pid_, SIGKILL);
      int st = 0;
      waitpid(pid_, &st, 0);
    }
  }
  fail_on_sanitizer_reports();
  if (out_fd_ >= 0) close(out_fd_);
}

void a4pd_process::fail_on_sanitizer_reports() {
  if (sanitizer_dir_.empty()) return;
  std::error_code ec;
  for (const auto& f : std::filesystem::directory_iterator(sanitizer_dir_, ec)) {
    std::ifstream in(f.path());
    std::ostringstream text;
    text << in.rdbuf();
    ADD_FAILURE() << "a4pd (pid " << pid_ << ") sanitizer report " << f.path().filename().string()
                  << ":\n"
                  << text.str();
  }
  std::filesystem::remove_all(sanitizer_dir_, ec);
  sanitizer_dir_.clear();
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
      fail_on_sanitizer_reports();
      if (WIFEXITED(st)) return WEXITSTATUS(st);
      if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
      return -1;
    }
    if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace a4p::test
