// How a4pd (and a4pctl) write their logs: to stderr, either as text lines (the default, for a
// terminal and journald) or as JSON Lines (one object a line, for log shippers).
//
// JSON Lines format, one object per line, keys always in this order:
//   {"ts":"2026-11-29T14:19:27.123Z","level":"info","msg":"...","thread":1234}
// ts is UTC with milliseconds; level is spdlog's name (trace, debug, info, warn, error,
// critical); msg is the message, JSON-escaped (control characters as \u00XX, invalid UTF-8
// replaced by U+FFFD so that every line parses).
//
// Thread safety: call configure_logging() once at startup, before other threads log.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace a4p::server {

enum class log_format { text, json };

// "text" or "json"; nullopt for anything else.
[[nodiscard]] std::optional<log_format> parse_log_format(std::string_view name);

// Sets the default logger's level and format. REQUIRES: `level` is an spdlog level name.
void configure_logging(log_format format, const std::string& level);

// One log line in the JSON Lines format above, without the newline (exposed for tests).
[[nodiscard]] std::string json_log_line(std::string_view ts, std::string_view level,
                                        std::string_view msg, unsigned long thread);

}  // namespace a4p::server
