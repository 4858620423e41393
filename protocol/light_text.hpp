// The light view of a state written straight as text (issue 13; decision 0331): byte for byte
// view_light_state(s, now, v).dump() (rooms.hpp), without building the nlohmann document. At
// 1,000,000 events the document and its dump cost 60-130 ms per past read; this writes the same
// ~4 MB in a fraction of that. Every member is written in the order nlohmann's object sorts its
// keys (bytes), strings escaped as dump() escapes them (ensure_ascii off), so the two agree
// (tested against each other: tests/protocol/light_text_test.cpp and
// tests/server/kept_states_test.cpp).
//
// The same rules as view_light_state: restricted discussions by may_see_discussion() judged by
// `now`'s discussion (or `s`'s if `now` lacks it); comments and opinions empty.
//
// Thread safety: a pure function of const states.
#pragma once

#include <string>

#include "protocol/principal.hpp"
#include "protocol/state.hpp"

namespace a4p::protocol {

[[nodiscard]] std::string light_state_text(const state& s, const state& now, const viewer& v);

}  // namespace a4p::protocol
