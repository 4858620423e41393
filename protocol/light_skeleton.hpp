// The light skeleton serialised once and put together per reader (issue 18; protocol/README.md
// "Rooms and the light snapshot"; decision 0212).
//
// Building the skeleton (view_light_state() + its canonical text) costs seconds at 1,000,000
// events, and it was done again for every light hello. Most of it is the same for every
// reader: the only parts that depend on who reads are the restricted discussions (and the
// opinions on them), which only some readers may see. So the skeleton of a state is kept as
// canonical JSON members in key order, each with a gate: none (everyone), or the restricted
// discussion whose visibility decides (visibility.hpp, may_see_discussion(), judged by `now`).
// For a reader, the members whose gate lets them through are concatenated: the result is
// byte for byte canonical(view_light_state(s, now, v)) (tested), so no reader ever gets bytes
// built for another's view, and no visibility rule is written twice.
//
// Memory: about the skeleton's own size (its text, kept once), plus one id per gated member.
//
// Thread safety: immutable once built; text() and message() may be called from many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "protocol/gzip_pieces.hpp"
#include "protocol/principal.hpp"
#include "protocol/state.hpp"

namespace a4p::protocol {

class light_skeleton {
 public:
  // The skeleton of `s` judged by the rules of `now` (s == now for the live state; an older
  // state_at(N) for a past point, as view_light_state(old, now, v)).
  light_skeleton(const state& s, const state& now);
  explicit light_skeleton(const state& s) : light_skeleton(s, s) {}

  // canonical(view_light_state(s, now, v)). REQUIRES: `now` is the state it was built with.
  [[nodiscard]] std::string text(const state& now, const viewer& v) const;
  // light_snapshot_message(s.seq(), view_light_state(s, now, v)), the same way.
  [[nodiscard]] std::string message(const state& now, const viewer& v) const;
  // message(now, v) as one gzip member (decision 0213): each run is deflated once, on the
  // first call (gzip_pieces.hpp), and a reader's member is their runs concatenated.
  [[nodiscard]] std::string message_gzip(const state& now, const viewer& v) const;

  [[nodiscard]] std::uint64_t seq() const { return seq_; }
  // Bytes held (the text of every member, and the gates' ids).
  [[nodiscard]] std::size_t bytes() const { return bytes_; }

 private:
  // Consecutive text with one gate: a run of members ("\"id\":{..}" joined by ','), or the
  // structure around them (keys, braces, the maps no reader sees differently: `structure`,
  // written as is, for everyone).
  struct run {
    std::string text;
    std::uint32_t gate = 0;  // 0: everyone; k: gates_[k - 1]
    bool structure = false;
  };
  void add_member(std::string member, std::uint32_t gate);
  void add_structure(std::string_view text);
  // Calls emit(i) for each run i this reader takes, in order, and emit(comma) between members.
  static constexpr std::size_t comma = static_cast<std::size_t>(-1);
  template <class Emit>
  void walk(const state& now, const viewer& v, Emit&& emit) const;
  void write(std::string& out, const state& now, const viewer& v) const;
  [[nodiscard]] std::size_t deflated_bytes() const;

  std::uint64_t seq_ = 0;
  std::vector<run> runs_;
  std::vector<std::string> gates_;  // ids of the restricted discussions that gate members
  std::size_t bytes_ = 0;
  mutable std::once_flag deflated_once_;
  mutable std::vector<deflated_piece> deflated_;  // one per run, made by the first message_gzip
};

}  // namespace a4p::protocol
