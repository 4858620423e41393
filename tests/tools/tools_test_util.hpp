// Helpers for tests/tools: temp directories and running the real a4pctl binary.
//
// Thread safety: single-threaded test code.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace a4p::tools_test {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents at scope exit.
class temp_dir {
 public:
  temp_dir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "a4p-tools-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  [[nodiscard]] std::string operator/(const std::string& name) const {
    return (std::filesystem::path(path_) / name).string();
  }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string slurp(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

struct run_result {
  int code = -1;
  std::string out, err;
};

// Runs `a4pctl <args>` (args already shell-quoted as needed) with `input` on stdin.
inline run_result a4pctl(const temp_dir& scratch, const std::string& args,
                         const std::string& input = {}) {
  static int n = 0;
  const std::string base = scratch / ("run" + std::to_string(++n));
  {
    std::ofstream in(base + ".in", std::ios::binary);
    in << input;
  }
  const std::string cmd = std::string(A4PCTL) + " " + args + " <" + quote(base + ".in") + " >" +
                          quote(base + ".out") + " 2>" + quote(base + ".err");
  int status = std::system(cmd.c_str());
  run_result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(base + ".out");
  r.err = slurp(base + ".err");
  return r;
}

}  // namespace a4p::tools_test
