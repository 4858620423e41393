// The helpers every a4pctl subcommand shares (ctl_commands.hpp).
#include <iostream>

#include "protocol/workspace.hpp"
#include "server/admin/credentials.hpp"
#include "server/admin/ctl_commands.hpp"
#include "server/admin/ctl_progress.hpp"

namespace a4p::ctl {

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

opened open_log(const std::string& dir, bool create) {
  storage::options o;
  o.create_if_missing = create;
  auto log = storage::event_log::open(dir, o);
  if (!log) return {nullptr, fail(log.error())};
  return {std::move(*log), exit_ok};
}

std::optional<protocol::viewer> reader(const protocol::state& now, const std::string& as,
                                       std::string* problem) {
  if (as.empty()) return std::nullopt;
  auto p = protocol::principal_of(now, as);
  if (!p) {
    *problem = "no such user: " + as;
    return std::nullopt;
  }
  return *p;
}

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

bool password_refused(const std::string& what, const std::string& password, std::size_t min) {
  auto why = server::password_policy_problem(password, min);
  if (why.empty()) return false;
  fail(what + ": " + why + " (--min-password)");
  return true;
}

std::string password_from_stdin() {
  std::string password;
  if (!std::getline(std::cin, password)) password.clear();
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

storage::result<storage::verify_report> verify_with_progress(const storage::event_log& log,
                                                             const std::string& what) {
  auto bar = server::ctl_progress::for_stderr(what);
  auto rep = log.verify([&](std::uint64_t seq, std::uint64_t head) { bar.update(seq, head); });
  if (rep) bar.finish(rep->head, log.head());
  return rep;
}

}  // namespace a4p::ctl
