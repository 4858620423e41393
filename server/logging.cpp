#include "server/logging.hpp"

#include <chrono>
#include <memory>

#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

#include "protocol/utf8.hpp"
#include "storage/encoding.hpp"

namespace a4p::server {
namespace {

// `s` with each byte that does not start a well-formed UTF-8 sequence replaced by U+FFFD, so
// that the line is valid JSON whatever a message holds.
std::string scrub_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const std::size_t n = *p < 0x80 ? 1 : protocol::utf8_sequence_length(p, end);
    if (n == 0) {
      out += "\xef\xbf\xbd";
      ++p;
    } else {
      out.append(reinterpret_cast<const char*>(p), n);
      p += n;
    }
  }
  return out;
}

class json_formatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& m, spdlog::memory_buf_t& dest) override {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(m.time.time_since_epoch()).count();
    const auto level = spdlog::level::to_string_view(m.level);
    auto line = json_log_line(storage::encoding::rfc3339_millis(ms),
                              std::string_view(level.data(), level.size()),
                              std::string_view(m.payload.data(), m.payload.size()),
                              static_cast<unsigned long>(m.thread_id));
    line += '\n';
    dest.append(line.data(), line.data() + line.size());
  }
  [[nodiscard]] std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<json_formatter>();
  }
};

}  // namespace

std::optional<log_format> parse_log_format(std::string_view name) {
  if (name == "text") return log_format::text;
  if (name == "json") return log_format::json;
  return std::nullopt;
}

std::string json_log_line(std::string_view ts, std::string_view level, std::string_view msg,
                          unsigned long thread) {
  using storage::encoding::append_json_string;
  std::string out = "{\"ts\":";
  append_json_string(out, scrub_utf8(ts));
  out += ",\"level\":";
  append_json_string(out, scrub_utf8(level));
  out += ",\"msg\":";
  append_json_string(out, scrub_utf8(msg));
  out += ",\"thread\":" + std::to_string(thread) + "}";
  return out;
}

void configure_logging(log_format format, const std::string& level) {
  spdlog::set_level(spdlog::level::from_str(level));
  if (format == log_format::json) spdlog::set_formatter(std::make_unique<json_formatter>());
}

}  // namespace a4p::server
