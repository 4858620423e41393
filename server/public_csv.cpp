#include "server/public_csv.hpp"

#include <array>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/json_codec.hpp"
#include "server/admin/csv.hpp"
#include "server/public_site.hpp"

namespace a4p::server {
namespace {

using json = nlohmann::json;

constexpr std::array<std::pair<std::string_view, public_file>,
                     static_cast<std::size_t>(public_file::count)>
    names = {{{"state.json", public_file::state_json},
              {"pledges.json", public_file::pledges_json},
              {"pledges.csv", public_file::pledges_csv},
              {"reports.json", public_file::reports_json},
              {"reports.csv", public_file::reports_csv},
              {"themes.json", public_file::themes_json},
              {"themes.csv", public_file::themes_csv},
              {"orgs.json", public_file::orgs_json},
              {"orgs.csv", public_file::orgs_csv},
              {"coverage.json", public_file::coverage_json},
              {"coverage.csv", public_file::coverage_csv}}};

// A cell: strings as they are, lists joined by " | ", null empty, other values as JSON.
std::string cell(const json& v) {
  std::string s;
  if (v.is_string()) {
    s = v.get<std::string>();
  } else if (v.is_null()) {
  } else if (v.is_array()) {
    for (const auto& x : v) {
      if (!s.empty()) s += " | ";
      s += x.is_string() ? x.get<std::string>() : x.dump();
    }
  } else {
    s = v.dump();
  }
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s = "'" + s;
  return csv_field(s);
}

// `v` at a path such as "output.indicator" (null when absent).
json at(const json& v, std::string_view path) {
  const json* p = &v;
  while (!path.empty()) {
    auto dot = path.find('.');
    auto key = path.substr(0, dot);
    if (!p->is_object()) return nullptr;
    auto it = p->find(key);
    if (it == p->end()) return nullptr;
    p = &*it;
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return *p;
}

std::string csv(const std::vector<std::string_view>& columns, const std::vector<json>& rows) {
  std::string out;
  for (std::size_t k = 0; k < columns.size(); ++k) {
    if (k) out += ',';
    out += columns[k];
  }
  out += "\r\n";
  for (const auto& r : rows) {
    for (std::size_t k = 0; k < columns.size(); ++k) {
      if (k) out += ',';
      out += cell(at(r, columns[k]));
    }
    out += "\r\n";
  }
  return out;
}

// Every report, flat, with its pledge's id, org and theme.
std::vector<json> reports_of(const json& state) {
  std::vector<json> out;
  for (const auto& p : state["pledges"])
    for (const auto& r : p["reports"]) {
      json row = r;
      row["pledge"] = p["id"];
      row["org"] = p["org"];
      row["theme"] = p["theme"];
      out.push_back(std::move(row));
    }
  return out;
}

// The coverage rows, with "kind" (region or group) and "name".
std::vector<json> coverage_rows(const json& state) {
  std::vector<json> out;
  for (const char* kind : {"regions", "groups"})
    for (const auto& r : state["coverage"][kind]) {
      json row = r;
      row["kind"] = std::string_view(kind) == "regions" ? "region" : "group";
      row["name"] = r.contains("region") ? r["region"] : r["group"];
      out.push_back(std::move(row));
    }
  return out;
}

json with_head(const json& state, const char* key, json list) {
  return {{"seq", state["seq"]}, {"hash", state["hash"]}, {key, std::move(list)}};
}

std::vector<json> rows(const json& list) {
  return std::vector<json>(list.begin(), list.end());
}

}  // namespace

public_file public_file_named(std::string_view name) {
  for (const auto& [n, f] : names)
    if (n == name) return f;
  return public_file::count;
}

const char* public_file_type(public_file f) {
  switch (f) {
    case public_file::pledges_csv:
    case public_file::reports_csv:
    case public_file::themes_csv:
    case public_file::orgs_csv:
    case public_file::coverage_csv:
      return "text/csv; charset=utf-8";
    default:
      return "application/json";
  }
}

std::string public_file_body(const json& state, public_file f) {
  using protocol::canonical;
  switch (f) {
    case public_file::state_json:
      return canonical(state);
    case public_file::pledges_json:
      return canonical(with_head(state, "pledges", state["pledges"]));
    case public_file::pledges_csv:
      return csv({"id", "org", "theme", "title", "description", "output.indicator", "output.target",
                  "impact.indicator", "impact.target", "commitment", "actions", "due", "status",
                  "progress", "created_ts", "updated_ts", "published_ts", "seq", "hash"},
                 rows(state["pledges"]));
    case public_file::reports_json:
      return canonical(with_head(state, "reports", reports_of(state)));
    case public_file::reports_csv:
      return csv({"pledge", "org", "theme", "seq", "hash", "ts", "round", "status", "progress",
                  "note", "evidence", "impact_note", "attribution.statement",
                  "attribution.preexisting", "attribution.confidence"},
                 reports_of(state));
    case public_file::themes_json:
      return canonical(with_head(state, "themes", state["themes"]));
    case public_file::themes_csv:
      return csv({"id", "name", "note", "seq", "hash"}, rows(state["themes"]));
    case public_file::orgs_json:
      return canonical(with_head(state, "orgs", state["orgs"]));
    case public_file::orgs_csv:
      return csv({"id", "name", "kind", "region", "groups", "endorsed", "seq", "hash"},
                 rows(state["orgs"]));
    case public_file::coverage_json:
      return canonical(with_head(state, "coverage", state["coverage"]));
    case public_file::coverage_csv:
      return csv({"kind", "name", "endorsing", "pledging", "published_pledges"},
                 coverage_rows(state));
    case public_file::count:
      break;
  }
  return {};
}

}  // namespace a4p::server
