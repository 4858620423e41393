#include "protocol/light_text.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <vector>

#include "protocol/json_string.hpp"
#include "protocol/visibility.hpp"

namespace a4p::protocol {
namespace {

// Text as nlohmann's dump() writes it: compact, keys in byte order, strings escaped the same.
class out {
 public:
  explicit out(std::string& s) : s_(s) {}

  void str(std::string_view v) { append_json_string(s_, v); }
  void str_or_null(std::string_view v) {
    if (v.empty())
      s_ += "null";
    else
      str(v);
  }
  template <class Int>
  void num(Int n) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, n);
    s_.append(buf, r.ptr);
  }
  void boolean(bool b) { s_ += b ? "true" : "false"; }
  void list(const text_list& l) {
    s_ += '[';
    for (std::size_t i = 0; i < l.size(); ++i) {
      if (i) s_ += ',';
      str(l[i]);
    }
    s_ += ']';
  }
  // "key": (the first member of an object takes no comma: open() resets it).
  out& key(std::string_view k) {
    if (!first_) s_ += ',';
    first_ = false;
    s_ += '"';
    s_ += k;  // keys are ASCII names or ids checked below
    s_ += "\":";
    return *this;
  }
  void id_key(std::string_view k) {
    if (!first_) s_ += ',';
    first_ = false;
    str(k);
    s_ += ':';
  }
  void open() {
    s_ += '{';
    first_ = true;
  }
  void close() {
    s_ += '}';
    first_ = false;
  }

 private:
  std::string& s_;
  bool first_ = true;
};

// The rows of a table sorted by id, as nlohmann's object holds them.
template <class Table>
auto by_id(const Table& t) {
  std::vector<const typename Table::mapped_type*> rows;
  rows.reserve(t.size());
  for (const auto& [id, x] : t) rows.push_back(&x);
  std::sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
    return std::string_view(a->id) < std::string_view(b->id);
  });
  return rows;
}

// A table as an object of id -> entity, each written by `one` (an object of its own).
template <class Table, class One>
void members(out& o, std::string_view name, const Table& t, One&& one) {
  o.key(name);
  o.open();
  for (const auto* x : by_id(t)) {
    o.id_key(x->id);
    o.open();
    one(*x);
    o.close();
  }
  o.close();
}

void thread_summary(out& o, const state& s, std::string_view kind, std::string_view id) {
  std::string room;
  room.reserve(kind.size() + id.size());
  room.append(kind).append(id);
  o.key("thread");
  o.open();
  const thread_rows* t = s.threads.find(room);
  if (!t || t->rows.empty()) {
    o.key("count").num(0);
    o.key("last_seq").num(0);
    o.key("last_ts").str("");
  } else {
    const comment& last = s.comments.rows()[t->rows.back()];
    o.key("count").num(t->visible);
    o.key("last_seq").num(last.seq);
    o.key("last_ts").str(last.ts);
  }
  o.close();
}

void indicator(out& o, const indicator_target& x) {
  o.open();
  o.key("indicator").str(x.indicator);
  o.key("target").str(x.target);
  o.close();
}

void light_report(out& o, const report& r) {
  o.open();
  o.key("attribution");
  if (r.attrib) {
    o.open();
    o.key("confidence").str(r.attrib->confidence);
    o.key("preexisting").boolean(r.attrib->preexisting);
    o.close();
  } else {
    o.str_or_null("");
  }
  o.key("by").str(r.by);
  o.key("has_impact_note").boolean(r.impact_note && !r.impact_note->empty());
  if (!r.lang.empty()) o.key("lang").str(r.lang);
  o.key("progress").num(r.progress);
  o.key("round").str_or_null(r.round);
  o.key("seq").num(r.seq);
  o.key("status").str(r.status);
  o.key("ts").str(r.ts);
  o.close();
}

}  // namespace

std::string light_state_text(const state& s, const state& now, const viewer& v) {
  std::string text;
  text.reserve(1 << 20);
  out o(text);
  o.open();
  members(o, "actions", s.actions, [&](const action& x) {
    o.key("due").str_or_null(x.due);
    o.key("gap").str_or_null(x.gap);
    o.key("id").str(x.id);
    o.key("kind").str(x.kind);
    o.key("taken_up_by").list(x.taken_up_by);
    o.key("theme").str(x.theme);
    thread_summary(o, s, "action:", x.id);
    o.key("title").str(x.title);
    o.key("version").num(x.version);
  });
  members(o, "champions", s.champions, [&](const champion& x) {
    o.key("id").str(x.id);
    o.key("offer").str_or_null(x.offer);
    o.key("org").str(x.org);
    o.key("theme").str(x.theme);
  });
  o.key("comments");
  o.open();
  o.close();
  members(o, "commitments", s.commitments, [&](const commitment& x) {
    o.key("id").str(x.id);
    o.key("number").num(x.number);
    o.key("responsibility").str(x.responsibility);
    o.key("theme").str(x.theme);
    o.key("title").str(x.title);
    o.key("version").num(x.version);
  });
  // Discussions: only those the reader may see, judged by `now` (visibility.cpp).
  o.key("discussions");
  o.open();
  for (const auto* d : by_id(s.discussions)) {
    const discussion* cur = now.discussions.get(d->id);
    if (!may_see_discussion(cur ? *cur : *d, v)) continue;
    o.id_key(d->id);
    o.open();
    o.key("convener").str(d->convener);
    o.key("created_ts").str(d->created_ts);
    o.key("has_outcome").boolean(!d->outcome.empty());
    o.key("id").str(d->id);
    o.key("invitees").list(d->invitees);
    if (!d->lang.empty()) o.key("lang").str(d->lang);
    if (!d->outcome_lang.empty()) o.key("outcome_lang").str(d->outcome_lang);
    o.key("state").str(d->state);
    o.key("theme").str(d->theme);
    thread_summary(o, s, "discussion:", d->id);
    o.key("title").str(d->title);
    o.key("version").num(d->version);
    o.key("visibility").str(d->visibility);
    o.close();
  }
  o.close();
  members(o, "gaps", s.gaps, [&](const gap& x) {  // no description in the light view
    o.key("id").str(x.id);
    o.key("theme").str(x.theme);
    o.key("title").str(x.title);
    o.key("version").num(x.version);
  });
  o.key("opinions");
  o.open();
  o.close();
  members(o, "orgs", s.orgs, [&](const org& x) {
    o.key("endorsed").boolean(x.endorsed);
    o.key("groups").list(x.groups);
    o.key("id").str(x.id);
    o.key("kind").str(x.kind);
    o.key("name").str(x.name);
    o.key("region").str_or_null(x.region);
    o.key("version").num(x.version);
  });
  members(o, "pledges", s.pledges, [&](const pledge& x) {
    o.key("actions").list(x.actions);
    o.key("commitment").str_or_null(x.commitment);
    o.key("created_ts").str(x.created_ts);
    o.key("due").str_or_null(x.due);
    o.key("id").str(x.id);
    o.key("impact");
    if (x.impact)
      indicator(o, *x.impact);
    else
      o.str_or_null("");
    if (!x.lang.empty()) o.key("lang").str(x.lang);
    o.key("org").str(x.org);
    o.key("output");
    indicator(o, x.output);
    o.key("progress").num(x.progress);
    o.key("published").boolean(x.published);
    o.key("report_count").num(x.reports.size());
    o.key("reports");
    text += '[';
    if (x.reports.size() > 0) light_report(o, x.reports[x.reports.size() - 1]);
    text += ']';
    o.key("status").str(x.status);
    o.key("theme").str(x.theme);
    thread_summary(o, s, "pledge:", x.id);
    o.key("title").str(x.title);
    o.key("updated_ts").str(x.updated_ts);
    o.key("version").num(x.version);
  });
  members(o, "rounds", s.rounds, [&](const round& x) {
    o.key("closes").str(x.closes);
    o.key("id").str(x.id);
    o.key("name").str(x.name);
    o.key("opened_ts").str(x.opened_ts);
    o.key("state").str(x.state);
  });
  o.key("seq").num(s.seq());
  members(o, "themes", s.themes, [&](const theme& x) {
    o.key("id").str(x.id);
    o.key("name").str(x.name);
    o.key("note").str_or_null(x.note);
  });
  members(o, "users", s.users, [&](const user& x) {
    o.key("disabled").boolean(x.disabled);
    o.key("id").str(x.id);
    if (!x.lang.empty()) o.key("lang").str(x.lang);
    o.key("name").str(x.name);
    o.key("org").str(x.org);
    o.key("role").str(to_string(x.r));
    o.key("version").num(x.version);
  });
  o.close();
  return text;
}

}  // namespace a4p::protocol
