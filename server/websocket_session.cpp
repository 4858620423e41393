#include "server/websocket_session.hpp"

#include <atomic>
#include <charconv>

#include <spdlog/spdlog.h>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "protocol/messages.hpp"
#include "server/admin/session_store.hpp"
#include "server/config.hpp"
#include "server/http_util.hpp"
#include "server/hub.hpp"
#include "server/metrics.hpp"
#include "server/sequencer.hpp"
#include "server/server_context.hpp"

namespace a4p::server {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
namespace net = boost::asio;

namespace {
std::atomic<std::uint64_t> next_id{1};

void fail(beast::error_code ec, const char* what) {
  if (ec == net::error::operation_aborted || ec == websocket::error::closed ||
      ec == net::error::eof || ec == net::error::connection_reset || ec == beast::error::timeout)
    return;
  spdlog::debug("websocket: {}: {}", what, ec.message());
}
}  // namespace

websocket_session::websocket_session(server_context& ctx, beast::tcp_stream&& stream,
                                     std::string user, std::string token_hash, connection_slot slot)
    : ctx_(ctx),
      ws_(std::in_place_index<0>, std::move(stream)),
      ex_(std::get<0>(ws_).get_executor()),
      hello_timer_(ex_),
      watchdog_(ex_),
      id_(next_id.fetch_add(1)),
      user_(std::move(user)),
      token_hash_(std::move(token_hash)),
      slot_(std::move(slot)),
      control_limits_(ctx.cfg->commands_per_second, ctx.cfg->command_burst) {
  ctx_.stats->connections_ws.fetch_add(1);
}

websocket_session::websocket_session(server_context& ctx,
                                     beast::ssl_stream<beast::tcp_stream>&& stream,
                                     std::string user, std::string token_hash, connection_slot slot)
    : ctx_(ctx),
      ws_(std::in_place_index<1>, std::move(stream)),
      ex_(std::get<1>(ws_).get_executor()),
      hello_timer_(ex_),
      watchdog_(ex_),
      id_(next_id.fetch_add(1)),
      user_(std::move(user)),
      token_hash_(std::move(token_hash)),
      slot_(std::move(slot)),
      control_limits_(ctx.cfg->commands_per_second, ctx.cfg->command_burst) {
  ctx_.stats->connections_ws.fetch_add(1);
}

websocket_session::~websocket_session() {
  ctx_.clients->remove(id_);
  ctx_.clients->release(user_);
  ctx_.stats->connections_ws.fetch_sub(1);
  ctx_.stats->send_queue_bytes.fetch_sub(static_cast<std::int64_t>(queued_bytes_));
  ctx_.stats->snapshot_bytes.fetch_sub(static_cast<std::int64_t>(exempt_bytes_));
}

void websocket_session::run(http::request<http::string_body> req) {
  // http_session refused an upgrade that does not offer a4p.v1 (exact token match).
  const bool offered = offers_subprotocol(req, "a4p.v1");
  std::visit(
      [&](auto& ws) {
        // The HTTP timeout must not stay on after the upgrade; the websocket has its own.
        beast::get_lowest_layer(ws).expires_never();
        ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        ws.set_option(websocket::stream_base::decorator([offered](websocket::response_type& res) {
          res.set(http::field::server, "a4pd");
          if (offered) res.set(http::field::sec_websocket_protocol, "a4p.v1");
        }));
        ws.read_message_max(ctx_.cfg->max_frame_bytes);
        ws.auto_fragment(false);
        ws.async_accept(
            req, beast::bind_front_handler(&websocket_session::on_accept, shared_from_this()));
      },
      ws_);
  ctx_.clients->enroll(id_, weak_from_this(), user_, token_hash_);
}

void websocket_session::on_accept(beast::error_code ec) {
  if (ec) {
    watchdog_.cancel();
    return fail(ec, "accept");
  }
  accepted_ = true;
  if (closing_) return do_close();  // closed (logout, shutdown) during the handshake
  // Enrolled since run(): a logout from now on reaches this session through the hub; one that
  // came between the HTTP check and enroll() is seen here.
  if (!ctx_.sessions->valid_hash(token_hash_)) return start_close(4001);
  hello_timer_.expires_after(ctx_.cfg->hello_timeout);
  hello_timer_.async_wait(
      beast::bind_front_handler(&websocket_session::on_hello_timeout, shared_from_this()));
  do_read();
}

void websocket_session::on_hello_timeout(beast::error_code ec) {
  if (ec || hello_seen_) return;
  spdlog::debug("websocket {}: no hello in time", id_);
  start_close(static_cast<int>(websocket::close_code::policy_error));
}

void websocket_session::do_read() {
  std::visit(
      [&](auto& ws) {
        ws.async_read(buffer_,
                      beast::bind_front_handler(&websocket_session::on_read, shared_from_this()));
      },
      ws_);
}

void websocket_session::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    if (ec == websocket::error::message_too_big) ctx_.stats->count_close(1009);
    hello_timer_.cancel();
    fail(ec, "read");
    // When closing, the deadline still cuts a stuck write; else the connection is over.
    if (!closing_) gone();
    return;
  }
  if (closing_) {
    // Once a close has started, what the client sends is read (to see its close reply) but
    // never processed.
  } else if (!std::visit([](auto& ws) { return ws.got_text(); }, ws_)) {
    send(protocol::error_message("bad_request", "binary frames are not accepted; send text JSON"));
  } else {
    auto data = buffer_.data();
    handle_text(std::string_view(static_cast<const char*>(data.data()), data.size()));
  }
  buffer_.consume(buffer_.size());
  if (buffer_.capacity() > 4096) buffer_.shrink_to_fit();
  if (closing_ && close_sent_) return;  // the close handshake's reply ends the read loop
  do_read();
}

void websocket_session::handle_text(std::string_view text) {
  protocol::parse_limits limits;
  limits.max_bytes = ctx_.cfg->max_frame_bytes;
  auto msg = protocol::parse_client_message(text, limits);
  if (!msg) {
    // A command we can identify gets a reject with its id; anything else an error.
    // Lenient parse (floats allowed; the frame is already bounded) only to find the id.
    auto raw = nlohmann::json::parse(text, nullptr, false);
    if (!raw.is_discarded() && raw.is_object() && raw.contains("type") &&
        raw["type"] == "command") {
      auto it = raw.find("id");
      if (it != raw.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
        nlohmann::json details = nlohmann::json::object();
        if (!msg.error().field.empty()) details["field"] = msg.error().field;
        ctx_.stats->count_reject(msg.error().code);
        send(protocol::reject_message(it->get_ref<const std::string&>(), msg.error().code,
                                      msg.error().message, details));
        return;
      }
    }
    std::string m = msg.error().message;
    if (!msg.error().field.empty()) m += " (field " + msg.error().field + ")";
    send(protocol::error_message(msg.error().code, m));
    return;
  }
  auto self = shared_from_this();
  std::visit(
      [&](auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, protocol::hello>) {
          if (hello_seen_) {
            send(protocol::error_message("bad_request", "hello was already received"));
            return;
          }
          hello_seen_ = true;
          hello_timer_.cancel();
          ctx_.seq->attach(self, std::move(m));
        } else if (!hello_seen_) {
          send(protocol::error_message("bad_request", "the first message must be hello"));
        } else if constexpr (std::is_same_v<T, protocol::command>) {
          ctx_.stats->commands_received.fetch_add(1, std::memory_order_relaxed);
          ctx_.seq->submit(self, std::move(m), text.size());
        } else if (!control_limits_.take(user_)) {
          // join, leave and ping: the same --rate/--burst as commands, per connection.
          send(protocol::error_message("rate_limited", "too many messages; slow down"));
        } else if constexpr (std::is_same_v<T, protocol::join>) {
          ctx_.seq->join(self, std::move(m));
        } else if constexpr (std::is_same_v<T, protocol::page_request>) {
          ctx_.seq->page(self, std::move(m));
        } else if constexpr (std::is_same_v<T, protocol::leave>) {
          ctx_.clients->leave(id_, m.room);
        } else if constexpr (std::is_same_v<T, protocol::ping>) {
          send(protocol::pong_message(m.nonce));
        }
      },
      *msg);
}

// ---- queue and writes ----

void websocket_session::deliver_events(std::vector<feed_item> events) {
  if (events.empty()) return;
  net::post(ex_, [self = shared_from_this(), ev = std::move(events)]() mutable {
    for (auto& e : ev) self->enqueue({std::move(e.body), e.seq, 0, false, e.tick});
  });
}

void websocket_session::send(std::shared_ptr<const std::string> message) {
  net::post(ex_, [self = shared_from_this(), m = std::move(message)]() mutable {
    self->enqueue({std::move(m), 0, 0});
  });
}

void websocket_session::send(std::string message) {
  send(std::make_shared<const std::string>(std::move(message)));
}

void websocket_session::send_snapshot(std::string message, bool binary) {
  net::post(ex_, [self = shared_from_this(), binary,
                  m = std::make_shared<const std::string>(std::move(message))]() mutable {
    self->enqueue({std::move(m), 0, 0, true, false, binary});
  });
}

void websocket_session::close(int code) {
  net::post(ex_, [self = shared_from_this(), code] { self->start_close(code); });
}

void websocket_session::start_feed(std::uint64_t from_seq, const protocol::principal&) {
  net::post(ex_, [self = shared_from_this(), from_seq] {
    self->last_seq_ = from_seq;
    self->live_ = true;
  });
}

void websocket_session::refuse(int code) {
  close(code);
}

void websocket_session::enqueue(out_item item) {
  if (closing_) return;
  if (item.seq != 0) {
    // The sequencer and hub post in seq order; a replayed duplicate (catch-up racing with the
    // live feed cannot happen by construction, but be strict) is dropped, never sent twice.
    if (item.seq <= last_seq_) return;
    ctx_.stats->events_delivered.fetch_add(1, std::memory_order_relaxed);
  }
  const auto n = item.body->size() + 32;
  queued_bytes_ += n;
  if (item.exempt) {
    exempt_bytes_ += n;
    ctx_.stats->snapshot_bytes.fetch_add(static_cast<std::int64_t>(n));
  }
  ctx_.stats->send_queue_bytes.fetch_add(static_cast<std::int64_t>(n), std::memory_order_relaxed);
  if (item.seq != 0) {
    // prev is decided here, in queue order: the seq this connection delivered just before.
    item.prev = last_seq_;
    last_seq_ = item.seq;
  }
  queue_.push_back(std::move(item));
  if (queued_bytes_ - exempt_bytes_ > ctx_.cfg->max_send_queue_bytes) {
    ctx_.stats->slow_closes.fetch_add(1, std::memory_order_relaxed);
    spdlog::info("websocket {} ({}): send queue over {} bytes, closing 4008", id_, user_,
                 ctx_.cfg->max_send_queue_bytes);
    start_close(4008);
    return;
  }
  if (!writing_) do_write();
}

void websocket_session::do_write() {
  if (queue_.empty() || writing_ || close_sent_) return;
  frame_.clear();
  frame_accounted_ = 0;
  frame_exempt_ = 0;
  // A binary item is a frame of its own; text items are joined by '\n' up to the bound.
  const bool binary = queue_.front().binary;
  while (!queue_.empty()) {
    auto& it = queue_.front();
    std::size_t add = it.body->size() + 32;
    if (!frame_.empty() &&
        (binary || it.binary || frame_.size() + add > ctx_.cfg->max_coalesce_bytes))
      break;
    if (!frame_.empty()) frame_.push_back('\n');
    if (it.seq != 0) {
      // protocol::event_message(prev, body), written in place to spare an allocation.
      char num[24];
      auto [end, ec] = std::to_chars(num, num + sizeof num, it.prev);
      // A tick: protocol::tick_message(prev, body), "prev" first (canonical).
      frame_ += it.tick ? R"({"prev":)" : R"({"type":"event","prev":)";
      frame_.append(num, end);
      frame_ += ',';
      frame_.append(*it.body, 1);
    } else {
      frame_ += *it.body;
    }
    frame_accounted_ += add;
    if (it.exempt) frame_exempt_ += add;
    queue_.pop_front();
  }
  writing_ = true;
  write_started_ = std::chrono::steady_clock::now();
  if (!watchdog_armed_) arm_watchdog(write_started_ + ctx_.cfg->write_timeout);
  std::visit(
      [&](auto& ws) {
        ws.binary(binary);
        ws.async_write(net::buffer(frame_),
                       beast::bind_front_handler(&websocket_session::on_write, shared_from_this()));
      },
      ws_);
}

void websocket_session::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  queued_bytes_ -= frame_accounted_;
  exempt_bytes_ -= frame_exempt_;
  ctx_.stats->snapshot_bytes.fetch_sub(static_cast<std::int64_t>(frame_exempt_));
  frame_exempt_ = 0;
  ctx_.stats->send_queue_bytes.fetch_sub(static_cast<std::int64_t>(frame_accounted_),
                                         std::memory_order_relaxed);
  frame_accounted_ = 0;
  if (frame_.capacity() > 16 * 1024) {
    std::string().swap(frame_);
  }
  if (ec) {
    fail(ec, "write");
    if (!closing_) gone();
    return;
  }
  ctx_.stats->frames_sent.fetch_add(1, std::memory_order_relaxed);
  if (closing_) return do_close();
  do_write();
  notify_drained();
}

void websocket_session::when_drained(std::function<void()> fn) {
  net::post(ex_, [self = shared_from_this(), fn = std::move(fn)]() mutable {
    if (self->closing_) return;
    self->drained_ = std::move(fn);
    self->notify_drained();
  });
}

void websocket_session::notify_drained() {
  if (!drained_ || closing_) return;
  if (queued_bytes_ - exempt_bytes_ > ctx_.cfg->max_send_queue_bytes / 4) return;
  std::exchange(drained_, nullptr)();
}

void websocket_session::leave() {
  closing_ = true;
  drained_ = nullptr;  // a catch-up waiting for room stops here (and lets go of this session)
  ended_.store(true, std::memory_order_release);
  // Out of the hub now: no more events, and its place among the user's catch-ups is free.
  ctx_.clients->remove(id_);
  ctx_.stats->send_queue_bytes.fetch_sub(
      static_cast<std::int64_t>(queued_bytes_ - frame_accounted_), std::memory_order_relaxed);
  queued_bytes_ = frame_accounted_;
  ctx_.stats->snapshot_bytes.fetch_sub(static_cast<std::int64_t>(exempt_bytes_ - frame_exempt_));
  exempt_bytes_ = frame_exempt_;
  queue_.clear();
}

void websocket_session::start_close(int code) {
  if (closing_) return;
  leave();
  close_code_ = code;
  // A close that ends the session's authority (logout, expiry: 4001; a changed view: 4003;
  // policy: 1008) is cut after --close-timeout. Any other (4008 too slow, 1001 shutdown) leaves
  // a slow reader the write timeout to drain the frame in flight and read its close code.
  const bool ends_authority = code == 4001 || code == 4003 || code == 1008;
  arm_watchdog(std::chrono::steady_clock::now() +
               (ends_authority ? ctx_.cfg->close_timeout : ctx_.cfg->write_timeout));
  if (accepted_ && !writing_) do_close();  // else on_accept or on_write sends it
}

void websocket_session::gone() {
  // A read or write failed: the client closed (its close frame answered by Beast), went away or
  // broke the protocol (Beast has failed the connection). Nothing more can be sent, so the
  // session lets go of everything at once: before, it stayed in the hub and took events, and
  // held its place among the user's catch-ups, until the watchdog's --write-timeout (60 s) let
  // go of it: a reconnecting client was refused 4008 meanwhile.
  leave();
  close_sent_ = true;  // no close of ours to send
  hello_timer_.cancel();
  watchdog_.cancel();
  // A write of ours still in flight ends now rather than at the peer's pleasure.
  if (writing_) std::visit([](auto& ws) { beast::get_lowest_layer(ws).close(); }, ws_);
}

void websocket_session::do_close() {
  if (close_sent_) return;
  close_sent_ = true;
  ctx_.stats->count_close(close_code_);
  websocket::close_reason reason(static_cast<std::uint16_t>(close_code_));
  std::visit(
      [&](auto& ws) {
        ws.async_close(reason, [self = shared_from_this()](beast::error_code ec) {
          if (ec) fail(ec, "close");
          self->hello_timer_.cancel();
          self->watchdog_.cancel();
        });
      },
      ws_);
}

void websocket_session::arm_watchdog(std::chrono::steady_clock::time_point at) {
  watchdog_armed_ = true;
  watchdog_.expires_at(at);  // cancels an earlier wait, which then finds itself stale
  watchdog_.async_wait(beast::bind_front_handler(&websocket_session::on_watchdog,
                                                 shared_from_this(), ++watchdog_gen_));
}

void websocket_session::on_watchdog(std::uint64_t gen, beast::error_code ec) {
  if (gen != watchdog_gen_) return;
  watchdog_armed_ = false;
  if (ec) return;
  if (closing_) return cut();
  if (!writing_) return;  // re-armed by the next do_write
  const auto due = write_started_ + ctx_.cfg->write_timeout;
  if (std::chrono::steady_clock::now() < due) return arm_watchdog(due);
  ctx_.stats->slow_closes.fetch_add(1, std::memory_order_relaxed);
  spdlog::info("websocket {} ({}): a write stuck for {} ms, closing 4008", id_, user_,
               ctx_.cfg->write_timeout.count());
  start_close(4008);
}

void websocket_session::cut() {
  spdlog::info("websocket {} ({}): close {} did not finish in {} ms; cutting the connection", id_,
               user_, close_code_, ctx_.cfg->close_timeout.count());
  if (!close_sent_) ctx_.stats->count_close(close_code_);
  close_sent_ = true;
  hello_timer_.cancel();
  // Closing the TCP socket ends the stuck write, the read and any close handshake at once.
  std::visit([](auto& ws) { beast::get_lowest_layer(ws).close(); }, ws_);
}

}  // namespace a4p::server
