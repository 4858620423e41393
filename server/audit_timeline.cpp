#include "server/audit_timeline.hpp"

#include <algorithm>
#include <array>

#include <nlohmann/json.hpp>

namespace a4p::server {

namespace {
// The events the timeline marks (web-client/src/audit/timeline.ts labels them).
constexpr std::array<std::string_view, 7> marked = {
    "round.opened",      "round.closed",      "comment.hidden",  "comment.restored",
    "discussion.locked", "discussion.closed", "audit.checkpoint"};
}  // namespace

std::string_view timeline_index::member(std::string_view stored, std::string_view key) {
  // `"key":"` as written by the canonical writer; a string value inside `data` that holds the
  // same characters has its quotes escaped (\"), so it never matches.
  std::string pattern;
  pattern.reserve(key.size() + 4);
  pattern.append("\"").append(key).append("\":\"");
  const auto at = stored.rfind(pattern);
  if (at == std::string_view::npos) return {};
  const auto from = at + pattern.size();
  const auto end = stored.find('"', from);  // times, names and entity ids hold no quote
  if (end == std::string_view::npos) return {};
  return stored.substr(from, end - from);
}

storage::status timeline_index::extend(const storage::event_log& log, std::uint64_t head) {
  std::lock_guard lock(mu_);
  if (head <= indexed_) return {};
  return log.scan_raw(indexed_, head, [&](std::uint64_t seq, std::string_view bytes) {
    const auto ts = member(bytes, "ts");
    const auto name = member(bytes, "name");
    if (seq == 1 || seq % step_ == 0) points_.push_back({seq, std::string(ts)});
    if (std::ranges::find(marked, name) != marked.end())
      markers_.push_back(
          {seq, std::string(ts), std::string(name), std::string(member(bytes, "entity"))});
    indexed_ = seq;
    last_ = {seq, std::string(ts)};
    return true;
  });
}

std::string timeline_index::body() const {
  std::lock_guard lock(mu_);
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : points_) points.push_back({{"seq", p.seq}, {"ts", p.ts}});
  if (indexed_ != 0 && (points_.empty() || points_.back().seq != indexed_))
    points.push_back({{"seq", last_.seq}, {"ts", last_.ts}});
  nlohmann::json marks = nlohmann::json::array();
  for (const auto& m : markers_)
    marks.push_back({{"seq", m.seq}, {"ts", m.ts}, {"name", m.name}, {"entity", m.entity}});
  return nlohmann::json{{"head", indexed_},
                        {"step", step_},
                        {"points", std::move(points)},
                        {"markers", std::move(marks)}}
      .dump();
}

}  // namespace a4p::server
