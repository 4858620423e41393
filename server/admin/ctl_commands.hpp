// a4pctl's subcommands, one function each, grouped by file: ctl_admin.cpp (org, user, demo,
// backup, restore), ctl_audit.cpp (verify, export, state, verify-export on a data directory),
// ctl_remote.cpp (verify, export, state through a running a4pd's HTTP API, and as a
// Secretariat user invite, reset, disable, enable and an online backup); the helpers they
// share are in ctl_common.cpp. a4pctl.cpp maps the command line onto them. Long operations
// (export, verify, backup, restore) draw their progress on stderr (ctl_progress.hpp).
//
// Each returns the process's exit code: 0 ok; 1 failure (verify found a broken chain, a
// command was refused, I/O); 2 bad usage; 3 the data directory is in use by a running a4pd.
// Messages go to stderr, results to stdout.
//
// Thread safety: single-threaded, one process per call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "protocol/state.hpp"
#include "protocol/visibility.hpp"
#include "server/admin/csv.hpp"
#include "storage/event_log.hpp"

namespace a4p::ctl {

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;
constexpr int exit_busy = 3;

// ---- shared helpers (ctl_common.cpp) ----

// Prints "a4pctl: what" to stderr; exit_failed (exit_busy, with a hint, for a busy directory).
int fail(const std::string& what);
int fail(const storage::error& e);

struct opened {
  std::unique_ptr<storage::event_log> log;
  int code = exit_ok;  // when log is null: the exit code, the reason printed
};
opened open_log(const std::string& dir, bool create);

// The reader of an export / state: nullopt for the full (system) view, or when `as` is not a
// user (then *problem says so).
std::optional<protocol::viewer> reader(const protocol::state& now, const std::string& as,
                                       std::string* problem);
using server::csv_field;  // server/admin/csv.hpp
// Where an export goes: `path` (opened into `file`), or stdout when it is empty; the CSV header
// is written first for format "csv". nullptr when the file cannot be opened.
std::ostream* open_export(const std::string& path, const std::string& format, std::ofstream& file);
// The first line of standard input (without a trailing CR); empty if there is none.
std::string password_from_stdin();
// Whether `password` fails the policy (credentials.hpp) for `min` characters; if so, says why
// as "a4pctl: WHAT: reason (--min-password)" on stderr.
bool password_refused(const std::string& what, const std::string& password, std::size_t min);
// log.verify(), drawing its progress on stderr as `what` (ctl_progress.hpp).
storage::result<storage::verify_report> verify_with_progress(const storage::event_log& log,
                                                             const std::string& what);

// ---- on a stopped a4pd's data directory, and keys: administration (ctl_admin.cpp) ----

int cmd_org_add(const std::string& dir, const std::string& code, const std::string& name,
                const std::string& region, const std::vector<std::string>& groups,
                const std::string& kind, bool not_endorsed);
// min_pw: the shortest password accepted (a4pctl --min-password).
int cmd_user_add(const std::string& dir, const std::string& user, const std::string& org,
                 const std::string& role, const std::string& display, std::size_t min_pw);
int cmd_user_password(const std::string& dir, const std::string& user, std::size_t min_pw);
int cmd_demo(const std::string& dir, const std::string& password, std::size_t min_pw);
// A checkpoint into `dest`, whose chain is then verified.
int cmd_backup(const std::string& dir, const std::string& dest);
int cmd_restore(const std::string& dir, const std::string& src);
// A new Ed25519 key pair for a4pd --checkpoint-key: PREFIX.key (0600) and PREFIX.pub.
int cmd_keygen(const std::string& prefix);

// ---- the cluster (ctl_cluster.cpp) ----

// The log in `dir` into a new JetStream stream (A4P_LOG) on the NATS servers `urls`, with
// `replicas` replicas: one message per event, identical seqs and bytes, then read back and
// compared. Refuses a stream that already holds messages.
int cmd_cluster_import(const std::string& dir, const std::vector<std::string>& urls, int replicas);
// `dir` (created if missing) made or brought up to date as a replica of the stream A4P_LOG
// (server/cluster/replica.hpp), then verified: a new node's data directory, or one that was down.
int cmd_cluster_replicate(const std::string& dir, const std::vector<std::string>& urls);

// ---- on a stopped a4pd's data directory, or a file: audit (ctl_audit.cpp) ----

// The chain, then every stored snapshot against the state its events make.
int cmd_verify(const std::string& dir);
int cmd_export(const std::string& dir, const std::string& format, const std::string& out_path,
               const std::string& as);
int cmd_state(const std::string& dir, std::uint64_t at, bool at_given, const std::string& as);
int cmd_verify_export(const std::string& path, const std::string& cp_file,
                      const std::vector<std::string>& pubkeys);

// ---- through a running a4pd's HTTP API, as a signed-in user (ctl_remote.cpp) ----

struct remote {
  std::string url, user;
};
int remote_verify(const remote& r);
int remote_export(const remote& r, const std::string& format, const std::string& out_path);
int remote_state(const remote& r, std::uint64_t at, bool at_given);
// As a Secretariat user (protocol/README.md, "Administration over HTTP"). Acts on accounts are
// commands (POST /api/commands), so each is an event with the signed-in user as its author.
// user.add, then a one-time invitation link, printed once.
int remote_invite(const remote& r, const std::string& user, const std::string& org,
                  const std::string& role, const std::string& display);
// A one-time link to set a new password, printed once.
int remote_reset(const remote& r, const std::string& user);
// user.disable or user.enable.
int remote_set_disabled(const remote& r, const std::string& user, bool disabled);
// POST /api/admin/backup {"name"}: a checkpoint on a4pd's host, verified there.
int remote_backup(const remote& r, const std::string& name);

}  // namespace a4p::ctl
