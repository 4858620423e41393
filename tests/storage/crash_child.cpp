// storage_crash_child: the process the crash and failure tests run and kill. It is a separate
// program (fork + exec), so that it starts with a clean RocksDB and no threads inherited from
// the test process.
//
//   storage_crash_child crash DIR FD ROUND THREADS
//     appends forever from THREADS threads; after each acknowledged append writes one
//     crash_ack record to FD. The test SIGKILLs it.
//   storage_crash_child fsize DIR
//     appends until the file size limit (RLIMIT_FSIZE) makes RocksDB's write fail, then checks
//     the failed state; exit code 0 when everything held, else the number of the broken check.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "storage/event_log.hpp"
#include "tests/storage/crash_protocol.hpp"

using namespace a4p::storage;

namespace {

int run_crash(const std::string& dir, int fd, std::uint32_t round, int threads) {
  auto log = event_log::open(dir);
  if (!log) {
    std::fprintf(stderr, "crash child: open: %s\n", log.error().message.c_str());
    return 2;
  }
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      for (std::uint32_t i = 0;; ++i) {
        std::uint32_t count = (i % 5 == 4) ? 2 : 1;  // some requests carry two events
        append_request req;
        for (std::uint32_t k = 0; k < count; ++k) {
          req.events.push_back(a4p::storage::crash::expected_event(round, t, i, k));
        }
        req.idempotency_key = a4p::storage::crash::idempotency_key(round, t, i);
        req.idempotency_value = "acked";
        auto r = (*log)->append(std::move(req));
        if (!r) {
          std::fprintf(stderr, "crash child: append: %s\n", r.error().message.c_str());
          _exit(3);
        }
        a4p::storage::crash::ack a{(*r)[0].seq, round, static_cast<std::uint32_t>(t), i, count};
        if (write(fd, &a, sizeof a) != static_cast<ssize_t>(sizeof a)) _exit(4);
      }
    });
  }
  for (auto& t : ts) t.join();
  return 0;
}

int run_fsize(const std::string& dir) {
  alarm(60);  // never hang a test run
  auto opened = event_log::open(dir);
  if (!opened) return 10;
  auto& log = *opened;
  for (int i = 0; i < 5; ++i) {
    if (!log->append(a4p::storage::crash::one_event(i, 10))) return 11;
  }
  const std::uint64_t good_head = log->head();
  std::uintmax_t largest = 0;
  for (auto& f : std::filesystem::directory_iterator(dir)) {
    if (f.is_regular_file()) largest = std::max(largest, f.file_size());
  }
  std::signal(SIGXFSZ, SIG_IGN);  // a write past the limit then fails with EFBIG
  rlimit lim{largest + 64 * 1024, largest + 64 * 1024};
  if (setrlimit(RLIMIT_FSIZE, &lim) != 0) return 12;

  std::uint64_t durable = good_head;
  bool saw_failure = false;
  for (int i = 5; i < 2000; ++i) {
    auto r = log->append(a4p::storage::crash::one_event(i, 4000));
    if (r) {
      durable = r->back().seq;
      continue;
    }
    std::fprintf(stderr, "fsize child: append %d failed: %s\n", i, r.error().message.c_str());
    if (r.error().code != status_code::failed) return 13;
    saw_failure = true;
    break;
  }
  if (!saw_failure) return 14;
  if (!log->failed()) return 15;
  auto later = log->append(a4p::storage::crash::one_event(9999, 10));
  if (later || later.error().code != status_code::failed) return 16;
  if (log->head() != durable) return 17;
  auto all = log->read(0, 100000);  // reads go on
  if (!all || all->size() != durable) return 18;
  if (log->put_aux("k", "v")) return 19;  // other writes are refused too
  auto v = log->verify();
  if (!v || !v->ok) return 20;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 5 && args[0] == "crash") {
    return run_crash(args[1], std::stoi(args[2]), static_cast<std::uint32_t>(std::stoul(args[3])),
                     std::stoi(args[4]));
  }
  if (args.size() == 2 && args[0] == "fsize") return run_fsize(args[1]);
  std::fprintf(stderr, "usage: storage_crash_child crash DIR FD ROUND THREADS | fsize DIR\n");
  return 64;
}
