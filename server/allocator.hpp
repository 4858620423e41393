// How a4pd asks glibc to treat freed memory: keep it for reuse instead of giving every large
// block back to the kernel (docs/decisions/0312-a4pd-keeps-freed-memory.md).
//
// Without it, each state built for ?at=N, history or a snapshot lands in memory that glibc has
// just unmapped, and the kernel zeroes every 4 KiB page on first touch: most of state_at's cost
// on a 1,000,000-event log (docs/performance.md). The explicit malloc_trim(0) after a history
// page (decision 0206) still gives pages back when a reader is done with a large replay.
//
// Header-only so that the protocol benchmark runs with a4pd's setting (it links no server code).
// Thread safety: call once at startup, before any other thread exists.
#pragma once

#include <malloc.h>

namespace a4p::server {

// Blocks below this come from the heap and are reused when freed, instead of being mapped and
// unmapped one by one (glibc's default starts at 128 KiB). glibc 2.36 (Debian 12) accepts it.
inline constexpr int kept_mmap_threshold = 1024 * 1024 * 1024;
// Free memory at the top of the heap is returned only above this (explicit trims aside).
inline constexpr int kept_trim_threshold = 1024 * 1024 * 1024;

// True when glibc took both settings.
inline bool keep_freed_memory() {
  const bool mmap_ok = ::mallopt(M_MMAP_THRESHOLD, kept_mmap_threshold) == 1;
  const bool trim_ok = ::mallopt(M_TRIM_THRESHOLD, kept_trim_threshold) == 1;
  return mmap_ok && trim_ok;
}

}  // namespace a4p::server
