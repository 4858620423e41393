#include "server/sequencer.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "protocol/json_codec.hpp"
#include "protocol/rooms.hpp"
#include "protocol/snapshot.hpp"
#include "protocol/visibility.hpp"
#include "server/admin/checkpoint.hpp"
#include "server/admin/session_store.hpp"
#include "server/config.hpp"
#include "server/hub.hpp"
#include "server/invite_store.hpp"
#include "server/log_state.hpp"
#include "server/metrics.hpp"
#include "server/public_site.hpp"
#include "server/reader_pool.hpp"
#include "server/server_context.hpp"
#include "server/user_slots.hpp"
#include "server/websocket_session.hpp"
#include "storage/event_log.hpp"

namespace a4p::server {

namespace net = boost::asio;

namespace {

constexpr const char* stopped_message = "the server stopped writing; it needs a restart";

std::shared_ptr<const fanout> make_fanout(const protocol::state& now, const protocol::event& e) {
  auto f = std::make_shared<fanout>();
  f->seq = e.seq;
  f->entity = e.entity;
  auto a = protocol::audience_of(now, e);
  f->everyone = a.everyone;
  f->orgs = std::move(a.orgs);
  f->full = std::make_shared<const std::string>(protocol::event_body(e, protocol::redaction::none));
  if (a.redact_for_unprivileged)
    f->redacted =
        std::make_shared<const std::string>(protocol::event_body(e, protocol::redaction::redacted));
  f->room = protocol::room_of_comment_event(now, e);
  if (!f->room.empty())
    f->tick = std::make_shared<const std::string>(
        protocol::tick_body(f->room, e.seq, protocol::thread_json(now, f->room)));
  return f;
}
}  // namespace

sequencer::sequencer(server_context& ctx, protocol::state durable)
    : ctx_(ctx),
      strand_(net::make_strand(*ctx.ioc)),
      spec_(durable),
      durable_(std::move(durable)),
      durable_head_(durable_.seq()),
      durable_hash_(ctx.log->head_hash()),
      limits_(ctx.cfg->commands_per_second, ctx.cfg->command_burst),
      byte_limits_(ctx.cfg->command_bytes_per_second, ctx.cfg->command_burst_bytes) {
  // Warm the ring with the newest durable events so that early resumes are cheap.
  const auto head = durable_.seq();
  const auto n = std::min<std::uint64_t>(head, ctx_.cfg->replay_ring_events);
  auto st = ctx_.log->scan_raw(head - n, head, [&](std::uint64_t, std::string_view bytes) {
    auto e = protocol::decode_stored(bytes);
    if (e) ring_.push_back(make_fanout(durable_, *e));
    return true;
  });
  if (!st) spdlog::warn("sequencer: could not warm the resume ring: {}", st.error().message);
  // Where the last checkpoint stands (the index in the aux space, newest last).
  auto idx = ctx_.log->scan_aux(checkpoint_index_prefix, [&](std::string_view, std::string_view v) {
    auto j = protocol::parse_untrusted(v, {1 << 16, 8});
    if (j && j->is_object()) {
      checkpointed_seq_ = j->value("seq", std::uint64_t{0});
      checkpoint_event_ = j->value("event_seq", std::uint64_t{0});
    }
    return true;
  });
  if (!idx) spdlog::warn("sequencer: could not read the checkpoint index: {}", idx.error().message);
}

// ---- commands ----

void sequencer::submit(std::shared_ptr<websocket_session> s, protocol::command c,
                       std::size_t bytes) {
  net::post(strand_, [this, s = std::move(s), c = std::move(c), bytes]() mutable {
    auto reply = [w = std::weak_ptr<websocket_session>(s)](std::string m) {
      if (auto s = w.lock()) s->send(std::move(m));
    };
    // The socket's close has started (logout, role change, disable): what it read before is
    // not appended (the socket itself is closing; the reject is for the record).
    if (s->ended() && !draining_)
      return reject(reply, c.id, "forbidden", "the session has ended; sign in again");
    do_submit(s->user(), s->token_hash(), c, bytes, reply);
  });
}

void sequencer::submit(std::string user, std::string token_hash, protocol::command c,
                       std::size_t bytes, reply_fn reply) {
  net::post(strand_, [this, user = std::move(user), token_hash = std::move(token_hash),
                      c = std::move(c), bytes, reply = std::move(reply)]() mutable {
    do_submit(user, token_hash, c, bytes, reply);
  });
}

void sequencer::reject(const reply_fn& reply, const std::string& id, const std::string& code,
                       const std::string& message, const nlohmann::json& details) {
  ctx_.stats->count_reject(code);
  reply(protocol::reject_message(id, code, message, details));
}

void sequencer::do_submit(const std::string& user, const std::string& token_hash,
                          protocol::command& c, std::size_t bytes, const reply_fn& reply) {
  if (draining_) return reject(reply, c.id, "unavailable", "the server is shutting down");
  if (!stopped_.empty()) return reject(reply, c.id, "unavailable", stopped_message);
  // Read before a logout, expiry or sign-out everywhere and queued here after it: the session
  // has ended, and what it sent is not appended.
  if (!ctx_.sessions->valid_hash(token_hash))
    return reject(reply, c.id, "forbidden", "the session has ended; sign in again");
  if (!limits_.take(user))
    return reject(reply, c.id, "rate_limited", "too many commands; slow down and retry");
  // Besides their number, their bytes: one burst of large reports must not flood every other
  // client's send queue (each event goes to every reader that may see it).
  if (!byte_limits_.take(user, static_cast<double>(bytes)))
    return reject(reply, c.id, "rate_limited", "too many bytes of commands; slow down and retry");

  std::string key = user + '\n' + c.id;
  if (auto it = pending_keys_.find(key); it != pending_keys_.end()) {
    it->second.push_back({reply, c.id});  // acked with the original once durable
    return;
  }
  if (ctx_.cluster) return cluster_submit(user, c, key, reply);
  auto stored = ctx_.log->lookup_idempotency(key);
  if (!stored) return reject(reply, c.id, "unavailable", "storage cannot be read");
  if (*stored) {
    auto j = protocol::parse_untrusted(**stored, {1 << 20, 64});
    if (j && j->is_object()) {
      reply(protocol::ack_message(c.id, j->value("seq", std::uint64_t{0}),
                                  j->value("result", nlohmann::json::object())));
      return;
    }
    return reject(reply, c.id, "unavailable", "stored acknowledgement does not decode");
  }

  auto p = protocol::principal_of(spec_, user);
  if (!p) return reject(reply, c.id, "forbidden", "this account does not exist any more");
  auto d = protocol::decide(spec_, *p, c);
  if (!d) {
    if (d.error().code == protocol::reject_code::internal) {
      ctx_.stats->decide_internal.fetch_add(1, std::memory_order_relaxed);
      spdlog::error("sequencer: decide failed for user {}: {}", user, d.error().message);
    }
    return reject(reply, c.id, std::string(protocol::to_string(d.error().code)), d.error().message,
                  d.error().details);
  }
  if (d->events.empty()) {  // a no-op decision: nothing to make durable
    reply(protocol::ack_message(c.id, durable_.seq(), d->result));
    return;
  }

  storage::append_request req;
  req.events = new_events(*p, d->events);
  req.idempotency_key = key;

  auto pend = std::make_shared<pending>();
  pend->key = key;
  pend->result = d->result;
  // The value needs the last seq, known only once the log assigns seqs; the log assigns them
  // in call order, from its head plus what is queued: the speculative state's seq.
  const std::uint64_t last_seq = spec_.seq() + req.events.size();
  req.idempotency_value = nlohmann::json{{"seq", last_seq}, {"result", d->result}}.dump();
  std::vector<nlohmann::json> data;
  data.reserve(d->events.size());
  for (auto& dr : d->events) data.push_back(std::move(dr.data));
  if (!append(std::move(req), std::move(data), pend))
    return reject(reply, c.id, "unavailable", "storage cannot write; reads go on");
  pending_keys_[key].push_back({reply, c.id});
}

bool sequencer::append(storage::append_request&& req, std::vector<nlohmann::json> data,
                       const std::shared_ptr<pending>& pend) {
  pend->started = std::chrono::steady_clock::now();
  const std::uint64_t last_seq = spec_.seq() + req.events.size();
  auto appended = ctx_.log->append_async(
      std::move(req), [this, pend](const storage::result<std::vector<storage::event>>& r) {
        net::post(strand_, [this, pend, ok = r.has_value(),
                            err = r ? std::string() : r.error().message]() mutable {
          on_durable(std::move(pend), ok, std::move(err));
        });
      });
  if (!appended) {
    ctx_.stats->append_failures.fetch_add(1);
    spdlog::warn("sequencer: append refused: {}", appended.error().message);
    return false;
  }
  if (appended->empty() || appended->back().seq != last_seq) {
    // The log and the speculative state disagree about the head: a bug, not a client error.
    spdlog::error("sequencer: log assigned seq {} but state expected {}",
                  appended->empty() ? 0 : appended->back().seq, last_seq);
  }
  pend->events.reserve(appended->size());
  for (std::size_t i = 0; i < appended->size(); ++i) {
    pend->events.push_back(to_protocol_event((*appended)[i], std::move(data[i])));
    if (!apply_or_stop(spec_, pend->events.back(), "speculative")) break;
  }
  ++in_flight_;
  ctx_.stats->sequencer_pending.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void sequencer::on_durable(std::shared_ptr<pending> p, bool ok, std::string error) {
  --in_flight_;
  ctx_.stats->sequencer_pending.fetch_sub(1, std::memory_order_relaxed);
  auto node = pending_keys_.extract(p->key);
  std::vector<waiter> waiters;
  if (!node.empty()) waiters = std::move(node.mapped());

  if (!ok) {
    ctx_.stats->append_failures.fetch_add(1);
    spdlog::error("sequencer: append failed: {}; rebuilding the state from the durable log", error);
    spec_ = durable_;
    for (auto& w : waiters)
      reject(w.reply, w.command_id, "unavailable", "storage cannot write; reads go on");
  } else {
    make_durable(*p, std::move(waiters));
  }
  if (draining_ && in_flight_ == 0 && drained_) {
    flush();
    std::exchange(drained_, nullptr)();
  }
}

bool sequencer::make_durable(pending& pd, std::vector<waiter> waiters) {
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - pd.started).count();
  ctx_.stats->observe_append_latency(secs);
  bool applied = true;
  std::size_t n = 0;
  for (const auto& e : pd.events) {
    if (!(applied = apply_or_stop(durable_, e, "durable"))) break;
    ++n;
    durable_hash_ = e.hash;
    durable_ts_ = e.ts;
    close_changed_views(e);
    if (e.name == "user.disabled") revoke_access(e.data.value("id", ""));
    publish(e);
    if (e.name == checkpoint_event) index_checkpoint(e);
  }
  ctx_.stats->events_appended.fetch_add(pd.events.size(), std::memory_order_relaxed);
  const auto seq = pd.events.back().seq;
  // The readers' published version follows (on the reader pool), before the new head is
  // visible to them: a read that knows the head waits for a version that has it.
  pd.events.resize(n);
  ctx_.published->advance(
      std::make_shared<const std::vector<protocol::event>>(std::move(pd.events)));
  durable_head_.store(durable_.seq());
  // Acks go out after the events they acknowledge (same flush). A command whose events did
  // not apply is not acknowledged: after the restart, its resend gets the stored ack.
  for (auto& w : waiters) {
    if (applied) {
      outbox_acks_.emplace_back(std::move(w.reply),
                                protocol::ack_message(w.command_id, seq, pd.result));
    } else {
      reject(w.reply, w.command_id, "unavailable", stopped_message);
    }
  }
  if (!flush_posted_) {
    flush_posted_ = true;
    net::post(strand_, [this] { flush(); });
  }
  maybe_checkpoint();
  return applied;
}

void sequencer::close_changed_views(const protocol::event& e) {
  auto users = protocol::users_whose_view_changes(durable_, e);
  if (users.empty()) return;
  for (const auto& u : users) view_changed_at_[u] = e.seq;
  spdlog::info(
      "sequencer: {} at seq {} changes what {} user(s) may see: closing their sockets "
      "with 4003",
      e.name, e.seq, users.size());
  ctx_.clients->close_users(users, 4003);
}

bool sequencer::apply_or_stop(protocol::state& s, const protocol::event& e, const char* which) {
  auto applied = protocol::apply(s, e);
  if (applied) return true;
  if (stopped_.empty()) {
    stopped_ = applied.error().message;
    ctx_.stats->writer_stopped.store(1);
    spdlog::critical(
        "sequencer: event {} ({}) is in the log but does not apply to the {} state: {}; the "
        "writer stops and refuses every command; restart a4pd to rebuild from the log",
        e.seq, e.name, which, applied.error().message);
  }
  return false;
}

void sequencer::flush() {
  flush_posted_ = false;
  if (!outbox_.empty()) ctx_.clients->broadcast(outbox_);
  outbox_.clear();
  // After the durable flush, the public site folds the same events in on its own strand.
  if (ctx_.site) ctx_.site->on_durable(std::exchange(public_outbox_, {}));
  for (auto& [reply, msg] : outbox_acks_) reply(std::move(msg));
  outbox_acks_.clear();
}

void sequencer::publish(const protocol::event& e) {
  auto f = make_fanout(durable_, e);
  ring_.push_back(f);
  while (ring_.size() > ctx_.cfg->replay_ring_events) ring_.pop_front();
  // Hiding or restoring a comment changes how its older events replay.
  if (e.name == "comment.hidden" || e.name == "comment.restored") refresh_ring_entity(e.entity);
  outbox_.push_back(std::move(f));
  public_outbox_.push_back(e);
}

void sequencer::revoke_access(const std::string& user) {
  // The durable state already refuses the account (protocol::principal_of); what is left is
  // what it still holds. Done here, before the event is broadcast and the ack goes out, so
  // that the user's sockets never get it and once the Secretariat sees the ack no session,
  // link or socket of the user works. Sessions go first: a socket enrolled after the close
  // below re-checks its token and finds it gone. Rare enough for the strand.
  const auto sessions = ctx_.sessions->remove_user(user);
  const auto links = ctx_.invites->revoke_user(user);
  ctx_.clients->close_users({user}, 4001);
  spdlog::info("user {} disabled: {} session(s) and {} link(s) revoked, sockets closed", user,
               sessions, links);
}

void sequencer::refresh_ring_entity(const std::string& entity) {
  for (auto& f : ring_) {
    if (f->entity != entity) continue;
    auto st = ctx_.log->scan_raw(f->seq - 1, f->seq, [&](std::uint64_t, std::string_view bytes) {
      if (auto e = protocol::decode_stored(bytes)) f = make_fanout(durable_, *e);
      return false;
    });
    if (!st) spdlog::warn("sequencer: ring refresh failed: {}", st.error().message);
  }
}

// ---- signed checkpoints ----

void sequencer::index_checkpoint(const protocol::event& e) {
  checkpoint_event_ = e.seq;
  auto record = e.data;
  record["event_seq"] = e.seq;
  // The log holds the checkpoint; this index only saves GET /api/audit/checkpoints a scan.
  net::post(
      *ctx_.blocking, [log = ctx_.log, key = checkpoint_index_key(e.seq), value = record.dump()] {
        if (auto st = log->put_aux(key, value); !st)
          spdlog::warn("sequencer: checkpoint index {} not written: {}", key, st.error().message);
      });
}

void sequencer::maybe_checkpoint() {
  if (ctx_.signer && durable_.seq() >= checkpointed_seq_ + ctx_.cfg->checkpoint_every) checkpoint();
}

void sequencer::checkpoint() {
  // Nothing new since the last one (its own event aside): nothing to sign.
  if (draining_ || !stopped_.empty() || durable_.seq() == checkpointed_seq_ ||
      durable_.seq() == checkpoint_event_)
    return;
  checkpointed_seq_ = durable_.seq();
  auto data =
      ctx_.signer->sign(ctx_.log->epoch(), durable_.seq(), durable_hash_, utc_now_rfc3339());
  storage::append_request req;
  req.events = new_events(
      protocol::system_principal(),
      {{std::string(checkpoint_event), "checkpoint:" + std::to_string(durable_.seq()), data}});
  std::vector<nlohmann::json> parsed;
  parsed.push_back(std::move(data));
  if (!append(std::move(req), std::move(parsed), std::make_shared<pending>()))
    spdlog::warn("sequencer: checkpoint at seq {} not appended", checkpointed_seq_);
}

void sequencer::start_checkpoints() {
  if (!ctx_.signer) return;
  net::post(strand_, [this] {
    checkpoint_timer_ = std::make_unique<net::steady_timer>(strand_);
    arm_checkpoint_timer();
  });
}

void sequencer::arm_checkpoint_timer() {
  checkpoint_timer_->expires_after(ctx_.cfg->checkpoint_interval);
  checkpoint_timer_->async_wait([this](const boost::system::error_code& ec) {
    if (ec || draining_) return;
    checkpoint();
    arm_checkpoint_timer();
  });
}

// ---- REST and shutdown ----

void sequencer::query(std::function<void(const protocol::state&)> fn) {
  ctx_.published->read_here(durable_head(), [fn = std::move(fn)](const auto& v) { fn(*v->state); });
}

bool sequencer::read(publisher::read_fn fn) {
  return ctx_.published->read(durable_head(), std::move(fn), read_lane::requests);
}

void sequencer::drain(std::function<void()> done) {
  net::post(strand_, [this, done = std::move(done)]() mutable {
    draining_ = true;
    if (checkpoint_timer_) checkpoint_timer_->cancel();
    for (auto& q : std::exchange(cluster_queue_, {}))
      answer_key(q.key, [&](waiter& w) {
        reject(w.reply, w.command_id, "unavailable", "the server is shutting down");
      });
    if (in_flight_ == 0)
      done();
    else
      drained_ = std::move(done);
  });
}

}  // namespace a4p::server
