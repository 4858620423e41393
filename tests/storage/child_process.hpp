// Runs storage_crash_child (fork + exec) for the failure and crash tests.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace a4p::storage::test {

// Starts A4P_CRASH_CHILD with `args`, keeping `keep_fd` open in the child; returns its pid.
inline pid_t spawn_child(const std::vector<std::string>& args, int keep_fd = -1,
                         int close_fd = -1) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  if (close_fd >= 0) close(close_fd);
  (void)keep_fd;
  std::vector<char*> argv;
  std::string prog = A4P_CRASH_CHILD;
  argv.push_back(prog.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  execv(prog.c_str(), argv.data());
  _exit(127);
}

// Waits for `pid`; returns its exit code, or 128 + signal.
inline int wait_child(pid_t pid) {
  int st = 0;
  if (waitpid(pid, &st, 0) != pid) return -1;
  if (WIFEXITED(st)) return WEXITSTATUS(st);
  if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  return -1;
}

}  // namespace a4p::storage::test
