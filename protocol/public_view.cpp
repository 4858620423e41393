#include "protocol/public_view.hpp"

#include <array>
#include <map>
#include <set>

#include "protocol/entity_json.hpp"

namespace a4p::protocol {
namespace {

using json = nlohmann::json;
using detail::or_null;
using detail::to_json;

constexpr std::array<const char*, public_category_count> category_names = {
    "themes", "commitments", "champions", "gaps", "actions", "rounds", "counts"};

constexpr std::array<const char*, 5> statuses = {"planned", "on_track", "delayed", "done",
                                                 "dropped"};

// `record` with the seq and hash of the last event about `entity`.
json stamped(json record, const public_stamps& st, const std::string& entity) {
  const auto* s = st.of(entity);
  record["seq"] = s ? s->seq : 0;
  record["hash"] = s ? s->hash : std::string();
  return record;
}

json public_report(const report& r, const public_stamps& st) {
  json j = to_json(r);
  j.erase("by");  // a user id: never public
  j["hash"] = std::string(st.report_hash(r.seq));
  return j;
}

json public_theme(const state& s, const theme& t, const public_stamps& st) {
  json j = stamped(to_json(t), st, "theme:" + std::string(t.id));
  if (!is_public(s, public_category::champions)) return j;
  json champions = json::array();
  for (const auto& [id, c] : s.champions)
    if (c.theme == t.id)
      champions.push_back(stamped({{"org", c.org}, {"offer", or_null(c.offer)}}, st,
                                  "champion:" + std::string(id)));
  j["champions"] = std::move(champions);
  return j;
}

json public_org(const org& o, const public_stamps& st) {
  return stamped({{"id", o.id},
                  {"name", o.name},
                  {"kind", o.kind},
                  {"region", or_null(o.region)},
                  {"groups", o.groups},
                  {"endorsed", o.endorsed}},
                 st, "org:" + std::string(o.id));
}

// Every entity of `m`, stamped, in the state's order; [] when `c` is switched off.
template <class Map>
json public_list(const state& s, const Map& m, const char* kind, public_category c,
                 const public_stamps& st) {
  json out = json::array();
  if (!is_public(s, c)) return out;
  for (const auto& [id, x] : m) out.push_back(stamped(to_json(x), st, kind + std::string(id)));
  return out;
}

// "kind:id" -> (kind, id).
std::pair<std::string_view, std::string_view> split_entity(std::string_view entity) {
  auto colon = entity.find(':');
  if (colon == std::string_view::npos) return {entity, {}};
  return {entity.substr(0, colon), entity.substr(colon + 1)};
}

json change(std::string_view kind, std::string_view id, json record) {
  return {{"kind", kind}, {"id", id}, {"record", std::move(record)}};
}

}  // namespace

const char* to_string(public_category c) {
  return category_names[static_cast<unsigned>(c)];
}

std::optional<public_category> public_category_from_string(std::string_view s) {
  for (unsigned k = 0; k < public_category_count; ++k)
    if (s == category_names[k]) return static_cast<public_category>(k);
  return std::nullopt;
}

bool is_public(const state& s, public_category c) {
  return (s.public_off & (std::uint32_t{1} << static_cast<unsigned>(c))) == 0;
}

void public_stamps::feed(std::uint64_t seq, std::string_view name, std::string_view entity,
                         std::string_view hash) {
  auto& s = entities_[std::string(entity)];
  s.seq = seq;
  s.hash = hash;
  if (name == "pledge.progress_reported") reports_[seq] = hash;
  seq_ = seq;
  hash_ = hash;
}

const public_stamps::stamp* public_stamps::of(std::string_view entity) const {
  auto it = entities_.find(std::string(entity));
  return it == entities_.end() ? nullptr : &it->second;
}

std::string_view public_stamps::report_hash(std::uint64_t seq) const {
  auto it = reports_.find(seq);
  return it == reports_.end() ? std::string_view() : std::string_view(it->second);
}

json public_pledge(const state& s, const pledge& p, const public_stamps& st, bool with_reports) {
  json j = detail::pledge_fields(p);
  j.erase("published");
  j["published_ts"] = or_null(p.published_ts);
  if (with_reports) {
    json reports = json::array();
    for (const auto& r : p.reports) reports.push_back(public_report(r, st));
    j["reports"] = std::move(reports);
  }
  (void)s;
  return stamped(std::move(j), st, "pledge:" + std::string(p.id));
}

json public_coverage(const state& s) {
  // Per region and per group: endorsing organisations, those with a published pledge, and
  // the published pledges.
  struct tally {
    std::set<std::string_view> endorsed, pledging;
    std::int64_t pledges = 0;
  };
  std::map<std::string_view, tally> regions, groups;
  auto each_bucket = [&](const org& o, auto fn) {
    fn(regions[o.region.empty() ? std::string_view("none") : std::string_view(o.region)]);
    for (const auto& g : o.groups) fn(groups[g]);
  };
  for (const auto& [id, o] : s.orgs)
    if (o.endorsed && o.kind != "secretariat")
      each_bucket(o, [&](tally& t) { t.endorsed.insert(o.id); });
  for (const auto& [id, p] : s.pledges) {
    if (!p.published) continue;
    const org* o = s.orgs.get(p.org);
    if (!o || o->kind == "secretariat") continue;
    each_bucket(*o, [&](tally& t) {
      t.pledging.insert(o->id);
      ++t.pledges;
    });
  }
  auto rows = [](const std::map<std::string_view, tally>& m, const char* key) {
    json out = json::array();
    for (const auto& [k, t] : m)
      out.push_back({{key, k},
                     {"endorsing", t.endorsed.size()},
                     {"pledging", t.pledging.size()},
                     {"published_pledges", t.pledges}});
    return out;
  };
  return {{"regions", rows(regions, "region")}, {"groups", rows(groups, "group")}};
}

json public_counts(const state& s) {
  if (!is_public(s, public_category::counts)) return nullptr;
  // Tallied in plain counters and made JSON once at the end: the public feed asks for this at
  // each flush that moved a count, and a log of a million events holds ~200,000 reports.
  using tally = std::map<std::string_view, std::int64_t>;
  const auto zeros = [] {
    tally t;
    for (const char* k : statuses) t[k] = 0;
    return t;
  };
  const auto to_object = [](const tally& t) {
    json j = json::object();
    for (const auto& [k, n] : t) j[std::string(k)] = n;
    return j;
  };
  struct round_tally {
    std::int64_t reports = 0;
    tally by_status;
  };
  tally by_status = zeros();
  std::int64_t reports = 0;
  std::set<std::string_view> orgs;
  std::map<std::string_view, round_tally> per_round;
  for (const auto& [id, p] : s.pledges) {
    ++by_status[p.status];
    orgs.insert(p.org);
    for (const auto& r : p.reports) {
      ++reports;
      if (r.round.empty()) continue;
      auto [t, fresh] = per_round.try_emplace(r.round);
      if (fresh) t->second.by_status = zeros();
      ++t->second.reports;
      ++t->second.by_status[r.status];
    }
  }
  json rounds = json::array();
  for (const auto& [id, r] : s.rounds) {
    auto it = per_round.find(r.id);
    const bool any = it != per_round.end();
    rounds.push_back({{"reports", any ? it->second.reports : 0},
                      {"by_status", to_object(any ? it->second.by_status : zeros())},
                      {"round", r.id},
                      {"name", r.name}});
  }
  return {{"pledges", s.pledges.size()},
          {"by_status", to_object(by_status)},
          {"organisations_pledging", orgs.size()},
          {"reports", reports},
          {"rounds", std::move(rounds)}};
}

json public_state(const state& s, const public_stamps& st) {
  json categories = json::object();
  for (unsigned k = 0; k < public_category_count; ++k)
    categories[category_names[k]] = is_public(s, static_cast<public_category>(k));
  json themes = json::array();
  if (is_public(s, public_category::themes))
    for (const auto& [id, t] : s.themes) themes.push_back(public_theme(s, t, st));
  json orgs = json::array();
  for (const auto& [id, o] : s.orgs) orgs.push_back(public_org(o, st));
  json pledges = json::array();
  for (const auto& [id, p] : s.pledges)
    if (p.published) pledges.push_back(public_pledge(s, p, st));
  return {
      {"seq", st.seq()},
      {"hash", st.hash()},
      {"categories", std::move(categories)},
      {"themes", std::move(themes)},
      {"commitments",
       public_list(s, s.commitments, "commitment:", public_category::commitments, st)},
      {"gaps", public_list(s, s.gaps, "gap:", public_category::gaps, st)},
      {"actions", public_list(s, s.actions, "action:", public_category::actions, st)},
      {"rounds", public_list(s, s.rounds, "round:", public_category::rounds, st)},
      {"orgs", std::move(orgs)},
      {"pledges", std::move(pledges)},
      {"coverage", public_coverage(s)},
      {"counts", public_counts(s)},
  };
}

std::optional<json> public_event(const state& now, const event& e, const public_stamps& st) {
  auto c = public_change_of(now, e, st);
  if (!c) return std::nullopt;
  if (c->coverage) c->message["coverage"] = public_coverage(now);
  if (c->counts) c->message["counts"] = public_counts(now);
  return std::move(c->message);
}

std::optional<public_change> public_change_of(const state& now, const event& e,
                                              const public_stamps& st) {
  json head = {{"seq", e.seq}, {"hash", e.hash}, {"ts", e.ts}};
  if (e.name == "public.configured") {
    head["reload"] = true;
    return public_change{std::move(head)};
  }
  auto [kind, id] = split_entity(e.entity);
  json changes = json::array();
  bool pledges_changed = false;
  // A record that exists and is public now, or null.
  auto record_of = [&](std::string_view k, std::string_view i) -> json {
    if (k == "theme") {
      const theme* t = now.themes.get(i);
      return t && is_public(now, public_category::themes) ? public_theme(now, *t, st) : json();
    }
    if (k == "org") {
      const org* o = now.orgs.get(i);
      return o ? public_org(*o, st) : json();
    }
    if (k == "pledge") {
      const pledge* p = now.pledges.get(i);
      return p && p->published ? public_pledge(now, *p, st) : json();
    }
    const std::string ent = std::string(k) + ":" + std::string(i);
    auto simple = [&](const auto& m, public_category c) -> json {
      const auto* x = m.get(i);
      return x && is_public(now, c) ? stamped(to_json(*x), st, ent) : json();
    };
    if (k == "commitment") return simple(now.commitments, public_category::commitments);
    if (k == "gap") return simple(now.gaps, public_category::gaps);
    if (k == "action") return simple(now.actions, public_category::actions);
    if (k == "round") return simple(now.rounds, public_category::rounds);
    return json();
  };
  if (kind == "theme" || kind == "org" || kind == "commitment" || kind == "gap" ||
      kind == "action" || kind == "round") {
    changes.push_back(change(kind, id, record_of(kind, id)));
    pledges_changed = kind == "org" || kind == "round";
  } else if (kind == "champion") {
    // The theme's record carries its champions.
    auto t = e.data.find("theme");
    if (!is_public(now, public_category::champions) || t == e.data.end() || !t->is_string())
      return std::nullopt;
    const std::string theme = t->get<std::string>();
    changes.push_back(change("theme", theme, record_of("theme", theme)));
  } else if (kind == "pledge") {
    const pledge* p = now.pledges.get(id);
    pledges_changed = true;
    // An unpublished pledge's events change only the counts; an unpublication removes it.
    if (p && (p->published || e.name == "pledge.unpublished")) {
      // Once published, a change carries the pledge without its reports (the viewer keeps
      // those it has): its size does not grow with the history. A progress report carries
      // only the fields a report moves and the new report. The record is made without the
      // reports in the first place: made whole and cut, each report cost the size of all the
      // pledge's reports (3,000 reports of 9 KB kept the public lane busy for minutes).
      const bool whole = !p->published || e.name == "pledge.published";
      json c = change(kind, id, whole ? record_of(kind, id) : public_pledge(now, *p, st, false));
      if (!whole) {
        if (e.name == "pledge.progress_reported" && !p->reports.empty()) {
          json fields = json::object();
          for (const char* k : {"status", "progress", "version", "updated_ts", "seq", "hash"})
            if (auto f = c["record"].find(k); f != c["record"].end()) fields[k] = *f;
          c.erase("record");
          c["fields"] = std::move(fields);
          c["report"] = public_report(p->reports.back(), st);
        }
      }
      changes.push_back(std::move(c));
    }
  } else {
    return std::nullopt;  // users, discussions, comments, opinions, checkpoints: never public
  }
  if (changes.empty() && !(pledges_changed && is_public(now, public_category::counts)))
    return std::nullopt;
  head["changes"] = std::move(changes);
  public_change out{std::move(head)};
  if (pledges_changed) {
    // Coverage moves only when a pledge enters or leaves the public site, or an org changes.
    out.coverage = kind == "org" || e.name == "pledge.published" || e.name == "pledge.unpublished";
    out.counts = true;
  }
  return out;
}

}  // namespace a4p::protocol
