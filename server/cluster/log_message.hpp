// The message format of the cluster's log of record (docs/decisions/0313): one JetStream
// message per accepted command (or per imported event), holding the stored bytes of its
// events exactly as storage/FORMAT.md writes them, and the command's idempotency record.
//
//   {"format":"a4p.cluster.v1","events":N,"idempotency_key":K,"idempotency_value":V}\n
//   <stored event 1>\n ... <stored event N>
//
// Stored events are canonical JSON (no raw newline), so each fits on one line and comes back
// byte for byte: every node hashes exactly what the writer hashed.
//
// Thread safety: pure functions.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace a4p::server::cluster {

inline constexpr std::string_view stream_name = "A4P_LOG";
inline constexpr std::string_view stream_subject = "a4p.log";

// The stream's configuration (STREAM.CREATE): file storage, `replicas` copies, deletes and
// purges denied, a de-duplication window of two minutes.
[[nodiscard]] nlohmann::json stream_config(int replicas);

struct log_message {
  std::vector<std::string> events;  // stored bytes, in seq order
  std::string idempotency_key;      // empty: none (genesis, imports, checkpoints)
  std::string idempotency_value;
};

[[nodiscard]] std::string encode(const log_message& m);
// An error names what is wrong (a header that is not the format, a count that does not match).
[[nodiscard]] std::expected<log_message, std::string> decode(std::string_view payload);

}  // namespace a4p::server::cluster
