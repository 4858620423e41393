// The nice value of the calling thread (Linux: nice is per thread), for the load generator's
// threads that stand for clients on other machines (auditors, reconnectors, anonymous viewers):
// with --bystander-nice they yield this machine's CPU to the server and to the writers whose
// latency is measured, as machines of their own would.
#pragma once

#include <sys/resource.h>
#include <unistd.h>

namespace a4p::load {

inline void set_thread_nice(int nice) {
  if (nice != 0) (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), nice);
}

}  // namespace a4p::load
