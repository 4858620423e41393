#include "server/cluster/log_message.hpp"

#include <nlohmann/json.hpp>

namespace a4p::server::cluster {

namespace {
constexpr std::string_view format_name = "a4p.cluster.v1";
}

nlohmann::json stream_config(int replicas) {
  return {{"name", stream_name},
          {"subjects", {stream_subject}},
          {"storage", "file"},
          {"num_replicas", replicas},
          {"deny_delete", true},
          {"deny_purge", true},
          {"duplicate_window", std::int64_t{120'000'000'000}}};
}

std::string encode(const log_message& m) {
  nlohmann::json head = {{"format", format_name},
                         {"events", m.events.size()},
                         {"idempotency_key", m.idempotency_key},
                         {"idempotency_value", m.idempotency_value}};
  std::string out = head.dump();
  for (const auto& e : m.events) {
    out += '\n';
    out += e;
  }
  return out;
}

std::expected<log_message, std::string> decode(std::string_view payload) {
  auto eol = payload.find('\n');
  auto head = nlohmann::json::parse(payload.substr(0, eol), nullptr, false);
  if (head.is_discarded() || !head.is_object() || head.value("format", "") != format_name)
    return std::unexpected("not an " + std::string(format_name) + " message");
  const auto count = head.value("events", std::size_t{0});
  log_message m;
  m.idempotency_key = head.value("idempotency_key", "");
  m.idempotency_value = head.value("idempotency_value", "");
  while (eol != std::string_view::npos) {
    const auto start = eol + 1;
    eol = payload.find('\n', start);
    m.events.emplace_back(payload.substr(start, eol == std::string_view::npos ? eol : eol - start));
  }
  if (m.events.size() != count)
    return std::unexpected("the header says " + std::to_string(count) +
                           " events, the message holds " + std::to_string(m.events.size()));
  return m;
}

}  // namespace a4p::server::cluster
