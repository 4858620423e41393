// The audit timeline's index of the log (issue 13): what the browser's scrubber needs to place
// dates and markers on a log of millions of events without downloading it. It holds
//  - points: the time of the first event and of every `step`-th event (seq % step == 0), and
//    of the head;
//  - markers: every round opened or closed, moderation act (comment hidden or restored,
//    discussion locked or closed) and signed checkpoint, with its seq, time and entity.
// Served whole by GET /api/audit/timeline to auditors and the Secretariat (who see every
// event), about 40 KB at 1,000,000 events. The index is extended on demand from the log's
// stored bytes (the time, name and entity are read without decoding the event); a4pd warms it
// on the reader pool at start, so the first auditor does not wait for the scan.
//
// Thread safety: every public method may be called from any thread (mu_ serialises the scans).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "storage/event_log.hpp"

namespace a4p::server {

class timeline_index {
 public:
  // The time of every `step`-th event is kept (step >= 1).
  explicit timeline_index(std::uint64_t step = 1000) : step_(step < 1 ? 1 : step) {}

  // Reads what the log holds after the index, up to `head`. Cheap when nothing is new.
  [[nodiscard]] storage::status extend(const storage::event_log& log, std::uint64_t head);
  // The index up to what extend() reached, as the JSON body of GET /api/audit/timeline:
  // {"head","step","points":[{"seq","ts"}],"markers":[{"seq","ts","name","entity"}]}.
  [[nodiscard]] std::string body() const;

  // The string value of top-level member `key` of a stored event (canonical JSON, members in
  // sorted order, so the top-level `entity`, `name` and `ts` come after `data` and are found
  // by searching from the end); empty when absent. Exposed for the tests.
  [[nodiscard]] static std::string_view member(std::string_view stored, std::string_view key);

 private:
  struct point {
    std::uint64_t seq;
    std::string ts;
  };
  struct marker {
    std::uint64_t seq;
    std::string ts, name, entity;
  };

  const std::uint64_t step_;
  mutable std::mutex mu_;
  std::uint64_t indexed_ = 0;    // GUARDED_BY(mu_)
  point last_{};                 // GUARDED_BY(mu_): the event at indexed_
  std::vector<point> points_;    // GUARDED_BY(mu_)
  std::vector<marker> markers_;  // GUARDED_BY(mu_)
};

}  // namespace a4p::server
