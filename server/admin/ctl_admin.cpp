// a4pctl's administration subcommands on a stopped a4pd's data directory: org add, user add,
// user password, demo, backup, restore (ctl_commands.hpp). Admin mutations go through
// protocol::decide as the system principal (ctl_workspace); passwords go to the aux space,
// hashed (argon2id).
#include <iostream>

#include <nlohmann/json.hpp>

#include "protocol/workspace.hpp"
#include "server/admin/checkpoint.hpp"
#include "server/admin/credentials.hpp"
#include "server/admin/ctl_commands.hpp"
#include "server/admin/ctl_progress.hpp"
#include "server/admin/ctl_workspace.hpp"
#include "server/admin/demo.hpp"
#include "server/admin/session_store.hpp"

namespace a4p::ctl {

using json = nlohmann::json;

int cmd_org_add(const std::string& dir, const std::string& code, const std::string& name,
                const std::string& region, const std::vector<std::string>& groups,
                const std::string& kind, bool not_endorsed) {
  auto o = open_log(dir, true);
  if (!o.log) return o.code;
  auto w = server::ctl_workspace::load(*o.log);
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

int cmd_user_add(const std::string& dir, const std::string& user, const std::string& org,
                 const std::string& role, const std::string& display, std::size_t min_pw) {
  std::string password = password_from_stdin();
  if (password.empty()) return fail("user add: give the password on standard input (first line)");
  if (password_refused("user add", password, min_pw)) return exit_failed;
  auto o = open_log(dir, true);
  if (!o.log) return o.code;
  auto w = server::ctl_workspace::load(*o.log);
  if (!w) return fail(w.error());
  if (auto st = w->ensure_genesis(); !st) return fail(st.error());
  json args = {
      {"id", user}, {"name", display.empty() ? user : display}, {"org", org}, {"role", role}};
  auto r = w->submit(protocol::system_principal(), "user.add", std::move(args));
  if (!r) return fail(r.error());
  if (auto st = server::set_password(*o.log, user, password); !st) return fail(st.error());
  std::cout << "user " << user << " added at seq " << o.log->head() << "\n";
  return exit_ok;
}

// A new password for an existing account, and its stored sessions deleted (a4pd is stopped:
// the data directory is locked while it runs), so none of them is valid when it starts again.
int cmd_user_password(const std::string& dir, const std::string& user, std::size_t min_pw) {
  std::string password = password_from_stdin();
  if (password.empty())
    return fail("user password: give the new password on standard input (first line)");
  if (password_refused("user password", password, min_pw)) return exit_failed;
  auto o = open_log(dir, false);
  if (!o.log) return o.code;
  auto w = server::ctl_workspace::load(*o.log);
  if (!w) return fail(w.error());
  if (!w->state().users.contains(user)) return fail("user password: no user " + user);
  if (auto st = server::set_password(*o.log, user, password); !st) return fail(st.error());
  auto revoked = server::session_store::revoke_user(*o.log, user);
  if (!revoked)
    return fail("user password: password set, but sessions not revoked: " + revoked.error());
  std::cout << "password of " << user << " changed; " << *revoked << " session(s) signed out\n";
  return exit_ok;
}

int cmd_demo(const std::string& dir, const std::string& password, std::size_t min_pw) {
  if (!password.empty() && password_refused("demo: --password", password, min_pw))
    return exit_failed;
  auto o = open_log(dir, true);
  if (!o.log) return o.code;
  auto r = server::populate(*o.log, password);
  if (!r) return fail(r.error());
  std::cout << "demo data: head " << r->head << "\n";
  for (const auto& [user, pw] : r->sign_ins) std::cout << "  " << user << "  " << pw << "\n";
  return exit_ok;
}

int cmd_backup(const std::string& dir, const std::string& dest) {
  auto o = open_log(dir, false);
  if (!o.log) return o.code;
  server::ctl_progress::for_stderr("backup").stage("checkpoint");
  if (auto st = o.log->checkpoint(dest); !st) return fail(st.error());
  auto copy = storage::event_log::open(dest);
  if (!copy) return fail(copy.error());
  auto rep = verify_with_progress(**copy, "backup: verifying the copy");
  if (!rep) return fail(rep.error());
  if (!rep->ok)
    return fail("the backup does not verify at seq " + std::to_string(rep->first_bad_seq) + ": " +
                rep->problem);
  std::cout << "backup of head " << rep->head << " (" << rep->head_hash << ") in " << dest
            << "; verified: ok\n";
  return exit_ok;
}

int cmd_restore(const std::string& dir, const std::string& src) {
  server::ctl_progress::for_stderr("restore").stage("copying " + src);
  if (auto st = storage::event_log::restore(src, dir); !st) return fail(st.error());
  auto o = open_log(dir, false);
  if (!o.log) return o.code;
  auto rep = verify_with_progress(*o.log, "restore: verifying");
  if (!rep) return fail(rep.error());
  if (!rep->ok)
    return fail("restored log does not verify at seq " + std::to_string(rep->first_bad_seq) + ": " +
                rep->problem);
  std::cout << "restored head " << o.log->head() << " (" << o.log->head_hash() << ") new epoch "
            << o.log->epoch() << "\n";
  return exit_ok;
}

int cmd_keygen(const std::string& prefix) {
  auto fp = server::generate_key_files(prefix);
  if (!fp) return fail(fp.error());
  std::cout << "secret key " << prefix << ".key (keep it outside the data directory), public key "
            << prefix << ".pub, fingerprint " << *fp << "\n";
  return exit_ok;
}

}  // namespace a4p::ctl
