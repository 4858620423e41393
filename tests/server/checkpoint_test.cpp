// Signed checkpoints end to end (docs/audit.md): a4pctl keygen, a4pd --checkpoint-key signing
// every N events and every T minutes, GET /api/audit/checkpoints, and both verifiers
// (a4pctl verify-export and tools/verify_export.py) on an export, on a log rewritten from some
// seq onwards with a fully recomputed chain (passes plain verification, fails against the
// earlier checkpoints), with a wrong key, and cut before a checkpoint.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include "protocol/json_codec.hpp"
#include "storage/event_log.hpp"
#include "tests/server/test_util.hpp"
#include "tests/tools/verifiers.hpp"

namespace a4p::test {
namespace {

using nlohmann::json;
using verifiers::shell_quote;

std::string slurp_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int a4pctl(const std::string& args) {
  const int status = std::system((std::string(A4PCTL) + " " + args + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void write_lines(const std::string& file, const std::vector<json>& lines) {
  std::ofstream out(file, std::ios::binary);
  for (const auto& l : lines) out << l.dump() << "\n";
}

// The whole log from `at` onwards rewritten as someone holding the disk could: the event at
// `at` changed, and every data_hash and hash after it recomputed.
std::vector<json> rewrite_from(std::vector<json> lines, std::uint64_t at) {
  std::string prev(storage::genesis_hash);
  for (auto& e : lines) {
    const auto seq = e["seq"].get<std::uint64_t>();
    if (seq == at) e["data"]["rewritten"] = true;
    if (seq >= at) {
      storage::event se;
      se.seq = seq;
      se.ts = e["ts"];
      se.who = {e["actor"]["user"], e["actor"]["org"]};
      se.name = e["name"];
      se.entity = e["entity"];
      se.data_hash = storage::sha256_hex(protocol::canonical(e["data"]));
      e["data_hash"] = se.data_hash;
      e["hash"] = storage::chain_hash(prev, se);
    }
    prev = e["hash"];
  }
  return lines;
}

TEST(checkpoint_test, a_rewritten_log_passes_plain_verification_but_not_the_signed_checkpoints) {
  temp_dir keys, work, data;
  const std::string key = keys.path() + "/cp";
  ASSERT_EQ(a4pctl("keygen --out " + shell_quote(key)), 0);
  struct stat st {};
  ASSERT_EQ(::stat((key + ".key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NE(a4pctl("keygen --out " + shell_quote(key)), 0) << "a key is never overwritten";

  auto o = options_in(data.path(), {"--rate", "100000", "--burst", "100000", "--checkpoint-key",
                                    key + ".key", "--checkpoint-every", "20"});
  auto server = std::make_unique<a4pd_process>(o);
  ASSERT_TRUE(server->started()) << server->output();
  auto writer = open_session(server->port(), "gbr.delegate");
  ASSERT_TRUE(writer);
  for (int i = 0; i < 45; ++i)
    ASSERT_TRUE(post_comment(*writer, "discussion:D1", "comment " + std::to_string(i), "cp"));

  const auto token = login(server->port(), "gha.delegate", demo_password);  // anyone may read
  json cps;
  for (int i = 0; i < 50; ++i) {  // the index is written just after the event is durable
    cps = json::parse(get(server->port(), "/api/audit/checkpoints", token).body);
    if (cps["checkpoints"].size() >= 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_GE(cps["checkpoints"].size(), 3u) << cps.dump();
  std::string pub = slurp_file(key + ".pub");
  EXPECT_EQ(cps["public_key"], pub.substr(0, 64));
  EXPECT_EQ(cps["fingerprint"].get<std::string>().size(), 64u);
  auto events =
      lines_of(get(server->port(), "/api/events?name=audit.checkpoint&limit=100", token).body);
  ASSERT_EQ(events.size(), cps["checkpoints"].size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& cp = cps["checkpoints"][i];
    EXPECT_EQ(events[i]["seq"], cp["event_seq"]);
    EXPECT_EQ(events[i]["actor"]["user"], "system");
    EXPECT_EQ(events[i]["entity"], "checkpoint:" + std::to_string(cp["seq"].get<std::uint64_t>()));
    EXPECT_GT(cp["event_seq"].get<std::uint64_t>(), cp["seq"].get<std::uint64_t>());
    EXPECT_EQ(cp["key"], cps["fingerprint"]);
    if (i > 0) {
      EXPECT_GE(cp["seq"].get<std::uint64_t>(),
                cps["checkpoints"][i - 1]["seq"].get<std::uint64_t>() + 20);
    }
  }
  const std::string cp_file = work.path() + "/checkpoints.json";
  std::ofstream(cp_file) << cps.dump();

  server->signal(SIGTERM);
  ASSERT_EQ(server->wait(30'000), 0);
  server.reset();
  const std::string exported = work.path() + "/export.jsonl";
  ASSERT_EQ(a4pctl("--data " + shell_quote(data.path()) + " export --format jsonl --out " +
                   shell_quote(exported)),
            0);
  const std::string with_cps =
      "--checkpoints " + shell_quote(cp_file) + " --pubkey " + shell_quote(key + ".pub");

  // The true log: intact, and extends every checkpoint.
  for (const auto& v :
       {verifiers::with_a4pctl(exported, with_cps), verifiers::with_python(exported, with_cps)}) {
    EXPECT_EQ(v.code, 0) << v.out;
    EXPECT_NE(v.out.find("checkpoints: " + std::to_string(cps["checkpoints"].size()) + " verified"),
              std::string::npos)
        << v.out;
  }

  // Rewritten from a seq before the first checkpoint's, the chain recomputed throughout.
  auto lines = lines_of(slurp_file(exported));
  const auto first_signed = cps["checkpoints"][0]["seq"].get<std::uint64_t>();
  const std::string rewritten = work.path() + "/rewritten.jsonl";
  write_lines(rewritten, rewrite_from(lines, first_signed - 5));
  const auto plain_a = verifiers::with_a4pctl(rewritten);
  const auto plain_p = verifiers::with_python(rewritten);
  EXPECT_EQ(plain_a.code, 0) << plain_a.out;
  EXPECT_EQ(plain_p.code, 0) << plain_p.out;
  EXPECT_EQ(plain_a.head_hash, plain_p.head_hash);
  EXPECT_NE(plain_a.head_hash, lines.back()["hash"]);
  for (const auto& v :
       {verifiers::with_a4pctl(rewritten, with_cps), verifiers::with_python(rewritten, with_cps)}) {
    EXPECT_EQ(v.code, 1) << v.out;
    EXPECT_TRUE(v.checkpoint_broken) << v.out;
    EXPECT_NE(v.out.find("checkpoint of seq " + std::to_string(first_signed)), std::string::npos)
        << v.out;
  }

  // Another key's signature does not count; an export cut before a checkpoint fails.
  ASSERT_EQ(a4pctl("keygen --out " + shell_quote(keys.path() + "/other")), 0);
  const std::string other = "--checkpoints " + shell_quote(cp_file) + " --pubkey " +
                            shell_quote(keys.path() + "/other.pub");
  for (const auto& v :
       {verifiers::with_a4pctl(exported, other), verifiers::with_python(exported, other)}) {
    EXPECT_EQ(v.code, 1) << v.out;
    EXPECT_NE(v.out.find("not among the given keys"), std::string::npos) << v.out;
  }
  lines.resize(first_signed - 1);
  const std::string cut = work.path() + "/cut.jsonl";
  write_lines(cut, lines);
  for (const auto& v :
       {verifiers::with_a4pctl(cut, with_cps), verifiers::with_python(cut, with_cps)}) {
    EXPECT_EQ(v.code, 1) << v.out;
    EXPECT_TRUE(v.checkpoint_broken) << v.out;
  }
}

TEST(checkpoint_test, a_checkpoint_follows_new_events_after_the_interval_and_only_then) {
  temp_dir keys, data;
  const std::string key = keys.path() + "/cp";
  ASSERT_EQ(a4pctl("keygen --out " + shell_quote(key)), 0);
  a4pd_process server(
      options_in(data.path(), {"--checkpoint-key", key + ".key", "--checkpoint-every", "1000000",
                               "--checkpoint-minutes", "0.005"}));  // 300 ms
  ASSERT_TRUE(server.started()) << server.output();
  const auto token = login(server.port(), "un.auditor", demo_password);
  auto count = [&] {
    return json::parse(get(server.port(), "/api/audit/checkpoints", token).body)["checkpoints"]
        .size();
  };
  // The demo's events are new since no checkpoint: one is signed within the interval.
  std::size_t n = 0;
  for (int i = 0; i < 50 && n == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    n = count();
  }
  ASSERT_EQ(n, 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  EXPECT_EQ(count(), 1u) << "nothing new, nothing signed (not even the checkpoint itself)";
  auto writer = open_session(server.port(), "gbr.delegate");
  ASSERT_TRUE(writer);
  ASSERT_TRUE(post_comment(*writer, "discussion:D1", "one more", "cp"));
  for (int i = 0; i < 50 && n == 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    n = count();
  }
  EXPECT_EQ(n, 2u);
}

TEST(checkpoint_test, a4pd_refuses_a_key_inside_the_data_directory) {
  temp_dir data;
  ASSERT_EQ(a4pctl("keygen --out " + shell_quote(data.path() + "/cp")), 0);
  a4pd_process server(options_in(data.path(), {"--checkpoint-key", data.path() + "/cp.key"}));
  EXPECT_FALSE(server.started());
  EXPECT_EQ(server.wait(10'000), 2);  // usage; the reason goes to stderr
}

}  // namespace
}  // namespace a4p::test
