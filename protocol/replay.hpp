// Internal to a4p_protocol: replay straight from stored bytes.
//
// replay_stored(s, bytes) has exactly the effect of apply(s, std::move(*decode_stored(bytes)))
// and the same errors (a record that decode_stored refuses is refused with the same error and
// leaves `s` unchanged), but the hot events of a realistic log (comment.posted and .edited,
// opinion.given, pledge.progress_reported: about 65% of all events) are folded in without
// building a nlohmann::json DOM for `data`; the others are decoded into one and applied by
// apply(). state_at() uses it (see README "Performance").
//
// Thread safety: pure; it reuses per-thread scratch buffers, so it is not reentrant.
#pragma once

#include <string_view>

#include "protocol/result.hpp"
#include "protocol/state.hpp"

namespace a4p::protocol::detail {

[[nodiscard]] result<void> replay_stored(state& s, std::string_view stored);

}  // namespace a4p::protocol::detail
