#include "server/published.hpp"

#include <future>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "protocol/snapshot.hpp"
#include "protocol/workspace.hpp"
#include "server/config.hpp"
#include "server/reader_pool.hpp"
#include "server/server_context.hpp"
#include "storage/event_log.hpp"

namespace a4p::server {

namespace net = boost::asio;

namespace {
std::shared_ptr<const published> freeze(const protocol::state& s) {
  auto v = std::make_shared<published>();
  v->seq = s.seq();
  v->state = std::make_shared<const protocol::state>(s);
  return v;
}
}  // namespace

const protocol::light_skeleton& published::skeleton() const {
  std::call_once(skeleton_once_,
                 [this] { skeleton_ = std::make_unique<const protocol::light_skeleton>(*state); });
  return *skeleton_;
}

publisher::publisher(server_context& ctx, reader_pool& pool, protocol::state durable)
    : ctx_(ctx),
      pool_(pool),
      strand_(net::make_strand(pool.get_executor())),
      replica_(std::move(durable)),
      last_snapshot_(replica_.seq()),
      latest_(freeze(replica_)) {}

void publisher::advance(std::shared_ptr<const std::vector<protocol::event>> events) {
  net::post(strand_, [this, events = std::move(events)] {
    for (const auto& e : *events) {
      // The sequencer applied the same events to its durable state; if one fails here, the
      // two disagree (a bug): the replica stays where it was, and reads are served from it.
      if (auto r = protocol::apply(replica_, e); !r) {
        spdlog::critical("published state: event {} does not apply to the replica: {}", e.seq,
                         r.error().message);
        stuck_ = true;
        return;
      }
    }
    maybe_snapshot();
  });
}

bool publisher::read(std::uint64_t min_seq, read_fn fn, read_lane lane) {
  const bool request = lane == read_lane::requests;
  std::shared_ptr<const published> now;
  {
    std::lock_guard lock(mu_);
    if (latest_->seq >= min_seq) {
      now = latest_;
    } else {
      if (request && !pool_.admit()) return false;
      waiting_.push_back({min_seq, std::move(fn), lane});
      if (!std::exchange(refresh_posted_, true)) net::post(strand_, [this] { refresh(); });
      return true;
    }
  }
  auto run = [fn = std::move(fn), now = std::move(now)] { fn(now); };
  if (!request) {
    pool_.post(std::move(run), lane);
    return true;
  }
  return pool_.try_post(std::move(run));
}

void publisher::read_here(std::uint64_t min_seq, read_fn fn) {
  std::shared_ptr<const published> now;
  {
    std::lock_guard lock(mu_);
    if (latest_->seq >= min_seq) now = latest_;
  }
  if (now) return fn(std::move(now));
  (void)read(min_seq, std::move(fn), read_lane::sessions);
}

void publisher::refresh() {
  auto v = freeze(replica_);
  std::vector<waiter> ready;
  {
    std::lock_guard lock(mu_);
    latest_ = v;
    refresh_posted_ = false;
    // A read whose head is not applied yet waits for the next refresh: its events were handed
    // to this strand before it asked, so that refresh comes after them.
    std::vector<waiter> later;
    for (auto& w : waiting_)
      (w.min_seq <= v->seq || stuck_ ? ready : later).push_back(std::move(w));
    waiting_ = std::move(later);
    if (!waiting_.empty()) {
      refresh_posted_ = true;
      net::post(strand_, [this] { refresh(); });
    }
  }
  for (auto& w : ready) {
    auto run = [fn = std::move(w.fn), v] { fn(v); };
    if (w.lane == read_lane::requests)
      pool_.post_admitted(std::move(run));
    else
      pool_.post(std::move(run), w.lane);
  }
}

void publisher::maybe_snapshot() {
  if (replica_.seq() < last_snapshot_ + ctx_.cfg->snapshot_every) return;
  last_snapshot_ = replica_.seq();
  // Serialised from a frozen copy on the pool, so the replica goes on meanwhile. The file is
  // taken in on the blocking pool, at normal priority: that step holds the log's appends, and
  // the readers' threads may get no CPU for a while (decision 0335).
  pool_.post_background([log = ctx_.log, blocking = ctx_.blocking, v = freeze(replica_)] {
    storage::event_log::step_runner take_in;
    if (blocking)
      take_in = [blocking](const std::function<void()>& step) {
        std::promise<void> ran;
        net::post(*blocking, [&] {
          step();
          ran.set_value();
        });
        ran.get_future().wait();
      };
    auto st = log->save_snapshot(v->seq, protocol::serialize(*v->state), take_in);
    if (!st) spdlog::warn("published state: snapshot at {} failed: {}", v->seq, st.error().message);
  });
}

}  // namespace a4p::server
