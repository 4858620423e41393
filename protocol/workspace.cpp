#include "protocol/workspace.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <initializer_list>
#include <set>
#include <unordered_map>

#include "protocol/entity_json.hpp"
#include "protocol/json_codec.hpp"
#include "protocol/json_reader.hpp"
#include "protocol/visibility.hpp"

namespace a4p::protocol {

using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// principals

std::optional<principal> principal_of(const state& s, std::string_view user) {
  const auto* u = s.users.get(user);
  if (!u) return std::nullopt;
  return principal{u->id.str(), u->org.str(), u->r};
}

principal system_principal() {
  return principal{"system", "UN", role::secretariat};
}

std::vector<std::string> roles_of(const state& s, const principal& p) {
  std::vector<std::string> out{to_string(p.r)};
  if (p.r == role::member && s.champions_any(p.org)) out.emplace_back("champion");
  if (p.r == role::member && s.in_group(p.org, "G10")) out.emplace_back("g10");
  return out;
}

// ---------------------------------------------------------------------------------------------
// stored events

namespace {

// The stored actor object {"org","user"[,...]} read in place. Same acceptance as parsing it
// into a json object (duplicate keys, depth and grammar are checked alike).
bool read_actor(detail::json_reader& r, actor& who) {
  r.skip_ws();
  if (!r.peek('{')) return false;
  (void)r.expect('{');
  unsigned got = 0;
  std::vector<std::string> others;  // only for the duplicate check of unknown members
  if (r.peek('}')) return r.expect('}') && false;
  for (;;) {
    std::string key;
    if (!r.string(key) || !r.expect(':')) return false;
    if (key == "user" || key == "org") {
      unsigned bit = key == "user" ? 1 : 2;
      std::string& dst = bit == 1 ? who.user : who.org;
      if (r.peek('"')) {
        if (!r.string(dst)) return false;
      } else {
        json v;  // any other value type: parsed (for its errors), then refused
        if (!r.value(v, 2)) return false;
        got |= 4;
      }
      if (got & bit) return r.fail("duplicate key \"" + key + "\"");
      got |= bit;
    } else {
      json ignored;
      if (!r.value(ignored, 2)) return false;
      if (std::find(others.begin(), others.end(), key) != others.end())
        return r.fail("duplicate key \"" + key.substr(0, 40) + "\"");
      others.push_back(std::move(key));
    }
    if (r.peek(',')) {
      (void)r.expect(',');
      continue;
    }
    if (!r.expect('}')) return false;
    return (got & 3) == 3 && !(got & 4);
  }
}

}  // namespace

result<event> decode_stored(std::string_view stored) {
  // One pass straight into the event: only `data` becomes a nlohmann::json.
  detail::json_reader r(stored, 64);
  event e;
  auto fail = [&](const char* what) {
    std::string m = r.message().empty() ? std::string("stored event: bad ") + what
                                        : "stored event: " + r.message();
    return std::unexpected(error{"corruption", std::move(m), what});
  };
  if (!r.expect('{')) return fail("object");
  unsigned seen = 0;
  if (!r.peek('}')) {
    for (;;) {
      std::string key;
      if (!r.string(key) || !r.expect(':')) return fail("object");
      if (key == "seq") {
        std::int64_t n;
        if (!r.integer(n) || n < 0) return fail("seq");
        e.seq = static_cast<std::uint64_t>(n);
        seen |= 1;
      } else if (key == "ts") {
        if (!r.string(e.ts)) return fail("ts");
        seen |= 2;
      } else if (key == "name") {
        if (!r.string(e.name)) return fail("name");
        seen |= 4;
      } else if (key == "entity") {
        if (!r.string(e.entity)) return fail("entity");
        seen |= 8;
      } else if (key == "data_hash") {
        if (!r.string(e.data_hash)) return fail("data_hash");
        seen |= 16;
      } else if (key == "hash") {
        if (!r.string(e.hash)) return fail("hash");
        seen |= 32;
      } else if (key == "data") {
        if (!r.value(e.data, 1) || !e.data.is_object()) return fail("data");
        seen |= 64;
      } else if (key == "actor") {
        // Read straight into e.who (no DOM): the same rules as value(a, 1) on an object, then
        // "user" and "org" must be strings; other members are checked and ignored.
        if (!read_actor(r, e.who)) return fail("actor");
        seen |= 128;
      } else {
        json ignored;  // a field from a later format version
        if (!r.value(ignored, 1)) return fail("object");
      }
      if (r.peek(',')) {
        (void)r.expect(',');
        continue;
      }
      break;
    }
  }
  if (!r.expect('}') || !r.at_end()) return fail("object");
  if (seen != 255) return fail("missing fields");
  return e;
}

std::string encode_stored(const event& e) {
  return canonical({{"seq", e.seq},
                    {"ts", e.ts},
                    {"actor", {{"user", e.who.user}, {"org", e.who.org}}},
                    {"name", e.name},
                    {"entity", e.entity},
                    {"data", e.data},
                    {"data_hash", e.data_hash},
                    {"hash", e.hash}});
}

// ---------------------------------------------------------------------------------------------
// argument validation

namespace {

rejection reject(std::string code, std::string message, json details = json::object()) {
  return rejection{std::move(code), std::move(message), std::move(details)};
}
rejection bad(const std::string& field, std::string message) {
  return reject("bad_request", std::move(message), {{"field", field}});
}
rejection forbidden(std::string message) {
  return reject("forbidden", std::move(message));
}
rejection not_found(const std::string& field, std::string message) {
  return reject("not_found", std::move(message), {{"field", field}});
}

bool valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  int y = std::stoi(std::string(s.substr(0, 4)));
  int m = (s[5] - '0') * 10 + (s[6] - '0');
  int d = (s[8] - '0') * 10 + (s[9] - '0');
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d > days[m - 1]) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m == 2 && d == 29 && !leap) return false;
  return true;
}

bool valid_url(std::string_view s) {
  auto scheme_ok = s.starts_with("https://") || s.starts_with("http://");
  if (!scheme_ok) return false;
  auto rest = s.substr(s.find("//") + 2);
  if (rest.empty() || rest[0] == '/') return false;
  for (unsigned char c : s)
    if (c <= 0x20 || c == 0x7F) return false;
  return true;
}

bool valid_code(std::string_view s, std::size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_' || c == '.'))
      return false;
  return true;
}

// Reads one args object strictly, remembering the first problem. Every getter returns a
// default after an error, so a command reads all its args and then checks `err` once.
class reader {
 public:
  reader(const json& obj, std::string prefix) : obj_(obj), prefix_(std::move(prefix)) {}

  std::optional<rejection> err;

  bool has(const char* key) {
    seen_.insert(key);
    auto it = obj_.find(key);
    return it != obj_.end() && !it->is_null();
  }
  std::string path(const char* key) const { return prefix_ + key; }
  // Present and explicitly null (an update clearing an optional field).
  bool is_null(const char* key) {
    seen_.insert(key);
    auto it = obj_.find(key);
    return it != obj_.end() && it->is_null();
  }

  // A required string; allow_empty false: at least one non-space character.
  std::string str(const char* key, std::size_t max, bool allow_empty = false) {
    const json* v = get(key);
    if (!v) return {};
    if (!v->is_string()) return fail(key, "must be a string"), std::string();
    const auto& s = v->get_ref<const std::string&>();
    if (!allow_empty && s.find_first_not_of(" \t\r\n") == std::string::npos)
      return fail(key, "must not be empty"), std::string();
    if (s.size() > max) {
      if (!err)
        err = reject("too_large", path(key) + " is longer than " + std::to_string(max) + " bytes",
                     {{"field", path(key)}, {"limit", max}});
      return {};
    }
    return s;
  }
  std::string opt_str(const char* key, std::size_t max, bool allow_empty = false) {
    if (!has(key)) return {};
    return str(key, max, allow_empty);
  }
  std::string code(const char* key, std::size_t max = 64) {
    std::string s = str(key, max);
    if (!err && !valid_code(s, max)) fail(key, "must be a code of letters, digits, '-', '_', '.'");
    return s;
  }
  std::string one_of(const char* key, std::initializer_list<const char*> values) {
    std::string s = str(key, 64);
    if (err) return s;
    for (const char* v : values)
      if (s == v) return s;
    std::string list;
    for (const char* v : values) list += (list.empty() ? "" : "|") + std::string(v);
    fail(key, "must be one of " + list);
    return {};
  }
  std::string date(const char* key) {
    std::string s = str(key, 10);
    if (!err && !valid_date(s)) fail(key, "must be a date YYYY-MM-DD");
    return s;
  }
  std::string opt_date(const char* key) { return has(key) ? date(key) : std::string(); }
  std::int64_t integer(const char* key, std::int64_t lo, std::int64_t hi) {
    const json* v = get(key);
    if (!v) return 0;
    if (!v->is_number_integer()) return fail(key, "must be an integer"), 0;
    auto n = v->get<std::int64_t>();
    if (n < lo || n > hi)
      return fail(key, "must be between " + std::to_string(lo) + " and " + std::to_string(hi)), 0;
    return n;
  }
  bool boolean(const char* key) {
    const json* v = get(key);
    if (!v) return false;
    if (!v->is_boolean()) return fail(key, "must be true or false"), false;
    return v->get<bool>();
  }
  // A list of codes (orgs, ids, groups), no duplicates.
  std::vector<std::string> codes(const char* key, std::size_t max_items) {
    std::vector<std::string> out;
    const json* v = get(key);
    if (!v) return out;
    if (!v->is_array()) return fail(key, "must be an array of strings"), out;
    if (v->size() > max_items) {
      if (!err)
        err = reject("too_large",
                     path(key) + " has more than " + std::to_string(max_items) + " items",
                     {{"field", path(key)}, {"limit", max_items}});
      return out;
    }
    for (const auto& x : *v) {
      if (!x.is_string() || !valid_code(x.get_ref<const std::string&>(), 64))
        return fail(key, "must be an array of codes"), std::vector<std::string>();
      const auto& s = x.get_ref<const std::string&>();
      if (std::find(out.begin(), out.end(), s) != out.end())
        return fail(key, "must not repeat \"" + s + "\""), std::vector<std::string>();
      out.push_back(s);
    }
    return out;
  }
  std::vector<std::string> urls(const char* key) {
    std::vector<std::string> out;
    const json* v = get(key);
    if (!v) return out;
    if (!v->is_array()) return fail(key, "must be an array of URLs"), out;
    if (v->size() > limits::evidence_urls) {
      if (!err)
        err = reject("too_large", path(key) + " has more than 20 URLs",
                     {{"field", path(key)}, {"limit", limits::evidence_urls}});
      return out;
    }
    for (const auto& x : *v) {
      if (!x.is_string()) return fail(key, "must be an array of URLs"), std::vector<std::string>();
      const auto& s = x.get_ref<const std::string&>();
      if (s.size() > limits::url) {
        if (!err)
          err = reject("too_large", path(key) + " has a URL longer than 2000 bytes",
                       {{"field", path(key)}, {"limit", limits::url}});
        return {};
      }
      if (!valid_url(s))
        return fail(key, "must hold http(s) URLs only"), std::vector<std::string>();
      out.push_back(s);
    }
    return out;
  }
  // {"indicator","target"} as event data.
  json indicator_obj(const char* key) {
    const json* v = get(key);
    if (!v) return nullptr;
    if (!v->is_object()) return fail(key, "must be an object {indicator, target}"), nullptr;
    reader r(*v, path(key) + ".");
    json out = {{"indicator", r.str("indicator", limits::short_text)},
                {"target", r.str("target", limits::short_text)}};
    r.finish();
    if (r.err && !err) err = r.err;
    return out;
  }
  // {"statement","preexisting","confidence"} as event data.
  json attribution_obj(const char* key) {
    const json* v = get(key);
    if (!v) return nullptr;
    if (!v->is_object())
      return fail(key, "must be an object {statement, preexisting, confidence}"), nullptr;
    reader r(*v, path(key) + ".");
    json out = json::object();
    out["statement"] = r.str("statement", limits::body);
    out["preexisting"] = r.boolean("preexisting");
    out["confidence"] = r.one_of("confidence", {"low", "medium", "high"});
    r.finish();
    if (r.err && !err) err = r.err;
    return out;
  }
  const json* object(const char* key) {
    const json* v = get(key);
    if (!v) return nullptr;
    if (!v->is_object()) return fail(key, "must be an object"), nullptr;
    return v;
  }
  // Unknown members are refused: a misspelt field must not be silently ignored.
  void finish() {
    if (err) return;
    for (auto it = obj_.begin(); it != obj_.end(); ++it)
      if (!seen_.contains(it.key())) {
        err = bad(prefix_ + it.key(), "unknown field \"" + prefix_ + it.key() + "\"");
        return;
      }
  }
  void fail(const char* key, const std::string& what) {
    if (!err) err = bad(path(key), path(key) + " " + what);
  }

 private:
  const json* get(const char* key) {
    seen_.insert(key);
    auto it = obj_.find(key);
    if (it == obj_.end() || it->is_null()) {
      if (!err) err = bad(path(key), "missing " + path(key));
      return nullptr;
    }
    return &*it;
  }

  const json& obj_;
  std::string prefix_;
  std::set<std::string, std::less<>> seen_;
};

#define A4P_CHECK(r)                                          \
  do {                                                        \
    (r).finish();                                             \
    if ((r).err) return std::unexpected(std::move(*(r).err)); \
  } while (0)

using outcome = std::expected<decision, rejection>;

decision one(std::string name, std::string entity, json data, json result) {
  decision d;
  d.events.push_back(draft{std::move(name), std::move(entity), std::move(data)});
  d.result = std::move(result);
  return d;
}

std::string next_id(const char* prefix, std::uint64_t count) {
  return prefix + std::to_string(count + 1);
}

bool is_sec(const principal& p) {
  return p.r == role::secretariat;
}
bool is_member(const principal& p) {
  return p.r == role::member;
}
bool champion_of(const state& s, const principal& p, std::string_view theme) {
  return is_member(p) && s.is_champion(p.org, theme);
}

json current_view(const state& s, const principal& p, const std::string& entity) {
  return view_entity(s, viewer_of(p), entity);
}

rejection conflict(const state& s, const principal& p, const std::string& entity,
                   std::string message, json extra = json::object()) {
  json details = {{"current", current_view(s, p, entity)}};
  for (auto it = extra.begin(); it != extra.end(); ++it) details[it.key()] = it.value();
  return reject("conflict", std::move(message), std::move(details));
}

// base_version merge: refuse when a field in `changes` changed after base_version.
std::optional<rejection> merge_check(const state& s, const principal& p, const std::string& entity,
                                     std::int64_t version, const field_versions& changed,
                                     std::int64_t base, const json& changes) {
  if (base > version)
    return bad("base_version", "base_version " + std::to_string(base) +
                                   " is newer than the current version " + std::to_string(version));
  json overlap = json::array();
  for (auto it = changes.begin(); it != changes.end(); ++it) {
    auto f = changed.of(it.key());
    if (f && *f > base) overlap.push_back(it.key());
  }
  if (!overlap.empty())
    return conflict(s, p, entity, "changed since version " + std::to_string(base),
                    {{"fields", overlap}});
  return std::nullopt;
}

// The `changes` object of an update: `fields(c, changes)` reads each editable field present;
// an empty change is refused. Errors land in `r`, as the other arguments' do.
template <class Fields>
json read_changes(reader& r, Fields&& fields) {
  json changes = json::object();
  const json* ch = r.object("changes");
  if (!ch) return changes;
  reader c(*ch, "changes.");
  fields(c, changes);
  c.finish();
  if (c.err && !r.err) r.err = c.err;
  if (!r.err && changes.empty()) r.fail("changes", "must change at least one field");
  return changes;
}

// The tail of every versioned update: the base_version merge, then one "<kind>.updated".
template <class Entity>
outcome versioned_update(const state& s, const principal& p, const std::string& kind,
                         const std::string& id, const Entity& x, std::int64_t base, json changes) {
  const std::string entity = kind + ":" + id;
  if (auto m = merge_check(s, p, entity, x.version, x.changed, base, changes))
    return std::unexpected(std::move(*m));
  return one(kind + ".updated", entity,
             {{"id", id}, {"changes", std::move(changes)}, {"version", x.version + 1}},
             {{"id", id}, {"version", x.version + 1}});
}

// May this principal see the target entity ("discussion:D1", "pledge:P2", "action:A1")?
// nullopt: yes; else the rejection (not_found: absent or invisible, indistinguishably).
std::optional<rejection> check_target(const state& s, const principal& p, std::string_view target,
                                      const std::string& field) {
  auto colon = target.find(':');
  std::string kind(colon == std::string::npos ? std::string_view() : target.substr(0, colon));
  std::string id(colon == std::string::npos ? std::string_view() : target.substr(colon + 1));
  if (kind == "pledge") {
    if (!s.pledges.contains(id)) return not_found(field, "no such pledge " + id);
    return std::nullopt;
  }
  if (kind == "action") {
    if (!s.actions.contains(id)) return not_found(field, "no such action " + id);
    return std::nullopt;
  }
  if (kind == "discussion") {
    const discussion* d = s.discussions.get(id);
    if (!d) return not_found(field, "no such discussion " + id);
    if (d->visibility == "restricted" && !privileged(viewer_of(p)) && p.org != d->convener &&
        !d->invitees.contains(p.org))
      return not_found(field, "no such discussion " + id);
    return std::nullopt;
  }
  return bad(field, field + " must be \"discussion:<id>\", \"pledge:<id>\" or \"action:<id>\"");
}

// ---- admin ----

outcome org_add(const state& s, const principal& p, const json& a) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat adds organisations"));
  reader r(a, "");
  std::string id = r.code("id", 16);
  std::string name = r.str("name", limits::short_text);
  std::string kind = r.one_of("kind", {"member_state", "organization", "secretariat"});
  std::string region;
  if (r.has("region")) region = r.one_of("region", {"AFR", "APG", "EEG", "GRULAC", "WEOG"});
  std::vector<std::string> groups;
  if (r.has("groups")) groups = r.codes("groups", 32);
  bool endorsed = r.has("endorsed") ? r.boolean("endorsed") : kind != "secretariat";
  A4P_CHECK(r);
  if (s.orgs.contains(id))
    return std::unexpected(conflict(s, p, "org:" + id, "organisation " + id + " exists"));
  json data = {{"id", id},         {"name", name},
               {"kind", kind},     {"region", detail::or_null(region)},
               {"groups", groups}, {"endorsed", endorsed}};
  return one("org.added", "org:" + id, std::move(data), {{"id", id}});
}

outcome org_update(const state& s, const principal& p, const json& a) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat updates organisations"));
  reader r(a, "");
  std::string id = r.code("id", 16);
  if (r.has("base_version")) r.integer("base_version", 1, INT64_MAX);
  json changes = read_changes(r, [](reader& c, json& changes) {
    if (c.has("name")) changes["name"] = c.str("name", limits::short_text);
    if (c.has("region"))
      changes["region"] = c.one_of("region", {"AFR", "APG", "EEG", "GRULAC", "WEOG"});
    if (c.has("groups")) changes["groups"] = c.codes("groups", 32);
    if (c.has("endorsed")) changes["endorsed"] = c.boolean("endorsed");
  });
  A4P_CHECK(r);
  if (!s.orgs.contains(id)) return std::unexpected(not_found("id", "no such organisation " + id));
  return one("org.updated", "org:" + id, {{"id", id}, {"changes", changes}}, {{"id", id}});
}

outcome user_add(const state& s, const principal& p, const json& a) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat adds users"));
  reader r(a, "");
  std::string id = r.code("id", 64);
  std::string name = r.str("name", limits::short_text);
  std::string org_id = r.code("org", 16);
  std::string role_s = r.one_of("role", {"secretariat", "member", "auditor"});
  A4P_CHECK(r);
  if (id == "system") return std::unexpected(bad("id", "\"system\" is reserved"));
  if (!s.orgs.contains(org_id))
    return std::unexpected(not_found("org", "no such organisation " + org_id));
  if (s.users.contains(id))
    return std::unexpected(conflict(s, p, "user:" + id, "user " + id + " exists"));
  return one("user.added", "user:" + id,
             {{"id", id}, {"name", name}, {"org", org_id}, {"role", role_s}}, {{"id", id}});
}

outcome user_set_role(const state& s, const principal& p, const json& a) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat changes roles"));
  reader r(a, "");
  std::string id = r.code("id", 64);
  std::string role_s = r.one_of("role", {"secretariat", "member", "auditor"});
  A4P_CHECK(r);
  if (!s.users.contains(id)) return std::unexpected(not_found("id", "no such user " + id));
  return one("user.role_changed", "user:" + id, {{"id", id}, {"role", role_s}}, {{"id", id}});
}

// ---- commitments ----

outcome commitment_add(const state& s, const principal& p, const json& a) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat adds commitments"));
  reader r(a, "");
  std::string theme = r.code("theme");
  std::int64_t number = r.integer("number", 1, 1000);
  std::string title = r.str("title", limits::title);
  std::string resp = r.one_of("responsibility", {"member_states", "secretary_general", "shared"});
  A4P_CHECK(r);
  if (!s.themes.contains(theme))
    return std::unexpected(not_found("theme", "no such theme " + theme));
  std::string id = next_id("CM", s.counters.commitment);
  return one("commitment.added", "commitment:" + id,
             {{"id", id},
              {"theme", theme},
              {"number", number},
              {"title", title},
              {"responsibility", resp},
              {"version", 1}},
             {{"id", id}});
}

outcome commitment_update(const state& s, const principal& p, const json& a) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat edits commitments"));
  reader r(a, "");
  std::string id = r.code("id");
  std::int64_t base = r.integer("base_version", 1, INT64_MAX);
  json changes = read_changes(r, [](reader& c, json& changes) {
    if (c.has("theme")) changes["theme"] = c.code("theme");
    if (c.has("number")) changes["number"] = c.integer("number", 1, 1000);
    if (c.has("title")) changes["title"] = c.str("title", limits::title);
    if (c.has("responsibility"))
      changes["responsibility"] =
          c.one_of("responsibility", {"member_states", "secretary_general", "shared"});
  });
  A4P_CHECK(r);
  const commitment* x = s.commitments.get(id);
  if (!x) return std::unexpected(not_found("id", "no such commitment " + id));
  if (changes.contains("theme") && !s.themes.contains(changes["theme"].get<std::string>()))
    return std::unexpected(not_found("changes.theme", "no such theme"));
  return versioned_update(s, p, "commitment", id, *x, base, std::move(changes));
}

// ---- pledges ----

std::optional<rejection> check_pledge_refs(const state& s, const json& fields,
                                           const std::string& prefix) {
  if (fields.contains("theme") && !s.themes.contains(fields["theme"].get<std::string>()))
    return not_found(prefix + "theme", "no such theme");
  if (fields.contains("commitment") && fields["commitment"].is_string() &&
      !s.commitments.contains(fields["commitment"].get<std::string>()))
    return not_found(prefix + "commitment", "no such commitment");
  if (fields.contains("actions"))
    for (const auto& x : fields["actions"])
      if (!s.actions.contains(x.get<std::string>()))
        return not_found(prefix + "actions", "no such action " + x.get<std::string>());
  return std::nullopt;
}

outcome pledge_create(const state& s, const principal& p, const json& a) {
  if (is_member(p)) {
    if (!s.endorsed(p.org))
      return std::unexpected(forbidden("only members of endorsing organisations pledge"));
  } else if (!is_sec(p)) {
    return std::unexpected(forbidden("auditors send no commands"));
  }
  reader r(a, "");
  std::string theme = r.code("theme");
  std::string title = r.str("title", limits::title);
  std::string description = r.str("description", limits::long_text);
  json output = r.indicator_obj("output");
  json impact = nullptr;
  if (r.has("impact")) impact = r.indicator_obj("impact");
  json commitment = nullptr;
  if (r.has("commitment")) commitment = r.code("commitment");
  std::vector<std::string> actions;
  if (r.has("actions")) actions = r.codes("actions", limits::list);
  json due = nullptr;
  if (r.has("due")) due = r.date("due");
  A4P_CHECK(r);
  json data = {{"theme", theme}, {"commitment", commitment}, {"actions", actions}};
  if (auto e = check_pledge_refs(s, data, "")) return std::unexpected(std::move(*e));
  std::string id = next_id("P", s.counters.pledge);
  data["id"] = id;
  data["org"] = p.org;
  data["title"] = title;
  data["description"] = description;
  data["output"] = std::move(output);
  data["impact"] = impact;
  data["due"] = due;
  data["version"] = 1;
  return one("pledge.created", "pledge:" + id, std::move(data), {{"id", id}});
}

outcome pledge_update(const state& s, const principal& p, const json& a) {
  if (p.r == role::auditor) return std::unexpected(forbidden("auditors send no commands"));
  reader r(a, "");
  std::string id = r.code("id");
  std::int64_t base = r.integer("base_version", 1, INT64_MAX);
  json changes = read_changes(r, [](reader& c, json& changes) {
    if (c.has("theme")) changes["theme"] = c.code("theme");
    if (c.has("title")) changes["title"] = c.str("title", limits::title);
    if (c.has("description")) changes["description"] = c.str("description", limits::long_text);
    if (c.has("output")) changes["output"] = c.indicator_obj("output");
    if (c.has("impact")) changes["impact"] = c.indicator_obj("impact");
    if (c.has("commitment")) changes["commitment"] = c.code("commitment");
    if (c.has("actions")) changes["actions"] = c.codes("actions", limits::list);
    if (c.has("due")) changes["due"] = c.date("due");
    for (const char* k : {"impact", "commitment", "due"})
      if (c.is_null(k)) changes[k] = nullptr;
  });
  A4P_CHECK(r);
  const pledge* x = s.pledges.get(id);
  if (!x) return std::unexpected(not_found("id", "no such pledge " + id));
  if (x->org != p.org) return std::unexpected(forbidden("only the pledge's organisation edits it"));
  if (auto e = check_pledge_refs(s, changes, "changes.")) return std::unexpected(std::move(*e));
  return versioned_update(s, p, "pledge", id, *x, base, std::move(changes));
}

outcome pledge_report(const state& s, const principal& p, const json& a) {
  if (p.r == role::auditor) return std::unexpected(forbidden("auditors send no commands"));
  reader r(a, "");
  std::string id = r.code("id");
  std::string status = r.one_of("status", {"planned", "on_track", "delayed", "done", "dropped"});
  std::int64_t progress = r.integer("progress", 0, 100);
  std::string note = r.str("note", limits::body, true);
  json round_id = nullptr;
  if (r.has("round")) round_id = r.code("round");
  std::vector<std::string> evidence;
  if (r.has("evidence")) evidence = r.urls("evidence");
  json impact_note = nullptr;
  if (r.has("impact_note")) impact_note = r.str("impact_note", limits::long_text, true);
  json attrib = nullptr;
  if (r.has("attribution")) attrib = r.attribution_obj("attribution");
  A4P_CHECK(r);
  const pledge* x = s.pledges.get(id);
  if (!x) return std::unexpected(not_found("id", "no such pledge " + id));
  if (x->org != p.org) return std::unexpected(forbidden("only the pledge's organisation reports"));
  if (round_id.is_string()) {
    const round* rd = s.rounds.get(round_id.get<std::string>());
    if (!rd) return std::unexpected(not_found("round", "no such round"));
    if (rd->state != "open")
      return std::unexpected(conflict(s, p, "round:" + rd->id, "the round is closed"));
  }
  return one("pledge.progress_reported", "pledge:" + id,
             {{"id", id},
              {"round", round_id},
              {"status", status},
              {"progress", progress},
              {"note", note},
              {"evidence", evidence},
              {"impact_note", impact_note},
              {"attribution", attrib}},
             {{"id", id}});
}

// ---- rounds ----

outcome round_open(const state& s, const principal& p, const json& a) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat opens rounds"));
  reader r(a, "");
  std::string name = r.str("name", limits::short_text);
  std::string closes = r.date("closes");
  A4P_CHECK(r);
  std::string id = next_id("R", s.counters.round);
  return one("round.opened", "round:" + id, {{"id", id}, {"name", name}, {"closes", closes}},
             {{"id", id}});
}

outcome round_close(const state& s, const principal& p, const json& a) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat closes rounds"));
  reader r(a, "");
  std::string id = r.code("id");
  A4P_CHECK(r);
  const round* x = s.rounds.get(id);
  if (!x) return std::unexpected(not_found("id", "no such round " + id));
  if (x->state == "closed") return std::unexpected(conflict(s, p, "round:" + id, "already closed"));
  return one("round.closed", "round:" + id, {{"id", id}}, {{"id", id}});
}

// ---- gaps ----

outcome gap_add(const state& s, const principal& p, const json& a) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat records gaps"));
  reader r(a, "");
  std::string theme = r.code("theme");
  std::string title = r.str("title", limits::title);
  std::string description = r.str("description", limits::long_text);
  A4P_CHECK(r);
  if (!s.themes.contains(theme))
    return std::unexpected(not_found("theme", "no such theme " + theme));
  std::string id = next_id("G", s.counters.gap);
  return one("gap.added", "gap:" + id,
             {{"id", id},
              {"theme", theme},
              {"title", title},
              {"description", description},
              {"version", 1}},
             {{"id", id}});
}

outcome gap_update(const state& s, const principal& p, const json& a) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat edits gaps"));
  reader r(a, "");
  std::string id = r.code("id");
  std::int64_t base = r.integer("base_version", 1, INT64_MAX);
  json changes = read_changes(r, [](reader& c, json& changes) {
    if (c.has("theme")) changes["theme"] = c.code("theme");
    if (c.has("title")) changes["title"] = c.str("title", limits::title);
    if (c.has("description")) changes["description"] = c.str("description", limits::long_text);
  });
  A4P_CHECK(r);
  const gap* x = s.gaps.get(id);
  if (!x) return std::unexpected(not_found("id", "no such gap " + id));
  if (changes.contains("theme") && !s.themes.contains(changes["theme"].get<std::string>()))
    return std::unexpected(not_found("changes.theme", "no such theme"));
  return versioned_update(s, p, "gap", id, *x, base, std::move(changes));
}

// ---- actions ----

outcome action_add(const state& s, const principal& p, const json& a) {
  if (p.r == role::auditor) return std::unexpected(forbidden("auditors send no commands"));
  reader r(a, "");
  std::string theme = r.code("theme");
  std::string title = r.str("title", limits::title);
  std::string kind = r.one_of("kind", {"concrete", "broad"});
  json gap_id = nullptr;
  if (r.has("gap")) gap_id = r.code("gap");
  json due = nullptr;
  if (r.has("due")) due = r.date("due");
  A4P_CHECK(r);
  if (!s.themes.contains(theme))
    return std::unexpected(not_found("theme", "no such theme " + theme));
  if (!is_sec(p) && !champion_of(s, p, theme))
    return std::unexpected(forbidden("only the Secretariat and the theme's champions add actions"));
  if (gap_id.is_string() && !s.gaps.contains(gap_id.get<std::string>()))
    return std::unexpected(not_found("gap", "no such gap"));
  std::string id = next_id("A", s.counters.action);
  return one("action.added", "action:" + id,
             {{"id", id},
              {"theme", theme},
              {"title", title},
              {"kind", kind},
              {"gap", gap_id},
              {"due", due},
              {"version", 1}},
             {{"id", id}});
}

outcome action_update(const state& s, const principal& p, const json& a) {
  if (p.r == role::auditor) return std::unexpected(forbidden("auditors send no commands"));
  reader r(a, "");
  std::string id = r.code("id");
  std::int64_t base = r.integer("base_version", 1, INT64_MAX);
  json changes = read_changes(r, [](reader& c, json& changes) {
    if (c.has("title")) changes["title"] = c.str("title", limits::title);
    if (c.has("kind")) changes["kind"] = c.one_of("kind", {"concrete", "broad"});
    if (c.has("gap")) changes["gap"] = c.code("gap");
    if (c.has("due")) changes["due"] = c.date("due");
    for (const char* k : {"gap", "due"})
      if (c.is_null(k)) changes[k] = nullptr;
  });
  A4P_CHECK(r);
  const action* x = s.actions.get(id);
  if (!x) return std::unexpected(not_found("id", "no such action " + id));
  if (!is_sec(p) && !champion_of(s, p, x->theme))
    return std::unexpected(
        forbidden("only the Secretariat and the theme's champions edit actions"));
  if (changes.contains("gap") && changes["gap"].is_string() &&
      !s.gaps.contains(changes["gap"].get<std::string>()))
    return std::unexpected(not_found("changes.gap", "no such gap"));
  return versioned_update(s, p, "action", id, *x, base, std::move(changes));
}

outcome action_take_up(const state& s, const principal& p, const json& a) {
  if (!is_member(p) || !s.endorsed(p.org))
    return std::unexpected(forbidden("only endorsing organisations take up actions"));
  reader r(a, "");
  std::string id = r.code("id");
  A4P_CHECK(r);
  const action* x = s.actions.get(id);
  if (!x) return std::unexpected(not_found("id", "no such action " + id));
  if (std::find(x->taken_up_by.begin(), x->taken_up_by.end(), p.org) != x->taken_up_by.end())
    return std::unexpected(conflict(s, p, "action:" + id, p.org + " has taken it up already"));
  return one("action.taken_up", "action:" + id, {{"id", id}, {"org", p.org}}, {{"id", id}});
}

// ---- discussions ----

outcome discussion_convene(const state& s, const principal& p, const json& a) {
  if (p.r == role::auditor) return std::unexpected(forbidden("auditors send no commands"));
  reader r(a, "");
  std::string theme = r.code("theme");
  std::string title = r.str("title", limits::title);
  std::string agenda = r.str("agenda", limits::long_text);
  std::string visibility = r.one_of("visibility", {"open", "restricted"});
  std::vector<std::string> invitees;
  if (r.has("invitees")) invitees = r.codes("invitees", limits::list);
  A4P_CHECK(r);
  if (!s.themes.contains(theme))
    return std::unexpected(not_found("theme", "no such theme " + theme));
  if (!is_sec(p) && !champion_of(s, p, theme))
    return std::unexpected(forbidden("only the Secretariat and the theme's champions convene"));
  for (const auto& o : invitees)
    if (!s.orgs.contains(o))
      return std::unexpected(not_found("invitees", "no such organisation " + o));
  std::string id = next_id("D", s.counters.discussion);
  return one("discussion.convened", "discussion:" + id,
             {{"id", id},
              {"theme", theme},
              {"title", title},
              {"agenda", agenda},
              {"visibility", visibility},
              {"invitees", invitees},
              {"convener", p.org}},
             {{"id", id}});
}

outcome discussion_lock_or_close(const state& s, const principal& p, const json& a, bool close) {
  if (p.r == role::auditor) return std::unexpected(forbidden("auditors send no commands"));
  reader r(a, "");
  std::string id = r.code("id");
  std::string outcome_text;
  if (close) outcome_text = r.str("outcome", limits::long_text);
  A4P_CHECK(r);
  const discussion* x = s.discussions.get(id);
  if (!x || check_target(s, p, "discussion:" + id, "id"))
    return std::unexpected(not_found("id", "no such discussion " + id));
  if (!is_sec(p) && !(is_member(p) && p.org == x->convener))
    return std::unexpected(forbidden("only the Secretariat and the convening champion"));
  if (x->state == "closed" || (!close && x->state == "locked"))
    return std::unexpected(conflict(s, p, "discussion:" + id, "the discussion is " + x->state));
  if (close)
    return one("discussion.closed", "discussion:" + id, {{"id", id}, {"outcome", outcome_text}},
               {{"id", id}});
  return one("discussion.locked", "discussion:" + id, {{"id", id}}, {{"id", id}});
}

// ---- comments ----

const discussion* discussion_of_target(const state& s, std::string_view target) {
  if (!target.starts_with("discussion:")) return nullptr;
  return s.discussions.get(target.substr(11));
}

outcome comment_post(const state& s, const principal& p, const json& a) {
  if (p.r == role::auditor) return std::unexpected(forbidden("auditors send no commands"));
  reader r(a, "");
  std::string target = r.str("target", 128);
  std::string body = r.str("body", limits::body);
  json reply_to = nullptr;
  if (r.has("reply_to")) reply_to = r.code("reply_to");
  A4P_CHECK(r);
  if (auto e = check_target(s, p, target, "target")) return std::unexpected(std::move(*e));
  if (const discussion* d = discussion_of_target(s, target); d && d->state != "open")
    return std::unexpected(reject("locked", "the discussion is " + d->state));
  if (reply_to.is_string()) {
    const comment* c = s.comments.get(reply_to.get<std::string>());
    if (!c) return std::unexpected(not_found("reply_to", "no such comment"));
    if (c->target != target)
      return std::unexpected(bad("reply_to", "reply_to is a comment on another target"));
  }
  std::string id = next_id("C", s.counters.comment);
  return one("comment.posted", "comment:" + id,
             {{"id", id}, {"target", target}, {"body", body}, {"reply_to", reply_to}},
             {{"id", id}});
}

outcome comment_edit(const state& s, const principal& p, const json& a) {
  if (p.r == role::auditor) return std::unexpected(forbidden("auditors send no commands"));
  reader r(a, "");
  std::string id = r.code("id");
  std::string body = r.str("body", limits::body);
  A4P_CHECK(r);
  const comment* c = s.comments.get(id);
  if (!c || check_target(s, p, c->target, "id"))
    return std::unexpected(not_found("id", "no such comment " + id));
  if (c->author != p.user) return std::unexpected(forbidden("only the author edits a comment"));
  if (c->hidden) return std::unexpected(forbidden("a hidden comment cannot be edited"));
  if (const discussion* d = discussion_of_target(s, c->target); d && d->state != "open")
    return std::unexpected(reject("locked", "the discussion is " + d->state));
  return one("comment.edited", "comment:" + id, {{"id", id}, {"body", body}}, {{"id", id}});
}

outcome comment_hide_or_restore(const state& s, const principal& p, const json& a, bool hide) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat moderates"));
  reader r(a, "");
  std::string id = r.code("id");
  std::string reason;
  if (hide) reason = r.str("reason", limits::short_text);
  A4P_CHECK(r);
  const comment* c = s.comments.get(id);
  if (!c) return std::unexpected(not_found("id", "no such comment " + id));
  if (c->hidden == hide)
    return std::unexpected(conflict(s, p, "comment:" + id, hide ? "already hidden" : "not hidden"));
  if (hide)
    return one("comment.hidden", "comment:" + id, {{"id", id}, {"reason", reason}}, {{"id", id}});
  return one("comment.restored", "comment:" + id, {{"id", id}}, {{"id", id}});
}

// ---- opinions, champions ----

outcome opinion_give(const state& s, const principal& p, const json& a) {
  if (!is_member(p) || !s.in_group(p.org, "G10"))
    return std::unexpected(forbidden("only members of G10 organisations give opinions"));
  reader r(a, "");
  std::string target = r.str("target", 128);
  std::string position = r.one_of("position", {"support", "concerns", "object"});
  std::string text = r.str("text", limits::body);
  A4P_CHECK(r);
  if (auto e = check_target(s, p, target, "target")) return std::unexpected(std::move(*e));
  std::string id = p.org + ":" + target;
  return one("opinion.given", "opinion:" + id,
             {{"id", id}, {"target", target}, {"position", position}, {"text", text}},
             {{"id", id}});
}

outcome champion_assign_or_withdraw(const state& s, const principal& p, const json& a,
                                    bool assign) {
  if (!is_sec(p)) return std::unexpected(forbidden("only the Secretariat assigns champions"));
  reader r(a, "");
  std::string org_id = r.code("org", 16);
  std::string theme = r.code("theme");
  json offer = nullptr;
  if (assign && r.has("offer")) offer = r.str("offer", limits::body);
  A4P_CHECK(r);
  if (!s.orgs.contains(org_id)) return std::unexpected(not_found("org", "no such organisation"));
  if (!s.themes.contains(theme)) return std::unexpected(not_found("theme", "no such theme"));
  std::string id = org_id + ":" + theme;
  bool exists = s.champions.contains(id);
  if (assign && exists)
    return std::unexpected(conflict(s, p, "champion:" + id, org_id + " champions " + theme));
  if (!assign && !exists)
    return std::unexpected(not_found("org", org_id + " does not champion " + theme));
  if (assign)
    return one("champion.assigned", "champion:" + id,
               {{"id", id}, {"org", org_id}, {"theme", theme}, {"offer", offer}}, {{"id", id}});
  return one("champion.withdrawn", "champion:" + id,
             {{"id", id}, {"org", org_id}, {"theme", theme}}, {{"id", id}});
}

using handler = std::function<outcome(const state&, const principal&, const json&)>;

const std::unordered_map<std::string, handler>& handlers() {
  static const std::unordered_map<std::string, handler> h = {
      {"org.add", org_add},
      {"org.update", org_update},
      {"user.add", user_add},
      {"user.set_role", user_set_role},
      {"commitment.add", commitment_add},
      {"commitment.update", commitment_update},
      {"pledge.create", pledge_create},
      {"pledge.update", pledge_update},
      {"pledge.report", pledge_report},
      {"round.open", round_open},
      {"round.close", round_close},
      {"gap.add", gap_add},
      {"gap.update", gap_update},
      {"action.add", action_add},
      {"action.update", action_update},
      {"action.take_up", action_take_up},
      {"discussion.convene", discussion_convene},
      {"discussion.lock", [](const state& s, const principal& p,
                             const json& a) { return discussion_lock_or_close(s, p, a, false); }},
      {"discussion.close", [](const state& s, const principal& p,
                              const json& a) { return discussion_lock_or_close(s, p, a, true); }},
      {"comment.post", comment_post},
      {"comment.edit", comment_edit},
      {"comment.hide", [](const state& s, const principal& p,
                          const json& a) { return comment_hide_or_restore(s, p, a, true); }},
      {"comment.restore", [](const state& s, const principal& p,
                             const json& a) { return comment_hide_or_restore(s, p, a, false); }},
      {"opinion.give", opinion_give},
      {"champion.assign", [](const state& s, const principal& p,
                             const json& a) { return champion_assign_or_withdraw(s, p, a, true); }},
      {"champion.withdraw",
       [](const state& s, const principal& p, const json& a) {
         return champion_assign_or_withdraw(s, p, a, false);
       }},
  };
  return h;
}

}  // namespace

std::expected<decision, rejection> decide(const state& s, const principal& p, const command& c) {
  const auto& h = handlers();
  auto it = h.find(c.name);
  if (it == h.end())
    return std::unexpected(bad("name", "unknown command \"" + c.name.substr(0, 64) + "\""));
  if (p.r == role::auditor) return std::unexpected(forbidden("auditors send no commands"));
  if (!c.args.is_object()) return std::unexpected(bad("args", "args must be an object"));
  try {
    return it->second(s, p, c.args);
  } catch (const std::exception& ex) {
    // Defensive: no validated path throws, but a rejection is better than a crash.
    return std::unexpected(
        reject("bad_request", std::string("invalid args: ") + ex.what(), {{"field", "args"}}));
  }
}

// ---------------------------------------------------------------------------------------------
// apply
//
// Each applier reads the event's data and writes texts through the state's arena (keep()).
// The hot ones (comments, opinions, progress reports: two thirds of a typical log) walk `data`
// once instead of looking each field up.

namespace {

const std::string empty_string;

const std::string& sget(const json& d, std::string_view k) {
  auto it = d.find(k);
  if (it == d.end() || !it->is_string()) return empty_string;
  return it->get_ref<const std::string&>();
}
std::int64_t iget(const json& d, std::string_view k) {
  auto it = d.find(k);
  if (it == d.end() || !it->is_number_integer()) return 0;
  return it->get<std::int64_t>();
}
bool bget(const json& d, std::string_view k) {
  auto it = d.find(k);
  return it != d.end() && it->is_boolean() && it->get<bool>();
}
// A string member as a text of the state.
text tget(state& s, const json& d, std::string_view k) {
  return s.keep(sget(d, k));
}
// The strings of an array (others skipped) as a list of the state.
text_list list_of(state& s, const json& a) {
  if (!a.is_array()) return {};
  std::size_t n = 0;
  for (const auto& x : a) n += x.is_string() ? 1 : 0;
  if (n == 0) return {};
  text* out = s.arena().alloc_array<text>(n);
  std::size_t i = 0;
  for (const auto& x : a)
    if (x.is_string()) out[i++] = s.keep(x.get_ref<const std::string&>());
  return arena::make_list(out, n);
}
text_list lget(state& s, const json& d, std::string_view k) {
  auto it = d.find(k);
  return it == d.end() ? text_list() : list_of(s, *it);
}
std::optional<indicator_target> indget(state& s, const json& d, std::string_view k) {
  auto it = d.find(k);
  if (it == d.end() || !it->is_object()) return std::nullopt;
  return indicator_target{tget(s, *it, "indicator"), tget(s, *it, "target")};
}

void bump(std::uint64_t& counter, std::string_view id, std::size_t prefix_len) {
  std::uint64_t n = 0;
  if (id.size() <= prefix_len) return;
  auto [p, ec] = std::from_chars(id.data() + prefix_len, id.data() + id.size(), n);
  if (ec == std::errc() && n > counter) counter = n;
}

template <class T>
void set_changed(state& s, T& x, const json& changes, std::int64_t version) {
  for (auto it = changes.begin(); it != changes.end(); ++it)
    x.changed = s.arena().with(x.changed, it.key(), version);
}

// The `changes` object of an update event, or nullptr.
const json* changes_of(const event& e) {
  auto c = e.data.find("changes");
  return c == e.data.end() || !c->is_object() ? nullptr : &*c;
}

using applier = void (*)(state&, const event&);

void ap_theme_added(state& s, const event& e) {
  const auto& d = e.data;
  s.themes.put(theme{tget(s, d, "id"), tget(s, d, "name"), tget(s, d, "note")});
}
void ap_org_added(state& s, const event& e) {
  const auto& d = e.data;
  org o;
  o.id = tget(s, d, "id");
  o.name = tget(s, d, "name");
  o.kind = tget(s, d, "kind");
  o.region = tget(s, d, "region");
  o.groups = lget(s, d, "groups");
  o.endorsed = bget(d, "endorsed");
  s.orgs.put(o);
}
void ap_org_updated(state& s, const event& e) {
  org* o = s.orgs.get(sget(e.data, "id"));
  const json* c = changes_of(e);
  if (!o || !c) return;
  if (c->contains("name")) o->name = tget(s, *c, "name");
  if (c->contains("region")) o->region = tget(s, *c, "region");
  if (c->contains("groups")) o->groups = lget(s, *c, "groups");
  if (c->contains("endorsed")) o->endorsed = bget(*c, "endorsed");
  ++o->version;
}
void ap_user_added(state& s, const event& e) {
  const auto& d = e.data;
  user u;
  u.id = tget(s, d, "id");
  u.name = tget(s, d, "name");
  u.org = tget(s, d, "org");
  u.r = role_from_string(sget(d, "role")).value_or(role::member);
  s.users.put(u);
}
void ap_user_role_changed(state& s, const event& e) {
  user* u = s.users.get(sget(e.data, "id"));
  if (!u) return;
  u->r = role_from_string(sget(e.data, "role")).value_or(u->r);
  ++u->version;
}
void ap_commitment_added(state& s, const event& e) {
  const auto& d = e.data;
  commitment c;
  c.id = tget(s, d, "id");
  c.theme = tget(s, d, "theme");
  c.number = iget(d, "number");
  c.title = tget(s, d, "title");
  c.responsibility = tget(s, d, "responsibility");
  bump(s.counters.commitment, c.id, 2);
  s.commitments.put(c);
}
void ap_commitment_updated(state& s, const event& e) {
  commitment* x = s.commitments.get(sget(e.data, "id"));
  const json* c = changes_of(e);
  if (!x || !c) return;
  if (c->contains("theme")) x->theme = tget(s, *c, "theme");
  if (c->contains("number")) x->number = iget(*c, "number");
  if (c->contains("title")) x->title = tget(s, *c, "title");
  if (c->contains("responsibility")) x->responsibility = tget(s, *c, "responsibility");
  x->version = iget(e.data, "version");
  set_changed(s, *x, *c, x->version);
}
void ap_pledge_created(state& s, const event& e) {
  const auto& d = e.data;
  pledge x;
  x.id = tget(s, d, "id");
  x.org = tget(s, d, "org");
  x.theme = tget(s, d, "theme");
  x.title = tget(s, d, "title");
  x.description = tget(s, d, "description");
  x.output = indget(s, d, "output").value_or(indicator_target{});
  x.impact = indget(s, d, "impact");
  x.commitment = tget(s, d, "commitment");
  x.actions = lget(s, d, "actions");
  x.due = tget(s, d, "due");
  x.created_ts = s.keep(e.ts);
  x.updated_ts = x.created_ts;
  bump(s.counters.pledge, x.id, 1);
  s.pledges.put(std::move(x));
}
void ap_pledge_updated(state& s, const event& e) {
  pledge* x = s.pledges.get(sget(e.data, "id"));
  const json* c = changes_of(e);
  if (!x || !c) return;
  for (auto it = c->begin(); it != c->end(); ++it) {
    const std::string& k = it.key();
    if (k == "theme")
      x->theme = tget(s, *c, k);
    else if (k == "title")
      x->title = tget(s, *c, k);
    else if (k == "description")
      x->description = tget(s, *c, k);
    else if (k == "output")
      x->output = indget(s, *c, k).value_or(indicator_target{});
    else if (k == "impact")
      x->impact = indget(s, *c, k);
    else if (k == "commitment")
      x->commitment = tget(s, *c, k);
    else if (k == "actions")
      x->actions = lget(s, *c, k);
    else if (k == "due")
      x->due = tget(s, *c, k);
  }
  x->version = iget(e.data, "version");
  x->updated_ts = s.keep(e.ts);
  set_changed(s, *x, *c, x->version);
}
void ap_pledge_progress_reported(state& s, const event& e) {
  const auto& obj = e.data.get_ref<const json::object_t&>();
  auto idv = obj.find("id");
  if (idv == obj.end() || !idv->second.is_string()) return;
  pledge* x = s.pledges.get(idv->second.get_ref<const std::string&>());
  if (!x) return;
  report r;
  r.seq = e.seq;
  r.ts = s.keep(e.ts);
  r.by = s.keep(e.who.user);
  for (const auto& [k, v] : obj) {
    if (k == "round") {
      if (v.is_string()) r.round = s.keep(v.get_ref<const std::string&>());
    } else if (k == "status") {
      if (v.is_string()) r.status = s.keep(v.get_ref<const std::string&>());
    } else if (k == "progress") {
      if (v.is_number_integer()) r.progress = v.get<std::int64_t>();
    } else if (k == "note") {
      if (v.is_string()) r.note = s.keep(v.get_ref<const std::string&>());
    } else if (k == "evidence") {
      r.evidence = list_of(s, v);
    } else if (k == "impact_note") {
      if (v.is_string()) r.impact_note = s.keep(v.get_ref<const std::string&>());
    } else if (k == "attribution") {
      if (v.is_object())
        r.attrib =
            attribution{tget(s, v, "statement"), bget(v, "preexisting"), tget(s, v, "confidence")};
    }
  }
  x->status = r.status;
  x->progress = r.progress;
  x->updated_ts = r.ts;
  s.arena().push_back(x->reports, r);
}

void ap_round_opened(state& s, const event& e) {
  round r;
  r.id = tget(s, e.data, "id");
  r.name = tget(s, e.data, "name");
  r.closes = tget(s, e.data, "closes");
  r.opened_ts = s.keep(e.ts);
  bump(s.counters.round, r.id, 1);
  s.rounds.put(r);
}
void ap_round_closed(state& s, const event& e) {
  if (round* r = s.rounds.get(sget(e.data, "id"))) r->state = text::literal("closed");
}
void ap_gap_added(state& s, const event& e) {
  gap g;
  g.id = tget(s, e.data, "id");
  g.theme = tget(s, e.data, "theme");
  g.title = tget(s, e.data, "title");
  g.description = tget(s, e.data, "description");
  bump(s.counters.gap, g.id, 1);
  s.gaps.put(g);
}
void ap_gap_updated(state& s, const event& e) {
  gap* x = s.gaps.get(sget(e.data, "id"));
  const json* c = changes_of(e);
  if (!x || !c) return;
  if (c->contains("theme")) x->theme = tget(s, *c, "theme");
  if (c->contains("title")) x->title = tget(s, *c, "title");
  if (c->contains("description")) x->description = tget(s, *c, "description");
  x->version = iget(e.data, "version");
  set_changed(s, *x, *c, x->version);
}
void ap_action_added(state& s, const event& e) {
  action a;
  a.id = tget(s, e.data, "id");
  a.theme = tget(s, e.data, "theme");
  a.title = tget(s, e.data, "title");
  a.kind = tget(s, e.data, "kind");
  a.gap = tget(s, e.data, "gap");
  a.due = tget(s, e.data, "due");
  bump(s.counters.action, a.id, 1);
  s.actions.put(a);
}
void ap_action_updated(state& s, const event& e) {
  action* x = s.actions.get(sget(e.data, "id"));
  const json* c = changes_of(e);
  if (!x || !c) return;
  if (c->contains("title")) x->title = tget(s, *c, "title");
  if (c->contains("kind")) x->kind = tget(s, *c, "kind");
  if (c->contains("gap")) x->gap = tget(s, *c, "gap");
  if (c->contains("due")) x->due = tget(s, *c, "due");
  x->version = iget(e.data, "version");
  set_changed(s, *x, *c, x->version);
}
void ap_action_taken_up(state& s, const event& e) {
  action* x = s.actions.get(sget(e.data, "id"));
  if (!x) return;
  const std::string& o = sget(e.data, "org");
  if (!x->taken_up_by.contains(o)) x->taken_up_by = s.arena().with(x->taken_up_by, o);
}
void ap_discussion_convened(state& s, const event& e) {
  const auto& d = e.data;
  discussion x;
  x.id = tget(s, d, "id");
  x.theme = tget(s, d, "theme");
  x.title = tget(s, d, "title");
  x.agenda = tget(s, d, "agenda");
  x.visibility = tget(s, d, "visibility");
  x.invitees = lget(s, d, "invitees");
  x.convener = tget(s, d, "convener");
  x.created_ts = s.keep(e.ts);
  bump(s.counters.discussion, x.id, 1);
  s.discussions.put(x);
}
void ap_discussion_locked(state& s, const event& e) {
  discussion* x = s.discussions.get(sget(e.data, "id"));
  if (!x) return;
  x->state = text::literal("locked");
  ++x->version;
}
void ap_discussion_closed(state& s, const event& e) {
  discussion* x = s.discussions.get(sget(e.data, "id"));
  if (!x) return;
  x->state = text::literal("closed");
  x->outcome = tget(s, e.data, "outcome");
  ++x->version;
}
void ap_comment_posted(state& s, const event& e) {
  comment c;
  for (const auto& [k, v] : e.data.get_ref<const json::object_t&>()) {
    if (!v.is_string()) continue;
    const auto& str = v.get_ref<const std::string&>();
    if (k == "id")
      c.id = s.keep(str);
    else if (k == "target")
      c.target = s.keep(str);
    else if (k == "body")
      c.body = s.keep(str);
    else if (k == "reply_to")
      c.reply_to = s.keep(str);
  }
  c.author = s.keep(e.who.user);
  c.org = s.keep(e.who.org);
  c.ts = s.keep(e.ts);
  bump(s.counters.comment, c.id, 1);
  s.comments.put(c);
}

void ap_comment_edited(state& s, const event& e) {
  comment* c = s.comments.get(sget(e.data, "id"));
  if (!c) return;
  c->body = tget(s, e.data, "body");
  c->edited = true;
  ++c->version;
}
void ap_comment_hidden(state& s, const event& e) {
  comment* c = s.comments.get(sget(e.data, "id"));
  if (!c) return;
  c->hidden = true;
  c->hidden_reason = tget(s, e.data, "reason");
  ++c->version;
}
void ap_comment_restored(state& s, const event& e) {
  comment* c = s.comments.get(sget(e.data, "id"));
  if (!c) return;
  c->hidden = false;
  c->hidden_reason = {};
  ++c->version;
}
void ap_opinion_given(state& s, const event& e) {
  opinion o;
  for (const auto& [k, v] : e.data.get_ref<const json::object_t&>()) {
    if (!v.is_string()) continue;
    const auto& str = v.get_ref<const std::string&>();
    if (k == "id")
      o.id = s.keep(str);
    else if (k == "target")
      o.target = s.keep(str);
    else if (k == "position")
      o.position = s.keep(str);
    else if (k == "text")
      o.text = s.keep(str);
  }
  o.org = s.keep(e.who.org);
  o.by = s.keep(e.who.user);
  o.ts = s.keep(e.ts);
  s.opinions.put(o);
}

void ap_champion_assigned(state& s, const event& e) {
  s.champions.put(champion{tget(s, e.data, "id"), tget(s, e.data, "org"), tget(s, e.data, "theme"),
                           tget(s, e.data, "offer")});
}
void ap_champion_withdrawn(state& s, const event& e) {
  s.champions.erase(sget(e.data, "id"));
}

const std::unordered_map<std::string_view, applier>& appliers() {
  static const std::unordered_map<std::string_view, applier> m = {
      {"theme.added", ap_theme_added},
      {"org.added", ap_org_added},
      {"org.updated", ap_org_updated},
      {"user.added", ap_user_added},
      {"user.role_changed", ap_user_role_changed},
      {"commitment.added", ap_commitment_added},
      {"commitment.updated", ap_commitment_updated},
      {"pledge.created", ap_pledge_created},
      {"pledge.updated", ap_pledge_updated},
      {"pledge.progress_reported", ap_pledge_progress_reported},
      {"round.opened", ap_round_opened},
      {"round.closed", ap_round_closed},
      {"gap.added", ap_gap_added},
      {"gap.updated", ap_gap_updated},
      {"action.added", ap_action_added},
      {"action.updated", ap_action_updated},
      {"action.taken_up", ap_action_taken_up},
      {"discussion.convened", ap_discussion_convened},
      {"discussion.locked", ap_discussion_locked},
      {"discussion.closed", ap_discussion_closed},
      {"comment.posted", ap_comment_posted},
      {"comment.edited", ap_comment_edited},
      {"comment.hidden", ap_comment_hidden},
      {"comment.restored", ap_comment_restored},
      {"opinion.given", ap_opinion_given},
      {"champion.assigned", ap_champion_assigned},
      {"champion.withdrawn", ap_champion_withdrawn},
  };
  return m;
}

}  // namespace

void apply(state& s, const event& e) {
  const auto& m = appliers();
  auto it = m.find(e.name);
  if (it != m.end() && e.data.is_object()) {
    try {
      it->second(s, e);
    } catch (const std::exception&) {
      // A malformed stored event must not take the process down; it changes nothing more.
    }
  }
  s.set_seq(e.seq);
}

// ---------------------------------------------------------------------------------------------
// genesis: facts from ../shared/data/a4p-facts.json ("themes"), embedded.

std::vector<draft> genesis() {
  struct fact {
    const char* id;
    const char* name;
    const char* note;
  };
  static constexpr fact themes[] = {
      {"politics", "Political solutions", nullptr},
      {"wps", "Women, peace and security", "spun out of the politics theme during implementation"},
      {"protection", "Protection", nullptr},
      {"safety-security", "Safety and security", nullptr},
      {"performance", "Performance and accountability", "attracted the most champions"},
      {"sustaining-peace", "Peacebuilding and sustaining peace", "attracted the fewest champions"},
      {"partnerships", "Partnerships", nullptr},
      {"conduct", "Conduct of peacekeepers and peacekeeping operations", nullptr},
  };
  std::vector<draft> out;
  out.push_back(draft{"org.added",
                      "org:UN",
                      {{"id", "UN"},
                       {"name", "United Nations Secretariat"},
                       {"kind", "secretariat"},
                       {"region", nullptr},
                       {"groups", json::array()},
                       {"endorsed", false}}});
  for (const auto& t : themes) {
    json data = {{"id", t.id}, {"name", t.name}};
    if (t.note) data["note"] = t.note;
    out.push_back(draft{"theme.added", std::string("theme:") + t.id, std::move(data)});
  }
  return out;
}

}  // namespace a4p::protocol
