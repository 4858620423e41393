// Time in the audit reads: RFC 3339 instants as the log stamps them, and the seq of the last
// event at or before an instant (GET /api/state?at_time, /api/events?from&to).
//
// The log's `ts` never goes backwards along the seqs (storage/FORMAT.md), so the events up to
// an instant are a prefix of the log and a binary search over seq finds its end with about
// log2(head) single-event reads.
//
// Thread safety: pure functions; last_seq_where() reads the log (any thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/event_log.hpp"

namespace a4p::server {

// "2026-03-01T12:00:00Z", "2026-03-01T12:00:00.5+01:00", ... -> the same instant in the log's
// own form "2026-03-01T11:00:00.500Z" (UTC, milliseconds; finer digits are cut), which
// compares as a string. A space stands for '+' (a '+' left unencoded in a query string).
// nullopt when `text` is not an RFC 3339 date-time with a real calendar date.
[[nodiscard]] std::optional<std::string> normalize_rfc3339(std::string_view text);

// The largest seq <= head whose ts is <= `ts` (inclusive) or < `ts` (!inclusive); 0 when
// there is none. `ts` in the form normalize_rfc3339() returns.
[[nodiscard]] storage::result<std::uint64_t> last_seq_where(const storage::event_log& log,
                                                            std::uint64_t head, std::string_view ts,
                                                            bool inclusive);

}  // namespace a4p::server
