// a4pctl: administration and audit of an A4P Workspace data directory (PROTOCOL.md section 7).
//
// Works on the data directory of a stopped a4pd (RocksDB allows one process per directory;
// while a4pd runs, every subcommand that opens the log exits with code 3 and says so).
// Admin mutations (org add, user add) go through protocol::decide as the system principal and
// append org.added / user.added events; passwords go to the aux space, hashed (argon2id).
// verify, export and state also work through a running a4pd's HTTP API (--url, --user): then
// the server decides what the signed-in user may see; invite, reset, disable, enable and an
// online backup work only that way. Long operations draw their progress on stderr.
//
// This file maps the command line onto the subcommands of ctl_commands.hpp.
// Exit codes: 0 ok; 1 failure (verify found a broken chain, a command was refused, I/O);
// 2 bad usage; 3 the data directory is in use by a running a4pd.
#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "server/admin/credentials.hpp"
#include "server/admin/ctl_commands.hpp"

using namespace a4p::ctl;

int main(int argc, char** argv) {
  CLI::App app{"a4pctl: administration and audit of an A4P Workspace data directory"};
  app.require_subcommand(1);
  std::string data_dir = "./data";
  app.add_option("--data", data_dir, "the data directory (of a stopped a4pd)");
  remote rem;
  app.add_option("--url", rem.url,
                 "work through a running a4pd's HTTP API instead (verify, export, state, backup, "
                 "invite, reset, disable, enable): http://HOST:PORT");
  app.add_option("--user", rem.user,
                 "with --url: sign in as this user (password: first line of stdin, or "
                 "A4P_PASSWORD)");
  auto local_only = [&rem](const char* what) {
    if (rem.url.empty()) return true;
    fail(std::string(what) + " needs the data directory of a stopped a4pd, not --url");
    return false;
  };

  std::size_t min_pw = a4p::server::default_min_password_length;
  app.add_option("--min-password", min_pw,
                 "shortest password user add, user password and demo --password accept")
      ->capture_default_str();

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

  auto* bk = app.add_subcommand(
      "backup", "a consistent copy (RocksDB checkpoint), verified; with --url, while a4pd runs");
  std::string bk_dest;
  bk->add_option("DEST", bk_dest,
                 "a directory that must not exist; with --url, a name in a4pd's --backup-dir")
      ->required();
  bk->callback([&] {
    code = rem.url.empty() ? cmd_backup(data_dir, bk_dest) : remote_backup(rem, bk_dest);
  });

  // Accounts on a running a4pd (--url, as a Secretariat user).
  auto remote_only = [&rem](const char* what) {
    if (!rem.url.empty()) return true;
    fail(std::string(what) + " works on a running a4pd: give --url and --user");
    return false;
  };
  auto* inv = app.add_subcommand("invite", "add an account and print its one-time link (--url)");
  std::string inv_user, inv_org, inv_role, inv_display;
  inv->add_option("NAME", inv_user, "sign-in name")->required();
  inv->add_option("--org", inv_org, "organisation code")->required();
  inv->add_option("--role", inv_role, "secretariat|member|auditor")->required();
  inv->add_option("--name", inv_display, "display name (default: NAME)");
  inv->callback([&] {
    code = remote_only("invite") ? remote_invite(rem, inv_user, inv_org, inv_role, inv_display)
                                 : exit_usage;
  });
  std::string acct;
  auto* rst = app.add_subcommand("reset", "print a one-time link to set a new password (--url)");
  rst->add_option("NAME", acct, "sign-in name")->required();
  rst->callback([&] { code = remote_only("reset") ? remote_reset(rem, acct) : exit_usage; });
  for (bool disable : {true, false}) {
    const char* name = disable ? "disable" : "enable";
    auto* sub = app.add_subcommand(
        name, disable ? "disable an account: signed out everywhere, links revoked (--url)"
                      : "enable a disabled account again (--url)");
    sub->add_option("NAME", acct, "sign-in name")->required();
    sub->callback([&, disable, name] {
      code = remote_only(name) ? remote_set_disabled(rem, acct, disable) : exit_usage;
    });
  }

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

  auto* cluster =
      app.add_subcommand("cluster", "the a4pd cluster on NATS JetStream")->require_subcommand(1);
  std::vector<std::string> nats_urls;
  auto* imp = cluster->add_subcommand(
      "import", "copy this log into a new JetStream stream (A4P_LOG), verified by reading it back");
  int replicas = 3;
  imp->add_option("--nats", nats_urls, "a NATS server URL (nats://HOST:PORT); repeatable")
      ->required();
  imp->add_option("--replicas", replicas, "the stream's replicas")->capture_default_str();
  imp->callback([&] {
    if (!local_only("cluster import")) {
      code = exit_usage;
      return;
    }
    code = cmd_cluster_import(data_dir, nats_urls, replicas);
  });
  auto* rep = cluster->add_subcommand(
      "replicate", "make --data a verified replica of the stream A4P_LOG, or bring it up to date");
  rep->add_option("--nats", nats_urls, "a NATS server URL (nats://HOST:PORT); repeatable")
      ->required();
  rep->callback([&] {
    if (!local_only("cluster replicate")) {
      code = exit_usage;
      return;
    }
    code = cmd_cluster_replicate(data_dir, nats_urls);
  });

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
