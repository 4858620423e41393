// What storage_crash_child and the crash test agree on: the ack record written to the pipe
// after each acknowledged append (small enough for one atomic pipe write), and the events and
// idempotency keys the child appends, so the parent can check the content of each one.
#pragma once

#include <cstdint>
#include <string>

#include "storage/event_log.hpp"

namespace a4p::storage::crash {

struct ack {
  std::uint64_t seq;  // the first seq of the request
  std::uint32_t round;
  std::uint32_t thread;
  std::uint32_t i;
  std::uint32_t count;  // events in the request
};
static_assert(sizeof(ack) == 24);

inline new_event expected_event(std::uint32_t round, int thread, std::uint32_t i, std::uint32_t k) {
  std::string id = std::to_string(round) + "-" + std::to_string(thread) + "-" + std::to_string(i) +
                   "-" + std::to_string(k);
  return new_event{actor{"crash.t" + std::to_string(thread), "GBR"}, "comment.posted",
                   "comment:" + id,
                   R"({"body":"crash test payload )" + id + R"(","i":)" + std::to_string(i) +
                       R"(,"id":")" + id + R"(","target":"discussion:D1"})"};
}

inline std::string idempotency_key(std::uint32_t round, int thread, std::uint32_t i) {
  return "crash.t" + std::to_string(thread) + "\nr" + std::to_string(round) + "-" +
         std::to_string(i);
}

// One event with a body of about `body_bytes`.
inline append_request one_event(int n, std::size_t body_bytes) {
  append_request r;
  r.events.push_back(new_event{actor{"fsize", "UN"}, "theme.added", "theme:t" + std::to_string(n),
                               R"({"id":"t)" + std::to_string(n) + R"(","note":")" +
                                   std::string(body_bytes, 'x') + R"("})"});
  return r;
}

}  // namespace a4p::storage::crash
