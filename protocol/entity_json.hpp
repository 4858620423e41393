// Internal to a4p_protocol: each entity of the state as its full (unredacted) JSON view
// (protocol/README.md "State"). visibility.cpp adds redaction and filtering on top.
//
// Thread safety: pure functions.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/principal.hpp"
#include "protocol/state.hpp"

namespace a4p::protocol::detail {

nlohmann::json to_json(const theme& x);
nlohmann::json to_json(const org& x);
nlohmann::json to_json(const user& x);
nlohmann::json to_json(const commitment& x);
nlohmann::json to_json(const pledge& x);
nlohmann::json to_json(const gap& x);
nlohmann::json to_json(const action& x);
nlohmann::json to_json(const discussion& x);
nlohmann::json to_json(const comment& x);
nlohmann::json to_json(const round& x);
nlohmann::json to_json(const opinion& x);
nlohmann::json to_json(const champion& x);
nlohmann::json to_json(const indicator_target& x);
nlohmann::json to_json(const attribution& x);
nlohmann::json to_json(const report& x);

// A pledge's view without its "reports" (the one list that grows without bound: history
// diffs it by count, not by value).
nlohmann::json pledge_fields(const pledge& x);

// "pledge:P3" -> the full view of that entity, or null.
nlohmann::json entity_json(const state& s, std::string_view entity);

// view_state() (light = false) and view_light_state() of rooms.hpp (light = true): one walk.
nlohmann::json view_state_shaped(const state& s, const state& now, const viewer& v, bool light);

// "" -> null, else the string.
nlohmann::json or_null(std::string_view s);

}  // namespace a4p::protocol::detail
