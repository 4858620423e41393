// The sequencer: the one writer of the event log (STYLE.md 8). Every command, hello and
// room join is posted to its strand, where it
//  - rate-limits per user (token bucket, rate_limit.hpp) and checks idempotency (pending keys
//    in memory, then the log's idempotency index: a resend gets the original ack and appends
//    nothing);
//  - decides on the speculative state (durable events plus those appended and not yet
//    durable), applies the drafts at once so the next command sees them, and appends them with
//    the idempotency key "<user>\n<command id>" -> {"seq","result"} (log.append_async: the
//    log's writer batches everything queued into one synced write, i.e. group commit);
//  - once durable (the log's callback, posted back here in seq order): folds the events into
//    the durable state, serialises each once per visibility variant, keeps them in a ring for
//    fast resume, hands them to the readers' published version, broadcasts them through the
//    hub, then acks the sender(s).
// If an append fails, the command is rejected with `unavailable` and the speculative state is
// rebuilt from the durable one; reads, the feed and resumes go on.
// If an appended event fails to apply (the rules and the log disagree: a bug), the writer
// stops: one critical log line, metric a4p_writer_stopped = 1, and every later command is
// rejected with `unavailable`. The log stays the truth; a restart rebuilds the state from it
// (and fails the same way, loudly, until the bug is fixed). A decide() that fails with
// `internal` is logged and counted (a4p_decide_internal_total) and rejected as such.
//
// With a checkpoint key (ctx.signer), it also signs the durable head every N events or T
// minutes and appends the signature as an audit.checkpoint event (docs/audit.md), through
// the same path as commands, so the checkpoint takes its place in the one order.
//
// A command may also come from the REST API (POST /api/commands): the same path, with the
// ack or reject handed to a callback instead of a socket. When a `user.disabled` event is
// durable, the account's login sessions and one-time links are revoked and its sockets closed
// with 4001 (the state already refuses it as a principal).
//
// A hello is decided here (resume or snapshot) and the session joins the live feed here, after
// the ring's part of its catch-up, so that catch-up and live feed meet on one strand: no gap, no
// duplicate. What costs (the welcome snapshot's view and serialisation, catch-up pages read from
// the log) runs on the reader pool from a published version (published.hpp, decision 0308), as
// every REST read does: the strand decides, applies, appends and hands off, and reads nothing.
//
// Thread safety: the public methods may be called from any thread (they post to the strand);
// every member is touched on the strand only, except durable_head_ (atomic).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "protocol/messages.hpp"
#include "protocol/state.hpp"
#include "protocol/workspace.hpp"
#include "server/fanout.hpp"
#include "server/published.hpp"
#include "server/rate_limit.hpp"

namespace a4p::storage {
struct append_request;
}
namespace a4p::server::cluster {
struct applied;
}

namespace a4p::server {

struct server_context;
class websocket_session;

class sequencer {
 public:
  // `durable`: the state at the log's head (snapshot + replay), built by server_app::open().
  sequencer(server_context& ctx, protocol::state durable);

  void attach(std::shared_ptr<websocket_session> s, protocol::hello h);
  // `bytes`: the command's frame size, counted against the user's byte budget.
  void submit(std::shared_ptr<websocket_session> s, protocol::command c, std::size_t bytes);
  // Where a command's answer (an ack or reject message, as on the WebSocket) goes.
  using reply_fn = std::function<void(std::string message)>;
  // A command sent as `user` over the REST API with the login session `token_hash` (checked
  // again on the strand, like a socket's); `reply` is called once, on the strand. `bytes`: the
  // request body's size, counted against the user's byte budget as a frame is.
  void submit(std::string user, std::string token_hash, protocol::command c, std::size_t bytes,
              reply_fn reply);
  // Rooms (protocol/README.md "Rooms and the light snapshot"): a join is taken on the strand
  // (visibility by the durable state, then the hub), and a light session then gets the room's
  // latest page, read on the reader pool from a version at least as new as the join. A page
  // request (load earlier) for a joined room is read on the reader pool too.
  void join(std::shared_ptr<websocket_session> s, protocol::join j);
  void page(std::shared_ptr<websocket_session> s, protocol::page_request r);
  // Runs fn(state) with a published version of the durable state at least as new as the
  // durable head now (decision 0308), never on the strand: on the calling thread when the
  // latest version is new enough, else on the reader pool's sessions' lane, never behind REST
  // reads (decision 0317). For sign-ins.
  void query(std::function<void(const protocol::state&)> fn);
  // The same for a request (a REST read): fn gets the published version, and false means the
  // reader pool's queue is full (answer 503 + Retry-After); fn is then not called.
  [[nodiscard]] bool read(publisher::read_fn fn);
  // Shutdown: refuse new commands, and call `done` (on the strand) once every appended
  // command is durable and acknowledged.
  void drain(std::function<void()> done);
  // With ctx.signer: starts the checkpoint clock (checkpoint_interval). Call once.
  void start_checkpoints();

  [[nodiscard]] std::uint64_t durable_head() const { return durable_head_.load(); }

  // Cluster mode (sequencer_cluster.cpp, docs/decisions/0322): a message of the stream that
  // the node's applier has written to the local log, any thread; folded in on the strand.
  // `stream_seq`: where the local log stood when the sequencer was made.
  void start_cluster(std::uint64_t stream_seq);
  void on_replicated(cluster::applied a);

 private:
  struct waiter {
    reply_fn reply;
    std::string command_id;
  };
  struct pending {
    std::string key;
    std::vector<protocol::event> events;
    nlohmann::json result;
    std::chrono::steady_clock::time_point started;
  };

  void do_attach(const std::shared_ptr<websocket_session>& s, const protocol::hello& h);
  // One step of a resume's catch-up, on the strand: the events after `cursor` that `v` may see,
  // one page from the log (older than the ring, read on the reader pool: log_page), then, once
  // the session's queue has room (websocket_session::when_drained), the next step; when the
  // ring reaches back to `cursor`, the rest from the ring and the session joins the live feed.
  // Stops when the session ends, and closes it if its user's view changed since `attached_at`
  // (4003) or the login ended.
  void catch_up(const std::shared_ptr<websocket_session>& s, const protocol::principal& v,
                std::uint64_t cursor, std::uint64_t attached_at);
  // On the reader pool (they touch no member but ctx_ and strand_): the welcome and snapshot
  // of a hello that gets one, from `pub`; then catch_up from pub.seq on the strand.
  // `view` (the hello's): "light", the light snapshot (the skeleton) and then the first page of
  // each room the session joined in its hello; otherwise the full one, refused over
  // --max-full-snapshot-bytes.
  // The rooms of a hello: those joined (their first pages follow the light snapshot; a room
  // joined later by a `join` gets its page from the join, with the join's limit), and an error
  // message for each refused, sent after the welcome.
  struct hello_rooms {
    std::vector<std::string> joined, refused;
  };
  // gzip: the hello's "snapshot_encoding":"gzip": a light snapshot goes as one binary frame,
  // light_skeleton::message_gzip() (decision 0213).
  void welcome_snapshot(const std::shared_ptr<websocket_session>& s, const published& pub,
                        const std::string& view, const hello_rooms& rooms, bool gzip);
  // Joins the rooms of a hello before any catch-up; a room is refused when not visible
  // (not_found) or over --max-rooms (too_large).
  [[nodiscard]] hello_rooms join_hello_rooms(const std::shared_ptr<websocket_session>& s,
                                             const protocol::principal& v,
                                             const std::vector<std::string>& rooms);
  // A page message for `room` from `pub` (on the reader pool): the first page of a join
  // (`first`: comments, and reports for a pledge room), or the earlier page a request asks for.
  void send_page(const std::shared_ptr<websocket_session>& s, const protocol::principal& v,
                 const protocol::page_request& r, bool first, const published& pub);
  // One page of the catch-up read from the log: the events in (cursor, up_to] that `v` may see
  // in `pub`; then next_page.
  void log_page(const std::shared_ptr<websocket_session>& s, const protocol::principal& v,
                std::uint64_t cursor, std::uint64_t up_to, std::uint64_t attached_at,
                const published& pub);
  // catch_up from `last` once the session's queue has room (websocket_session::when_drained).
  void next_page(const std::shared_ptr<websocket_session>& s, const protocol::principal& v,
                 std::uint64_t last, std::uint64_t attached_at);
  void do_submit(const std::string& user, const std::string& token_hash, protocol::command& c,
                 std::size_t bytes, const reply_fn& reply);
  // After user.disabled is durable: sessions, links and sockets of `user` end.
  void revoke_access(const std::string& user);
  void on_durable(std::shared_ptr<pending> p, bool ok, std::string error);
  // Folds durable events into durable_, publishes and broadcasts them, and acks `waiters`;
  // false when an event did not apply (the writer stopped).
  bool make_durable(pending& pd, std::vector<waiter> waiters);
  // Every waiter of `key` (the command and its resends) gets `answer(waiter)`; the key is
  // no longer pending.
  void answer_key(const std::string& key, const std::function<void(waiter&)>& answer);

  // ---- cluster mode: one command in flight, decided at the stream's head ----
  struct queued {
    std::string user;
    protocol::command c;
    std::string key;
  };
  struct flight {
    std::uint64_t id = 0;
    std::shared_ptr<pending> p;
    queued cmd;                  // decided again after a lost race (10071)
    std::uint64_t expected = 0;  // the stream seq it was decided at
    std::uint64_t seq = 0;       // its last event's seq
    std::string last_hash;       // its last event's hash: how its read-back is recognised
    bool replicated = false;     // read back from the stream and written locally
    bool answered = false;       // JetStream's publish ack (or error) came
    std::uint64_t original = 0;  // a duplicate: the stream seq of the first message
  };
  void cluster_submit(const std::string& user, protocol::command& c, const std::string& key,
                      const reply_fn& reply);
  // Decides the next queued command, if none is in flight, and publishes it.
  void cluster_pump();
  void cluster_answer(std::uint64_t id, bool ok, std::uint64_t seq, bool duplicate, int err_code,
                      const std::string& error);
  // Ends the flight: the durable ack to its waiters, or (failed) spec_ back to durable_.
  void cluster_land();
  void cluster_drop(const std::string& code, const std::string& message);
  std::deque<queued> cluster_queue_;
  std::optional<flight> flight_;
  std::uint64_t flight_ids_ = 0;
  std::uint64_t stream_seq_ = 0;  // the last stream message folded in
  // After a lost race: decide again once the stream has passed this seq.
  std::optional<std::uint64_t> retry_after_;
  bool spec_behind_ = false;  // events folded into durable_ only, while a flight was out
  std::string durable_ts_;    // the ts of the event at durable_.seq()
  // A durable event that changes what some users may see (a role change, an org losing its
  // endorsement) closes their sockets with 4003 before the event is broadcast: they never get
  // another event under the old view, and their next hello gets a snapshot.
  void close_changed_views(const protocol::event& e);
  void publish(const protocol::event& e);
  // Broadcasts every published event and then sends the acks held back for them: one post per
  // session per flush, however many events (scheduled once per strand turn).
  void flush();
  void refresh_ring_entity(const std::string& entity);
  // Appends `req` (whose events' parsed data is `data`), applies it to spec_ and counts it in
  // flight; on_durable(p) follows. False when the log refuses it.
  bool append(storage::append_request&& req, std::vector<nlohmann::json> data,
              const std::shared_ptr<pending>& p);
  void index_checkpoint(const protocol::event& e);
  void maybe_checkpoint();
  void checkpoint();
  void arm_checkpoint_timer();
  // Applies `e` to `s` (spec_ or durable_); on failure stops the writer and returns false.
  bool apply_or_stop(protocol::state& s, const protocol::event& e, const char* which);
  void reject(const reply_fn& reply, const std::string& id, const std::string& code,
              const std::string& message, const nlohmann::json& details = nlohmann::json::object());

  server_context& ctx_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  protocol::state spec_;     // durable + appended-not-yet-durable
  protocol::state durable_;  // exactly the durable log
  std::atomic<std::uint64_t> durable_head_{0};
  // The seq of a version whose whole-state snapshot was more than twice
  // --max-full-snapshot-bytes (0: none yet). A workspace does not shrink by half (nothing is
  // deleted), so a full hello at a version this new or newer is refused without building a
  // snapshot it would throw away (220 MB and ~5 s of CPU each at 1,000,000 events): a storm of
  // a4p.v1 clients costs nothing. Read and written on the reader pool.
  std::atomic<std::uint64_t> full_too_large_at_{0};
  std::string durable_hash_;            // the hash of the event at durable_.seq()
  std::uint64_t checkpointed_seq_ = 0;  // the seq the last checkpoint signed
  std::uint64_t checkpoint_event_ = 0;  // the seq of the last audit.checkpoint event
  std::unique_ptr<boost::asio::steady_timer> checkpoint_timer_;
  std::size_t in_flight_ = 0;
  bool draining_ = false;
  rate_limiter limits_;       // commands per user (--rate, --burst)
  rate_limiter byte_limits_;  // command bytes per user (--rate-bytes, --burst-bytes)
  std::string stopped_;       // why the writer stopped (an event failed to apply); empty: running
  std::function<void()> drained_;
  std::unordered_map<std::string, std::vector<waiter>> pending_keys_;
  // user -> seq of the last event that changed what they may see (no resume from before it).
  std::unordered_map<std::string, std::uint64_t> view_changed_at_;
  std::deque<std::shared_ptr<const fanout>> ring_;     // the last events, oldest first
  std::vector<std::shared_ptr<const fanout>> outbox_;  // published, not yet broadcast
  std::vector<std::pair<reply_fn, std::string>> outbox_acks_;
  std::vector<protocol::event> public_outbox_;  // published, for the public site (issue 15)
  bool flush_posted_ = false;
};

}  // namespace a4p::server
