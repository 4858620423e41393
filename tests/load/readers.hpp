// The readers of the load generator's mixed scenario (issue 11 item 4): auditors that, in a
// loop, export the whole log through GET /api/events (following X-A4P-Next) and ask
// GET /api/state?at=S for random seqs; and reconnectors that, in a loop, open a WebSocket,
// resume from a seq far behind the head, read until they are caught up, and close. Each runs
// on its own thread with blocking Beast I/O (a4pd is what is measured, not these).
//
// Usage: background_readers r(params); r.start(); ... r.stop(); r.print();
// Thread safety: start/stop/print from one thread; the counters are atomics.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "tests/load/latency_histogram.hpp"

namespace a4p::load {

struct reader_params {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string token;       // an auditor's bearer token: sees every event, so catch-up ends at head
  std::string epoch;       // the log's epoch (from the first client's welcome)
  std::uint64_t head = 0;  // the head when the readers start (the first resume's reference)
  std::size_t auditors = 0;
  std::size_t reconnectors = 0;
  std::uint64_t resume_back = 50'000;  // how far behind the head a reconnector resumes
  std::size_t states_per_export = 10;  // ?at requests after each whole export
  int nice = 0;                        // the readers' threads' nice value (thread_nice.hpp)
};

class background_readers {
 public:
  explicit background_readers(reader_params p) : p_(std::move(p)) {}
  ~background_readers() { stop(); }
  background_readers(const background_readers&) = delete;
  background_readers& operator=(const background_readers&) = delete;

  void start();
  void stop();
  // One line per kind of reader: requests, bytes, latencies, errors.
  void print(double seconds) const;

 private:
  void auditor_loop(std::size_t i);
  void reconnector_loop(std::size_t i);
  void note_error(const std::string& what);

  reader_params p_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;

  std::atomic<std::uint64_t> event_pages_{0}, event_bytes_{0}, exports_{0};
  std::atomic<std::uint64_t> states_{0}, state_bytes_{0};
  std::atomic<std::uint64_t> resumes_{0}, resumed_events_{0};
  std::atomic<std::uint64_t> errors_{0};
  latency_histogram page_latency_, state_latency_, resume_latency_;
  mutable std::atomic<bool> error_shown_{false};
  std::string first_error_;  // written once, by the thread that flips error_shown_
};

}  // namespace a4p::load
