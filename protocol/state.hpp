// The workspace state: every entity of protocol/README.md ("State"), as typed structs in maps
// keyed by id, plus the id counters and the seq of the last event folded in.
//
// A state is only changed by apply() (workspace.hpp); it is a plain value: copyable,
// comparable with ==, serialised by snapshot.hpp. Optional strings are empty when null
// (README: "round|null" etc.). Maps are ordered so that every walk (snapshot, view, tests) is
// deterministic.
//
// Thread safety: none of its own; a const state may be read from many threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace a4p::protocol {

enum class role { secretariat, member, auditor };

[[nodiscard]] const char* to_string(role r);
// "secretariat" | "member" | "auditor"
[[nodiscard]] std::optional<role> role_from_string(std::string_view s);

// Per-field last-changed version, for base_version merges.
using field_versions = std::map<std::string, std::int64_t>;

struct theme {
  std::string id, name, note;
  bool operator==(const theme&) const = default;
};

struct org {
  std::string id, name, kind, region;  // kind: member_state | organization | secretariat
  std::vector<std::string> groups;
  bool endorsed = false;
  std::int64_t version = 1;
  bool operator==(const org&) const = default;
};

struct user {
  std::string id, name, org;
  role r = role::member;
  std::int64_t version = 1;
  bool operator==(const user&) const = default;
};

struct commitment {
  std::string id, theme;
  std::int64_t number = 0;
  std::string title, responsibility;
  std::int64_t version = 1;
  field_versions changed;
  bool operator==(const commitment&) const = default;
};

struct indicator_target {
  std::string indicator, target;
  bool operator==(const indicator_target&) const = default;
};

struct attribution {
  std::string statement;
  bool preexisting = false;
  std::string confidence;  // low | medium | high
  bool operator==(const attribution&) const = default;
};

struct report {
  std::uint64_t seq = 0;
  std::string ts, by, round, status;
  std::int64_t progress = 0;
  std::string note;
  std::vector<std::string> evidence;
  std::optional<std::string> impact_note;
  std::optional<attribution> attrib;
  bool operator==(const report&) const = default;
};

struct pledge {
  std::string id, org, theme, title, description;
  indicator_target output;
  std::optional<indicator_target> impact;
  std::string commitment;  // empty: null
  std::vector<std::string> actions;
  std::string due;  // empty: null
  std::int64_t version = 1;
  std::string status = "planned";
  std::int64_t progress = 0;
  std::vector<report> reports;
  std::string created_ts, updated_ts;
  field_versions changed;
  bool operator==(const pledge&) const = default;
};

struct gap {
  std::string id, theme, title, description;
  std::int64_t version = 1;
  field_versions changed;
  bool operator==(const gap&) const = default;
};

struct action {
  std::string id, theme, title, kind, gap, due;  // gap, due: empty = null
  std::vector<std::string> taken_up_by;
  std::int64_t version = 1;
  field_versions changed;
  bool operator==(const action&) const = default;
};

struct discussion {
  std::string id, theme, title, agenda, visibility;  // visibility: open | restricted
  std::vector<std::string> invitees;
  std::string convener;        // org
  std::string state = "open";  // open | locked | closed
  std::string outcome;         // empty: null
  std::string created_ts;
  std::int64_t version = 1;
  bool operator==(const discussion&) const = default;
};

struct comment {
  std::string id, target, author, org, body, reply_to;  // reply_to: empty = null
  bool hidden = false;
  std::string hidden_reason;
  bool edited = false;
  std::string ts;
  std::int64_t version = 1;
  bool operator==(const comment&) const = default;
};

struct round {
  std::string id, name, closes;
  std::string state = "open";  // open | closed
  std::string opened_ts;
  bool operator==(const round&) const = default;
};

struct opinion {
  std::string id, org, target, position, text, by, ts;
  bool operator==(const opinion&) const = default;
};

struct champion {
  std::string id, org, theme, offer;  // offer: empty = null
  bool operator==(const champion&) const = default;
};

// Counters of created entities per kind; the next id of a kind is prefix + (count + 1).
struct id_counters {
  std::uint64_t commitment = 0, pledge = 0, gap = 0, action = 0, discussion = 0, comment = 0,
                round = 0;
  bool operator==(const id_counters&) const = default;
};

class state {
 public:
  std::map<std::string, theme> themes;
  std::map<std::string, commitment> commitments;
  std::map<std::string, org> orgs;
  std::map<std::string, user> users;
  std::map<std::string, pledge> pledges;
  std::map<std::string, gap> gaps;
  std::map<std::string, action> actions;
  std::map<std::string, discussion> discussions;
  std::map<std::string, comment> comments;
  std::map<std::string, round> rounds;
  std::map<std::string, opinion> opinions;
  std::map<std::string, champion> champions;
  id_counters counters;

  // The seq of the last event folded in (0: empty state).
  [[nodiscard]] std::uint64_t seq() const { return seq_; }
  void set_seq(std::uint64_t s) { seq_ = s; }

  // Derived facts used by permissions and views.
  [[nodiscard]] bool is_champion(std::string_view org, std::string_view theme) const;
  [[nodiscard]] bool champions_any(std::string_view org) const;
  [[nodiscard]] bool in_group(std::string_view org, std::string_view group) const;
  [[nodiscard]] bool endorsed(std::string_view org) const;

  bool operator==(const state&) const = default;

 private:
  std::uint64_t seq_ = 0;
};

}  // namespace a4p::protocol
