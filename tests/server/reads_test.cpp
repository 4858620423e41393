// Reads beside writers (issue 11, decision 0308), against the real a4pd: the bounds on reads,
// each with its limit, its documented answer, and what goes on meanwhile.
//  - REST reads in flight per user (--max-user-reads): 429 rate_limited + Retry-After;
//  - the reader pool's queue (--reader-queue): 503 unavailable + Retry-After;
//  - resumes from the log per user (--max-user-catch-ups): error rate_limited, close 4008;
//  - welcome snapshots unsent in all (--max-snapshot-bytes): a new one waits;
// and the lanes (decision 0317): a resume's catch-up from the log, and a sign-in, go on while
// REST reads fill the requests' lane of the reader pool.
// (A client that stops reading is closed at a hard deadline, --write-timeout: session_end's
// a_client_that_stops_reading_is_closed_however_much_it_sends.)
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "tests/server/test_util.hpp"

namespace a4p::test {
namespace {

using namespace std::chrono_literals;

// A demo a4pd without command limits, `extra` flags added, and a log grown by `n` comments of
// `size` bytes (so that whole-log reads take a while).
struct grown_server {
  temp_dir dir;
  std::unique_ptr<a4pd_process> server;
  std::unique_ptr<ws_client> writer;
  std::string target;
  bool ok = false;

  grown_server(const std::vector<std::string>& extra, int n, std::size_t size) {
    auto o = options_in(dir.path(), unthrottled());
    o.extra_args.insert(o.extra_args.end(), extra.begin(), extra.end());
    server = std::make_unique<a4pd_process>(o);
    if (!server->started()) {
      ADD_FAILURE() << server->output();
      return;
    }
    writer = open_session(port(), "eth.delegate");
    if (!writer) return;
    target = open_discussion(*writer->snapshot());
    // In batches of 5 (45 KB with 9 KB comments), so that the writer's own feed stays under a
    // small --max-send-queue.
    ok = !target.empty();
    for (int i = 0; ok && i < n; i += 5) ok = flood(*writer, target, std::min(5, n - i), size);
  }
  [[nodiscard]] std::uint16_t port() const { return server->port(); }
};

// `threads` threads, each as one of `users` in turn, GET `target` `times` times at once; the
// answers.
std::vector<http_result> burst(std::uint16_t port, const std::vector<std::string>& tokens,
                               int threads, int times, const std::string& target) {
  std::mutex mu;
  std::vector<http_result> out;
  std::vector<std::thread> ts;
  for (int i = 0; i < threads; ++i)
    ts.emplace_back([&, i] {
      for (int k = 0; k < times; ++k) {
        auto r = get(port, target, tokens[static_cast<std::size_t>(i) % tokens.size()]);
        std::lock_guard lock(mu);
        out.push_back(std::move(r));
      }
    });
  for (auto& t : ts) t.join();
  return out;
}

// Whole-log reads in a loop from `threads` threads (as `tokens` in turn) until destroyed, so
// that the reader pool's requests' lane stays full: its answers counted, 200 or 503.
struct read_flood {
  std::atomic<bool> stop{false};
  std::atomic<int> served{0}, busy{0}, other{0};
  std::vector<std::thread> threads;

  read_flood(std::uint16_t port, const std::vector<std::string>& tokens, int n) {
    for (int i = 0; i < n; ++i)
      threads.emplace_back(
          [this, port, token = tokens[static_cast<std::size_t>(i) % tokens.size()]] {
            while (!stop) {
              const auto r = get(port, "/api/events?after=0&limit=10000", token);
              (r.status == 200 ? served : r.status == 503 ? busy : other).fetch_add(1);
            }
          });
  }
  ~read_flood() {
    stop = true;
    for (auto& t : threads) t.join();
  }
};

std::vector<std::string> tokens_of(std::uint16_t port, const std::vector<std::string>& users) {
  std::vector<std::string> out;
  for (const auto& u : users) out.push_back(login(port, u, demo_password));
  return out;
}

bool is_error(const http_result& r, int status, const std::string& code) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  return r.status == status && r.headers.contains("retry-after") && j.is_object() &&
         j.value("error", nlohmann::json::object()).value("code", "") == code;
}

// A burst's answers counted: those served (200) and those refused with `status` and `code`;
// any other answer fails the test.
std::pair<int, int> served_and_refused(const std::vector<http_result>& answers, int status,
                                       const std::string& code) {
  int served = 0, refused = 0;
  for (const auto& r : answers) {
    if (r.status == 200)
      ++served;
    else if (is_error(r, status, code))
      ++refused;
    else
      ADD_FAILURE() << r.status << " " << r.body;
  }
  return {served, refused};
}

TEST(reads, one_users_reads_over_the_bound_get_429_and_another_users_are_served) {
  grown_server t({"--max-user-reads", "2", "--reader-threads", "1"}, 400, 9000);
  ASSERT_TRUE(t.ok);
  const auto greedy = login(t.port(), "gbr.delegate", demo_password);
  const auto other = login(t.port(), "nld.delegate", demo_password);
  std::atomic<bool> stop{false};
  std::atomic<int> other_ok{0}, other_bad{0};
  std::thread polite([&] {
    while (!stop) {
      auto r = get(t.port(), "/api/state", other);
      (r.status == 200 ? other_ok : other_bad).fetch_add(1);
    }
  });
  auto answers = burst(t.port(), {greedy}, 12, 4, "/api/events?after=0&limit=10000");
  // The writer is served meanwhile.
  EXPECT_TRUE(post_comment(*t.writer, t.target, "written beside the readers"));
  stop = true;
  polite.join();
  const auto [ok, limited] = served_and_refused(answers, 429, "rate_limited");
  EXPECT_GT(ok, 0);
  EXPECT_GT(limited, 0) << "12 reads at once by one user, 2 allowed";
  EXPECT_GT(other_ok.load(), 0);
  EXPECT_EQ(other_bad.load(), 0) << "another user's reads are not limited by this one's";
}

TEST(reads, a_full_reader_queue_answers_503_with_retry_after_and_then_serves_again) {
  grown_server t({"--reader-queue", "2", "--reader-threads", "1", "--max-user-reads", "100"}, 400,
                 9000);
  ASSERT_TRUE(t.ok);
  std::vector<std::string> tokens;
  for (const char* u : {"gbr.delegate", "nld.delegate", "bgd.delegate"})
    tokens.push_back(login(t.port(), u, demo_password));
  auto answers = burst(t.port(), tokens, 12, 4, "/api/events?after=0&limit=10000");
  const auto [ok, busy] = served_and_refused(answers, 503, "unavailable");
  EXPECT_GT(ok, 0);
  EXPECT_GT(busy, 0) << "12 reads at once, 2 places";
  // Nothing stays stuck: once the burst is over, reads and writes are served.
  EXPECT_EQ(get(t.port(), "/api/state", tokens[0]).status, 200);
  EXPECT_TRUE(post_comment(*t.writer, t.target, "after the burst"));
}

// A server where gbr.delegate may have one resume from the log at a time (--max-user-catch-ups
// 1): a small ring, so that a resume from early on reads the log; a small send queue, so that a
// client that does not read holds its catch-up (and its place) midway; 400 comments of 9 KB.
// The log's epoch and a token of gbr.delegate.
struct one_catch_up_server {
  grown_server t;
  std::unique_ptr<ws_client> probe;
  std::string epoch, token;
  bool ok = false;

  explicit one_catch_up_server(std::vector<std::string> extra)
      : t(with_catch_up_bound(std::move(extra)), 400, 9000) {
    if (!t.ok) return;
    nlohmann::json welcome;
    probe = open_session(t.port(), "gbr.delegate", &welcome);
    if (!probe) return;
    epoch = welcome["epoch"];
    token = login(t.port(), "gbr.delegate", demo_password);
    ok = !token.empty();
  }
  static std::vector<std::string> with_catch_up_bound(std::vector<std::string> extra) {
    extra.insert(extra.begin(),
                 {"--max-user-catch-ups", "1", "--resume-ring", "16", "--max-send-queue", "65536"});
    return extra;
  }
  // Whether a new connection of the user, resuming from seq 1, is resumed (not refused 4008).
  [[nodiscard]] bool resumes_from_the_log() const {
    ws_client again;
    if (again.connect(t.port(), token) != 101) return false;
    auto a = again.hello(epoch, 1);
    return a && a->value("mode", "") == "resume";
  }
};

TEST(reads, a_users_resumes_from_the_log_over_the_bound_are_closed_4008) {
  one_catch_up_server s({});
  ASSERT_TRUE(s.ok);
  const auto& t = s.t;
  // The first resume, 400 events back, on a socket that does not read.
  ws_client stuck;
  ASSERT_EQ(stuck.connect(t.port(), s.token, std::nullopt, 4096), 101);
  ASSERT_TRUE(stuck.send({{"type", "hello"}, {"resume", {{"epoch", s.epoch}, {"seq", 1}}}}));
  ASSERT_TRUE(eventually([&] { return metric(t.port(), "a4p_send_queue_bytes") > 16384; }, 10s));
  // The second of the same user is refused: an error, then 4008 (the client resumes later).
  ws_client second;
  ASSERT_EQ(second.connect(t.port(), s.token), 101);
  ASSERT_TRUE(second.send({{"type", "hello"}, {"resume", {{"epoch", s.epoch}, {"seq", 1}}}}));
  auto err = second.next_of("error", 5s);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->value("code", ""), "rate_limited");
  EXPECT_EQ(second.wait_close(5s), 4008);
  // Another user's resume from the log, and the writer, go on.
  ws_client other;
  ASSERT_EQ(other.connect(t.port(), login(t.port(), "nld.delegate", demo_password)), 101);
  auto w = other.hello(s.epoch, 1);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->value("mode", ""), "resume");
  EXPECT_TRUE(post_comment(*t.writer, t.target, "beside the catch-ups"));
  // Once the first has gone, the user may resume again.
  stuck.close_abruptly();
  ASSERT_TRUE(eventually([&] { return s.resumes_from_the_log(); }, 10s));
}

TEST(reads, a_resume_its_client_closes_midway_lets_go_of_its_place_at_once) {
  // As above, with a client that closes properly (a close frame, as a browser closing its tab)
  // halfway through its catch-up. The session must leave then: before, it stayed in the hub
  // until --write-timeout (60 s here, the default) and held the user's one place, so that the
  // user's next resume was refused 4008 for a minute.
  one_catch_up_server s({"--write-timeout", "60000"});
  ASSERT_TRUE(s.ok);
  const auto port = s.t.port();
  const auto sessions_before = metric(port, "a4p_connections_websocket");
  {
    ws_client first;
    ASSERT_EQ(first.connect(port, s.token, std::nullopt, 4096), 101);
    auto w = first.hello(s.epoch, 1);
    ASSERT_TRUE(w);
    ASSERT_EQ(w->value("mode", ""), "resume");
    ASSERT_TRUE(first.next_of("event", 10s));  // the catch-up has begun; 3.6 MB are to come
    EXPECT_TRUE(first.close());
  }
  // Well before the write timeout: the session is gone and the place free.
  EXPECT_TRUE(
      eventually([&] { return metric(port, "a4p_connections_websocket") <= sessions_before; }, 5s));
  EXPECT_TRUE(s.resumes_from_the_log());
}

// Each thread of `pid` named `name`: its scheduling policy (0 normal, 5 SCHED_IDLE) and nice
// value, from /proc/PID/task/TID/stat (fields 19 and 41).
std::vector<std::pair<int, int>> policies_of(pid_t pid, const std::string& name) {
  std::vector<std::pair<int, int>> out;
  for (const auto& t :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
    std::ifstream comm(t.path() / "comm");
    std::string n;
    std::getline(comm, n);
    if (n != name) continue;
    std::ifstream stat(t.path() / "stat");
    std::string line;
    std::getline(stat, line);
    std::istringstream rest(line.substr(line.rfind(')') + 2));  // from field 3 on
    std::vector<std::string> f{"", "", ""};
    for (std::string x; rest >> x;) f.push_back(x);
    if (f.size() > 41) out.emplace_back(std::stoi(f[41]), std::stoi(f[19]));
  }
  return out;
}

// Decision 0335: the REST readers and the catch-ups run under SCHED_IDLE by default, the sessions'
// lane (sign-ins wait for it) at its nice value; --reader-idle false gives the nice values back.
TEST(reads, the_readers_threads_run_under_sched_idle_and_the_sessions_lane_does_not) {
  constexpr int normal = 0, idle = 5;
  using policies = std::vector<std::pair<int, int>>;
  // The threads set their own policy as they start, which may be just after a4pd listens.
  auto expect = [](pid_t pid, const std::string& name, const policies& want) {
    EXPECT_TRUE(eventually([&] { return policies_of(pid, name) == want; }, 10s))
        << name << ": " << testing::PrintToString(policies_of(pid, name));
  };
  {
    temp_dir dir;
    a4pd_process server(options_in(dir.path()));
    ASSERT_TRUE(server.started()) << server.output();
    expect(server.pid(), "a4pd-read", {{idle, 19}, {idle, 19}});
    expect(server.pid(), "a4pd-catchup", {{idle, 19}});
    expect(server.pid(), "a4pd-sessions", {{normal, 5}});
  }
  temp_dir dir;
  a4pd_process server(options_in(dir.path(), {"--reader-idle", "false", "--catch-up-nice", "12"}));
  ASSERT_TRUE(server.started()) << server.output();
  expect(server.pid(), "a4pd-read", {{normal, 19}, {normal, 19}});
  expect(server.pid(), "a4pd-catchup", {{normal, 12}});
}

TEST(reads, a_welcome_snapshot_waits_while_others_are_unsent_over_the_budget) {
  // The state holds 400 comments of 9 KB: each snapshot is about 3.6 MB, over a 1 MB budget.
  grown_server t({"--max-snapshot-bytes", "1000000", "--max-send-queue", "65536"}, 400, 9000);
  ASSERT_TRUE(t.ok);
  // One snapshot that stays unsent: its client does not read.
  ws_client stuck;
  ASSERT_EQ(
      stuck.connect(t.port(), login(t.port(), "gbr.delegate", demo_password), std::nullopt, 4096),
      101);
  ASSERT_TRUE(stuck.send({{"type", "hello"}}));
  ASSERT_TRUE(
      eventually([&] { return metric(t.port(), "a4p_welcome_snapshot_bytes") > 1e6; }, 10s));
  // The next hello waits: no welcome while the budget is spent; the writer goes on.
  ws_client next;
  ASSERT_EQ(next.connect(t.port(), login(t.port(), "nld.delegate", demo_password)), 101);
  ASSERT_TRUE(next.send({{"type", "hello"}}));
  std::optional<nlohmann::json> welcome, snapshot;
  std::chrono::steady_clock::time_point welcomed;
  std::thread waiter([&] {
    welcome = next.next_of("welcome", 20s);
    welcomed = std::chrono::steady_clock::now();
    if (welcome) snapshot = next.next_of("snapshot", 10s);
  });
  std::this_thread::sleep_for(1500ms);
  EXPECT_TRUE(post_comment(*t.writer, t.target, "beside the snapshots"));
  // Once the unsent snapshot is gone, the waiting one is built and sent.
  const auto freed = std::chrono::steady_clock::now();
  stuck.close_abruptly();
  waiter.join();
  ASSERT_TRUE(welcome);
  EXPECT_GT(welcomed, freed) << "welcomed while the snapshot budget was spent";
  EXPECT_EQ(welcome->value("mode", ""), "snapshot");
  EXPECT_TRUE(snapshot);
}

// Decisions 0317 and 0335: a resume's pages from the log are read on a lane of their own. With
// one REST reader thread kept busy and its queue full, a resume 1,200 events back, in pages of
// about two events (a 64 KiB send queue: some 600 pages), still completes: on one shared lane
// each page would wait behind up to 16 whole-log reads. (1,200: since catch-ups send events as
// stored, a 400-event resume could end before the first whole-log read, and `served` was 0.) The
// lanes at the same nice value here (both default to 19): the resume must finish by its own lane,
// not by priority, while the REST reads are still served.
TEST(reads, a_resume_from_the_log_completes_while_rest_reads_fill_their_lane) {
  grown_server t({"--reader-threads", "1", "--reader-queue", "16", "--max-user-reads", "100",
                  "--resume-ring", "16", "--max-send-queue", "65536", "--reader-nice", "5",
                  "--session-reader-nice", "5", "--catch-up-nice", "5", "--reader-idle", "false"},
                 1200, 9000);
  ASSERT_TRUE(t.ok);
  nlohmann::json welcome;
  auto probe = open_session(t.port(), "eth.delegate", &welcome);
  ASSERT_TRUE(probe);
  const std::string epoch = welcome["epoch"];
  const std::uint64_t head = welcome["head"];
  const auto token = login(t.port(), "eth.delegate", demo_password);
  read_flood flood(t.port(), tokens_of(t.port(), {"gbr.delegate", "nld.delegate", "bgd.delegate"}),
                   24);
  ASSERT_TRUE(eventually([&] { return flood.busy.load() > 0; }, 20s))
      << "the requests' lane never filled";
  const int busy_before = flood.busy.load();

  const auto started = std::chrono::steady_clock::now();
  ws_client back;
  ASSERT_EQ(back.connect(t.port(), token), 101);
  auto w = back.hello(epoch, 1);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->value("mode", ""), "resume");
  std::uint64_t last = 1;
  while (last < head) {
    auto e = back.next_of("event", 10s);
    ASSERT_TRUE(e) << "the catch-up stalled after seq " << last;
    last = (*e)["seq"];
  }
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_LT(took, 20s) << "the catch-up of " << head << " events took "
                       << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                       << " ms";
  EXPECT_GT(flood.busy.load(), busy_before) << "the requests' lane stayed full meanwhile";
  EXPECT_EQ(flood.other.load(), 0);
  EXPECT_GT(flood.served.load(), 0);
}

// Decision 0317: a sign-in reads the latest published version on its own thread, or waits for
// a new copy on the sessions' lane, never in the REST reads' queue. Each sign-in follows a new
// comment, so the version it needs is newer than the last copy.
TEST(reads, a_sign_in_completes_while_the_reader_queue_is_full) {
  grown_server t({"--reader-threads", "1", "--reader-queue", "16", "--max-user-reads", "100"}, 400,
                 9000);
  ASSERT_TRUE(t.ok);
  read_flood flood(t.port(), tokens_of(t.port(), {"gbr.delegate", "nld.delegate", "bgd.delegate"}),
                   24);
  ASSERT_TRUE(eventually([&] { return flood.busy.load() > 0; }, 20s))
      << "the requests' lane never filled";
  const int busy_before = flood.busy.load();
  for (const char* user : {"eth.delegate", "gha.delegate", "un.auditor"}) {
    ASSERT_TRUE(post_comment(*t.writer, t.target, std::string("before ") + user));
    const auto started = std::chrono::steady_clock::now();
    const auto token = login(t.port(), user, demo_password);
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_FALSE(token.empty()) << user;
    EXPECT_LT(took, 2s) << user << " signed in in "
                        << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                        << " ms";
  }
  EXPECT_GT(flood.busy.load(), busy_before) << "the reader queue stayed full meanwhile";
  EXPECT_EQ(flood.other.load(), 0);
}

// Sends `request` over a plain socket whose receive buffer is small, waits `pause` before reading
// (so the server's write blocks meanwhile), then reads until the server closes: the raw answer.
std::string slow_read(std::uint16_t port, const std::string& request,
                      std::chrono::milliseconds pause) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  int small = 4096;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  std::string answer;
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0 &&
      send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
    std::this_thread::sleep_for(pause);
    char buf[65536];
    for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;)
      answer.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return answer;
}

// The 4 auditor errors ("partial message") of the mixed load run of 2026-11-29 20:45: the
// request header's deadline (--header-timeout, 10 s) was still the connection's when the answer
// was written, so an answer that was slow to prepare (a past state taking 9 s) or to send was
// cut once it ran out. An answer's write now has --write-timeout of its own.
TEST(reads, an_answer_still_being_written_after_the_header_deadline_is_not_cut) {
  grown_server t({"--header-timeout", "300"}, 400, 9000);
  ASSERT_TRUE(t.ok);
  const auto token = login(t.port(), "gbr.delegate", demo_password);
  const std::string request =
      "GET /api/events?after=0&limit=10000 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Authorization: Bearer " +
      token + "\r\nConnection: close\r\n\r\n";
  const auto answer = slow_read(t.port(), request, 1500ms);
  ASSERT_EQ(status_of(answer), 200) << answer.substr(0, 200);
  const auto end_of_head = answer.find("\r\n\r\n");
  ASSERT_NE(end_of_head, std::string::npos);
  const auto head = answer.substr(0, end_of_head);
  const auto at = head.find("Content-Length: ");
  ASSERT_NE(at, std::string::npos) << head;
  const auto length = std::stoull(head.substr(at + 16));
  EXPECT_GT(length, 400u * 9000u);
  EXPECT_EQ(answer.size() - end_of_head - 4, length) << "the answer was cut";
}

}  // namespace
}  // namespace a4p::test
