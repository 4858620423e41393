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
  if (t == "join" || t == "leave") {
    auto room = want_string(j, "room", "room", 128);
    if (!room) return std::unexpected(room.error());
    auto colon = room->find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == room->size())
      return bad("room", "\"room\" must be \"<kind>:<id>\"");
    if (t == "join") return join{std::move(*room)};
    return leave{std::move(*room)};
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
                            std::string_view mode) {
  json j = {
      {"type", "welcome"},
      {"user", {{"id", user.id}, {"name", user.name}, {"org", user.org}, {"roles", user.roles}}},
      {"epoch", epoch},
      {"head", head},
      {"mode", mode}};
  return canonical(j);
}

std::string snapshot_message(std::uint64_t seq, const nlohmann::json& state_view) {
  // Built by hand so that the (possibly large) state is not copied into a temporary.
  std::string out = "{\"seq\":" + std::to_string(seq) + ",\"state\":";
  out += canonical(state_view);
  out += ",\"type\":\"snapshot\"}";
  return out;
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
