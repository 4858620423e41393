// Past states kept for `?at` reads (GET /api/state?at=N, GET /api/thread?at=N; issues 13 and
// 18; decision 0320). Building the state at a past seq costs the nearest snapshot's load plus
// a replay (hundreds of milliseconds at 1,000,000 events); an auditor paging back through a
// past thread, or moving between the views of one point, asks for the same seq again and
// again. So the last states built are kept, least recently used first out, within a byte
// budget (--past-state-cache-bytes; 0: none kept).
//
// What is kept is the STATE, never a view of it: every request still views it for its own
// reader by the visibility rules (judged by the state as it is now, decision 0202), so one
// reader's view is never served to another.
//
// Bytes are an estimate: the state's arena (its texts and the snapshot buffer it adopted) plus
// its tables' rows and the comment index. A state larger than the whole budget is not kept.
//
// Thread safety: every method may be called from any thread (one mutex; a state is built
// outside it, so two reads of one missing seq may both build it, and one copy is kept).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "protocol/state.hpp"
#include "storage/event_log.hpp"

namespace a4p::server {

class past_states {
 public:
  explicit past_states(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  using load_fn = std::function<storage::result<protocol::state>(std::uint64_t seq)>;
  // The state just after event `seq`: kept, or built by `load` (and kept if it fits).
  [[nodiscard]] storage::result<std::shared_ptr<const protocol::state>> get(std::uint64_t seq,
                                                                            const load_fn& load);

  struct counts {
    std::size_t states = 0, bytes = 0;
    std::uint64_t hits = 0, misses = 0;
  };
  [[nodiscard]] counts stats() const;

  // The estimate of what `s` holds in memory.
  [[nodiscard]] static std::size_t bytes_of(const protocol::state& s);

 private:
  struct entry {
    std::uint64_t seq;
    std::shared_ptr<const protocol::state> state;
    std::size_t bytes;
  };
  const std::size_t max_bytes_;
  mutable std::mutex mu_;
  std::list<entry> lru_;  // GUARDED_BY(mu_), most recently used first
  std::unordered_map<std::uint64_t, std::list<entry>::iterator> by_seq_;  // GUARDED_BY(mu_)
  std::size_t bytes_ = 0;                                                 // GUARDED_BY(mu_)
  std::uint64_t hits_ = 0, misses_ = 0;                                   // GUARDED_BY(mu_)
};

}  // namespace a4p::server
