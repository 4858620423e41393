// The sequencer's hello: resume or snapshot, the welcome snapshot (built on the reader pool)
// and a resume's catch-up (from the ring, or paged from the log), until the session joins the
// live feed. The class and its threading contract are in sequencer.hpp.
#include <algorithm>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "protocol/json_codec.hpp"
#include "protocol/rooms.hpp"
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
  void take(feed_item item) {
    bytes += item.body->size();
    batch.push_back(std::move(item));
  }
  std::size_t max_bytes;
  std::uint64_t cursor;
  std::uint64_t last;
  std::size_t bytes = 0;
  std::vector<feed_item> batch;
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

  // From here the hub knows who it is and its view; the rooms of its hello are joined before
  // any catch-up event is chosen (event or tick), so that a resume is exact per room.
  const bool light = h.view == "light";
  ctx_.clients->prepare(s->id(), v, light);
  auto rooms = join_hello_rooms(s, v, h.rooms);

  if (!resume) {
    // The snapshot is viewed and serialised on the reader pool from a published version at
    // least as new as `head`, not here (decision 0308).
    (void)ctx_.published->read(
        head,
        [this, s, view = h.view, rooms,
         gzip = h.snapshot_encoding == "gzip"](const std::shared_ptr<const published>& pub) {
          welcome_snapshot(s, *pub, view, rooms, gzip);
        },
        read_lane::sessions);
    return;
  }
  s->send(protocol::welcome_message(welcome_of(durable_, *p), epoch, head, "resume", h.view));
  for (auto& m : rooms.refused) s->send(std::move(m));
  s->start_feed(h.resume->seq, v);
  // The events after the resume point, then the live feed.
  catch_up(s, v, h.resume->seq, head);
}

sequencer::hello_rooms sequencer::join_hello_rooms(const std::shared_ptr<websocket_session>& s,
                                                   const protocol::principal& v,
                                                   const std::vector<std::string>& rooms) {
  hello_rooms out;
  for (const auto& room : rooms) {
    if (!protocol::room_visible(durable_, v, room)) {
      out.refused.push_back(protocol::error_message("not_found", "no such room: " + room));
    } else if (ctx_.clients->join(s->id(), room) == hub::join_result::too_many) {
      out.refused.push_back(
          protocol::error_message("too_large", "too many rooms: " + room + " not joined"));
    } else {
      out.joined.push_back(room);
    }
  }
  return out;
}

void sequencer::welcome_snapshot(const std::shared_ptr<websocket_session>& s, const published& pub,
                                 const std::string& view, const hello_rooms& rooms, bool gzip) {
  const bool light = view == "light";
  if (s->ended()) return;
  // Welcome snapshots are exempt from the send-queue bound, so their unsent bytes are bounded
  // in all (--max-snapshot-bytes): over it, this one waits and is built later, from a newer
  // version.
  if (ctx_.stats->snapshot_bytes.load() >=
      static_cast<std::int64_t>(ctx_.cfg->max_snapshot_bytes)) {
    auto timer = std::make_shared<net::steady_timer>(ctx_.readers->get_executor(), snapshot_retry);
    timer->async_wait(
        [this, s, timer, seq = pub.seq, view, rooms, gzip](const boost::system::error_code&) {
          (void)ctx_.published->read(
              seq,
              [this, s, view, rooms, gzip](const std::shared_ptr<const published>& v) {
                welcome_snapshot(s, *v, view, rooms, gzip);
              },
              read_lane::sessions);
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
  const auto epoch = ctx_.log->epoch();
  if (light) {
    s->send(protocol::welcome_message(welcome_of(st, v), epoch, pub.seq, "snapshot", "light"));
    // Serialised (and deflated, for gzip) once per version.
    if (gzip) {
      s->send_snapshot(pub.skeleton().message_gzip(st, v), true);
    } else {
      s->send_snapshot(pub.skeleton().message(st, v));
    }
    for (const auto& m : rooms.refused) s->send(m);
    // The rooms of the hello (not those joined since: a join sends its own page, with its
    // limit) that are still joined: their latest pages, from the same version.
    const auto now = ctx_.clients->feed_rooms(s->id()).value_or(std::set<std::string>{});
    for (const auto& room : rooms.joined)
      if (now.contains(room)) send_page(s, v, protocol::page_request{room, {}, {}, {}}, true, pub);
  } else {
    const auto too_large_at = full_too_large_at_.load();
    std::string snapshot;
    if (too_large_at == 0 || pub.seq < too_large_at) {
      snapshot = protocol::snapshot_message(pub.seq, protocol::view_state(st, v));
      if (snapshot.size() / 2 > ctx_.cfg->max_full_snapshot_bytes) {
        auto seen = full_too_large_at_.load();
        while ((seen == 0 || pub.seq < seen) &&
               !full_too_large_at_.compare_exchange_weak(seen, pub.seq)) {
        }
      }
    }
    if (snapshot.empty() || snapshot.size() > ctx_.cfg->max_full_snapshot_bytes) {
      // The a4p.v1 bound (protocol/README.md): no snapshot byte; the client is told to page.
      ctx_.stats->full_snapshots_refused.fetch_add(1, std::memory_order_relaxed);
      s->send(protocol::error_message(
          "too_large",
          "the workspace is too large for a whole-state snapshot; send hello with "
          "\"view\":\"light\" and page threads (see protocol/README.md)"));
      return s->close(1009);
    }
    s->send(protocol::welcome_message(welcome_of(st, v), epoch, pub.seq, "snapshot", view));
    s->send_snapshot(std::move(snapshot));
    for (const auto& m : rooms.refused) s->send(m);
  }
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
        read_lane::catch_ups);
    return;
  }
  // From the ring (sorted by seq): the entries after `cursor`.
  catch_up_page page(ctx_.cfg->max_send_queue_bytes / 4, cursor);
  const auto rooms = ctx_.clients->feed_rooms(s->id());  // a light session's: ticks
  auto it = std::upper_bound(ring_.begin(), ring_.end(), cursor,
                             [](std::uint64_t x, const auto& f) { return x < f->seq; });
  for (; it != ring_.end() && !page.full(); ++it) {
    page.last = (*it)->seq;
    if (auto item = (*it)->item_for(v, rooms ? &*rooms : nullptr)) page.take(std::move(*item));
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
  const auto rooms = ctx_.clients->feed_rooms(s->id());  // a light session's: ticks
  auto st = ctx_.log->scan_raw(cursor, up_to, [&](std::uint64_t seq, std::string_view raw) {
    auto e = protocol::decode_stored(raw);
    if (!e) return false;
    page.last = seq;
    auto sight = protocol::sight_of(*pub.state, v, *e);
    if (sight == protocol::sight::withheld) return !page.full();
    // A comment event on a room not joined: a tick, with the thread as this version has it
    // (read from the log, the catch-up has no state just after the event; the last tick of a
    // room carries its thread as it is now, which is what the skeleton must end with).
    if (auto room = rooms ? protocol::room_of_comment_event(*pub.state, *e) : std::string();
        !room.empty() && !rooms->contains(room)) {
      page.take({e->seq,
                 std::make_shared<const std::string>(
                     protocol::tick_body(room, e->seq, protocol::thread_json(*pub.state, room))),
                 true});
      return !page.full();
    }
    // A full sight is sent as stored (the bytes event_body(e, none) writes, the test
    // Messages.AFullEventBodyIsItsStoredBytes): most of a resume, written again for nothing.
    page.take({e->seq,
               std::make_shared<const std::string>(
                   sight == protocol::sight::full
                       ? std::string(raw)
                       : protocol::event_body(*e, protocol::redaction::redacted)),
               false});
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
