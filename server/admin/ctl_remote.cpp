// a4pctl's verify, export and state through a running a4pd's HTTP API (--url, --user): the
// server decides what the signed-in user may see (ctl_commands.hpp).
#include <cstdlib>
#include <expected>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "server/admin/ctl_commands.hpp"
#include "server/admin/ctl_http.hpp"

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
    if (page == 0) break;
  } while (after < head);
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

}  // namespace a4p::ctl
