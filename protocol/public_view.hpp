// The public projection (issue 15, decision 0208): what anyone, signed in or not, may see of
// the workspace, as the public site and /public/api/ serve it, and what one event changes in
// it, as the public feed carries it. Pure functions of the state; no I/O.
//
// Public, always: the published pledges (pledge.published, until pledge.unpublished) with their
// progress reports, organisations (name, kind, region, groups) and the coverage by region and
// group that follows from them. Public by default, each behind a switch of the Secretariat
// (public.configured): themes, commitments, champions, gaps, actions, rounds and the
// aggregate counts over all pledges. Never public: discussions, comments, opinions, users (no
// record carries a user id or name; a report's "by" is left out), unpublished pledges.
//
// Every record carries "seq" and "hash": the last stored event that touched its entity (for a
// report: its own event), so a published figure can be checked against an audit export.
// public_stamps keeps them; the caller feeds it every event in seq order.
//
// Thread safety: pure functions over const arguments; public_stamps has none of its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "protocol/state.hpp"
#include "protocol/workspace.hpp"

namespace a4p::protocol {

// The switchable categories, in the order of their bits in state::public_off.
enum class public_category { themes, commitments, champions, gaps, actions, rounds, counts };
inline constexpr unsigned public_category_count = 7;
[[nodiscard]] const char* to_string(public_category c);
[[nodiscard]] std::optional<public_category> public_category_from_string(std::string_view s);
[[nodiscard]] bool is_public(const state& s, public_category c);

// The seq and hash of the last event about each entity, and of every progress report.
class public_stamps {
 public:
  struct stamp {
    std::uint64_t seq = 0;
    std::string hash;
  };
  void feed(std::uint64_t seq, std::string_view name, std::string_view entity,
            std::string_view hash);
  void feed(const event& e) { feed(e.seq, e.name, e.entity, e.hash); }
  [[nodiscard]] const stamp* of(std::string_view entity) const;
  // The hash of the event at `seq` if it was a progress report, else "".
  [[nodiscard]] std::string_view report_hash(std::uint64_t seq) const;
  [[nodiscard]] std::uint64_t seq() const { return seq_; }
  [[nodiscard]] const std::string& hash() const { return hash_; }

 private:
  std::unordered_map<std::string, stamp> entities_;
  std::unordered_map<std::uint64_t, std::string> reports_;
  std::uint64_t seq_ = 0;
  std::string hash_;  // of the event at seq_
};

// The whole public projection (docs/public-api.md "state.json"):
// {"seq","hash","categories":{name: bool},"themes":[..],"commitments":[..],"gaps":[..],
//  "actions":[..],"rounds":[..],"orgs":[..],"pledges":[..],"coverage":{..},"counts":{..}|null}
// A switched-off category is an empty list (counts: null).
[[nodiscard]] nlohmann::json public_state(const state& s, const public_stamps& st);

// What `e` changed in the public projection, judged on `now` (the state with `e` applied, and
// `st` fed with it): {"seq","hash","ts","changes":[{"kind","id","record"|null}],
// "coverage"?,"counts"?} (record null: it left the public site), or {"seq","hash","ts",
// "reload":true} when a switch changed, or nullopt when nothing public changed. A published
// pledge's change after its publication carries the record without "reports" (keep those
// held); a progress report carries, instead of the record, "fields" (the record's members a
// report moves: status, progress, version, updated_ts, seq, hash) and the new report as
// "report".
[[nodiscard]] std::optional<nlohmann::json> public_event(const state& now, const event& e,
                                                         const public_stamps& st);

// public_event without the aggregates, for a caller that sends several events' changes at once
// and computes the aggregates once for all of them (the public feed: once per batch): the
// message without "counts" and "coverage", and which of the two the event moved. `message`
// has "changes":[] when the event moved only the counts.
struct public_change {
  nlohmann::json message;
  bool counts = false;
  bool coverage = false;
};
[[nodiscard]] std::optional<public_change> public_change_of(const state& now, const event& e,
                                                            const public_stamps& st);

// The public records, one by one (the same shapes as in public_state); a pledge without its
// "reports" when `with_reports` is false.
[[nodiscard]] nlohmann::json public_pledge(const state& s, const pledge& p, const public_stamps& st,
                                           bool with_reports = true);
[[nodiscard]] nlohmann::json public_coverage(const state& s);
[[nodiscard]] nlohmann::json public_counts(const state& s);

}  // namespace a4p::protocol
