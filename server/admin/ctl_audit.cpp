// a4pctl's audit subcommands on a stopped a4pd's data directory (verify, export, state) and on
// an export file (verify-export) (ctl_commands.hpp).
#include <array>
#include <iostream>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "protocol/json_codec.hpp"
#include "protocol/visibility.hpp"
#include "protocol/workspace.hpp"
#include "server/admin/checkpoint.hpp"
#include "server/admin/ctl_commands.hpp"
#include "server/admin/ctl_progress.hpp"
#include "server/admin/ctl_workspace.hpp"

namespace a4p::ctl {

using json = nlohmann::json;

int cmd_verify(const std::string& dir) {
  auto o = open_log(dir, false);
  if (!o.log) return o.code;
  auto rep = verify_with_progress(*o.log, "verify");
  if (!rep) return fail(rep.error());
  if (!rep->ok) {
    std::cout << "broken: first bad seq " << rep->first_bad_seq << ": " << rep->problem << "\n";
    return exit_failed;
  }
  // The chain holds; each snapshot must be exactly the state its events make.
  std::size_t snapshots = 0, bad = 0;
  auto audited =
      server::audit_snapshots(*o.log, [&](std::uint64_t seq, const std::string& problem) {
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

int cmd_export(const std::string& dir, const std::string& format, const std::string& out_path,
               const std::string& as) {
  auto o = open_log(dir, false);
  if (!o.log) return o.code;
  const std::uint64_t head = o.log->head();
  // The state is needed only to know what a reader (--as) may see; a full export writes what is
  // stored, so it loads none (at 1,000,000 events that is a snapshot of some 170 MB saved).
  std::optional<protocol::state> now;
  std::optional<protocol::viewer> v;
  if (!as.empty()) {
    auto loaded = server::load_state(*o.log, head);
    if (!loaded) return fail(loaded.error());
    now = std::move(*loaded);
    std::string problem;
    v = reader(*now, as, &problem);
    if (!problem.empty()) return fail(problem);
  }
  const bool full = !v || protocol::privileged(*v);

  std::ofstream file;
  std::ostream* out = open_export(out_path, format, file);
  if (!out) return fail("cannot write " + out_path);

  std::string err;
  std::uint64_t n = 0;
  auto bar = server::ctl_progress::for_stderr("export");
  auto st = o.log->scan_raw(0, head, [&](std::uint64_t seq, std::string_view bytes) {
    bar.update(seq, head);
    ++n;
    if (full && format == "jsonl") {  // the stored bytes as they are, as /api/events sends them
      *out << bytes << "\n";
      return true;
    }
    auto se = protocol::decode_stored(bytes);
    if (!se) {
      err = "event " + std::to_string(seq) + " does not decode: " + se.error().message;
      return false;
    }
    protocol::sight s = protocol::sight::full;
    json view;
    if (!full) {  // then `now` and `v` are set
      s = protocol::sight_of(*now, *v, *se);
      if (format == "jsonl") view = protocol::view_event(*now, *v, *se);
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
  bar.finish(n, head);
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
  auto now = server::load_state(*o.log, head);
  if (!now) return fail(now.error());
  std::string problem;
  auto v = reader(*now, as, &problem);
  if (!problem.empty()) return fail(problem);
  auto s = server::load_state(*o.log, at);
  if (!s) return fail(s.error());
  protocol::viewer full_view{"system", "UN", protocol::role::secretariat};
  std::cout << protocol::view_state(*s, v ? *v : full_view).dump(2) << "\n";
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
      auto key = server::read_public_key(k);
      if (!key) return fail(key.error());
      keys.push_back(*key);
    }
    auto got = server::read_checkpoints(cp_file);
    if (!got) return fail(got.error());
    cps = std::move(*got);
    for (const auto& cp : cps) {
      auto problem = server::check_checkpoint_signature(cp, keys);
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

}  // namespace a4p::ctl
