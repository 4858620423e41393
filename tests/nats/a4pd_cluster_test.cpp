// a4pd's cluster mode (issue 16, docs/decisions/0322) end to end: three nats-servers (Debian's
// package, JetStream clustered on loopback) and three a4pd nodes on a stream seeded by
// a4pctl cluster import from the demo log. Writers and subscribers on every node; every acked
// event present exactly once on every node, in the same order, with identical hashes; the
// replicas verify; concurrent edits of one pledge through different nodes merge or conflict as
// on one node; kill -9 of an a4pd and of a nats-server mid-run, restarted; quorum loss gives
// `unavailable` and writes resume without restarting a4pd.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include "server/admin/demo.hpp"
#include "storage/event_log.hpp"
#include "tests/nats/nats_server.hpp"
#include "tests/server/test_util.hpp"

#ifndef A4PCTL_BIN
#error "A4PCTL_BIN must name the a4pctl binary"
#endif

namespace a4p::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using json = nlohmann::json;

int run_a4pctl(const std::string& args, const std::string& out_file) {
  const std::string cmd = std::string(A4PCTL_BIN) + " " + args + " >" + out_file + " 2>&1";
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The answer (ack or reject) to command `id`, other messages skipped; nullopt after `timeout`.
std::optional<json> answer_to(ws_client& c, const std::string& id,
                              std::chrono::milliseconds timeout = 15s) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    auto m = c.next(std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now()));
    if (!m) return std::nullopt;
    const auto t = m->value("type", "");
    if ((t == "ack" || t == "reject") && m->value("id", "") == id) return m;
  }
  return std::nullopt;
}

// Posts a comment and returns its answer (ack or reject).
std::optional<json> comment(ws_client& c, const std::string& body, const std::string& tag) {
  const auto id = unique_id(tag);
  if (!c.send(comment_cmd(id, "discussion:D1", body))) return std::nullopt;
  return answer_to(c, id);
}

// Three nats-servers, and three a4pd nodes on copies of one demo log imported into the stream.
class cluster : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string urls;
    for (const auto& u : nats_.urls()) urls += (urls.empty() ? "" : ",") + u;
    urls_ = urls;
    const std::string seed = dir_.path() + "/seed";
    {
      auto log = storage::event_log::open(seed);
      ASSERT_TRUE(log) << log.error().message;
      ASSERT_TRUE(server::populate(**log, demo_password));
    }
    std::string nats_args;
    for (const auto& u : nats_.urls()) nats_args += " --nats " + u;
    // The stream's leader may take a moment to be elected on a cluster that has just formed.
    int code = -1;
    for (int i = 0; i < 20 && code != 0; ++i) {
      code = run_a4pctl("--data " + seed + " cluster import --replicas 3" + nats_args,
                        dir_.path() + "/import.out");
      if (code != 0) std::this_thread::sleep_for(500ms);
    }
    ASSERT_EQ(code, 0) << read_file(dir_.path() + "/import.out");
    for (int i = 0; i < 3; ++i) fs::copy(seed, data(i), fs::copy_options::recursive);
    for (int i = 0; i < 3; ++i) start(i);
  }

  [[nodiscard]] std::string data(int i) const { return dir_.path() + "/node" + std::to_string(i); }

  void start(int i) {
    a4pd_options o;
    o.data_dir = data(i);
    o.demo = false;
    o.stderr_file = dir_.path() + "/node" + std::to_string(i) + ".log";
    o.extra_args = {"--cluster", urls_,  "--node",  "n" + std::to_string(i),
                    "--rate",    "1000", "--burst", "1000"};
    nodes_[i] = std::make_unique<a4pd_process>(o);
    ASSERT_TRUE(nodes_[i]->started()) << nodes_[i]->output() << read_file(o.stderr_file);
  }
  std::uint16_t port(int i) { return nodes_[i]->port(); }
  // kill -9 of a4pd node i.
  void kill_node(int i) {
    nodes_[i]->signal(SIGKILL);
    nodes_[i]->wait(10'000);
    nodes_[i].reset();
  }

  // Every event of node i's log as /api/events gives it to the Secretariat.
  std::vector<json> events_of(int i) {
    const auto token = login(port(i), "un.secretariat", demo_password);
    return lines_of(all_event_lines(port(i), token));
  }

  // Waits until every running node has the same head as node `ref`, then compares their logs
  // event by event (seq and hash); returns node ref's events.
  std::vector<json> same_log_everywhere(int ref = 0) {
    std::vector<json> first;
    for (int attempt = 0; attempt < 100; ++attempt) {
      first = events_of(ref);
      bool same = true;
      for (int i = 0; i < 3 && same; ++i) {
        if (!nodes_[i] || i == ref) continue;
        auto other = events_of(i);
        if (other.size() != first.size()) {
          same = false;
          break;
        }
        for (std::size_t k = 0; k < first.size(); ++k) {
          if (other[k]["seq"] != first[k]["seq"] || other[k]["hash"] != first[k]["hash"]) {
            ADD_FAILURE() << "node " << i << " differs from node " << ref << " at "
                          << first[k]["seq"];
            return {};
          }
        }
      }
      if (same) return first;
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "the nodes did not reach the same head";
    return {};
  }

  // Every running node's /metrics: connected, no lag, and the same stream position, at least
  // `messages` (one message per acked command).
  void expect_caught_up_in_metrics(double messages) {
    double seq = -1;
    for (int i = 0; i < 3; ++i) {
      if (!nodes_[i]) continue;
      EXPECT_TRUE(eventually(
          [&] {
            return metric(port(i), "a4p_cluster_lag_messages") == 0 &&
                   metric(port(i), "a4p_cluster_connected") == 1;
          },
          10s))
          << "node " << i << " lag " << metric(port(i), "a4p_cluster_lag_messages");
      const double here = metric(port(i), "a4p_cluster_stream_seq");
      if (seq < 0) seq = here;
      EXPECT_EQ(here, seq) << "node " << i << "'s stream position";
    }
    EXPECT_GE(seq, messages);
  }

  void verify_replicas() {
    for (int i = 0; i < 3; ++i) {
      nodes_[i]->signal(SIGTERM);
      EXPECT_EQ(nodes_[i]->wait(20'000), 0);
      const auto out = dir_.path() + "/verify" + std::to_string(i) + ".out";
      EXPECT_EQ(run_a4pctl("--data " + data(i) + " verify", out), 0) << read_file(out);
    }
  }

  temp_dir dir_;
  nats::testing::nats_cluster nats_{3};
  std::string urls_;
  std::unique_ptr<a4pd_process> nodes_[3];
};

// The writers of one run: each sends `count` comments through its node, one at a time, and
// records the seq of every ack.
struct writers {
  std::mutex mu;
  std::vector<std::uint64_t> acked;
  std::vector<std::string> problems;
  std::vector<std::thread> threads;

  // With `stop`, the writer goes on until it is set and tolerates refusals and lost
  // connections (a node or a NATS server being killed): only acks count.
  void start(std::uint16_t port, const std::string& user, int count, const std::string& tag,
             std::atomic<bool>* stop = nullptr) {
    threads.emplace_back([=, this] {
      // Sign-ins at once from one address beyond --login-per-address (8) are refused: the
      // writer tries again (readiness, not performance).
      auto c = open_session(port, user);
      for (int attempt = 0; !c && attempt < 10; ++attempt) {
        std::this_thread::sleep_for(500ms);
        c = open_session(port, user);
      }
      if (!c) {
        std::lock_guard lk(mu);
        problems.push_back(user + ": no session on port " + std::to_string(port));
        return;
      }
      for (int k = 0; k < count && !(stop && stop->load()); ++k) {
        auto a = comment(*c, tag + " " + std::to_string(k), tag);
        // A writer of a long run sends at a person's pace (A4P's busiest hour is tens of
        // commands a second in all): a node restarted mid-run must catch up with it.
        if (stop) std::this_thread::sleep_for(50ms);
        std::lock_guard lk(mu);
        if (a && a->value("type", "") == "ack")
          acked.push_back(a->value("seq", std::uint64_t{0}));
        else if (!stop)
          problems.push_back(user + ": no ack for comment " + std::to_string(k));
      }
    });
  }
  void join() {
    for (auto& t : threads) t.join();
    threads.clear();
  }
};

// A live session that records the seq of every event it is sent.
// Where two seq lists part, with a few seqs of each around it (gtest prints only the first 32).
std::string first_difference(const std::vector<std::uint64_t>& got,
                             const std::vector<std::uint64_t>& want) {
  std::size_t i = 0;
  while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
  auto around = [i](const std::vector<std::uint64_t>& v) {
    std::string out;
    for (std::size_t k = i < 3 ? 0 : i - 3; k < v.size() && k < i + 4; ++k)
      out += std::to_string(v[k]) + " ";
    return out;
  };
  return "got " + std::to_string(got.size()) + " seqs, want " + std::to_string(want.size()) +
         "; first difference at index " + std::to_string(i) + ": got [" + around(got) +
         "], want [" + around(want) + "]";
}

struct subscriber {
  std::unique_ptr<ws_client> c;
  std::uint64_t from = 0;
  std::string epoch;
  std::vector<std::uint64_t> seqs;

  bool open(std::uint16_t port) {
    json welcome;
    c = open_session(port, "un.auditor", &welcome);
    if (!c) return false;
    from = welcome.value("head", std::uint64_t{0});
    epoch = welcome.value("epoch", "");
    return true;
  }
  // Resumes on another node from the last event seen (its node died).
  bool resume(std::uint16_t port) {
    auto token = login(port, "un.auditor", demo_password);
    c = std::make_unique<ws_client>();
    if (token.empty() || c->connect(port, token) != 101) return false;
    auto w = c->hello(epoch, seqs.empty() ? from : seqs.back());
    return w && w->value("mode", "") != "snapshot" && !c->snapshot();
  }
  // Reads `n` more events. Every read here waits long: a test client's read that times out
  // ends its stream (tests/server/test_client.cpp), so a short timeout on a loaded machine, in a
  // pause between writes, would silence the subscriber for the rest of the test.
  bool read_count(std::size_t n) {
    for (std::size_t k = 0; k < n; ++k) {
      auto m = c->next_of("event", 30s);
      if (!m) return false;
      seqs.push_back(m->value("seq", std::uint64_t{0}));
    }
    return true;
  }
  // Reads events until `last` has come (or none came for 30 s).
  void read_until(std::uint64_t last) {
    while (seqs.empty() || seqs.back() < last) {
      auto m = c->next_of("event", 30s);  // one long wait: see read_count
      if (!m) break;
      seqs.push_back(m->value("seq", std::uint64_t{0}));
    }
    if (!seqs.empty() && seqs.back() >= last) return;
    // For the failure text: the close code if the server closed it (-1: still open, silent).
    const int code = c->wait_close(1s);
    stalled = "stalled at " + std::to_string(seqs.empty() ? from : seqs.back()) + ", close code " +
              std::to_string(code);
  }
  std::string stalled;  // why read_until stopped short, if it did
};

TEST_F(cluster, every_acked_event_is_on_every_node_once_in_one_order_and_the_replicas_verify) {
  std::vector<subscriber> subs(3);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(subs[i].open(port(i)));
  writers w;
  const char* users[] = {"gbr.delegate", "nld.delegate", "usa.delegate"};
  for (int i = 0; i < 3; ++i) {
    w.start(port(i), users[i], 20, "n" + std::to_string(i));
    w.start(port(i), "eth.delegate", 20, "e" + std::to_string(i));
  }
  w.join();
  for (const auto& p : w.problems) ADD_FAILURE() << p;
  ASSERT_EQ(w.acked.size(), 120u);
  const auto last = *std::max_element(w.acked.begin(), w.acked.end());

  const auto log = same_log_everywhere();
  ASSERT_FALSE(log.empty());
  std::map<std::uint64_t, int> seen;
  for (const auto& e : log) ++seen[e["seq"].get<std::uint64_t>()];
  for (auto s : w.acked) EXPECT_EQ(seen[s], 1) << "acked seq " << s;
  EXPECT_EQ(std::set<std::uint64_t>(w.acked.begin(), w.acked.end()).size(), w.acked.size());
  EXPECT_EQ(log.back()["seq"].get<std::uint64_t>(), last);

  // The auditor sees every event: each subscriber got every seq after its welcome, in order.
  for (int i = 0; i < 3; ++i) {
    subs[i].read_until(last);
    std::vector<std::uint64_t> want;
    for (auto s = subs[i].from + 1; s <= last; ++s) want.push_back(s);
    EXPECT_EQ(subs[i].seqs, want) << "subscriber on node " << i;
  }
  expect_caught_up_in_metrics(120);
  verify_replicas();
}

// The pledges as node `port`'s state has them, by id.
std::map<std::string, json> pledges_of(std::uint16_t port) {
  const auto token = login(port, "un.secretariat", demo_password);
  auto st = json::parse(get(port, "/api/state", token).body);
  std::map<std::string, json> out;
  for (auto it = st["pledges"].begin(); it != st["pledges"].end(); ++it)
    out[it->value("id", it.key())] = *it;
  return out;
}

// A pledge of GBR and its version.
std::pair<std::string, std::int64_t> gbr_pledge(std::uint16_t port) {
  for (const auto& [id, p] : pledges_of(port))
    if (p.value("org", "") == "GBR") return {id, p.value("version", 0)};
  return {"", 0};
}

json update_cmd(const std::string& cid, const std::string& id, std::int64_t base, json changes) {
  return {{"type", "command"},
          {"id", cid},
          {"name", "pledge.update"},
          {"args", {{"id", id}, {"base_version", base}, {"changes", std::move(changes)}}}};
}

TEST_F(cluster, concurrent_edits_of_one_pledge_through_two_nodes_merge_or_conflict_as_on_one) {
  auto [id, v] = gbr_pledge(port(0));
  ASSERT_FALSE(id.empty());
  auto a = open_session(port(0), "gbr.delegate");
  auto b = open_session(port(1), "gbr.delegate");
  ASSERT_TRUE(a && b);
  // Different fields from the same base: both merge.
  ASSERT_TRUE(a->send(update_cmd("ua", id, v, {{"title", "Edited on n0"}})));
  ASSERT_TRUE(b->send(update_cmd("ub", id, v, {{"description", "Edited on n1"}})));
  auto ra = answer_to(*a, "ua");
  auto rb = answer_to(*b, "ub");
  ASSERT_TRUE(ra && rb);
  EXPECT_EQ(ra->value("type", ""), "ack") << ra->dump();
  EXPECT_EQ(rb->value("type", ""), "ack") << rb->dump();
  // Each editor starts from what its own node shows: both edits, version v + 2.
  same_log_everywhere();
  // The same field from the same base: exactly one wins, the other gets `conflict`.
  ASSERT_TRUE(a->send(update_cmd("ta", id, v + 2, {{"title", "Title from n0"}})));
  ASSERT_TRUE(b->send(update_cmd("tb", id, v + 2, {{"title", "Title from n1"}})));
  std::vector<std::string> outcomes;
  std::string winner;
  for (auto [c, id, title] :
       {std::tuple{a.get(), "ta", "Title from n0"}, std::tuple{b.get(), "tb", "Title from n1"}}) {
    auto m = answer_to(*c, id);
    ASSERT_TRUE(m);
    if (m->value("type", "") == "ack") {
      outcomes.push_back("ack");
      winner = title;
    } else {
      outcomes.push_back(m->value("code", ""));
    }
  }
  std::sort(outcomes.begin(), outcomes.end());
  EXPECT_EQ(outcomes, (std::vector<std::string>{"ack", "conflict"}));
  same_log_everywhere();
  for (int i = 0; i < 3; ++i) {
    const auto p = pledges_of(port(i))[id];
    EXPECT_EQ(p.value("version", 0), v + 3) << "node " << i;
    EXPECT_EQ(p.value("title", ""), winner) << "node " << i;
    EXPECT_EQ(p.value("description", ""), "Edited on n1") << "node " << i;
  }
}

// The restarted a4pd catches up with the stream before it listens (a steady write load goes on
// meanwhile: the catch-up reads to the stream's head as it finds it, the follower the rest), so
// its /readyz answers 200 only with every event acked before its restart in its log.
TEST_F(cluster, kill_9_of_an_a4pd_and_a_nats_server_mid_run_loses_no_acked_event) {
  std::vector<subscriber> subs(3);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(subs[i].open(port(i)));
  std::atomic<bool> stop{false};
  writers w;
  const char* users[] = {"gbr.delegate", "nld.delegate", "usa.delegate"};
  for (int i = 0; i < 3; ++i) w.start(port(i), users[i], 1'000'000, "k" + std::to_string(i), &stop);
  std::this_thread::sleep_for(2s);
  ASSERT_TRUE(subs[0].read_count(10)) << "node 0's subscriber got no events before the kill";
  // The a4pd every client of node 0 was on, and the NATS server every a4pd was connected to
  // (the first URL).
  const auto killed = std::chrono::steady_clock::now();
  kill_node(0);
  nats_.node(0).kill9();
  // Node 0's subscriber resumes on node 1 from the last event it had.
  ASSERT_TRUE(subs[0].resume(port(1))) << "resumed without a snapshot";
  // Failover: from the kill to the first event after the resume (the client reconnects at
  // once here; a browser adds its reconnect delay).
  EXPECT_TRUE(subs[0].read_count(1)) << "no event on node 1 after the resume";
  std::cout << "failover: kill -9 of node 0 and of the NATS server it used to the first event "
               "resumed on node 1: "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count()
            << " s\n";
  std::this_thread::sleep_for(3s);
  nats_.node(0).start();
  std::uint64_t acked_before_restart = 0;
  {
    std::lock_guard lk(w.mu);
    for (auto s : w.acked) acked_before_restart = std::max(acked_before_restart, s);
  }
  start(0);
  ASSERT_TRUE(nodes_[0] && nodes_[0]->started());
  EXPECT_EQ(http_call(port(0), "GET", "/readyz").status, 200);
  EXPECT_GE(events_of(0).size(), acked_before_restart) << "ready before it caught up";
  // The restarted node takes writes again.
  {
    auto again = open_session(port(0), "can.delegate");
    ASSERT_TRUE(again);
    auto a = comment(*again, "after the restart", "r0");
    ASSERT_TRUE(a && a->value("type", "") == "ack") << (a ? a->dump() : "no answer");
    std::lock_guard lk(w.mu);
    w.acked.push_back(a->value("seq", std::uint64_t{0}));
  }
  std::this_thread::sleep_for(2s);
  stop = true;
  w.join();
  ASSERT_GT(w.acked.size(), 10u);
  const auto log = same_log_everywhere();
  ASSERT_FALSE(log.empty());
  std::map<std::uint64_t, int> seen;
  for (const auto& e : log) ++seen[e["seq"].get<std::uint64_t>()];
  for (auto s : w.acked) EXPECT_EQ(seen[s], 1) << "acked seq " << s;
  const auto last = log.back()["seq"].get<std::uint64_t>();
  // Gap-free and without duplicates, across the resume on another node.
  subs[0].read_until(last);
  std::vector<std::uint64_t> want;
  for (auto s = subs[0].from + 1; s <= last; ++s) want.push_back(s);
  EXPECT_EQ(subs[0].seqs, want) << "node 0's subscriber, resumed on node 1: "
                                << first_difference(subs[0].seqs, want) << "; " << subs[0].stalled;
  for (int i = 1; i < 3; ++i) {
    subs[i].read_until(last);
    std::vector<std::uint64_t> all;
    for (auto s = subs[i].from + 1; s <= last; ++s) all.push_back(s);
    EXPECT_EQ(subs[i].seqs, all) << "subscriber on node " << i << ": " << subs[i].stalled;
  }
  expect_caught_up_in_metrics(static_cast<double>(w.acked.size()));
  verify_replicas();
}

TEST_F(cluster, without_a_quorum_commands_get_unavailable_and_writes_resume_by_themselves) {
  auto writer = open_session(port(1), "gbr.delegate");
  auto reader = open_session(port(2), "un.auditor");
  ASSERT_TRUE(writer && reader);
  auto before = comment(*writer, "before", "q");
  ASSERT_TRUE(before && before->value("type", "") == "ack");
  nats_.node(1).kill9();
  nats_.node(2).kill9();
  // No quorum: the command is refused with `unavailable`, reads go on.
  auto answer = comment(*writer, "no quorum", "q");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->value("type", ""), "reject");
  EXPECT_EQ(answer->value("code", ""), "unavailable");
  const auto token = login(port(2), "un.auditor", demo_password);
  EXPECT_EQ(get(port(2), "/api/state", token).status, 200);
  // The quorum returns: the same a4pd writes again, and the live reader gets it.
  nats_.node(1).start();
  std::optional<json> ack;
  for (int k = 0; k < 60 && !ack; ++k) {
    auto a = comment(*writer, "after", "q");
    if (a && a->value("type", "") == "ack")
      ack = a;
    else
      std::this_thread::sleep_for(500ms);
  }
  ASSERT_TRUE(ack) << "writes resumed";
  const auto seq = ack->value("seq", std::uint64_t{0});
  bool seen = false;
  for (int k = 0; k < 200 && !seen; ++k) {
    auto m = reader->next_of("event", 15s);
    ASSERT_TRUE(m) << "the live session on node 2 goes on";
    seen = m->value("seq", std::uint64_t{0}) == seq;
  }
  EXPECT_TRUE(seen);
  nats_.node(2).start();
  same_log_everywhere();
}

// The events of node i's log whose body is `body`.
int events_with_body(const std::vector<json>& log, const std::string& body) {
  int n = 0;
  for (const auto& e : log)
    if (e.dump().find(body) != std::string::npos) ++n;
  return n;
}

// Idempotency across nodes: a command resent to another node after its node died gets the
// first ack (same seq, same result), and its events are in the log once; one whose node died
// before its answer was read is in the log once after the resend, whichever node had it.
// A session of `user` on `port` that has sent the comment `body` as command `id`.
std::unique_ptr<ws_client> sent(std::uint16_t port, const std::string& user, const std::string& id,
                                const std::string& body) {
  auto c = open_session(port, user);
  if (c && !c->send(comment_cmd(id, "discussion:D1", body))) c.reset();
  return c;
}

TEST_F(cluster, a_command_resent_to_another_node_after_a_failover_gets_the_first_ack) {
  // Acked by node 0, which then dies: the resend to node 1 gets the same ack.
  const auto id = unique_id("idem");
  {
    auto a = sent(port(0), "gbr.delegate", id, "acked once by node 0");
    ASSERT_TRUE(a);
    auto first = answer_to(*a, id);
    ASSERT_TRUE(first && first->value("type", "") == "ack") << (first ? first->dump() : "none");
    kill_node(0);
    auto b = sent(port(1), "gbr.delegate", id, "acked once by node 0");
    ASSERT_TRUE(b);
    auto again = answer_to(*b, id);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->value("type", ""), "ack") << again->dump();
    EXPECT_EQ(again->value("seq", 0), first->value("seq", 0));
    EXPECT_EQ(again->value("result", json()), first->value("result", json()));
  }
  // Sent to node 1, which dies before its answer is read: the resend to node 2 is acked, and
  // the comment is in the log once.
  const auto id2 = unique_id("idem");
  {
    auto c = sent(port(1), "nld.delegate", id2, "sent to node 1 as it died");
    ASSERT_TRUE(c);
    kill_node(1);
    auto d = sent(port(2), "nld.delegate", id2, "sent to node 1 as it died");
    ASSERT_TRUE(d);
    auto ack = answer_to(*d, id2);
    ASSERT_TRUE(ack);
    EXPECT_EQ(ack->value("type", ""), "ack") << ack->dump();
  }
  const auto log = events_of(2);
  EXPECT_EQ(events_with_body(log, "acked once by node 0"), 1);
  EXPECT_EQ(events_with_body(log, "sent to node 1 as it died"), 1);
}

// An authenticated POST with a JSON body.
http_result post_json(std::uint16_t port, const std::string& target, const json& body,
                      const std::string& token) {
  return http_call(port, "POST", target, body.dump(),
                   {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}});
}

// How long until `done` holds (polled every 20 ms), or nullopt after 10 s.
std::optional<double> seconds_until(const std::function<bool()>& done) {
  const auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - t0 < 10s) {
    if (done()) return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::this_thread::sleep_for(20ms);
  }
  return std::nullopt;
}

// Sessions and passwords are shared by the nodes (decision 0327): a token from one node works
// on the others; a logout, a sign-out everywhere and a disabled account end it on every node
// (requests 401, sockets closed 4001) within 1 s, a role change closes the user's sockets on
// every node (4003) within 1 s; a password set through one node's reset link signs in on
// another.
TEST_F(cluster, a_token_works_on_every_node_and_its_end_reaches_every_node_within_a_second) {
  // Signed in on node 0, used on nodes 1 and 2 (a REST read and a live socket).
  const auto token = login(port(0), "gbr.delegate", demo_password);
  ASSERT_FALSE(token.empty());
  // The other nodes have it once their watch of the bucket does (milliseconds).
  auto everywhere = seconds_until([&] {
    return get(port(1), "/api/state", token).status == 200 &&
           get(port(2), "/api/state", token).status == 200;
  });
  ASSERT_TRUE(everywhere) << "the session made on node 0 did not reach nodes 1 and 2";
  EXPECT_LT(*everywhere, 1.0) << "sign-in on node 0 to 200 on nodes 1 and 2";
  ws_client live;
  ASSERT_EQ(live.connect(port(2), token), 101);
  ASSERT_TRUE(live.hello());
  // The logout on node 1.
  ASSERT_EQ(http_call(port(1), "DELETE", "/api/session", "", {{"Authorization", "Bearer " + token}})
                .status,
            200);
  auto ended = seconds_until([&] {
    return get(port(0), "/api/state", token).status == 401 &&
           get(port(2), "/api/state", token).status == 401;
  });
  ASSERT_TRUE(ended) << "the logout did not reach nodes 0 and 2";
  EXPECT_LT(*ended, 1.0) << "logout to 401 on every node";
  EXPECT_EQ(live.wait_close(1s), 4001) << "the socket on node 2";
  std::cout << "sign-in on node 0 to 200 on nodes 1 and 2: " << *everywhere
            << " s; logout on node 1 to 401 on nodes 0 and 2: " << *ended << " s\n";

  const auto sec = login(port(0), "un.secretariat", demo_password);
  // Sign out everywhere through node 0: a session made on node 2 ends on node 1.
  const auto other = login(port(2), "nld.delegate", demo_password);
  ASSERT_TRUE(seconds_until([&] { return get(port(1), "/api/state", other).status == 200; }));
  ASSERT_EQ(post_json(port(0), "/api/admin/users/nld.delegate/signout", json::object(), sec).status,
            200);
  auto signed_out = seconds_until([&] { return get(port(1), "/api/state", other).status == 401; });
  ASSERT_TRUE(signed_out);
  EXPECT_LT(*signed_out, 1.0) << "sign-out everywhere to 401 on node 1";

  // A disabled account (an event, applied by every node): its session made on node 1 ends on
  // node 2, and its socket there is closed.
  const auto doomed = login(port(1), "usa.delegate", demo_password);
  ws_client doomed_live;
  ASSERT_TRUE(seconds_until([&] { return get(port(2), "/api/state", doomed).status == 200; }));
  ASSERT_EQ(doomed_live.connect(port(2), doomed), 101);
  ASSERT_TRUE(doomed_live.hello());
  const json disable = {{"type", "command"},
                        {"id", unique_id("disable")},
                        {"name", "user.disable"},
                        {"args", {{"id", "usa.delegate"}}}};
  ASSERT_EQ(post_json(port(0), "/api/commands", disable, sec).status, 200);
  auto disabled = seconds_until([&] { return get(port(2), "/api/state", doomed).status == 401; });
  ASSERT_TRUE(disabled);
  EXPECT_LT(*disabled, 1.0) << "disable to 401 on node 2";
  EXPECT_EQ(doomed_live.wait_close(1s), 4001);

  // A role change (an event) through node 0 closes the user's socket on node 1 with 4003
  // within 1 s.
  auto promoted = open_session(port(1), "eth.delegate");
  ASSERT_TRUE(promoted);
  const json set_role = {{"type", "command"},
                         {"id", unique_id("role")},
                         {"name", "user.set_role"},
                         {"args", {{"id", "eth.delegate"}, {"role", "secretariat"}}}};
  ASSERT_EQ(post_json(port(0), "/api/commands", set_role, sec).status, 200);
  EXPECT_EQ(promoted->wait_close(1s), 4003) << "role change on node 0 to the close on node 1";

  // A password set by a reset link accepted on node 0 signs in on node 2.
  auto reset = post_json(port(0), "/api/admin/users/gha.delegate/reset", json::object(), sec);
  ASSERT_EQ(reset.status, 200) << reset.body;
  const auto link = json::parse(reset.body)["token"].get<std::string>();
  auto accept = http_call(port(0), "POST", "/api/invite/accept",
                          json{{"token", link}, {"password", "a-new-cluster-password"}}.dump(),
                          {{"Content-Type", "application/json"}});
  ASSERT_EQ(accept.status, 200) << accept.body;
  // Node 2 writes it into its aux space when its watch gets it (milliseconds); a failed
  // sign-in would count against the account, so one attempt, after a generous wait.
  std::this_thread::sleep_for(1s);
  EXPECT_FALSE(login(port(2), "gha.delegate", "a-new-cluster-password").empty());
  EXPECT_TRUE(login(port(1), "gha.delegate", demo_password).empty()) << "the old password";
}

// The users in a presence message.
std::set<std::string> users_in(const json& presence) {
  std::set<std::string> out;
  for (const auto& m : presence["members"]) out.insert(m["user"].get<std::string>());
  return out;
}

// Seconds from `t0` until `c` gets a presence of `room` whose users are `want` (other
// presences skipped), or nullopt after `limit`.
std::optional<double> presence_becomes(
    ws_client& c, const std::string& room, const std::set<std::string>& want,
    std::chrono::milliseconds limit,
    std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now()) {
  const auto end = t0 + limit;
  while (std::chrono::steady_clock::now() < end) {
    auto p = c.next_of("presence", std::chrono::duration_cast<std::chrono::milliseconds>(
                                       end - std::chrono::steady_clock::now()));
    if (!p) return std::nullopt;
    if ((*p)["room"] == room && users_in(*p) == want)
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  return std::nullopt;
}

// Presence across nodes (decision 0328): a room's presence on one node lists the members
// joined on every node. A member joining on node 0 is seen on node 1 within 2 s; leaving, or
// its socket closing, removes it within 2 s; kill -9 of node 0 removes its members once its
// heartbeat has not come for the expiry (6 s by default, looked at every 500 ms).
TEST_F(cluster, presence_in_a_room_lists_the_members_of_every_node) {
  const std::string room = "discussion:D1";
  const json join = {{"type", "join"}, {"room", room}};
  const json leave = {{"type", "leave"}, {"room", room}};
  auto watcher = open_session(port(1), "gha.delegate");
  ASSERT_TRUE(watcher);
  ASSERT_TRUE(watcher->send(join));
  ASSERT_TRUE(presence_becomes(*watcher, room, {"gha.delegate"}, 10s));

  auto remote = open_session(port(0), "nld.delegate");
  ASSERT_TRUE(remote);
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(remote->send(join));
  auto seen = presence_becomes(*watcher, room, {"gha.delegate", "nld.delegate"}, 2s, t0);
  ASSERT_TRUE(seen) << "a join on node 0 did not reach node 1's presence within 2 s";
  t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(remote->send(leave));
  auto left = presence_becomes(*watcher, room, {"gha.delegate"}, 2s, t0);
  ASSERT_TRUE(left) << "a leave on node 0 did not reach node 1's presence within 2 s";
  // The member on node 0 sees node 1's member too.
  ASSERT_TRUE(remote->send(join));
  EXPECT_TRUE(presence_becomes(*remote, room, {"gha.delegate", "nld.delegate"}, 2s));
  ASSERT_TRUE(presence_becomes(*watcher, room, {"gha.delegate", "nld.delegate"}, 2s));
  t0 = std::chrono::steady_clock::now();
  remote->close_abruptly();
  auto closed = presence_becomes(*watcher, room, {"gha.delegate"}, 2s, t0);
  ASSERT_TRUE(closed) << "a socket closed on node 0 stayed in node 1's presence over 2 s";

  // kill -9 of node 0: its members go once its heartbeat is missed for the expiry.
  auto doomed = open_session(port(0), "usa.delegate");
  ASSERT_TRUE(doomed);
  ASSERT_TRUE(doomed->send(join));
  ASSERT_TRUE(presence_becomes(*watcher, room, {"gha.delegate", "usa.delegate"}, 2s));
  t0 = std::chrono::steady_clock::now();
  kill_node(0);
  auto expired = presence_becomes(*watcher, room, {"gha.delegate"}, 12s, t0);
  ASSERT_TRUE(expired) << "a killed node's member stayed in node 1's presence";
  // Expiry 6 s, looked at every 500 ms (a quarter heartbeat): between 4 and 6.5 s after the
  // kill, and a second for a loaded machine.
  EXPECT_LT(*expired, 7.5);
  std::cout << "presence across nodes: join on node 0 seen on node 1 after " << *seen
            << " s, leave after " << *left << " s, socket closed after " << *closed
            << " s; node 0 killed, its member gone from node 1 after " << *expired << " s\n";
}

// Not run by ctest (DISABLED_): acked commands/s through the cluster, nine writers spread over
// the three nodes, against one a4pd (no NATS) with the same writers in the same run.
//   build/ci/tests/nats/a4pd_cluster_test --gtest_also_run_disabled_tests
//     --gtest_filter='*bench*'        (one line; A4P_BENCH_COMMANDS: per writer, default 100)
TEST_F(cluster, DISABLED_bench_acked_commands_per_second_beside_one_node) {
  const char* env = std::getenv("A4P_BENCH_COMMANDS");
  const int per = env ? std::atoi(env) : 100;
  const char* users[] = {"gbr.delegate", "nld.delegate", "usa.delegate",
                         "bgd.delegate", "eth.delegate", "gha.delegate",
                         "can.delegate", "chn.delegate", "nor.delegate"};
  auto run = [&](const std::vector<std::uint16_t>& ports, const std::string& what) {
    writers w;
    const auto t0 = std::chrono::steady_clock::now();
    for (int k = 0; k < 9; ++k) w.start(ports[k % ports.size()], users[k], per, what);
    w.join();
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_TRUE(w.problems.empty()) << w.problems.front();
    std::cout << what << ": " << w.acked.size() << " acked commands in " << secs
              << " s = " << static_cast<double>(w.acked.size()) / secs
              << " commands/s (9 writers, one "
              << "command in flight each)\n";
  };
  run({port(0), port(1), port(2)}, "cluster of three");
  run({port(0)}, "cluster, one node");
  temp_dir single;
  a4pd_options o;
  o.data_dir = single.path() + "/data";
  o.extra_args = {"--rate", "1000", "--burst", "1000"};
  a4pd_process one(o);
  ASSERT_TRUE(one.started());
  run({one.port()}, "one a4pd, no NATS");
}

// Not run by ctest (DISABLED_): fan-out with subscribers spread over the three nodes, against
// the same subscribers and writers on one a4pd (no NATS) in the same run. Three writers (one
// per node) send comments one at a time; every subscriber (delegates, round robin, within the
// 16 sockets a user may hold) reads until the last acked seq. Deliveries/s = events received by
// all subscribers / (last delivery - first send).
//   build/ci/tests/nats/a4pd_cluster_test --gtest_also_run_disabled_tests
//     --gtest_filter='*bench_fan_out*'   (A4P_BENCH_SUBSCRIBERS per node, default 45;
//                                         A4P_BENCH_COMMANDS per writer, default 100)
TEST_F(cluster, DISABLED_bench_fan_out_over_three_nodes_beside_one_node) {
  auto env_or = [](const char* name, int fallback) {
    const char* v = std::getenv(name);
    return v ? std::atoi(v) : fallback;
  };
  const int per_node = env_or("A4P_BENCH_SUBSCRIBERS", 45);
  const int per_writer = env_or("A4P_BENCH_COMMANDS", 100);
  const char* users[] = {"gbr.delegate", "nld.delegate", "usa.delegate",
                         "bgd.delegate", "eth.delegate", "gha.delegate",
                         "can.delegate", "chn.delegate", "nor.delegate"};
  auto run = [&](const std::vector<std::uint16_t>& ports, const std::string& what) {
    std::vector<std::unique_ptr<ws_client>> subs;
    for (const auto p : ports)
      for (int k = 0; k < per_node; ++k) {
        auto c = open_session(p, users[k % 9]);
        ASSERT_TRUE(c) << what << ": subscriber " << k;
        subs.push_back(std::move(c));
      }
    std::atomic<std::uint64_t> last_acked{0}, received{0};
    std::atomic<bool> writing{true};
    std::mutex mu;
    auto last_delivery = std::chrono::steady_clock::now();
    std::vector<std::thread> readers;
    for (auto& c : subs)
      readers.emplace_back([&, c = c.get()] {
        std::uint64_t seen = 0;
        while (writing || seen < last_acked) {
          auto m = c->next_of("event", 3s);
          if (!m) break;
          seen = m->value("seq", std::uint64_t{0});
          received.fetch_add(1);
          std::lock_guard lk(mu);
          last_delivery = std::chrono::steady_clock::now();
        }
      });
    writers w;
    const auto t0 = std::chrono::steady_clock::now();
    for (int k = 0; k < 3; ++k) w.start(ports[k % ports.size()], users[k], per_writer, what);
    w.join();
    for (auto s : w.acked) last_acked = std::max<std::uint64_t>(last_acked, s);
    writing = false;
    for (auto& t : readers) t.join();
    const double secs = std::chrono::duration<double>(last_delivery - t0).count();
    EXPECT_TRUE(w.problems.empty()) << w.problems.front();
    std::cout << what << ": " << subs.size() << " subscribers, " << w.acked.size()
              << " acked commands, " << received.load() << " events delivered in " << secs
              << " s = " << static_cast<double>(received.load()) / secs << " deliveries/s\n";
  };
  run({port(0), port(1), port(2)}, "cluster of three");
  temp_dir single;
  a4pd_options o;
  o.data_dir = single.path() + "/data";
  o.extra_args = {"--rate", "1000", "--burst", "1000"};
  a4pd_process one(o);
  ASSERT_TRUE(one.started());
  run({one.port(), one.port(), one.port()}, "one a4pd, no NATS");
}

}  // namespace
}  // namespace a4p::test
