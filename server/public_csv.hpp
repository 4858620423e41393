// The bodies of /public/api/'s files (docs/public-api.md), made from one public projection
// (protocol::public_state): JSON, and CSV (RFC 4180, a header row, "\r\n" line ends; a cell
// that a spreadsheet would run as a formula, starting with = + - @, gets a leading ').
//
// Thread safety: pure functions.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace a4p::server {

enum class public_file;

// The body of `f` for the projection `state`.
[[nodiscard]] std::string public_file_body(const nlohmann::json& state, public_file f);
// "application/json" or "text/csv; charset=utf-8".
[[nodiscard]] const char* public_file_type(public_file f);
// "pledges.csv" -> the file; nullopt-like count for an unknown name.
[[nodiscard]] public_file public_file_named(std::string_view name);

}  // namespace a4p::server
