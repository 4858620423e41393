// The sequencer in cluster mode (docs/decisions/0322): the node decides a command against its
// durable state at the stream's head, seals its events (seqs, ts, chain) after that head,
// and publishes them as one message with the expected last sequence and the command's
// de-duplication id. One command is in flight at a time; the rest wait in order. The node
// applies only what its applier reads back from the stream (on_replicated), its own messages
// and the others' alike; a command is acked once its message is back and JetStream has
// answered the publish. A lost race (10071) decides the command again once the other node's
// message has been folded in; any other failure answers `unavailable` (the quorum is lost,
// NATS is unreachable), and the next command tries again: writes resume by themselves.
#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "protocol/json_codec.hpp"
#include "server/admin/session_store.hpp"
#include "server/cluster/node.hpp"
#include "server/config.hpp"
#include "server/log_state.hpp"
#include "server/metrics.hpp"
#include "server/sequencer.hpp"
#include "server/server_context.hpp"
#include "storage/event_log.hpp"

namespace a4p::server {

namespace net = boost::asio;

namespace {

// Commands waiting for their turn; over it a command is answered `unavailable` at once.
constexpr std::size_t max_queued = 10'000;

// A stored idempotency record ({"seq","result"}) as JSON; null when absent or unreadable.
nlohmann::json stored_ack(const storage::result<std::optional<std::string>>& stored) {
  if (!stored || !*stored) return nullptr;
  auto j = protocol::parse_untrusted(**stored, {1 << 20, 64});
  if (!j || !j->is_object()) return nullptr;
  return std::move(*j);
}

}  // namespace

void sequencer::start_cluster(std::uint64_t stream_seq) {
  net::post(strand_, [this, stream_seq] {
    stream_seq_ = stream_seq;
    const auto head = durable_.seq();
    auto st = ctx_.log->scan_raw(head - 1, head, [this](std::uint64_t, std::string_view b) {
      if (auto e = protocol::decode_stored(b)) durable_ts_ = e->ts;
      return false;
    });
    if (!st) spdlog::warn("cluster: the head's time was not read: {}", st.error().message);
  });
}

void sequencer::answer_key(const std::string& key, const std::function<void(waiter&)>& answer) {
  auto node = pending_keys_.extract(key);
  if (node.empty()) return;
  for (auto& w : node.mapped()) answer(w);
}

void sequencer::cluster_submit(const std::string& user, protocol::command& c,
                               const std::string& key, const reply_fn& reply) {
  if (cluster_queue_.size() >= max_queued)
    return reject(reply, c.id, "unavailable", "too many commands waiting for the cluster");
  pending_keys_[key].push_back({reply, c.id});
  cluster_queue_.push_back({user, std::move(c), key});
  cluster_pump();
}

void sequencer::cluster_pump() {
  while (!flight_ && !retry_after_ && !cluster_queue_.empty() && stopped_.empty()) {
    queued q = std::move(cluster_queue_.front());
    cluster_queue_.pop_front();
    const auto& id = q.c.id;
    // Answered meanwhile: the same command came back from the stream (another node had it).
    if (!pending_keys_.contains(q.key)) continue;
    auto stored = ctx_.log->lookup_idempotency(q.key);
    if (!stored || *stored) {
      const auto j = stored_ack(stored);
      answer_key(q.key, [&](waiter& w) {
        if (j.is_object())
          w.reply(protocol::ack_message(w.command_id, j.value("seq", std::uint64_t{0}),
                                        j.value("result", nlohmann::json::object())));
        else
          reject(w.reply, w.command_id, "unavailable", "storage cannot be read");
      });
      continue;
    }
    auto p = protocol::principal_of(spec_, q.user);
    if (!p) {
      answer_key(q.key, [&](waiter& w) {
        reject(w.reply, w.command_id, "forbidden", "this account does not exist any more");
      });
      continue;
    }
    auto d = protocol::decide(spec_, *p, q.c);
    if (!d) {
      if (d.error().code == protocol::reject_code::internal) {
        ctx_.stats->decide_internal.fetch_add(1, std::memory_order_relaxed);
        spdlog::error("sequencer: decide failed for user {}: {}", q.user, d.error().message);
      }
      answer_key(q.key, [&](waiter& w) {
        reject(w.reply, w.command_id, std::string(protocol::to_string(d.error().code)),
               d.error().message, d.error().details);
      });
      continue;
    }
    if (d->events.empty()) {
      answer_key(q.key, [&](waiter& w) {
        w.reply(protocol::ack_message(w.command_id, durable_.seq(), d->result));
      });
      continue;
    }
    auto sealed =
        storage::seal(new_events(*p, d->events), durable_.seq(), durable_hash_, durable_ts_);
    if (!sealed) {
      spdlog::error("sequencer: command {} of {} not sealed: {}", id, q.user,
                    sealed.error().message);
      answer_key(q.key, [&](waiter& w) {
        reject(w.reply, w.command_id, "internal", "the command's events are not valid");
      });
      continue;
    }
    auto pend = std::make_shared<pending>();
    pend->key = q.key;
    pend->result = d->result;
    pend->started = std::chrono::steady_clock::now();
    cluster::log_message m;
    m.idempotency_key = q.key;
    m.idempotency_value = nlohmann::json{{"seq", sealed->back().seq}, {"result", d->result}}.dump();
    for (std::size_t i = 0; i < sealed->size(); ++i) {
      m.events.push_back((*sealed)[i].to_json());
      pend->events.push_back(to_protocol_event((*sealed)[i], std::move(d->events[i].data)));
      if (!apply_or_stop(spec_, pend->events.back(), "speculative")) break;
    }
    flight f;
    f.id = ++flight_ids_;
    f.p = pend;
    f.expected = stream_seq_;
    f.seq = sealed->back().seq;
    f.last_hash = sealed->back().hash;
    f.cmd = std::move(q);
    flight_ = std::move(f);
    ++in_flight_;
    ctx_.stats->sequencer_pending.fetch_add(1, std::memory_order_relaxed);
    // The de-duplication id: the same command resent to any node is the same message.
    ctx_.cluster->publish(m, "cmd:" + storage::sha256_hex(m.idempotency_key), stream_seq_,
                          [this, fid = flight_->id](nats::js_result<nats::pub_ack> r) {
                            net::post(strand_,
                                      [this, fid, ok = r.has_value(), seq = r ? r->seq : 0,
                                       dup = r && r->duplicate, code = r ? 0 : r.error().err_code,
                                       err = r ? std::string() : r.error().description] {
                                        cluster_answer(fid, ok, seq, dup, code, err);
                                      });
                          });
  }
}

void sequencer::cluster_answer(std::uint64_t id, bool ok, std::uint64_t seq, bool duplicate,
                               int err_code, const std::string& error) {
  if (!flight_ || flight_->id != id) return;
  flight_->answered = true;
  if (flight_->replicated) return cluster_land();  // back from the stream: it is in
  if (ok && duplicate) {
    // The same command was appended before (by this node or another): its message is at
    // `seq`; once it is folded in, the waiters get its ack from the idempotency index.
    flight_->original = seq;
    if (stream_seq_ >= seq) cluster_land();
    return;
  }
  if (ok) return;  // its read-back follows
  if (err_code == nats::err_wrong_last_sequence) {
    // Another node appended first: decide again once its message is folded in.
    ctx_.stats->cluster_conflicts.fetch_add(1, std::memory_order_relaxed);
    retry_after_ = flight_->expected;
    cluster_queue_.push_front(std::move(flight_->cmd));
    cluster_drop("", "");
    if (stream_seq_ > *retry_after_) {
      retry_after_.reset();
      cluster_pump();
    }
    return;
  }
  // No quorum, no NATS: the write may or may not be in the stream. If it is, its read-back
  // folds it in, and a resend gets its ack from the idempotency index.
  ctx_.stats->append_failures.fetch_add(1);
  spdlog::warn("cluster: publish failed: {} ({}); commands get unavailable", error, err_code);
  cluster_drop("unavailable", "the cluster cannot write now (" + error + "); reads go on");
  for (auto& q : std::exchange(cluster_queue_, {}))
    answer_key(q.key, [&](waiter& w) {
      reject(w.reply, w.command_id, "unavailable", "the cluster cannot write now; reads go on");
    });
}

void sequencer::cluster_drop(const std::string& code, const std::string& message) {
  if (!code.empty())
    answer_key(flight_->p->key, [&](waiter& w) { reject(w.reply, w.command_id, code, message); });
  flight_.reset();
  --in_flight_;
  ctx_.stats->sequencer_pending.fetch_sub(1, std::memory_order_relaxed);
  spec_ = durable_;
  spec_behind_ = false;
  if (draining_ && in_flight_ == 0 && drained_) {
    flush();
    std::exchange(drained_, nullptr)();
  }
}

void sequencer::cluster_land() {
  if (flight_->original != 0) {
    // A duplicate: the first message's ack, from the index its read-back wrote.
    const auto j = stored_ack(ctx_.log->lookup_idempotency(flight_->p->key));
    const auto key = flight_->p->key;
    cluster_drop("", "");
    answer_key(key, [&](waiter& w) {
      if (j.is_object())
        w.reply(protocol::ack_message(w.command_id, j.value("seq", std::uint64_t{0}),
                                      j.value("result", nlohmann::json::object())));
      else
        reject(w.reply, w.command_id, "unavailable", "the first answer cannot be read");
    });
    return cluster_pump();
  }
  const auto seq = flight_->seq;
  const auto result = flight_->p->result;
  if (spec_behind_) {
    spec_ = durable_;
    spec_behind_ = false;
  }
  auto node = pending_keys_.extract(flight_->p->key);
  flight_.reset();
  --in_flight_;
  ctx_.stats->sequencer_pending.fetch_sub(1, std::memory_order_relaxed);
  if (!node.empty()) {
    for (auto& w : node.mapped())
      outbox_acks_.emplace_back(std::move(w.reply),
                                protocol::ack_message(w.command_id, seq, result));
    if (!flush_posted_) {
      flush_posted_ = true;
      net::post(strand_, [this] { flush(); });
    }
  }
  if (draining_ && in_flight_ == 0 && drained_) {
    flush();
    std::exchange(drained_, nullptr)();
  }
  cluster_pump();
}

void sequencer::on_replicated(cluster::applied a) {
  net::post(strand_, [this, a = std::move(a)]() mutable {
    stream_seq_ = a.stream_seq;
    ctx_.stats->cluster_stream_seq.store(a.stream_seq);
    if (!a.events.empty() && stopped_.empty()) {
      const bool ours =
          flight_ && !flight_->replicated && a.events.back().hash == flight_->last_hash;
      if (ours) {
        // spec_ has them already; the ack waits for JetStream's answer too.
        flight_->replicated = true;
        auto pend = *flight_->p;
        make_durable(pend, {});
        if (flight_->answered) cluster_land();
      } else {
        pending p;
        p.key = a.idempotency_key;
        p.started = std::chrono::steady_clock::now();
        auto value = protocol::parse_untrusted(a.idempotency_value, {1 << 20, 64});
        if (value && value->is_object())
          p.result = value->value("result", nlohmann::json::object());
        for (const auto& e : a.events) {
          auto pe = to_protocol_event(e);
          if (!pe) {
            stopped_ = pe.error().message;
            ctx_.stats->writer_stopped.store(1);
            spdlog::critical("cluster: event {} from the stream does not decode: {}", e.seq,
                             stopped_);
            return;
          }
          p.events.push_back(std::move(*pe));
        }
        if (flight_) {
          spec_behind_ = true;
        } else {
          for (const auto& e : p.events)
            if (!apply_or_stop(spec_, e, "speculative")) break;
        }
        // This node's waiters of the same command (resent here) get its ack now.
        std::vector<waiter> waiters;
        if (!p.key.empty() && !(flight_ && flight_->p->key == p.key)) {
          auto node = pending_keys_.extract(p.key);
          if (!node.empty()) waiters = std::move(node.mapped());
        }
        make_durable(p, std::move(waiters));
      }
    }
    if (flight_ && flight_->original != 0 && stream_seq_ >= flight_->original) cluster_land();
    if (retry_after_ && stream_seq_ > *retry_after_) {
      retry_after_.reset();
      cluster_pump();
    }
  });
}

}  // namespace a4p::server
