// state_at(): the nearest snapshot plus the replay of the events after it.
#include <atomic>
#include <cstring>
#include <system_error>
#include <thread>
#include <vector>

#include "protocol/snapshot.hpp"
#include "protocol/workspace.hpp"

namespace a4p::protocol {

namespace {

// Decodes each event in (after, up_to] and hands it to `fold`, in order, until `stop` is set.
// On failure, the first error (scan's own, or an event that does not decode).
result<void> for_each_decoded(const scan_events_fn& scan, std::uint64_t after, std::uint64_t up_to,
                              const std::atomic<bool>& stop,
                              const std::function<void(event&&)>& fold) {
  std::optional<error> failure;
  auto scanned = scan(after, up_to, [&](std::string_view stored) {
    if (stop.load(std::memory_order_relaxed)) return false;
    auto e = decode_stored(stored);
    if (!e) {
      failure = e.error();
      return false;
    }
    fold(std::move(*e));
    return true;
  });
  if (!scanned) return std::unexpected(scanned.error());
  if (failure) return std::unexpected(*failure);
  return {};
}

// Copies `from` into `to` a chunk at a time, publishing how much is there in `copied` (release
// order), until done or `stop` is set.
void copy_in_chunks(std::string_view from, snapshot_bytes& to, std::atomic<std::size_t>& copied,
                    const std::atomic<bool>& stop) {
  constexpr std::size_t chunk = std::size_t{1} << 20;
  for (std::size_t at = 0; at < from.size() && !stop.load(std::memory_order_relaxed);) {
    std::size_t n = std::min(chunk, from.size() - at);
    std::memcpy(to.data() + at, from.data() + at, n);
    at += n;
    copied.store(at, std::memory_order_release);
  }
}

// Joins a thread when it goes out of scope, also on an early return or an exception; first
// tells it to stop.
class joiner {
 public:
  joiner(std::thread& t, std::atomic<bool>& stop) : t_(t), stop_(stop) {}
  joiner(const joiner&) = delete;
  joiner& operator=(const joiner&) = delete;
  ~joiner() {
    stop_.store(true, std::memory_order_relaxed);
    if (t_.joinable()) t_.join();
  }

 private:
  std::thread& t_;
  std::atomic<bool>& stop_;
};

// Below this many events after the snapshot, and this many snapshot bytes, a helper thread
// costs more than it saves.
constexpr std::uint64_t min_parallel_tail = 256;
constexpr std::size_t min_parallel_copy = std::size_t{4} << 20;

}  // namespace

result<state> state_at(std::uint64_t seq, const load_nearest_snapshot_fn& load_nearest,
                       const scan_events_fn& scan) {
  std::optional<loaded_snapshot> snap;
  if (load_nearest) {
    auto got = load_nearest(seq);
    if (!got) return std::unexpected(got.error());
    snap = std::move(*got);
  }
  if (snap && snap->seq > seq)
    return std::unexpected(error{"corruption", "snapshot is newer than the requested seq", ""});
  const std::uint64_t from = snap ? snap->seq : 0;

  // A helper thread copies the snapshot's bytes while this one deserialises what has been
  // copied so far; then it reads and decodes the events after the snapshot (at most the
  // snapshot interval of them are held), which are folded in here, in order. Without a
  // helper, the bytes are copied first and each event is folded in as it is read.
  std::shared_ptr<snapshot_bytes> bytes;
  std::atomic<std::size_t> copied{0};
  std::atomic<bool> stop{false};
  std::vector<event> tail;
  result<void> tail_read;
  bool tail_on_helper = false;
  std::thread helper;
  joiner join_helper{helper, stop};
  if (snap) {
    bytes = std::make_shared<snapshot_bytes>(snap->stored.size());
    bool copy_on_helper = snap->stored.size() >= min_parallel_copy;
    tail_on_helper = seq - from >= min_parallel_tail;
    if (copy_on_helper || tail_on_helper) {
      try {
        helper = std::thread([&, copy_on_helper, tail_on_helper] {
          if (copy_on_helper) copy_in_chunks(snap->stored, *bytes, copied, stop);
          if (!tail_on_helper) return;
          try {
            tail_read = for_each_decoded(scan, from, seq, stop,
                                         [&](event&& e) { tail.push_back(std::move(e)); });
          } catch (const std::exception& e) {
            tail_read = std::unexpected(error{"internal", e.what(), ""});
          }
        });
      } catch (const std::system_error&) {
        copy_on_helper = tail_on_helper = false;  // no thread to be had: all of it here
      }
    }
    if (!copy_on_helper) copy_in_chunks(snap->stored, *bytes, copied, stop);
  }
  state s;
  if (snap) {
    auto restored = detail::deserialize_as_copied(bytes, &copied);
    if (!restored) return std::unexpected(restored.error());
    if (restored->seq() != from)
      return std::unexpected(error{"corruption", "snapshot holds another seq than its key", ""});
    s = std::move(*restored);
  }
  if (helper.joinable()) helper.join();
  if (snap) snap->keep.reset();  // the bytes are all copied
  if (tail_on_helper) {
    if (!tail_read) return std::unexpected(tail_read.error());
    for (const auto& e : tail) apply(s, e);
  } else if (from < seq) {
    auto read = for_each_decoded(scan, from, seq, stop, [&](event&& e) { apply(s, e); });
    if (!read) return std::unexpected(read.error());
  }
  return s;
}

}  // namespace a4p::protocol
