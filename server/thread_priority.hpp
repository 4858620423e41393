// Names and priorities of a4pd's own threads. Names (`top -H`, `perf`, /proc/PID/task/*/comm)
// tell the lanes apart: a4pd-net (network and sequencer; the main thread stays "a4pd"),
// a4pd-public, a4pd-read (REST reads), a4pd-sessions (welcome snapshots, catch-up pages).
// The nice value of the calling thread (Linux: nice is per thread), for the pools that should
// yield the CPU to the writer on a small machine: the reader pool (--reader-nice) and the
// anonymous lane (--public-nice).
//
// Thread safety: acts on the calling thread only.
#pragma once

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <string_view>

#include <spdlog/spdlog.h>

namespace a4p::server {

// Sets the calling thread's nice value (0: left as it is); a refusal is logged, not fatal.
inline void set_thread_nice(int nice, std::string_view who) {
  if (nice != 0 && ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), nice) != 0)
    spdlog::warn("{}: cannot set nice {} on its thread", who, nice);
}

// Names the calling thread (at most 15 bytes are kept). Never call it on the main thread: its
// name is the process's (what pgrep and ps match).
inline void name_thread(const char* name) {
  ::pthread_setname_np(::pthread_self(), name);
}

}  // namespace a4p::server
