// a4pctl's verify, export and state through a running a4pd's HTTP API (--url, --user): the
// server decides what the signed-in user may see; and, as a Secretariat user, invite, reset,
// disable, enable and an online backup through the administration routes (ctl_commands.hpp).
#include <cstdlib>
#include <expected>
#include <functional>
#include <iostream>
#include <sstream>

#include <openssl/rand.h>

#include <nlohmann/json.hpp>

#include "server/admin/ctl_commands.hpp"
#include "server/admin/ctl_http.hpp"
#include "server/admin/ctl_progress.hpp"

namespace a4p::ctl {
namespace {

using json = nlohmann::json;

std::expected<server::ctl_http, int> connect_remote(const remote& r) {
  if (r.user.empty()) return std::unexpected(fail("--url needs --user NAME"));
  std::string password;
  if (const char* env = std::getenv("A4P_PASSWORD"); env && *env) {
    password = env;
  } else if (!std::getline(std::cin, password)) {
    password.clear();
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  if (password.empty()) {
    return std::unexpected(fail("--url: give the password on standard input or in A4P_PASSWORD"));
  }
  auto c = server::ctl_http::sign_in(r.url, r.user, password);
  if (!c) return std::unexpected(fail(c.error()));
  return std::move(*c);
}

// The answer's JSON, or an error naming the step and the server's message.
std::expected<json, std::string> answer(
    const std::expected<server::ctl_http::response, std::string>& r, const std::string& step) {
  if (!r) return std::unexpected(r.error());
  json j = json::parse(r->body, nullptr, false);
  if (r->status == 200 && j.is_object()) return j;
  std::string why = r->body;
  if (j.is_object() && j.contains("error")) why = j["error"].value("message", r->body);
  return std::unexpected(step + ": HTTP " + std::to_string(r->status) + ": " + why);
}

// A command through POST /api/commands, with a fresh command id.
std::expected<json, std::string> command(const server::ctl_http& c, const std::string& name,
                                         const json& args) {
  unsigned char raw[8];
  if (RAND_bytes(raw, sizeof raw) != 1) return std::unexpected("no randomness");
  std::string id = "a4pctl-";
  for (unsigned char b : raw) id += "0123456789abcdef"[b >> 4], id += "0123456789abcdef"[b & 15];
  json msg = {{"type", "command"}, {"id", id}, {"name", name}, {"args", args}};
  return answer(c.post("/api/commands", msg.dump()), name);
}

// A one-time link ("invite" or "reset"), as the lines to print.
std::expected<std::string, std::string> link(const server::ctl_http& c, const std::string& user,
                                             const std::string& purpose) {
  auto j = answer(c.post("/api/admin/users/" + user + "/" + purpose, "{}"), purpose);
  if (!j) return std::unexpected(j.error());
  return "link: " + c.base() + j->value("link", "") + "\nexpires: " + j->value("expires", "") +
         "\n(shown once: the server keeps only its hash)";
}

// Signs in, runs `call`, prints what it answers: the exit code.
int administer(
    const remote& r,
    const std::function<std::expected<std::string, std::string>(const server::ctl_http&)>& call) {
  auto c = connect_remote(r);
  if (!c) return c.error();
  auto out = call(*c);
  if (!out) return fail(out.error());
  std::cout << *out << "\n";
  return exit_ok;
}

}  // namespace

int remote_verify(const remote& r) {
  auto c = connect_remote(r);
  if (!c) return c.error();
  auto res = c->get("/api/audit/verify");
  if (!res) return fail(res.error());
  json j = json::parse(res->body, nullptr, false);
  if (!j.is_object() || !j.contains("ok")) {
    return fail("verify: HTTP " + std::to_string(res->status) + ": " + res->body);
  }
  if (!j.value("ok", false)) {
    std::cout << "broken: first bad seq " << j.value("first_bad_seq", std::uint64_t{0}) << ": "
              << j.value("problem", std::string()) << "\n";
    return exit_failed;
  }
  std::cout << "ok: head " << j.value("head", std::uint64_t{0}) << " hash "
            << j.value("hash", std::string()) << "\n";
  return exit_ok;
}

int remote_export(const remote& r, const std::string& format, const std::string& out_path) {
  auto c = connect_remote(r);
  if (!c) return c.error();
  std::ofstream file;
  std::ostream* out = open_export(out_path, format, file);
  if (!out) return fail("cannot write " + out_path);
  std::uint64_t after = 0, n = 0, head = 0;
  auto bar = server::ctl_progress::for_stderr("export");
  do {
    auto res = c->get("/api/events?after=" + std::to_string(after) + "&limit=10000");
    if (!res) return fail(res.error());
    if (res->status != 200) {
      return fail("export: HTTP " + std::to_string(res->status) + ": " + res->body);
    }
    head = res->head.empty() ? 0 : std::stoull(res->head);
    std::istringstream lines(res->body);
    std::uint64_t page = 0;
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      json e = json::parse(line, nullptr, false);
      if (!e.is_object() || !e.contains("seq")) return fail("export: bad line: " + line);
      after = e["seq"].get<std::uint64_t>();
      ++page;
      ++n;
      if (format == "jsonl") {
        *out << line << "\n";
      } else if (e.value("withheld", false)) {
        *out << after << ",,,,,,," << e.value("hash", "") << "\n";
      } else {
        *out << after << "," << csv_field(e.value("ts", "")) << ","
             << csv_field(e["actor"].value("user", "")) << ","
             << csv_field(e["actor"].value("org", "")) << "," << csv_field(e.value("name", ""))
             << "," << csv_field(e.value("entity", "")) << "," << e.value("data_hash", "") << ","
             << e.value("hash", "") << "\n";
      }
    }
    bar.update(after, head);
    if (page == 0) break;
  } while (after < head);
  bar.finish(n, head);
  out->flush();
  if (!*out) return fail("write failed");
  std::cerr << "exported " << n << " events (as " << r.user << ", through " << r.url << ")\n";
  return exit_ok;
}

int remote_state(const remote& r, std::uint64_t at, bool at_given) {
  auto c = connect_remote(r);
  if (!c) return c.error();
  auto res = c->get(at_given ? "/api/state?at=" + std::to_string(at) : "/api/state");
  if (!res) return fail(res.error());
  if (res->status != 200)
    return fail("state: HTTP " + std::to_string(res->status) + ": " + res->body);
  json j = json::parse(res->body, nullptr, false);
  if (j.is_discarded()) return fail("state: the answer is not JSON");
  std::cout << j.dump(2) << "\n";
  return exit_ok;
}

int remote_invite(const remote& r, const std::string& user, const std::string& org,
                  const std::string& role, const std::string& display) {
  return administer(r, [&](const server::ctl_http& c) -> std::expected<std::string, std::string> {
    auto added = command(
        c, "user.add",
        {{"id", user}, {"name", display.empty() ? user : display}, {"org", org}, {"role", role}});
    if (!added) return std::unexpected(added.error());
    auto l = link(c, user, "invite");
    if (!l) return std::unexpected(l.error());
    return "user " + user + " added (seq " + std::to_string(added->value("seq", 0)) + ")\n" + *l;
  });
}

int remote_reset(const remote& r, const std::string& user) {
  return administer(r, [&](const server::ctl_http& c) { return link(c, user, "reset"); });
}

int remote_set_disabled(const remote& r, const std::string& user, bool disabled) {
  return administer(r, [&](const server::ctl_http& c) -> std::expected<std::string, std::string> {
    auto a = command(c, disabled ? "user.disable" : "user.enable", {{"id", user}});
    if (!a) return std::unexpected(a.error());
    return "user " + user +
           (disabled ? " disabled: signed out everywhere, links revoked" : " enabled") + " (seq " +
           std::to_string(a->value("seq", 0)) + ")";
  });
}

int remote_backup(const remote& r, const std::string& name) {
  return administer(r, [&](const server::ctl_http& c) -> std::expected<std::string, std::string> {
    auto res = c.post("/api/admin/backup", json{{"name", name}}.dump());
    if (!res) return std::unexpected(res.error());
    json j = json::parse(res->body, nullptr, false);
    if (!j.is_object() || !j.contains("head")) {
      auto why = answer(res, "backup");
      return std::unexpected(why ? "backup: unexpected answer: " + res->body : why.error());
    }
    std::string out = "backup of head " + std::to_string(j.value("head", 0)) + " (" +
                      j.value("hash", "") + ") in " + j.value("path", "") + " on the server's host";
    if (!j.value("ok", false))
      return std::unexpected(out + "; verification FAILED at seq " +
                             std::to_string(j.value("first_bad_seq", 0)) + ": " +
                             j.value("problem", ""));
    return out + "; verified: ok";
  });
}

}  // namespace a4p::ctl
