// The error value of the protocol module, and result<T>.
//
// Every fallible function in a4p::protocol returns result<T> (std::expected). What can leave
// the module as an exception: std::bad_alloc, and table::at() for a missing id
// (std::out_of_range, as std::map::at; see table.hpp). An error carries a reject/wire code
// ("bad_request", "forbidden", ...), a human message, and, for bad_request, the offending
// field (a dotted path such as "args.changes.progress"; empty when none applies).
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
