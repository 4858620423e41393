// Internal to decide(): the strict reader of a command's args and the validators of arg types
// (protocol/README.md "Commands"). Not part of the library's interface.
//
// Thread safety: a reader is used by one thread; the functions are pure.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/workspace.hpp"

namespace a4p::protocol::detail {

using json = nlohmann::json;

rejection reject(reject_code code, std::string message, json details = json::object());
rejection bad(const std::string& field, std::string message);
rejection forbidden(std::string message);
rejection not_found(const std::string& field, std::string message);

bool valid_date(std::string_view s);
bool valid_url(std::string_view s);
bool valid_code(std::string_view s, std::size_t max);
// A well-formed BCP 47 language tag (RFC 5646 syntax: language, extlang, script, region,
// variants, extensions, private use; at most 35 bytes); `canonical` gets its conventional
// casing ("zh-hans-cn" -> "zh-Hans-CN"). Grandfathered irregular tags are refused.
bool valid_lang_tag(std::string_view s, std::string* canonical = nullptr);

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
        err = reject(reject_code::too_large,
                     path(key) + " is longer than " + std::to_string(max) + " bytes",
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
  // The optional `lang` of written content: a BCP 47 tag, canonically cased; empty if absent.
  std::string opt_lang(const char* key = "lang") {
    if (!has(key)) return {};
    std::string s = str(key, 35), canonical;
    if (!err && !valid_lang_tag(s, &canonical)) fail(key, "must be a BCP 47 language tag");
    return canonical;
  }
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
        err = reject(reject_code::too_large,
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
        err = reject(reject_code::too_large, path(key) + " has more than 20 URLs",
                     {{"field", path(key)}, {"limit", limits::evidence_urls}});
      return out;
    }
    for (const auto& x : *v) {
      if (!x.is_string()) return fail(key, "must be an array of URLs"), std::vector<std::string>();
      const auto& s = x.get_ref<const std::string&>();
      if (s.size() > limits::url) {
        if (!err)
          err = reject(reject_code::too_large, path(key) + " has a URL longer than 2000 bytes",
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

}  // namespace a4p::protocol::detail
