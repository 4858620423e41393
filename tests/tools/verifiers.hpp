// Runs the two export verifiers, a4pctl verify-export (A4PCTL) and tools/verify_export.py
// (VERIFY_EXPORT_PY under A4P_PYTHON), on one file and parses what they say, so tests can
// require them to agree (docs/audit.md).
//
// Thread safety: single-threaded test code (files beside the export hold the output).
#pragma once

#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace a4p::verifiers {

struct verdict {
  int code = -1;                         // 0 intact, 1 broken, 2 usage
  std::string out;                       // stdout and stderr
  std::optional<std::uint64_t> bad_seq;  // "first bad seq N"
  std::string head_hash;                 // from "ok: N events, head hash H, ..."
  bool checkpoint_broken = false;        // "broken: checkpoint ..." or "... before the checkpoint"
};

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline verdict run_verifier(const std::string& program, const std::string& file,
                            const std::string& extra_args, const std::string& tag) {
  const std::string out_file = file + "." + tag + ".out";
  const std::string cmd =
      program + " " + shell_quote(file) + " " + extra_args + " >" + shell_quote(out_file) + " 2>&1";
  const int status = std::system(cmd.c_str());
  verdict v;
  v.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(out_file);
  std::stringstream s;
  s << in.rdbuf();
  v.out = s.str();
  if (auto at = v.out.find("first bad seq "); at != std::string::npos)
    v.bad_seq = std::stoull(v.out.substr(at + 14));
  if (auto at = v.out.find("head hash "); at != std::string::npos)
    v.head_hash = v.out.substr(at + 10, 64);
  v.checkpoint_broken = v.out.find("broken: checkpoint") != std::string::npos ||
                        v.out.find("before the checkpoint") != std::string::npos;
  return v;
}

// `extra_args` already shell-quoted, e.g. "--checkpoints 'cp.json' --pubkey 'k.pub'".
inline verdict with_a4pctl(const std::string& file, const std::string& extra_args = {}) {
  return run_verifier(std::string(A4PCTL) + " verify-export", file, extra_args, "a4pctl");
}
inline verdict with_python(const std::string& file, const std::string& extra_args = {}) {
  return run_verifier(std::string(A4P_PYTHON) + " " + shell_quote(VERIFY_EXPORT_PY), file,
                      extra_args, "python");
}

}  // namespace a4p::verifiers
