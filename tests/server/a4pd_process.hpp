// Runs the real a4pd binary for integration tests: fork + exec on an ephemeral port in a
// temporary data directory, reads the bound port from its "listening on http://HOST:PORT"
// line, and signals / reaps it. Optionally sets RLIMIT_FSIZE in the child before exec (to
// make the disk refuse writes) and sends its stderr to a file. tests/tools uses it too.
//
// In a sanitizer build (the asan and tsan presets) a4pd writes its reports (ASan, UBSan, TSan,
// LeakSanitizer) to files in a directory of its own, and every report found there when the
// process is reaped fails the running test with the report's text: a report from a child
// process would otherwise go by unnoticed whenever the test's own checks pass (an error in
// the last handler, UBSan's report-and-go-on, a leak). The destructor then also stops a4pd with
// SIGTERM (SIGKILL after 10 s) so that LeakSanitizer runs at its exit.
//
// Thread safety: one object per test, used from the test's thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace a4p::test {

// A fresh temporary directory, removed (recursively) by the destructor.
class temp_dir {
 public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct a4pd_options {
  std::string data_dir;
  std::string listen = "127.0.0.1:0";
  bool demo = true;
  std::string demo_password = "test-password-1";
  std::vector<std::string> extra_args;
  std::optional<std::uint64_t> file_size_limit;  // RLIMIT_FSIZE in bytes
  std::string stderr_file;  // when set, a4pd's stderr (its log) is written to this file
};

// An a4pd --demo on the data directory `data_dir` with the flags `extra`.
inline a4pd_options options_in(std::string data_dir, std::vector<std::string> extra = {}) {
  a4pd_options o;
  o.data_dir = std::move(data_dir);
  o.extra_args = std::move(extra);
  return o;
}

// The flags that lift a user's command and byte budgets (tests that write fast), then `more`.
inline std::vector<std::string> unthrottled(std::vector<std::string> more = {}) {
  std::vector<std::string> flags = {"--rate",       "100000", "--burst",       "100000",
                                    "--rate-bytes", "1e9",    "--burst-bytes", "1e9"};
  flags.insert(flags.end(), more.begin(), more.end());
  return flags;
}

class a4pd_process {
 public:
  // Starts a4pd and waits (up to 60 s) for its listening line. A4PD_BIN (or the built-in default
  // path) names the binary.
  explicit a4pd_process(const a4pd_options& opts);
  ~a4pd_process();  // SIGKILL if still running (ASan build: SIGTERM first, see above)

  [[nodiscard]] bool started() const { return port_ != 0; }
  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] const std::string& output() const { return output_; }

  void signal(int sig);
  // Waits up to timeout_ms for the process to exit; its exit code (128+signal when killed),
  // or nullopt on timeout.
  std::optional<int> wait(int timeout_ms);

 private:
  void fail_on_sanitizer_reports();

  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::uint16_t port_ = 0;
  std::string output_;
  bool reaped_ = false;
  std::string sanitizer_dir_;  // ASan build: where a4pd writes its reports
};

}  // namespace a4p::test
