// The error value of the protocol module, and result<T>.
//
// Every fallible function in a4p::protocol returns result<T> (std::expected). What can leave
// the module as an exception: std::bad_alloc, and table::at() for a missing id
// (std::out_of_range, as std::map::at; see table.hpp). Only decide() catches: an exception
// of a command handler, a bug, becomes a rejection with reject_code::internal (workspace.hpp).
// An error carries a code ("bad_request" or "too_large" from the codecs, "corruption" from
// snapshots, stored events and apply), a human message, and, where it applies, the
// offending field (a dotted path such as "resume.seq"; empty when none applies).
//
// Thread safety: plain values.
#pragma once

#include <expected>
#include <string>

namespace a4p::protocol {

struct error {
  std::string code = "bad_request";
  std::string message;
  std::string field;
};

template <class T>
using result = std::expected<T, error>;

}  // namespace a4p::protocol
