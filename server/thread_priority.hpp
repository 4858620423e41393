// The nice value of the calling thread (Linux: nice is per thread), for the pools that should
// yield the CPU to the writer on a small machine: the reader pool (--reader-nice) and the
// anonymous lane (--public-nice).
//
// Thread safety: acts on the calling thread only.
#pragma once

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

}  // namespace a4p::server
