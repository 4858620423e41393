#include "protocol/rooms.hpp"

#include <algorithm>

#include "protocol/entity_json.hpp"
#include "protocol/visibility.hpp"

namespace a4p::protocol {
namespace {

using json = nlohmann::json;

// The part of `list` (sorted by key) before `before`, at most `limit` of its last items.
template <class List, class Key>
std::pair<std::size_t, std::size_t> last_before(const List& list,
                                                std::optional<std::uint64_t> before,
                                                std::size_t limit, Key key) {
  std::size_t end = list.size();
  if (before)
    end = static_cast<std::size_t>(
        std::lower_bound(list.begin(), list.end(), *before,
                         [&](const auto& x, std::uint64_t c) { return key(x) < c; }) -
        list.begin());
  const std::size_t n = std::clamp<std::size_t>(limit, 1, max_page_limit);
  return {end > n ? end - n : 0, end};
}

}  // namespace

json thread_json(const state& s, std::string_view target) {
  const thread_rows* t = s.threads.find(target);
  if (!t || t->rows.empty()) return {{"count", 0}, {"last_seq", 0}, {"last_ts", ""}};
  const comment& last = s.comments.rows()[t->rows.back()];
  return {{"count", t->visible}, {"last_seq", last.seq}, {"last_ts", last.ts}};
}

json room_entity(const state& s, std::string_view room) {
  json j;
  if (room.starts_with("pledge:")) {
    const pledge* x = s.pledges.get(room.substr(7));
    if (!x) return nullptr;
    j = detail::pledge_fields(*x);
    j["reports"] = json::array();
    if (x->reports.size() > 0)
      j["reports"].push_back(detail::to_json(x->reports[x->reports.size() - 1]));
    j["report_count"] = x->reports.size();
  } else if (room.starts_with("action:")) {
    const action* x = s.actions.get(room.substr(7));
    if (!x) return nullptr;
    j = detail::to_json(*x);
  } else if (room.starts_with("discussion:")) {
    const discussion* x = s.discussions.get(room.substr(11));
    if (!x) return nullptr;
    j = detail::to_json(*x);
  } else {
    return nullptr;
  }
  j["thread"] = thread_json(s, room);
  return j;
}

json skeleton_entity(const state& s, std::string_view room) {
  json j = room_entity(s, room);
  if (j.is_null()) return j;
  auto non_empty = [](const json& x) {
    return x.is_string() && !x.get_ref<const std::string&>().empty();
  };
  if (room.starts_with("pledge:")) {
    j.erase("description");
    for (json& r : j["reports"]) {
      r["has_impact_note"] = non_empty(r["impact_note"]);
      for (const char* k : {"note", "evidence", "impact_note"}) r.erase(k);
      if (json& a = r["attribution"]; a.is_object()) a.erase("statement");
    }
  } else if (room.starts_with("discussion:")) {
    j["has_outcome"] = non_empty(j["outcome"]);
    j.erase("agenda");
    j.erase("outcome");
  }
  return j;
}

json opinions_on(const state& s, std::string_view target) {
  std::vector<const opinion*> on;
  for (const auto& [id, o] : s.opinions)
    if (o.target == target) on.push_back(&o);
  std::sort(on.begin(), on.end(), [](const opinion* a, const opinion* b) {
    return std::string_view(a->id) < std::string_view(b->id);
  });
  json out = json::array();
  for (const opinion* o : on) out.push_back(detail::to_json(*o));
  return out;
}

bool room_visible(const state& s, const viewer& v, std::string_view room) {
  if (room.starts_with("discussion:")) return !view_entity(s, v, room).is_null();
  if (room.starts_with("pledge:")) return s.pledges.contains(room.substr(7));
  if (room.starts_with("action:")) return s.actions.contains(room.substr(7));
  return false;
}

std::string room_of_comment_event(const state& now, const event& e) {
  std::string_view entity = e.entity;
  if (!entity.starts_with("comment:")) return {};
  const comment* c = now.comments.get(entity.substr(8));
  return c ? std::string(c->target) : std::string();
}

std::optional<page_part> page_comments(const state& s, const viewer& v, std::string_view room,
                                       std::optional<std::uint64_t> before, std::size_t limit) {
  return page_comments(s, s, v, room, before, limit);
}

std::optional<page_part> page_comments(const state& s, const state& now, const viewer& v,
                                       std::string_view room, std::optional<std::uint64_t> before,
                                       std::size_t limit) {
  if (!room_visible(s, v, room) || !room_visible(now, v, room)) return std::nullopt;
  page_part out;
  const thread_rows* t = s.threads.find(room);
  if (!t) return out;
  const auto& rows = s.comments.rows();
  auto [from, to] =
      last_before(t->rows, before, limit, [&](std::uint32_t r) { return rows[r].seq; });
  for (std::size_t k = from; k < to; ++k)
    out.items.push_back(view_comment(s, now, v, rows[t->rows[k]].id));
  if (from > 0) out.before = rows[t->rows[from]].seq;
  return out;
}

std::optional<page_part> page_reports(const state& s, const viewer& v, std::string_view room,
                                      std::optional<std::uint64_t> before, std::size_t limit) {
  if (!room.starts_with("pledge:") || !room_visible(s, v, room)) return std::nullopt;
  const pledge& p = *s.pledges.get(room.substr(7));
  page_part out;
  auto [from, to] = last_before(p.reports, before, limit, [](const report& r) { return r.seq; });
  for (std::size_t k = from; k < to; ++k) out.items.push_back(detail::to_json(p.reports[k]));
  if (from > 0) out.before = p.reports[from].seq;
  return out;
}

std::expected<page_answer, std::string> answer_page(const state& s, const state& now,
                                                    const viewer& v, const page_request& r,
                                                    bool first) {
  const auto limit = r.limit.value_or(default_page_limit);
  page_answer a;
  a.room = r.room;
  a.seq = s.seq();
  a.thread = thread_json(s, r.room);
  if (first || r.before) {
    auto c = page_comments(s, now, v, r.room, r.before, limit);
    if (!c) return std::unexpected(std::string("not_found"));
    a.comments = std::move(c->items);
    a.before = c->before;
    a.from = r.before;
  }
  if (first) {
    a.entity = room_entity(s, r.room);
    a.opinions = opinions_on(s, r.room);
  }
  if (r.room.starts_with("pledge:") && (first || r.reports_before)) {
    auto p = page_reports(s, v, r.room, r.reports_before, limit);
    if (!p) return std::unexpected(std::string("not_found"));
    a.reports = std::move(p->items);
    a.reports_before = p->before;
    a.reports_from = r.reports_before;
  } else if (r.reports_before) {
    return std::unexpected(std::string("bad_request"));
  }
  return a;
}

}  // namespace a4p::protocol
