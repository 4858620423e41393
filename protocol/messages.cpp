#include "protocol/messages.hpp"

namespace a4p::protocol {
namespace {

using json = nlohmann::json;

std::unexpected<message_error> bad(std::string field, std::string message) {
  return std::unexpected(message_error{"bad_request", std::move(message), std::move(field)});
}

// A required string member of 1..max bytes.
std::expected<std::string, message_error> want_string(const json& obj, const char* key,
                                                      const std::string& path, std::size_t max) {
  auto it = obj.find(key);
  if (it == obj.end()) return bad(path, "missing \"" + path + "\"");
  if (!it->is_string()) return bad(path, "\"" + path + "\" must be a string");
  const auto& s = it->get_ref<const std::string&>();
  if (s.empty()) return bad(path, "\"" + path + "\" must not be empty");
  if (s.size() > max)
    return bad(path, "\"" + path + "\" is longer than " + std::to_string(max) + " bytes");
  return s;
}

// An optional integer member in [lo, hi].
std::expected<std::optional<std::uint64_t>, message_error> want_count(const json& obj,
                                                                      const char* key,
                                                                      std::uint64_t lo,
                                                                      std::uint64_t hi) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer() || it->get<std::int64_t>() < 0 ||
      static_cast<std::uint64_t>(it->get<std::int64_t>()) < lo ||
      static_cast<std::uint64_t>(it->get<std::int64_t>()) > hi)
    return bad(key, std::string("\"") + key + "\" must be an integer from " + std::to_string(lo) +
                        " to " + std::to_string(hi));
  return static_cast<std::uint64_t>(it->get<std::int64_t>());
}

// A room: "<kind>:<id>", 1..128 bytes.
std::expected<std::string, message_error> want_room(const json& v, const std::string& path) {
  if (!v.is_string()) return bad(path, "\"" + path + "\" must be a string");
  const auto& room = v.get_ref<const std::string&>();
  auto colon = room.find(':');
  if (room.size() > 128 || colon == std::string::npos || colon == 0 || colon + 1 == room.size())
    return bad(path, "\"" + path + "\" must be \"<kind>:<id>\"");
  return room;
}

constexpr std::uint64_t max_limit = 200;  // rooms.hpp max_page_limit
constexpr std::uint64_t max_seq = std::uint64_t{1} << 62;

}  // namespace

std::expected<client_message, message_error> parse_client_message(std::string_view frame,
                                                                  const parse_limits& limits) {
  auto parsed = parse_untrusted(frame, limits);
  if (!parsed) return std::unexpected(parsed.error());
  json& j = *parsed;
  if (!j.is_object()) return bad("", "a message must be a JSON object");
  auto type = want_string(j, "type", "type", 32);
  if (!type) return std::unexpected(type.error());
  const std::string& t = *type;
  if (t == "hello") {
    hello h;
    auto it = j.find("resume");
    if (it != j.end() && !it->is_null()) {
      if (!it->is_object()) return bad("resume", "\"resume\" must be an object");
      auto epoch = want_string(*it, "epoch", "resume.epoch", 128);
      if (!epoch) return std::unexpected(epoch.error());
      auto s = it->find("seq");
      if (s == it->end()) return bad("resume.seq", "missing \"resume.seq\"");
      if (!s->is_number_integer() || s->get<std::int64_t>() < 0)
        return bad("resume.seq", "\"resume.seq\" must be a non-negative integer");
      h.resume = resume_point{*epoch, static_cast<std::uint64_t>(s->get<std::int64_t>())};
    }
    if (auto v = j.find("view"); v != j.end() && !v->is_null()) {
      if (!v->is_string() || (*v != "full" && *v != "light"))
        return bad("view", "\"view\" must be \"full\" or \"light\"");
      h.view = v->get<std::string>();
    }
    if (auto e = j.find("snapshot_encoding"); e != j.end() && !e->is_null()) {
      if (!e->is_string() || *e != "gzip")
        return bad("snapshot_encoding", "\"snapshot_encoding\" must be \"gzip\"");
      h.snapshot_encoding = e->get<std::string>();
    }
    if (auto r = j.find("rooms"); r != j.end() && !r->is_null()) {
      if (!r->is_array()) return bad("rooms", "\"rooms\" must be an array");
      if (r->size() > max_hello_rooms)
        return std::unexpected(message_error{
            "too_large", "at most " + std::to_string(max_hello_rooms) + " rooms", "rooms"});
      for (const auto& x : *r) {
        auto room = want_room(x, "rooms");
        if (!room) return std::unexpected(room.error());
        h.rooms.push_back(std::move(*room));
      }
    }
    return h;
  }
  if (t == "command") {
    command c;
    auto id = want_string(j, "id", "id", 128);
    if (!id) return std::unexpected(id.error());
    auto name = want_string(j, "name", "name", 64);
    if (!name) return std::unexpected(name.error());
    c.id = std::move(*id);
    c.name = std::move(*name);
    auto it = j.find("args");
    if (it != j.end()) {
      if (!it->is_object()) return bad("args", "\"args\" must be an object");
      c.args = std::move(*it);
    }
    return c;
  }
  if (t == "join" || t == "leave" || t == "page") {
    auto room = want_string(j, "room", "room", 128);
    if (!room) return std::unexpected(room.error());
    if (auto r = want_room(*room, "room"); !r) return std::unexpected(r.error());
    if (t == "leave") return leave{std::move(*room)};
    auto limit = want_count(j, "limit", 1, max_limit);
    if (!limit) return std::unexpected(limit.error());
    if (t == "join") return join{std::move(*room), *limit};
    auto before = want_count(j, "before", 1, max_seq);
    if (!before) return std::unexpected(before.error());
    auto reports_before = want_count(j, "reports_before", 1, max_seq);
    if (!reports_before) return std::unexpected(reports_before.error());
    if (before->has_value() == reports_before->has_value())
      return bad("before", "a page asks for exactly one of \"before\" and \"reports_before\"");
    return page_request{std::move(*room), *before, *reports_before, *limit};
  }
  if (t == "ping") {
    ping p;
    auto it = j.find("nonce");
    if (it != j.end()) {
      if (!it->is_string() && !it->is_number_integer() && !it->is_null())
        return bad("nonce", "\"nonce\" must be a string or an integer");
      if (it->is_string() && it->get_ref<const std::string&>().size() > 256)
        return bad("nonce", "\"nonce\" is longer than 256 bytes");
      p.nonce = std::move(*it);
    }
    return p;
  }
  return bad("type", "unknown message type \"" + t.substr(0, 32) + "\"");
}

std::string welcome_message(const welcome_user& user, std::string_view epoch, std::uint64_t head,
                            std::string_view mode, std::string_view view) {
  json j = {
      {"type", "welcome"},
      {"user", {{"id", user.id}, {"name", user.name}, {"org", user.org}, {"roles", user.roles}}},
      {"epoch", epoch},
      {"head", head},
      {"mode", mode}};
  if (!view.empty()) j["view"] = view;
  return canonical(j);
}

std::string snapshot_message(std::uint64_t seq, const nlohmann::json& state_view) {
  // Built by hand so that the (possibly large) state is not copied into a temporary.
  std::string out = "{\"seq\":" + std::to_string(seq) + ",\"state\":";
  out += canonical(state_view);
  out += ",\"type\":\"snapshot\"}";
  return out;
}

std::string light_snapshot_message(std::uint64_t seq, const nlohmann::json& light_view) {
  std::string out = "{\"seq\":" + std::to_string(seq) + ",\"state\":";
  out += canonical(light_view);
  out += ",\"type\":\"snapshot\",\"view\":\"light\"}";
  return out;
}

std::string tick_body(std::string_view room, std::uint64_t seq, const nlohmann::json& thread) {
  return canonical({{"type", "tick"}, {"room", room}, {"seq", seq}, {"thread", thread}});
}

std::string tick_message(std::uint64_t prev, std::string_view body) {
  // "prev" sorts before every member of the body: the message stays canonical.
  std::string out = "{\"prev\":" + std::to_string(prev) + ",";
  out.append(body.substr(1));
  return out;
}

std::string page_message(const page_answer& p) {
  json j = {{"type", "page"}, {"room", p.room}, {"seq", p.seq}, {"thread", p.thread}};
  auto cursor = [](const std::optional<std::uint64_t>& c) { return c ? json(*c) : json(nullptr); };
  if (p.comments) {
    j["comments"] = *p.comments;
    j["before"] = cursor(p.before);
    if (p.from) j["from"] = *p.from;
  }
  if (p.reports) {
    j["reports"] = *p.reports;
    j["reports_before"] = cursor(p.reports_before);
    if (p.reports_from) j["reports_from"] = *p.reports_from;
  }
  if (p.entity) j["entity"] = *p.entity;
  if (p.opinions) j["opinions"] = *p.opinions;
  return canonical(j);
}

std::string ack_message(std::string_view command_id, std::uint64_t seq,
                        const nlohmann::json& result) {
  return canonical({{"type", "ack"}, {"id", command_id}, {"seq", seq}, {"result", result}});
}

std::string reject_message(std::string_view command_id, std::string_view code,
                           std::string_view message, const nlohmann::json& details) {
  return canonical({{"type", "reject"},
                    {"id", command_id},
                    {"code", code},
                    {"message", message},
                    {"details", details.is_null() ? json::object() : details}});
}

std::string presence_message(std::string_view room, const std::vector<presence_member>& members) {
  json list = json::array();
  for (const auto& m : members) list.push_back({{"user", m.user}, {"org", m.org}});
  return canonical({{"type", "presence"}, {"room", room}, {"members", std::move(list)}});
}

std::string pong_message(const nlohmann::json& nonce) {
  return canonical({{"type", "pong"}, {"nonce", nonce}});
}

std::string error_message(std::string_view code, std::string_view message) {
  return canonical({{"type", "error"}, {"code", code}, {"message", message}});
}

std::string event_body(const nlohmann::json& viewed_event) {
  return canonical(viewed_event);
}

std::string event_message(std::uint64_t prev, std::string_view body) {
  std::string out = "{\"type\":\"event\",\"prev\":" + std::to_string(prev);
  if (body.size() <= 2) {
    out += '}';
    return out;
  }
  out += ',';
  out.append(body.substr(1));
  return out;
}

}  // namespace a4p::protocol
