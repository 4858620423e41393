// The workspace rules: decide(state, principal, command) -> events or a rejection, and
// apply(state, event) -> the next state. Pure, deterministic, no I/O.
//
// decide() never changes the state; it validates args strictly (bad_request with
// details.field), checks permissions (forbidden), existence (not_found), merges
// (conflict with details.current), discussion state (locked) and sizes (too_large; see
// protocol/README.md "Limits"). New ids come from the counters in the state, so decide() is
// correct on a state that already holds applied but not yet durable events: the server may
// decide, apply the drafts at once, and decide the next command.
//
// apply() folds one stored event in and returns an error for a malformed event of a known
// name (data not an object, no "id", or an update of an entity the state does not hold); the
// state is then unchanged, seq included. An event of an unknown name (from a later version)
// changes nothing but seq. Replaying a log from empty, or from any snapshot, gives the same
// state. apply() catches no exception (only std::bad_alloc can leave it); decide() turns one
// from a handler, which is a bug, into an `internal` rejection.
//
// Thread safety: pure functions; callers serialise access to a mutable state.
#pragma once

#include <cstdint>
#include <expected>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/messages.hpp"
#include "protocol/principal.hpp"
#include "protocol/result.hpp"
#include "protocol/state.hpp"

namespace a4p::protocol {

// An event as stored (PROTOCOL.md section 6), with data parsed.
struct event {
  std::uint64_t seq = 0;
  std::string ts;  // RFC 3339 UTC
  actor who;
  std::string name, entity;
  nlohmann::json data = nlohmann::json::object();
  std::string data_hash, hash;
};

// Parses the storage format: canonical JSON of
// {"actor":{"org","user"},"data","data_hash","entity","hash","name","seq","ts"}.
// Does not check hashes (storage does).
[[nodiscard]] result<event> decode_stored(std::string_view stored);
// The inverse (canonical JSON of the stored fields).
[[nodiscard]] std::string encode_stored(const event& e);

// An event before the log gives it seq, ts and hashes.
struct draft {
  std::string name, entity;
  nlohmann::json data = nlohmann::json::object();
};

struct decision {
  std::vector<draft> events;
  nlohmann::json result = nlohmann::json::object();  // ack.result, e.g. {"id":"P3"}
};

// The reject codes of decide(); to_string() gives the wire string. `internal` means a bug in
// decide itself (an exception from a handler): it is logged and counted, never expected.
enum class reject_code { bad_request, forbidden, not_found, conflict, locked, too_large, internal };
[[nodiscard]] std::string_view to_string(reject_code c) noexcept;
// Compares with the wire string ("forbidden"), as tests and logs write it.
[[nodiscard]] inline bool operator==(reject_code c, std::string_view wire) noexcept {
  return to_string(c) == wire;
}
std::ostream& operator<<(std::ostream& os, reject_code c);

struct rejection {
  reject_code code = reject_code::bad_request;
  std::string message;
  nlohmann::json details = nlohmann::json::object();  // {"field"} / {"current"}
};

// Size limits (characters = bytes of UTF-8 here; see README "Limits").
struct limits {
  static constexpr std::size_t title = 200;
  static constexpr std::size_t body = 10'000;       // comment body, opinion text, report note
  static constexpr std::size_t long_text = 20'000;  // description, agenda, outcome, impact_note
  static constexpr std::size_t short_text = 200;    // names, indicators, targets, reasons
  static constexpr std::size_t evidence_urls = 20;
  static constexpr std::size_t url = 2'000;
  static constexpr std::size_t list = 200;  // invitees, actions, groups
};

[[nodiscard]] std::expected<decision, rejection> decide(const state& s, const principal& p,
                                                        const command& c);
// The names decide() knows ("org.add", ...), sorted: its handler table's keys.
[[nodiscard]] std::vector<std::string> command_names();

// Folds `e` in and sets s.seq() to e.seq. Deterministic. The state copies what it keeps into
// its arena, so `e` is left as it was. Error code "corruption": a malformed event of a known
// name; the state is left as it was.
[[nodiscard]] result<void> apply(state& s, const event& e);

// The first events of a new log: org UN (secretariat) and the eight A4P themes.
// Their actor is system_principal().
[[nodiscard]] std::vector<draft> genesis();

}  // namespace a4p::protocol
