// Names and priorities of a4pd's own threads. Names (`top -H`, `perf`, /proc/PID/task/*/comm)
// tell the lanes apart: a4pd-net (network and sequencer; the main thread stays "a4pd"),
// a4pd-public, a4pd-read (REST reads), a4pd-sessions (welcome snapshots, rooms' threads),
// a4pd-catchup (a resume's pages from the log).
// The nice value of the calling thread (Linux: nice is per thread), for the pools that should
// yield the CPU to the writer on a small machine: the reader pool (--reader-nice,
// --session-reader-nice, --catch-up-nice) and the anonymous lane (--public-nice).
//
// Thread safety: acts on the calling thread only.
#pragma once

#include <pthread.h>
#include <sched.h>
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

// Puts the calling thread under SCHED_IDLE: it runs only when no other thread wants the CPU (a
// waking thread of any other policy takes the CPU from it at once; nice 19 still gets a share
// and can hold the CPU for a slice). Needs no privilege; a thread cannot leave it again
// without one. A refusal is logged, not fatal (the nice value set before stays).
inline void set_thread_idle(std::string_view who) {
  sched_param p{};
  p.sched_priority = 0;
  if (int e = ::pthread_setschedparam(::pthread_self(), SCHED_IDLE, &p); e != 0)
    spdlog::warn("{}: cannot put its thread under SCHED_IDLE (error {})", who, e);
}

// Names the calling thread (at most 15 bytes are kept). Never call it on the main thread: its
// name is the process's (what pgrep and ps match).
inline void name_thread(const char* name) {
  ::pthread_setname_np(::pthread_self(), name);
}

}  // namespace a4p::server
