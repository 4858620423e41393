// The workspace state: every entity of protocol/README.md ("State"), as typed structs in
// tables keyed by id (table.hpp), plus the id counters and the seq of the last event folded in.
//
// A state is only changed by apply() (workspace.hpp); it is a plain value: copyable,
// comparable with ==, serialised by snapshot.hpp. Its strings are `text`s held by the state's
// own arena (arena.hpp): set them with keep(). Optional strings are empty when null
// (README: "round|null" etc.). Tables iterate in insertion order, which replay and snapshots
// preserve, so every walk (snapshot, view, tests) is deterministic.
//
// Thread safety: none of its own; a const state may be read from many threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/arena.hpp"
#include "protocol/table.hpp"
#include "protocol/threads.hpp"

namespace a4p::protocol {

enum class role { secretariat, member, auditor };

[[nodiscard]] const char* to_string(role r);
// "secretariat" | "member" | "auditor"
[[nodiscard]] std::optional<role> role_from_string(std::string_view s);

struct theme {
  text id, name, note;
  bool operator==(const theme&) const = default;
};

struct org {
  text id, name, kind, region;  // kind: member_state | organization | secretariat
  text_list groups;
  bool endorsed = false;
  std::int64_t version = 1;
  bool operator==(const org&) const = default;
};

struct user {
  text id, name, org;
  role r = role::member;
  bool disabled = false;  // user.disabled: no principal, so no sign-in, socket or command
  std::int64_t version = 1;
  text lang;  // user.preference_set: the UI language (BCP 47); empty: none
  bool operator==(const user&) const = default;
};

struct commitment {
  text id, theme;
  std::int64_t number = 0;
  text title, responsibility;
  std::int64_t version = 1;
  field_versions changed;
  bool operator==(const commitment&) const = default;
};

struct indicator_target {
  text indicator, target;
  bool operator==(const indicator_target&) const = default;
};

struct attribution {
  text statement;
  bool preexisting = false;
  text confidence;  // low | medium | high
  bool operator==(const attribution&) const = default;
};

struct report {
  std::uint64_t seq = 0;
  text ts, by, round, status;
  std::int64_t progress = 0;
  text note;
  text_list evidence;
  std::optional<text> impact_note;
  std::optional<attribution> attrib;
  text lang;  // of note and impact_note (BCP 47); empty: unknown
  bool operator==(const report&) const = default;
};

struct pledge {
  text id, org, theme, title, description;
  indicator_target output;
  std::optional<indicator_target> impact;
  text commitment;  // empty: null
  text_list actions;
  text due;  // empty: null
  std::int64_t version = 1;
  text status = text::literal("planned");
  std::int64_t progress = 0;
  arena_vector<report> reports;  // grown with state::arena().push_back
  text created_ts, updated_ts;
  field_versions changed;
  text lang;  // of title and description, as created (BCP 47); empty: unknown
  // pledge.published / pledge.unpublished: its organisation's choice to show it, with its
  // reports, on the public site (public_view.hpp). published_ts: empty while unpublished.
  bool published = false;
  text published_ts;
  bool operator==(const pledge&) const = default;
};

struct gap {
  text id, theme, title, description;
  std::int64_t version = 1;
  field_versions changed;
  bool operator==(const gap&) const = default;
};

struct action {
  text id, theme, title, kind, gap, due;  // gap, due: empty = null
  text_list taken_up_by;
  std::int64_t version = 1;
  field_versions changed;
  bool operator==(const action&) const = default;
};

struct discussion {
  text id, theme, title, agenda, visibility;  // visibility: open | restricted
  text_list invitees;
  text convener;                       // org
  text state = text::literal("open");  // open | locked | closed
  text outcome;                        // empty: null
  text created_ts;
  std::int64_t version = 1;
  text lang, outcome_lang;  // of title and agenda; of the outcome (BCP 47); empty: unknown
  bool operator==(const discussion&) const = default;
};

struct comment {
  text id, target, author, org, body, reply_to;  // reply_to: empty = null
  bool hidden = false;
  text hidden_reason;
  bool edited = false;
  text ts;
  std::int64_t version = 1;
  text lang;  // of the body (BCP 47), set by comment.posted and comment.edited; empty: unknown
  std::uint64_t seq = 0;  // of its comment.posted event (snapshot format 5; 0 in older ones)
  bool operator==(const comment&) const = default;
};

struct round {
  text id, name, closes;
  text state = text::literal("open");  // open | closed
  text opened_ts;
  bool operator==(const round&) const = default;
};

struct opinion {
  protocol::text id, org, target, position, text, by, ts;
  protocol::text lang;  // of the text (BCP 47); empty: unknown
  bool operator==(const opinion&) const = default;
};

struct champion {
  text id, org, theme, offer;  // offer: empty = null
  bool operator==(const champion&) const = default;
};

// Counters of created entities per kind; the next id of a kind is prefix + (count + 1).
struct id_counters {
  std::uint64_t commitment = 0, pledge = 0, gap = 0, action = 0, discussion = 0, comment = 0,
                round = 0;
  bool operator==(const id_counters&) const = default;
};

class state {
  // First, so that it is built before and destroyed after every text held by the tables.
  protocol::arena arena_;

 public:
  // Tables of ids made by decide() say their prefix length ("P1": 1, "CM1": 2).
  table<theme> themes;
  table<commitment, 2> commitments;
  table<org> orgs;
  table<user> users;
  table<pledge, 1> pledges;
  table<gap, 1> gaps;
  table<action, 1> actions;
  table<discussion, 1> discussions;
  table<comment, 1> comments;
  table<round, 1> rounds;
  table<opinion> opinions;
  table<champion> champions;
  id_counters counters;
  // The public categories the Secretariat switched off (public.configured): a bit per
  // public_category of public_view.hpp; 0 = all public (the default).
  std::uint32_t public_off = 0;
  // Derived: each target's comments in post order (threads.hpp); kept by apply(), rebuilt by
  // deserialize(), not compared.
  thread_index threads;

  // A text held by this state, for a field of one of its entities.
  [[nodiscard]] text keep(std::string_view s) { return arena_.keep(s); }
  [[nodiscard]] protocol::arena& arena() { return arena_; }
  [[nodiscard]] const protocol::arena& arena() const { return arena_; }

  // The seq of the last event folded in (0: empty state).
  [[nodiscard]] std::uint64_t seq() const { return seq_; }
  void set_seq(std::uint64_t s) { seq_ = s; }

  // Derived facts used by permissions and views.
  [[nodiscard]] bool is_champion(std::string_view org, std::string_view theme) const;
  [[nodiscard]] bool champions_any(std::string_view org) const;
  [[nodiscard]] bool in_group(std::string_view org, std::string_view group) const;
  [[nodiscard]] bool endorsed(std::string_view org) const;

  // Bytes held by its tables and comment index (the arena's are arena().bytes()); and of those,
  // the ones `older` (a copy this state was made from, replayed further) does not share: what
  // keeping this state costs beyond `older` (decision 0331).
  [[nodiscard]] std::size_t table_bytes() const;
  [[nodiscard]] std::size_t table_bytes_beyond(const state& older) const;

  // Equal entities, counters and seq (the arenas are not compared).
  bool operator==(const state& o) const;

 private:
  std::uint64_t seq_ = 0;
};

}  // namespace a4p::protocol
