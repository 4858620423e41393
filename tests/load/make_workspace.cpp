// a4p_make_workspace: writes the large workspace (tests/protocol/workspace_gen.hpp, decision
// 0402) into a new a4pd data directory, through the storage library as a4pd writes it: the
// hash-chained log (every event from decide(), appended and applied by server::ctl_workspace),
// a state snapshot every --snapshot-every events (a4pd's --snapshot-every), and argon2id
// passwords in the aux space for the sign-ins it prints. `a4pd --data DIR` then serves it and
// `a4pctl --data DIR verify` passes.
//
//   a4p_make_workspace --data /tmp/a4p-1m --events 1000000 --password large-password
//
// Appends are unsynced (storage::options::sync = false): a crash of this tool leaves a directory
// to delete, not one to trust. Exit 0 on success, 1 on any error (the message on stderr).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "protocol/snapshot.hpp"
#include "server/admin/credentials.hpp"
#include "server/admin/ctl_workspace.hpp"
#include "tests/protocol/workspace_gen.hpp"

namespace {

using a4p::protocol::testing::workspace_options;
using a4p::protocol::testing::workspace_writer;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

[[noreturn]] void die(const std::string& what) {
  std::cerr << "a4p_make_workspace: " << what << "\n";
  std::exit(1);
}

// The generator's writer on a data directory: ctl_workspace (decide, append, apply), a snapshot
// every `every` events, a progress line every 100,000.
class log_writer final : public workspace_writer {
 public:
  log_writer(a4p::server::ctl_workspace& ws, std::uint64_t every, std::uint64_t events)
      : ws_(ws), every_(every), events_(events) {}
  const a4p::protocol::state& current() const override { return ws_.state(); }
  std::optional<nlohmann::json> run(const a4p::protocol::principal& p, std::string name,
                                    nlohmann::json args) override {
    auto r = ws_.submit(p, name, std::move(args));
    if (r) return std::move(*r);
    // A refusal of decide() is part of the mix; anything else is the directory failing.
    if (r.error().code != a4p::storage::status_code::invalid_argument || ws_.log().failed())
      die(name + ": " + r.error().message);
    return std::nullopt;
  }
  void after_command(std::uint64_t seq) override {
    if (seq >= last_snapshot_ + every_) {
      last_snapshot_ = seq;
      auto bytes = a4p::protocol::serialize(ws_.state());
      if (auto st = ws_.log().save_snapshot(seq, bytes); !st)
        die("snapshot: " + st.error().message);
      ++snapshots;
      last_snapshot_bytes = bytes.size();
    }
    if (seq >= next_progress_) {
      next_progress_ += 100'000;
      std::printf("  %llu of %llu events, %.1f s\n", static_cast<unsigned long long>(seq),
                  static_cast<unsigned long long>(events_), seconds_since(t0_));
      std::fflush(stdout);
    }
  }
  std::size_t snapshots = 0, last_snapshot_bytes = 0;

 private:
  a4p::server::ctl_workspace& ws_;
  std::uint64_t every_, events_;
  std::uint64_t last_snapshot_ = 0, next_progress_ = 100'000;
  clock_type::time_point t0_ = clock_type::now();
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"a4p_make_workspace: the large workspace (decision 0402) as an a4pd data directory"};
  std::string dir, password;
  workspace_options o;
  bool uncapped = false;
  std::uint64_t every = 10'000;
  std::size_t members = 8;
  app.add_option("--data", dir, "the data directory to create (must not hold a log yet)")
      ->required();
  app.add_option("--events", o.events, "events in the log when done")->capture_default_str();
  app.add_option("--busy-comments", o.busy_comments,
                 "comments on the busy pledge (at most a tenth of the events)")
      ->capture_default_str();
  app.add_flag("--uncapped", uncapped, "the old mix without A4P's entity caps");
  app.add_option("--snapshot-every", every, "events between state snapshots (a4pd's default)")
      ->capture_default_str();
  app.add_option("--password", password, "the password of every sign-in printed (>= 10 chars)")
      ->required();
  app.add_option("--members", members,
                 "sign-ins for this many members beyond the G10's (M10.user0, ...)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  o.caps = !uncapped;
  if (auto why =
          a4p::server::password_policy_problem(password, a4p::server::default_min_password_length);
      !why.empty())
    die(why);

  auto t0 = clock_type::now();
  a4p::storage::options lo;
  lo.sync = false;
  auto log = a4p::storage::event_log::open(dir, lo);
  if (!log) die("cannot open " + dir + ": " + log.error().message);
  if ((*log)->head() != 0)
    die(dir + " already holds a log (" + std::to_string((*log)->head()) +
        " events); give a new directory");
  auto ws = a4p::server::ctl_workspace::load(**log);
  if (!ws) die(ws.error().message);
  if (auto g = ws->ensure_genesis(); !g) die("genesis: " + g.error().message);
  log_writer w(*ws, every, o.events);
  auto made = a4p::protocol::testing::generate_workspace(w, o);
  double generated = seconds_since(t0);

  // Sign-ins: the Secretariat, the auditor, every G10 member, and --members others.
  std::vector<std::string> users = {"un.sec", "un.auditor"};
  users.insert(users.end(), made.g10_users.begin(), made.g10_users.end());
  for (std::size_t i = 0; i < members && i < made.member_users.size(); ++i)
    users.push_back(made.member_users[i]);
  for (const auto& u : users)
    if (auto st = a4p::server::set_password(**log, u, password); !st)
      die("password of " + u + ": " + st.error().message);
  auto head = (*log)->head();
  log->reset();  // closes the directory (RocksDB flushes) before the figures are printed
  double total = seconds_since(t0);

  std::printf(
      "workspace (%s) in %s: %llu events, %zu pledges, %zu actions, %zu gaps, %zu discussions, "
      "%zu comments (%zu on the busy pledge, %s)\n",
      o.caps ? "capped" : "uncapped", dir.c_str(), static_cast<unsigned long long>(head),
      made.pledges, made.actions, made.gaps, made.discussions, made.comments, made.busy_comments,
      made.busy_room.c_str());
  std::printf("snapshots: %zu, every %llu events (the last %.1f MB)\n", w.snapshots,
              static_cast<unsigned long long>(every),
              static_cast<double>(w.last_snapshot_bytes) / 1e6);
  std::printf("made in %.1f s (%.0f events/s), with the sign-ins' argon2id hashes %.1f s\n",
              generated, static_cast<double>(head) / generated, total);
  std::printf("sign-ins (user / password), member users are <ORG>.user<N>:\n");
  for (const auto& u : users) std::printf("  %s / %s\n", u.c_str(), password.c_str());
  return 0;
}
