// One CSV field (RFC 4180): as it is, or quoted with inner quotes doubled when it holds a comma,
// a quote or a line break. Shared by a4pctl's exports and a4pd's public CSV files.
//
// Thread safety: pure function.
#pragma once

#include <string>
#include <string_view>

namespace a4p::server {

[[nodiscard]] std::string csv_field(std::string_view s);

}  // namespace a4p::server
