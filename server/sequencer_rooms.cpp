// The sequencer's rooms (protocol/README.md "Rooms and the light snapshot"): joins, the first
// page of a joined room and earlier pages. The class and its threading contract are in
// sequencer.hpp; what a page holds, and for whom, is protocol/rooms.hpp.
#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "protocol/rooms.hpp"
#include "server/config.hpp"
#include "server/hub.hpp"
#include "server/published.hpp"
#include "server/sequencer.hpp"
#include "server/server_context.hpp"
#include "server/websocket_session.hpp"

namespace a4p::server {

namespace net = boost::asio;

namespace {

std::string no_room(const std::string& room) {
  return protocol::error_message("not_found", "no such room: " + room);
}

}  // namespace

void sequencer::join(std::shared_ptr<websocket_session> s, protocol::join j) {
  net::post(strand_, [this, s = std::move(s), j = std::move(j)] {
    // viewer_of is the view as of now: a role change removes the session from the hub first.
    auto v = ctx_.clients->viewer_of(s->id());
    if (!v) return;
    if (!protocol::room_visible(durable_, *v, j.room)) return s->send(no_room(j.room));
    switch (ctx_.clients->join(s->id(), j.room)) {
      case hub::join_result::too_many:
        return s->send(
            protocol::error_message("too_large", "at most " + std::to_string(ctx_.cfg->max_rooms) +
                                                     " rooms per connection; leave one first"));
      case hub::join_result::gone:
        return;
      case hub::join_result::joined:
      case hub::join_result::already:
        break;
    }
    if (!ctx_.clients->feed_rooms(s->id())) return;  // a full session: presence only
    // Every event broadcast from here on reaches the session in full; the page is read from a
    // version with at least every event broadcast before (the client's join-race rule).
    (void)ctx_.published->read(
        durable_.seq(),
        [this, w = std::weak_ptr(s), v = *v, r = protocol::page_request{j.room, {}, {}, j.limit}](
            const std::shared_ptr<const published>& pub) {
          if (auto live = w.lock()) send_page(live, v, r, true, *pub);
        },
        read_lane::sessions);
  });
}

void sequencer::page(std::shared_ptr<websocket_session> s, protocol::page_request r) {
  auto v = ctx_.clients->viewer_of(s->id());
  if (!v) return;
  if (!ctx_.clients->in_room(s->id(), r.room)) return s->send(no_room(r.room));
  (void)ctx_.published->read(
      durable_head(),
      [this, w = std::weak_ptr(s), v = *v,
       r = std::move(r)](const std::shared_ptr<const published>& pub) {
        if (auto live = w.lock()) send_page(live, v, r, false, *pub);
      },
      read_lane::sessions);
}

void sequencer::send_page(const std::shared_ptr<websocket_session>& s, const protocol::principal& v,
                          const protocol::page_request& r, bool first, const published& pub) {
  if (s->ended()) return;
  auto a = protocol::answer_page(*pub.state, *pub.state, v, r, first);
  if (!a && a.error() == "bad_request")
    return s->send(protocol::error_message("bad_request", "reports page only in a pledge room"));
  if (!a) return s->send(no_room(r.room));  // not visible any more
  s->send(protocol::page_message(*a));
}

}  // namespace a4p::server
