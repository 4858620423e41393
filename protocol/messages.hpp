// The a4p.v1 WebSocket messages (PROTOCOL.md section 2) as typed values.
//
// Client -> server: parse_client_message() turns one frame into a client_message, or a
// message_error with code "bad_request" (or "too_large"), a message, and `field`, the JSON
// path of the offending member ("type", "resume.seq", "args", ...). It never throws. A
// command's `args` are only checked to be an object here; decide() validates them.
//
// Server -> client: the *_message() builders return one message as a JSON text without a
// trailing newline (the server joins several with '\n' in one frame if it wants).
//
// Events are delivered per connection with their own "prev", but the (large) rest of the
// message is shared: event_body() returns the canonical JSON object text of the event's view
// WITHOUT "type" and "prev", i.e. exactly
//   {"actor":{"org":..,"user":..},"data":{..},"data_hash":..,"entity":..,"hash":..,"name":..,
//    ["redacted":true,]"seq":N,"ts":..}
// always starting with '{' and ending with '}'; event_message(prev, body) then makes
//   {"type":"event","prev":P,<body without its leading '{'>
// (for an empty-object body it still yields valid JSON).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/json_codec.hpp"
#include "protocol/result.hpp"

namespace a4p::protocol {

using message_error = error;

struct resume_point {
  std::string epoch;
  std::uint64_t seq = 0;
};

// view, rooms: the rooms extension (protocol/README.md "Rooms and the light snapshot").
// view: "" when the hello did not say (a full snapshot, and a welcome without "view"), else
// "full" or "light". rooms: at most max_hello_rooms "<kind>:<id>" strings.
inline constexpr std::size_t max_hello_rooms = 64;
struct hello {
  std::optional<resume_point> resume;
  std::string view;
  std::vector<std::string> rooms;
  // "gzip": the light snapshot comes as one binary frame, the gzip of its text (decision 0213);
  // "" (absent): as text.
  std::string snapshot_encoding;
};

// {"type":"command","id","name","args"}. id: 1..128 chars; name: 1..64 chars.
struct command {
  std::string id;
  std::string name;
  nlohmann::json args = nlohmann::json::object();
};

// room: "discussion:<id>" (any "<kind>:<id>" entity string up to 128 chars is accepted here;
// the server decides which rooms exist and who may join).
// limit (rooms extension): the first page's size, 1..200 (absent: 50).
struct join {
  std::string room;
  std::optional<std::size_t> limit;
};
// {"type":"page","room","before"?,"reports_before"?,"limit"?} (rooms extension): an earlier
// page of a joined room's comments (before) or of a pledge room's reports (reports_before);
// exactly one of the two cursors.
struct page_request {
  std::string room;
  std::optional<std::uint64_t> before, reports_before;
  std::optional<std::size_t> limit;
};
struct leave {
  std::string room;
};
// nonce: any JSON string or integer, echoed back in pong.
struct ping {
  nlohmann::json nonce;
};

using client_message = std::variant<hello, command, join, leave, ping, page_request>;

// One frame from a client. limits.max_bytes is the frame bound (64 KiB by default).
[[nodiscard]] std::expected<client_message, message_error> parse_client_message(
    std::string_view frame, const parse_limits& limits = {});

// ---- server -> client ----

struct welcome_user {
  std::string id, name, org;
  std::vector<std::string> roles;  // base role first, then "champion", "g10" when derived
};

// view: "" leaves "view" out (a hello that did not ask for one), else "full" or "light".
[[nodiscard]] std::string welcome_message(const welcome_user& user, std::string_view epoch,
                                          std::uint64_t head, std::string_view mode,
                                          std::string_view view = {});
// state_view: view_state() for this reader.
[[nodiscard]] std::string snapshot_message(std::uint64_t seq, const nlohmann::json& state_view);
// The light snapshot: {"seq","state":view_light_state(),"type":"snapshot","view":"light"}.
[[nodiscard]] std::string light_snapshot_message(std::uint64_t seq,
                                                 const nlohmann::json& light_view);
// A comment event on a room the session has not joined, as a tick: the shared part
// {"room","seq","thread","type":"tick"} (canonical), then per connection
// tick_message(prev, body) = {"prev":P, + body without its leading '{'.
[[nodiscard]] std::string tick_body(std::string_view room, std::uint64_t seq,
                                    const nlohmann::json& thread);
[[nodiscard]] std::string tick_message(std::uint64_t prev, std::string_view body);
// {"type":"page","room","seq","thread", and the parts given: "comments"+"before" (and "from"
// when answering a cursor), "reports"+"reports_before" (and "reports_from"), and on a room's
// first page "entity" (an object) and "opinions" (an array)}. Canonical.
struct page_answer {
  std::string room;
  std::uint64_t seq = 0;
  nlohmann::json thread;
  std::optional<nlohmann::json> comments, reports;  // arrays
  std::optional<std::uint64_t> before, reports_before, from, reports_from;
  std::optional<nlohmann::json> entity, opinions;
};
[[nodiscard]] std::string page_message(const page_answer& p);
[[nodiscard]] std::string ack_message(std::string_view command_id, std::uint64_t seq,
                                      const nlohmann::json& result);
[[nodiscard]] std::string reject_message(std::string_view command_id, std::string_view code,
                                         std::string_view message, const nlohmann::json& details);
struct presence_member {
  std::string user, org;
};
[[nodiscard]] std::string presence_message(std::string_view room,
                                           const std::vector<presence_member>& members);
[[nodiscard]] std::string pong_message(const nlohmann::json& nonce);
[[nodiscard]] std::string error_message(std::string_view code, std::string_view message);

// The shared part of an event message: canonical JSON of `viewed_event` (the output of
// view_event() for a full or redacted sight; never call it for a withheld one).
[[nodiscard]] std::string event_body(const nlohmann::json& viewed_event);
// {"type":"event","prev":P, + body without its leading '{'.
// REQUIRES: body was produced by event_body().
[[nodiscard]] std::string event_message(std::uint64_t prev, std::string_view body);

}  // namespace a4p::protocol
