// The published version of the durable state: what every read is judged and built from, off
// the sequencer's strand (decision 0308).
//
// The sequencer hands each durable batch of events here (advance(), on its strand, in seq
// order) and goes on. On the reader pool, a replica of the durable state applies them on its
// own strand. A read asks for a version at least as new as the durable head it knows (so a
// client that saw its ack reads its own write); when the last published version is older,
// the replica is copied once (the tables; the arena's immutable bytes are shared) and that
// frozen copy serves every read waiting for it: copies are made on demand, coalesced, and never
// on the writer. The periodic state snapshot is serialised from such a copy as well (on the
// requests' lane: it may wait). The replica's strand is on the sessions' lane of the pool, so a
// new version is never queued behind REST reads (decision 0317).
//
// Thread safety: advance() is called on the sequencer's strand only; read() from any thread;
// the replica is touched on this object's strand only; latest_ and waiting_ under mu_.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "protocol/light_skeleton.hpp"
#include "protocol/state.hpp"
#include "protocol/workspace.hpp"
#include "server/reader_pool.hpp"

namespace a4p::server {

struct server_context;

// One immutable version: the durable state at `seq`, shared by every reader holding it.
struct published {
  std::uint64_t seq = 0;
  std::shared_ptr<const protocol::state> state;

  // The light skeleton of this version (protocol/light_skeleton.hpp, decision 0212): built by
  // the first light reader (a hello, GET /api/state?view=light), the others wait for it and
  // share it; each reader's text is then put together from it. Released with the version
  // (versions are made on demand and dropped when no read holds them and a newer one is out),
  // so memory stays about one skeleton per version in use.
  [[nodiscard]] const protocol::light_skeleton& skeleton() const;

 private:
  mutable std::once_flag skeleton_once_;
  mutable std::unique_ptr<const protocol::light_skeleton> skeleton_;
};

class publisher {
 public:
  // `durable`: the state at the log's head when a4pd starts.
  publisher(server_context& ctx, reader_pool& pool, protocol::state durable);

  // Durable events, in seq order, as the sequencer folded them into its durable state.
  void advance(std::shared_ptr<const std::vector<protocol::event>> events);

  using read_fn = std::function<void(std::shared_ptr<const published>)>;
  // Calls fn on the reader pool's `lane` (reader_pool.hpp) with a version at least as new as
  // `min_seq`. A request (a REST read, read_lane::requests) takes a place in the pool's bounded
  // queue, and false means the queue is full: fn is not called. The server's own reads (the
  // other lanes) are always queued.
  [[nodiscard]] bool read(std::uint64_t min_seq, read_fn fn, read_lane lane);
  // fn on the calling thread with the latest version when it is at least as new as `min_seq`
  // (no queue); otherwise on the sessions' lane once a copy that new is made. For a sign-in,
  // which must not wait behind reads (decision 0317).
  void read_here(std::uint64_t min_seq, read_fn fn);

 private:
  // On strand_: publishes a copy of the replica to the reads that wait for one.
  void refresh();
  void maybe_snapshot();

  struct waiter {
    std::uint64_t min_seq;
    read_fn fn;
    read_lane lane;  // requests: holds a place in the pool's queue
  };

  server_context& ctx_;
  reader_pool& pool_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  protocol::state replica_;  // on strand_
  bool stuck_ = false;       // on strand_: an event did not apply; reads get what there is
  std::uint64_t last_snapshot_ = 0;
  std::mutex mu_;
  std::shared_ptr<const published> latest_;  // GUARDED_BY(mu_)
  std::vector<waiter> waiting_;              // GUARDED_BY(mu_)
  bool refresh_posted_ = false;              // GUARDED_BY(mu_)
};

}  // namespace a4p::server
