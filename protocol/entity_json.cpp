#include "protocol/entity_json.hpp"

namespace a4p::protocol::detail {

using json = nlohmann::json;

json or_null(std::string_view s) {
  return s.empty() ? json(nullptr) : json(s);
}

namespace {
// A language tag as a member only when known (clients and tests from before tags see nothing new).
json tagged(json j, std::string_view lang, const char* key = "lang") {
  if (!lang.empty()) j[key] = lang;
  return j;
}
}  // namespace

json to_json(const theme& x) {
  return {{"id", x.id}, {"name", x.name}, {"note", or_null(x.note)}};
}

json to_json(const org& x) {
  return {{"id", x.id},          {"name", x.name},
          {"kind", x.kind},      {"region", or_null(x.region)},
          {"groups", x.groups},  {"endorsed", x.endorsed},
          {"version", x.version}};
}

json to_json(const user& x) {
  return tagged({{"id", x.id},
                 {"name", x.name},
                 {"org", x.org},
                 {"role", to_string(x.r)},
                 {"disabled", x.disabled},
                 {"version", x.version}},
                x.lang);
}

json to_json(const commitment& x) {
  return {{"id", x.id},
          {"theme", x.theme},
          {"number", x.number},
          {"title", x.title},
          {"responsibility", x.responsibility},
          {"version", x.version}};
}

json to_json(const indicator_target& x) {
  return {{"indicator", x.indicator}, {"target", x.target}};
}

json to_json(const attribution& x) {
  return {{"statement", x.statement}, {"preexisting", x.preexisting}, {"confidence", x.confidence}};
}

json to_json(const report& r) {
  return tagged({{"seq", r.seq},
                 {"ts", r.ts},
                 {"by", r.by},
                 {"round", or_null(r.round)},
                 {"status", r.status},
                 {"progress", r.progress},
                 {"note", r.note},
                 {"evidence", r.evidence},
                 {"impact_note", r.impact_note ? json(*r.impact_note) : json(nullptr)},
                 {"attribution", r.attrib ? to_json(*r.attrib) : json(nullptr)}},
                r.lang);
}

json to_json(const pledge& x) {
  json j = pledge_fields(x);
  json reports = json::array();
  for (const auto& r : x.reports) reports.push_back(to_json(r));
  j["reports"] = std::move(reports);
  return j;
}

json pledge_fields(const pledge& x) {
  return tagged({{"id", x.id},
                 {"org", x.org},
                 {"theme", x.theme},
                 {"title", x.title},
                 {"description", x.description},
                 {"output", to_json(x.output)},
                 {"impact", x.impact ? to_json(*x.impact) : json(nullptr)},
                 {"commitment", or_null(x.commitment)},
                 {"actions", x.actions},
                 {"due", or_null(x.due)},
                 {"version", x.version},
                 {"status", x.status},
                 {"progress", x.progress},
                 {"created_ts", x.created_ts},
                 {"updated_ts", x.updated_ts},
                 {"published", x.published}},
                x.lang);
}

json to_json(const gap& x) {
  return {{"id", x.id},
          {"theme", x.theme},
          {"title", x.title},
          {"description", x.description},
          {"version", x.version}};
}

json to_json(const action& x) {
  return {{"id", x.id},
          {"theme", x.theme},
          {"title", x.title},
          {"kind", x.kind},
          {"gap", or_null(x.gap)},
          {"due", or_null(x.due)},
          {"taken_up_by", x.taken_up_by},
          {"version", x.version}};
}

json to_json(const discussion& x) {
  return tagged(tagged({{"id", x.id},
                        {"theme", x.theme},
                        {"title", x.title},
                        {"agenda", x.agenda},
                        {"visibility", x.visibility},
                        {"invitees", x.invitees},
                        {"convener", x.convener},
                        {"state", x.state},
                        {"outcome", or_null(x.outcome)},
                        {"created_ts", x.created_ts},
                        {"version", x.version}},
                       x.lang),
                x.outcome_lang, "outcome_lang");
}

json to_json(const comment& x) {
  return tagged({{"id", x.id},
                 {"target", x.target},
                 {"author", x.author},
                 {"org", x.org},
                 {"body", x.body},
                 {"reply_to", or_null(x.reply_to)},
                 {"hidden", x.hidden},
                 {"hidden_reason", x.hidden ? json(x.hidden_reason) : json(nullptr)},
                 {"edited", x.edited},
                 {"ts", x.ts},
                 {"version", x.version}},
                x.lang);
}

json to_json(const round& x) {
  return {{"id", x.id},
          {"name", x.name},
          {"closes", x.closes},
          {"state", x.state},
          {"opened_ts", x.opened_ts}};
}

json to_json(const opinion& x) {
  return tagged({{"id", x.id},
                 {"org", x.org},
                 {"target", x.target},
                 {"position", x.position},
                 {"text", x.text},
                 {"by", x.by},
                 {"ts", x.ts}},
                x.lang);
}

json to_json(const champion& x) {
  return {{"id", x.id}, {"org", x.org}, {"theme", x.theme}, {"offer", or_null(x.offer)}};
}

namespace {
template <class Map>
json find_in(const Map& m, std::string_view id) {
  auto it = m.find(id);
  return it == m.end() ? json(nullptr) : to_json(it->second);
}
}  // namespace

json entity_json(const state& s, std::string_view entity) {
  auto colon = entity.find(':');
  if (colon == std::string_view::npos) return nullptr;
  auto kind = entity.substr(0, colon);
  auto id = entity.substr(colon + 1);
  if (kind == "theme") return find_in(s.themes, id);
  if (kind == "org") return find_in(s.orgs, id);
  if (kind == "user") return find_in(s.users, id);
  if (kind == "commitment") return find_in(s.commitments, id);
  if (kind == "pledge") return find_in(s.pledges, id);
  if (kind == "gap") return find_in(s.gaps, id);
  if (kind == "action") return find_in(s.actions, id);
  if (kind == "discussion") return find_in(s.discussions, id);
  if (kind == "comment") return find_in(s.comments, id);
  if (kind == "round") return find_in(s.rounds, id);
  if (kind == "opinion") return find_in(s.opinions, id);
  if (kind == "champion") return find_in(s.champions, id);
  return nullptr;
}

}  // namespace a4p::protocol::detail
