// a4pctl: administration and audit of an A4P Workspace data directory (PROTOCOL.md section 7).
//
// Works on the data directory of a stopped a4pd (RocksDB allows one process per directory;
// while a4pd runs, every subcommand that opens the log exits with code 3 and says so).
// Admin mutations (org add, user add) go through protocol::decide as the system principal and
// append org.added / user.added events; passwords go to the aux space, hashed (argon2id).
// verify, export and state also work through a running a4pd's HTTP API (--url, --user): then
// the server decides what the signed-in user may see.
//
// Exit codes: 0 ok; 1 failure (verify found a broken chain, a command was refused, I/O);
// 2 bad usage; 3 the data directory is in use by a running a4pd.
#include <cstdio>
#include <cstdlib>
#include <expected>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "protocol/json_codec.hpp"
#include "protocol/visibility.hpp"
#include "protocol/workspace.hpp"
#include "server/admin/checkpoint.hpp"
#include "server/admin/credentials.hpp"
#include "server/admin/ctl_http.hpp"
#include "server/admin/ctl_workspace.hpp"
#include "server/admin/demo.hpp"
#include "server/admin/session_store.hpp"
#include "storage/event_log.hpp"

namespace {

using json = nlohmann::json;
namespace storage = a4p::storage;
namespace protocol = a4p::protocol;
namespace srv = a4p::server;

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;
constexpr int exit_busy = 3;

int fail(const std::string& what) {
  std::cerr << "a4pctl: " << what << "\n";
  return exit_failed;
}

int fail(const storage::error& e) {
  if (e.code == storage::status_code::busy) {
    std::cerr << "a4pctl: data directory is in use by a running a4pd (stop it first, or use its "
                 "HTTP API with --url http://HOST:PORT --user NAME): "
              << e.message << "\n";
    return exit_busy;
  }
  return fail(e.message);
}

struct opened {
  std::unique_ptr<storage::event_log> log;
  int code = exit_ok;
};

opened open_log(const std::string& dir, bool create) {
  storage::options o;
  o.create_if_missing = create;
  auto log = storage::event_log::open(dir, o);
  if (!log) return {nullptr, fail(log.error())};
  return {std::move(*log), exit_ok};
}

// The reader of an export / state: nullopt for the full (system) view.
std::optional<protocol::viewer> reader(const protocol::state& now, const std::string& as,
                                       std::string* problem) {
  if (as.empty()) return std::nullopt;
  auto p = protocol::principal_of(now, as);
  if (!p) {
    *problem = "no such user: " + as;
    return std::nullopt;
  }
  return protocol::viewer_of(*p);
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// ---- subcommands ----

int cmd_org_add(const std::string& dir, const std::string& code, const std::string& name,
                const std::string& region, const std::vector<std::string>& groups,
                const std::string& kind, bool not_endorsed) {
  auto o = open_log(dir, true);
  if (!o.log) return o.code;
  auto w = srv::ctl_workspace::load(*o.log);
  if (!w) return fail(w.error());
  if (auto st = w->ensure_genesis(); !st) return fail(st.error());
  json args = {{"id", code}, {"name", name}, {"groups", groups}, {"endorsed", !not_endorsed}};
  std::string k = kind;
  if (k.empty()) k = code.size() == 3 ? "member_state" : "organization";
  args["kind"] = k;
  if (!region.empty()) args["region"] = region;
  auto r = w->submit(protocol::system_principal(), "org.add", std::move(args));
  if (!r) return fail(r.error());
  std::cout << "org " << code << " added at seq " << o.log->head() << "\n";
  return exit_ok;
}

// The first line of standard input (without a trailing CR); empty if there is none.
std::string password_from_stdin() {
  std::string password;
  if (!std::getline(std::cin, password)) password.clear();
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

int cmd_user_add(const std::string& dir, const std::string& user, const std::string& org,
                 const std::string& role, const std::string& display, std::size_t min_pw) {
  std::string password = password_from_stdin();
  if (password.empty()) return fail("user add: give the password on standard input (first line)");
  if (auto why = srv::password_policy_problem(password, min_pw); !why.empty())
    return fail("user add: " + why + " (--min-password)");
  auto o = open_log(dir, true);
  if (!o.log) return o.code;
  auto w = srv::ctl_workspace::load(*o.log);
  if (!w) return fail(w.error());
  if (auto st = w->ensure_genesis(); !st) return fail(st.error());
  json args = {
      {"id", user}, {"name", display.empty() ? user : display}, {"org", org}, {"role", role}};
  auto r = w->submit(protocol::system_principal(), "user.add", std::move(args));
  if (!r) return fail(r.error());
  if (auto st = srv::set_password(*o.log, user, password); !st) return fail(st.error());
  std::cout << "user " << user << " added at seq " << o.log->head() << "\n";
  return exit_ok;
}

// A new password for an existing account, and its stored sessions deleted (a4pd is stopped:
// the data directory is locked while it runs), so none of them is valid when it starts again.
int cmd_user_password(const std::string& dir, const std::string& user, std::size_t min_pw) {
  std::string password = password_from_stdin();
  if (password.empty())
    return fail("user password: give the new password on standard input (first line)");
  if (auto why = srv::password_policy_problem(password, min_pw); !why.empty())
    return fail("user password: " + why + " (--min-password)");
  auto o = open_log(dir, false);
  if (!o.log) return o.code;
  auto w = srv::ctl_workspace::load(*o.log);
  if (!w) return fail(w.error());
  if (!w->state().users.contains(user)) return fail("user password: no user " + user);
  if (auto st = srv::set_password(*o.log, user, password); !st) return fail(st.error());
  auto revoked = srv::session_store::revoke_user(*o.log, user);
  if (!revoked)
    return fail("user password: password set, but sessions not revoked: " + revoked.error());
  std::cout << "password of " << user << " changed; " << *revoked << " session(s) signed out\n";
  return exit_ok;
}

int cmd_verify(const std::string& dir) {
  auto o = open_log(dir, false);
  if (!o.log) return o.code;
  auto rep = o.log->verify();
  if (!rep) return fail(rep.error());
  if (!rep->ok) {
    std::cout << "broken: first bad seq " << rep->first_bad_seq << ": " << rep->problem << "\n";
    return exit_failed;
  }
  // The chain holds; each snapshot must be exactly the state its events make.
  std::size_t snapshots = 0, bad = 0;
  auto audited = srv::audit_snapshots(*o.log, [&](std::uint64_t seq, const std::string& problem) {
    ++snapshots;
    if (problem.empty()) return;
    ++bad;
    std::cout << "broken: snapshot at seq " << seq << ": " << problem << "\n";
  });
  if (!audited) return fail(audited.error());
  if (bad != 0) {
    std::cout << bad << " of " << snapshots
              << " snapshot(s) do not match the events; a4pd does not use a snapshot whose digest "
                 "fails, but one with a forged digest it would: see storage/FORMAT.md, Repair\n";
    return exit_failed;
  }
  std::cout << "ok: head " << rep->head << " hash " << rep->head_hash << " epoch " << o.log->epoch()
            << "\nsnapshots: " << snapshots << ", each the state its events make\n";
  return exit_ok;
}

// Where an export goes: `path` (opened into `file`), or stdout when it is empty; the CSV header
// is written first for format "csv". nullptr when the file cannot be opened.
std::ostream* open_export(const std::string& path, const std::string& format, std::ofstream& file) {
  std::ostream* out = &std::cout;
  if (!path.empty()) {
    file.open(path, std::ios::binary | std::ios::trunc);
    if (!file) return nullptr;
    out = &file;
  }
  if (format == "csv") *out << "seq,ts,user,org,name,entity,data_hash,hash\n";
  return out;
}

int cmd_export(const std::string& dir, const std::string& format, const std::string& out_path,
               const std::string& as) {
  auto o = open_log(dir, false);
  if (!o.log) return o.code;
  const std::uint64_t head = o.log->head();
  auto now = srv::load_state(*o.log, head);
  if (!now) return fail(now.error());
  std::string problem;
  auto v = reader(*now, as, &problem);
  if (!problem.empty()) return fail(problem);
  const bool full = !v || protocol::privileged(*v);

  std::ofstream file;
  std::ostream* out = open_export(out_path, format, file);
  if (!out) return fail("cannot write " + out_path);

  std::string err;
  std::uint64_t n = 0;
  auto st = o.log->scan_raw(0, head, [&](std::uint64_t seq, std::string_view bytes) {
    auto se = storage::event::from_json(bytes);
    if (!se) {
      err = "event " + std::to_string(seq) + " does not decode: " + se.error().message;
      return false;
    }
    ++n;
    if (full && format == "jsonl") {
      *out << bytes << "\n";
      return true;
    }
    protocol::sight s = protocol::sight::full;
    json view;
    if (!full) {
      auto pe = srv::to_protocol_event(*se);
      if (!pe) {
        err = pe.error().message;
        return false;
      }
      s = protocol::sight_of(*now, *v, *pe);
      if (format == "jsonl") view = protocol::view_event(*now, *v, *pe);
    }
    if (format == "jsonl") {
      *out << protocol::canonical(view) << "\n";
    } else if (s == protocol::sight::withheld) {
      *out << se->seq << ",,,,,,," << se->hash << "\n";
    } else {
      *out << se->seq << "," << csv_field(se->ts) << "," << csv_field(se->who.user) << ","
           << csv_field(se->who.org) << "," << csv_field(se->name) << "," << csv_field(se->entity)
           << "," << se->data_hash << "," << se->hash << "\n";
    }
    return true;
  });
  if (!st) return fail(st.error());
  if (!err.empty()) return fail(err);
  out->flush();
  if (!*out) return fail("write failed");
  std::cerr << "exported " << n << " events (" << (full ? "full" : "as " + as) << ")\n";
  return exit_ok;
}

int cmd_state(const std::string& dir, std::uint64_t at, bool at_given, const std::string& as) {
  auto o = open_log(dir, false);
  if (!o.log) return o.code;
  const std::uint64_t head = o.log->head();
  if (!at_given) at = head;
  if (at > head)
    return fail("--at " + std::to_string(at) + " is past the head " + std::to_string(head));
  auto now = srv::load_state(*o.log, head);
  if (!now) return fail(now.error());
  std::string problem;
  auto v = reader(*now, as, &problem);
  if (!problem.empty()) return fail(problem);
  auto s = srv::load_state(*o.log, at);
  if (!s) return fail(s.error());
  protocol::viewer full_view{"system", "UN", protocol::role::secretariat};
  std::cout << protocol::view_state(*s, v ? *v : full_view).dump(2) << "\n";
  return exit_ok;
}

int cmd_backup(const std::string& dir, const std::string& dest) {
  auto o = open_log(dir, false);
  if (!o.log) return o.code;
  if (auto st = o.log->checkpoint(dest); !st) return fail(st.error());
  std::cout << "backup of head " << o.log->head() << " (" << o.log->head_hash() << ") in " << dest
            << "\n";
  return exit_ok;
}

int cmd_restore(const std::string& dir, const std::string& src) {
  if (auto st = storage::event_log::restore(src, dir); !st) return fail(st.error());
  auto o = open_log(dir, false);
  if (!o.log) return o.code;
  auto rep = o.log->verify();
  if (!rep) return fail(rep.error());
  if (!rep->ok)
    return fail("restored log does not verify at seq " + std::to_string(rep->first_bad_seq) + ": " +
                rep->problem);
  std::cout << "restored head " << o.log->head() << " (" << o.log->head_hash() << ") new epoch "
            << o.log->epoch() << "\n";
  return exit_ok;
}

// Re-checks a jsonl export without the server: seqs consecutive from 1, each hash chained to
// the previous one, and every data_hash where the data is there in full. With checkpoints
// (docs/audit.md): each one's signature by one of `pubkeys`, and the export's hash at each
// checkpointed seq equal to the signed one.
int cmd_verify_export(const std::string& path, const std::string& cp_file,
                      const std::vector<std::string>& pubkeys) {
  std::vector<json> cps;
  std::map<std::uint64_t, std::string> hash_at;  // checkpointed seq -> the export's hash there
  if (!cp_file.empty()) {
    if (pubkeys.empty()) {
      fail("--checkpoints needs --pubkey KEYFILE (the signer's public key)");
      return exit_usage;
    }
    std::vector<std::array<unsigned char, 32>> keys;
    for (const auto& k : pubkeys) {
      auto key = srv::read_public_key(k);
      if (!key) return fail(key.error());
      keys.push_back(*key);
    }
    auto got = srv::read_checkpoints(cp_file);
    if (!got) return fail(got.error());
    cps = std::move(*got);
    for (const auto& cp : cps) {
      auto problem = srv::check_checkpoint_signature(cp, keys);
      if (!problem.empty()) {
        std::cout << "broken: checkpoint " << cp.dump() << ": " << problem << "\n";
        return exit_failed;
      }
      hash_at[cp["seq"].get<std::uint64_t>()];
    }
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read " + path);
  std::string prev_hash(storage::genesis_hash);
  std::uint64_t expect = 1, withheld = 0, redacted = 0, checked_data = 0;
  std::string line;
  protocol::parse_limits lim;
  lim.max_bytes = 64 * 1024 * 1024;
  auto broken = [&](const std::string& why) {
    std::cout << "broken: first bad seq " << expect << ": " << why << "\n";
    return exit_failed;
  };
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto j = protocol::parse_untrusted(line, lim);
    if (!j || !j->is_object()) return broken("line is not a JSON object");
    const json& e = *j;
    auto seq_it = e.find("seq");
    auto hash_it = e.find("hash");
    if (seq_it == e.end() || !seq_it->is_number_integer() || hash_it == e.end() ||
        !hash_it->is_string()) {
      return broken("missing seq or hash");
    }
    if (seq_it->get<std::int64_t>() != static_cast<std::int64_t>(expect)) {
      return broken("seq " + std::to_string(seq_it->get<std::int64_t>()) + " out of order");
    }
    const std::string hash = hash_it->get<std::string>();
    if (auto at = hash_at.find(expect); at != hash_at.end()) at->second = hash;
    if (e.value("withheld", false)) {
      ++withheld;
      prev_hash = hash;  // cannot be recomputed; the next event's hash covers it
      ++expect;
      continue;
    }
    storage::event se;
    try {
      se.seq = expect;
      se.ts = e.at("ts").get<std::string>();
      se.who.user = e.at("actor").at("user").get<std::string>();
      se.who.org = e.at("actor").at("org").get<std::string>();
      se.name = e.at("name").get<std::string>();
      se.entity = e.at("entity").get<std::string>();
      se.data_hash = e.at("data_hash").get<std::string>();
    } catch (const json::exception& x) {
      return broken(std::string("malformed event: ") + x.what());
    }
    if (e.value("redacted", false)) {
      ++redacted;
    } else {
      auto d = e.find("data");
      if (d == e.end()) return broken("no data");
      if (storage::sha256_hex(protocol::canonical(*d)) != se.data_hash) {
        return broken("data_hash does not match data");
      }
      ++checked_data;
    }
    if (storage::chain_hash(prev_hash, se) != hash) return broken("hash does not chain");
    prev_hash = hash;
    ++expect;
  }
  const std::uint64_t head = expect - 1;
  std::cout << "ok: " << head << " events, head hash " << prev_hash << ", "
            << (withheld + redacted == 0
                    ? std::string("full export, every data_hash checked")
                    : std::to_string(withheld) + " withheld, " + std::to_string(redacted) +
                          " redacted, " + std::to_string(checked_data) + " data_hash checked")
            << "\n";
  if (cps.empty()) return exit_ok;
  for (const auto& cp : cps) {
    const auto seq = cp["seq"].get<std::uint64_t>();
    const std::string& signed_hash = cp["hash"].get_ref<const std::string&>();
    if (seq > head) {
      std::cout << "broken: the export ends at seq " << head << ", before the checkpoint of seq "
                << seq << " signed " << cp["time"].get<std::string>() << "\n";
      return exit_failed;
    }
    if (hash_at[seq] != signed_hash) {
      std::cout << "broken: checkpoint of seq " << seq << " signed "
                << cp["time"].get<std::string>() << ": the export's hash there is " << hash_at[seq]
                << ", the signed one " << signed_hash << "\n";
      return exit_failed;
    }
  }
  std::cout << "checkpoints: " << cps.size() << " verified, the latest at seq "
            << hash_at.rbegin()->first << "\n";
  return exit_ok;
}

int cmd_keygen(const std::string& prefix) {
  auto fp = srv::generate_key_files(prefix);
  if (!fp) return fail(fp.error());
  std::cout << "secret key " << prefix << ".key (keep it outside the data directory), public key "
            << prefix << ".pub, fingerprint " << *fp << "\n";
  return exit_ok;
}

// ---- through a running a4pd's HTTP API (--url) ----

struct remote {
  std::string url, user;
};

std::expected<srv::ctl_http, int> connect_remote(const remote& r) {
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
  auto c = srv::ctl_http::sign_in(r.url, r.user, password);
  if (!c) return std::unexpected(fail(c.error()));
  return std::move(*c);
}

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

int cmd_demo(const std::string& dir, const std::string& password, std::size_t min_pw) {
  if (auto why = srv::password_policy_problem(password, min_pw); !password.empty() && !why.empty())
    return fail("demo: --password: " + why + " (--min-password)");
  auto o = open_log(dir, true);
  if (!o.log) return o.code;
  auto r = srv::populate(*o.log, password);
  if (!r) return fail(r.error());
  std::cout << "demo data: head " << r->head << "\n";
  for (const auto& [user, pw] : r->sign_ins) std::cout << "  " << user << "  " << pw << "\n";
  return exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"a4pctl: administration and audit of an A4P Workspace data directory"};
  app.require_subcommand(1);
  std::string data_dir = "./data";
  app.add_option("--data", data_dir, "the data directory (of a stopped a4pd)");
  remote rem;
  app.add_option("--url", rem.url,
                 "work through a running a4pd's HTTP API instead (verify, export, state): "
                 "http://HOST:PORT");
  app.add_option("--user", rem.user,
                 "with --url: sign in as this user (password: first line of stdin, or "
                 "A4P_PASSWORD)");
  std::size_t min_pw = srv::default_min_password_length;
  app.add_option("--min-password", min_pw,
                 "shortest password user add, user password and demo --password accept")
      ->capture_default_str();
  auto local_only = [&rem](const char* what) {
    if (rem.url.empty()) return true;
    fail(std::string(what) + " needs the data directory of a stopped a4pd, not --url");
    return false;
  };

  int code = exit_ok;

  // org add / user add
  auto* org = app.add_subcommand("org", "organisations")->require_subcommand(1);
  auto* org_add = org->add_subcommand("add", "add an organisation (event org.added)");
  std::string org_code, org_name, org_region, org_kind;
  std::vector<std::string> org_groups;
  bool org_not_endorsed = false;
  org_add->add_option("CODE", org_code, "ISO 3166-1 alpha-3, or a short code (AU, EU)")->required();
  org_add->add_option("--name", org_name, "display name")->required();
  org_add->add_option("--region", org_region, "AFR|APG|EEG|GRULAC|WEOG");
  org_add->add_option("--group", org_groups, "a group (G10, TCC, PCC, host, P5); repeatable");
  org_add->add_option("--kind", org_kind,
                      "member_state|organization|secretariat (default: member_state for a "
                      "three-letter code, else organization)");
  org_add->add_flag("--not-endorsed", org_not_endorsed, "has not endorsed the Declaration");
  org_add->callback([&] {
    if (!local_only("org add")) {
      code = exit_usage;
      return;
    }
    code = cmd_org_add(data_dir, org_code, org_name, org_region, org_groups, org_kind,
                       org_not_endorsed);
  });

  auto* user = app.add_subcommand("user", "accounts")->require_subcommand(1);
  auto* user_add = user->add_subcommand(
      "add", "add an account (event user.added); the password is the first line of stdin");
  std::string user_name, user_org, user_role, user_display;
  user_add->add_option("NAME", user_name, "sign-in name")->required();
  user_add->add_option("--org", user_org, "organisation code")->required();
  user_add->add_option("--role", user_role, "secretariat|member|auditor")->required();
  user_add->add_option("--name", user_display, "display name (default: NAME)");
  user_add->callback([&] {
    code = local_only("user add")
               ? cmd_user_add(data_dir, user_name, user_org, user_role, user_display, min_pw)
               : exit_usage;
  });

  auto* user_password = user->add_subcommand(
      "password", "set a new password (first line of stdin) and sign the account's sessions out");
  std::string password_user;
  user_password->add_option("NAME", password_user, "sign-in name")->required();
  user_password->callback([&] {
    code = local_only("user password") ? cmd_user_password(data_dir, password_user, min_pw)
                                       : exit_usage;
  });

  auto* verify = app.add_subcommand("verify", "re-check the whole hash chain and every data_hash");
  verify->callback([&] { code = rem.url.empty() ? cmd_verify(data_dir) : remote_verify(rem); });

  auto* exp = app.add_subcommand("export", "export the log");
  std::string exp_format = "jsonl", exp_out, exp_as;
  exp->add_option("--format", exp_format, "jsonl|csv")->check(CLI::IsMember({"jsonl", "csv"}));
  exp->add_option("--out", exp_out, "file (default: standard output)");
  exp->add_option("--as", exp_as, "export as this user may see it (redacted, withheld stubs)");
  exp->callback([&] {
    if (rem.url.empty()) {
      code = cmd_export(data_dir, exp_format, exp_out, exp_as);
    } else if (!exp_as.empty()) {
      code = exit_usage;
      fail("--as does not apply with --url: the export is as --user may see it");
    } else {
      code = remote_export(rem, exp_format, exp_out);
    }
  });

  auto* st = app.add_subcommand("state", "print the workspace state as JSON");
  std::uint64_t st_at = 0;
  std::string st_as;
  auto* at_opt = st->add_option("--at", st_at, "just after event N (default: the head)");
  st->add_option("--as", st_as, "as this user may see it");
  st->callback([&] {
    if (rem.url.empty()) {
      code = cmd_state(data_dir, st_at, at_opt->count() > 0, st_as);
    } else if (!st_as.empty()) {
      code = exit_usage;
      fail("--as does not apply with --url: the state is as --user may see it");
    } else {
      code = remote_state(rem, st_at, at_opt->count() > 0);
    }
  });

  auto* bk = app.add_subcommand("backup", "a consistent copy (RocksDB checkpoint)");
  std::string bk_dest;
  bk->add_option("DEST", bk_dest, "a directory that must not exist")->required();
  bk->callback([&] { code = local_only("backup") ? cmd_backup(data_dir, bk_dest) : exit_usage; });

  auto* rs = app.add_subcommand("restore", "restore a backup into --data, with a new epoch");
  std::string rs_src;
  rs->add_option("SRC", rs_src, "a directory written by backup")->required();
  rs->callback([&] { code = local_only("restore") ? cmd_restore(data_dir, rs_src) : exit_usage; });

  auto* ve = app.add_subcommand("verify-export",
                                "re-check a jsonl export's chain (and its data_hashes) offline");
  std::string ve_file, ve_checkpoints;
  std::vector<std::string> ve_pubkeys;
  ve->add_option("FILE", ve_file, "a jsonl export")->required();
  ve->add_option("--checkpoints", ve_checkpoints,
                 "signed checkpoints (GET /api/audit/checkpoints, or JSON Lines) the export must "
                 "extend");
  ve->add_option("--pubkey", ve_pubkeys, "the checkpoint signer's public key file (repeatable)");
  ve->callback([&] { code = cmd_verify_export(ve_file, ve_checkpoints, ve_pubkeys); });

  auto* kg = app.add_subcommand("keygen", "a new Ed25519 key pair for a4pd --checkpoint-key");
  std::string kg_out;
  kg->add_option("--out", kg_out, "writes OUT.key (secret, mode 0600) and OUT.pub")->required();
  kg->callback([&] { code = cmd_keygen(kg_out); });

  auto* demo = app.add_subcommand("demo", "fill a fresh data directory with the demo workspace");
  std::string demo_pw;
  demo->add_option("--password", demo_pw, "one password for every demo account (default: random)");
  demo->callback(
      [&] { code = local_only("demo") ? cmd_demo(data_dir, demo_pw, min_pw) : exit_usage; });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? exit_ok : exit_usage;
  } catch (const std::exception& e) {  // invalid UTF-8 in an argument, out of memory
    return fail(e.what());
  }
  return code;
}
