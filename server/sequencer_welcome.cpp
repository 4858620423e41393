// The sequencer's hello: resume or snapshot, the welcome snapshot (built on the reader pool)
// and a resume's catch-up (from the ring, or paged from the log), until the session joins the
// live feed. The class and its threading contract are in sequencer.hpp.
#include <algorithm>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "protocol/json_codec.hpp"
#include "protocol/snapshot.hpp"
#include "protocol/visibility.hpp"
#include "server/admin/session_store.hpp"
#include "server/config.hpp"
#include "server/hub.hpp"
#include "server/log_state.hpp"
#include "server/metrics.hpp"
#include "server/reader_pool.hpp"
#include "server/sequencer.hpp"
#include "server/server_context.hpp"
#include "server/user_slots.hpp"
#include "server/websocket_session.hpp"
#include "storage/event_log.hpp"

namespace a4p::server {

namespace net = boost::asio;

namespace {

// Events one step of a resume's catch-up reads from the log (besides the byte bound: a quarter
// of --max-send-queue), before it waits for the session's queue to drain.
constexpr std::uint64_t resume_page_events = 1024;
// How long a welcome snapshot waits when --max-snapshot-bytes are unsent, before it tries again.
constexpr std::chrono::milliseconds snapshot_retry{50};

// The welcome's user: who the session is, as `st` has them.
protocol::welcome_user welcome_of(const protocol::state& st, const protocol::principal& p) {
  protocol::welcome_user wu;
  wu.id = p.user;
  wu.org = p.org;
  if (auto it = st.users.find(p.user); it != st.users.end()) wu.name = it->second.name;
  wu.roles = protocol::roles_of(st, p);
  return wu;
}

// One page of a resume's catch-up: the events read after `cursor` up to `last`, at most
// resume_page_events of them or `max_bytes` of bodies kept.
struct catch_up_page {
  catch_up_page(std::size_t max_bytes, std::uint64_t cursor)
      : max_bytes(max_bytes), cursor(cursor), last(cursor) {}
  [[nodiscard]] bool full() const {
    return bytes >= max_bytes || last - cursor >= resume_page_events;
  }
  void take(std::uint64_t seq, std::shared_ptr<const std::string> body) {
    bytes += body->size();
    batch.emplace_back(seq, std::move(body));
  }
  std::size_t max_bytes;
  std::uint64_t cursor;
  std::uint64_t last;
  std::size_t bytes = 0;
  std::vector<std::pair<std::uint64_t, std::shared_ptr<const std::string>>> batch;
};
}  // namespace

// ---- hello ----

void sequencer::attach(std::shared_ptr<websocket_session> s, protocol::hello h) {
  net::post(strand_, [this, s = std::move(s), h = std::move(h)] { do_attach(s, h); });
}

void sequencer::do_attach(const std::shared_ptr<websocket_session>& s, const protocol::hello& h) {
  // Everything published goes to the current sessions first: the catch-up below then ends
  // exactly where this session's live feed begins.
  flush();
  // The token may have been logged out between the upgrade and this hello.
  if (!ctx_.sessions->valid_hash(s->token_hash())) {
    s->send(protocol::error_message("unauthorized", "the session has ended; sign in again"));
    s->refuse(4001);
    return;
  }
  if (s->ended()) return;  // closed (logout, role change) before its hello was answered
  auto p = protocol::principal_of(durable_, s->user());
  if (!p) {
    s->send(protocol::error_message("forbidden", "this account does not exist any more"));
    s->refuse(1008);
    return;
  }
  const auto& v = *p;
  const auto head = durable_.seq();
  const auto epoch = ctx_.log->epoch();
  bool resume = h.resume && h.resume->epoch == epoch && h.resume->seq <= head &&
                head - h.resume->seq <= ctx_.cfg->max_resume_events;
  // What the client holds was filtered for the user as they were; if their view changed since
  // (role, endorsement), a resume would leave it in place: send a snapshot instead.
  if (auto it = view_changed_at_.find(p->user);
      resume && it != view_changed_at_.end() && h.resume->seq < it->second)
    resume = false;
  // A user's resumes that read from the log (older than the ring) are bounded
  // (--max-user-catch-ups): each reads up to --max-resume events. The place is held with the
  // session until it is live. (Snapshots are bounded in bytes, in welcome_snapshot.)
  if (resume && h.resume->seq + 1 < (ring_.empty() ? head + 1 : ring_.front()->seq)) {
    auto place = ctx_.user_catch_ups->take(p->user);
    if (!place) {
      s->send(protocol::error_message("rate_limited",
                                      "too many connections of this user catching up from the "
                                      "log at once; reconnect later"));
      s->close(4008);
      return;
    }
    ctx_.clients->hold(s->id(), std::move(place));
  }

  if (!resume) {
    // The snapshot is viewed and serialised on the reader pool from a published version at
    // least as new as `head`, not here (decision 0308).
    (void)ctx_.published->read(
        head, [this, s](const std::shared_ptr<const published>& pub) { welcome_snapshot(s, *pub); },
        false);
    return;
  }
  s->send(protocol::welcome_message(welcome_of(durable_, *p), epoch, head, "resume"));
  s->start_feed(h.resume->seq, v);
  // The events after the resume point, then the live feed.
  catch_up(s, v, h.resume->seq, head);
}

void sequencer::welcome_snapshot(const std::shared_ptr<websocket_session>& s,
                                 const published& pub) {
  if (s->ended()) return;
  // Welcome snapshots are exempt from the send-queue bound, so their unsent bytes are bounded
  // in all (--max-snapshot-bytes): over it, this one waits and is built later, from a newer
  // version.
  if (ctx_.stats->snapshot_bytes.load() >=
      static_cast<std::int64_t>(ctx_.cfg->max_snapshot_bytes)) {
    auto timer = std::make_shared<net::steady_timer>(ctx_.readers->get_executor(), snapshot_retry);
    timer->async_wait([this, s, timer, seq = pub.seq](const boost::system::error_code&) {
      (void)ctx_.published->read(
          seq, [this, s](const std::shared_ptr<const published>& v) { welcome_snapshot(s, *v); },
          false);
    });
    return;
  }
  const auto& st = *pub.state;
  auto p = protocol::principal_of(st, s->user());
  if (!p) {  // disabled since the hello was read
    s->send(protocol::error_message("forbidden", "this account does not exist any more"));
    s->refuse(1008);
    return;
  }
  const protocol::principal v = *p;
  s->send(protocol::welcome_message(welcome_of(st, v), ctx_.log->epoch(), pub.seq, "snapshot"));
  s->send_snapshot(protocol::snapshot_message(pub.seq, protocol::view_state(st, v)));
  // The events after the snapshot (from the ring), then the live feed: the same way in as a
  // resume's. A view change after pub.seq closes it there (4003).
  net::post(strand_, [this, s, v, seq = pub.seq] {
    s->start_feed(seq, v);
    catch_up(s, v, seq, seq);
  });
}

void sequencer::catch_up(const std::shared_ptr<websocket_session>& s, const protocol::principal& v,
                         std::uint64_t cursor, std::uint64_t attached_at) {
  if (s->ended()) return;
  if (!ctx_.sessions->valid_hash(s->token_hash())) return s->close(4001);
  if (auto it = view_changed_at_.find(s->user());
      it != view_changed_at_.end() && it->second > attached_at)
    return s->close(4003);  // what it was sent so far was judged for the view it had
  flush();  // every published event is with the live sessions: the ring below is complete
  const auto head = durable_.seq();
  const std::uint64_t ring_first = ring_.empty() ? head + 1 : ring_.front()->seq;
  if (cursor + 1 < ring_first) {
    // Older than the ring: one page from the log on the reader pool, judged against a published
    // version (the state as it is now), then back here for the next step.
    const auto up_to = std::min<std::uint64_t>(ring_first - 1, head);
    (void)ctx_.published->read(
        up_to,
        [this, w = std::weak_ptr(s), v, cursor, up_to,
         attached_at](const std::shared_ptr<const published>& pub) {
          if (auto live = w.lock()) log_page(live, v, cursor, up_to, attached_at, *pub);
        },
        false);
    return;
  }
  // From the ring (sorted by seq): the entries after `cursor`.
  catch_up_page page(ctx_.cfg->max_send_queue_bytes / 4, cursor);
  auto it = std::upper_bound(ring_.begin(), ring_.end(), cursor,
                             [](std::uint64_t x, const auto& f) { return x < f->seq; });
  for (; it != ring_.end() && !page.full(); ++it) {
    page.last = (*it)->seq;
    if (const auto* body = (*it)->body_for(v)) page.take(page.last, *body);
  }
  s->deliver_events(std::move(page.batch));
  if (it != ring_.end()) return next_page(s, v, page.last, attached_at);
  // Caught up with everything published: from here on the live feed. False when the session
  // was closed meanwhile: it is not enrolled any more, gets nothing.
  (void)ctx_.clients->add(s->id(), v);
}

void sequencer::log_page(const std::shared_ptr<websocket_session>& s, const protocol::principal& v,
                         std::uint64_t cursor, std::uint64_t up_to, std::uint64_t attached_at,
                         const published& pub) {
  if (s->ended()) return;
  catch_up_page page(ctx_.cfg->max_send_queue_bytes / 4, cursor);
  auto st = ctx_.log->scan_raw(cursor, up_to, [&](std::uint64_t seq, std::string_view raw) {
    auto e = protocol::decode_stored(raw);
    if (!e) return false;
    page.last = seq;
    auto sight = protocol::sight_of(*pub.state, v, *e);
    if (sight != protocol::sight::withheld)
      page.take(e->seq, std::make_shared<const std::string>(protocol::event_body(
                            *e, sight == protocol::sight::full ? protocol::redaction::none
                                                               : protocol::redaction::redacted)));
    return !page.full();
  });
  if (!st || page.last == cursor) {
    spdlog::error("sequencer: resume read failed after seq {}: {}", cursor,
                  st ? "an event did not decode" : st.error().message);
    return s->close(1011);
  }
  s->deliver_events(std::move(page.batch));
  next_page(s, v, page.last, attached_at);
}

void sequencer::next_page(const std::shared_ptr<websocket_session>& s, const protocol::principal& v,
                          std::uint64_t last, std::uint64_t attached_at) {
  // Once the session's queue has room. A weak reference: the session holds this waiter, and
  // must not keep itself alive by it.
  s->when_drained([this, w = std::weak_ptr(s), v, last, attached_at] {
    net::post(strand_, [this, w, v, last, attached_at] {
      if (auto live = w.lock()) catch_up(live, v, last, attached_at);
    });
  });
}
}  // namespace a4p::server
