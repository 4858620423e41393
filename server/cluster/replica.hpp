// A local event_log kept as a verified replica of the cluster's stream (docs/decisions/0313):
// each message of A4P_LOG from the next stream seq on is decoded (log_message.hpp) and its
// events appended with event_log::append_stored, which checks that they follow the head (seq,
// chain, data hash, form). The stream seq reached is recorded in the aux space
// (`cluster/stream-seq`) after each message; events the log already holds with the same bytes
// are skipped, so a crash between the two writes costs nothing on the next catch-up.
//
// Thread safety: one catch_up at a time per log; it blocks the calling thread while the NATS
// client's own thread does the network work.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nats/jetstream.hpp"
#include "storage/event_log.hpp"

namespace a4p::server::cluster {

// A message the replica took: its events as appended (empty when the log already held them).
struct applied {
  std::uint64_t stream_seq = 0;
  std::vector<storage::event> events;
  std::string idempotency_key;
  std::string idempotency_value;
};

struct caught_up {
  std::uint64_t messages = 0;    // stream messages read
  std::uint64_t events = 0;      // events appended to the log
  std::uint64_t stream_seq = 0;  // the stream seq now reached
  std::uint64_t target = 0;      // the stream's last seq when the catch-up began
};

// Reads the stream up to its last seq as the catch-up finds it when it begins (waiting up to
// `wait` for each batch of up to 1,000 messages) and appends what is new; messages appended
// after that are left to the follower, so that it ends under a steady write load. A read that
// fails or comes back empty short of that seq is tried again, 0.5 s apart, up to 40 times in a
// row (a restarted server, a stream leader being elected), then it is an error. An event that does
// not follow the log's head is an error (a diverged replica: the log and the stream disagree), and
// nothing after it is appended.
[[nodiscard]] storage::result<caught_up> catch_up(storage::event_log& log, nats::jetstream& js,
                                                  std::chrono::milliseconds wait);

// One message (its stream seq and payload): decoded, its events the log does not hold yet
// appended, then the stream seq recorded. An error for a message that does not decode or does
// not follow the log (nothing of it is appended).
[[nodiscard]] storage::result<applied> apply_message(storage::event_log& log,
                                                     std::uint64_t stream_seq,
                                                     std::string_view payload);

// The stream seq recorded in the log's aux space (0 when none).
[[nodiscard]] storage::result<std::uint64_t> stream_seq_of(const storage::event_log& log);

}  // namespace a4p::server::cluster
