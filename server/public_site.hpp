// The public site's model (issue 15, decisions 0208 and 0310): a copy of the workspace state
// kept on its own strand, fed with every durable event after the sequencer's flush, and the
// immutable public projection built from it (public_snapshot), which the network threads serve
// to anonymous readers without ever touching the sequencer's strand.
//
// The strand is on the public lane's io_context (--public-threads, decision 0316), as are the
// viewers' sockets: nothing here runs on the threads of the signed-in sockets.
//
// Order, on the public strand: fold each flush's durable events in and compute each event's
// public projection once (protocol::public_change_of), gathering them for --public-batch; then,
// if anything public changed (else the snapshot stands, seq and ETag too), swap in the new snapshot
// and send what was gathered to every live viewer as one chunk (one write per viewer however many
// flushes came). The writes of one chunk go out in a paced round
// (--public-sends per second, in slices every 10 ms) rather than in one burst, so that 10,000
// viewers cost the signed-in users a steady, bounded share of the machine; the next chunk waits
// for the round to end, so the interval between chunks is --public-batch or the round's length,
// whichever is longer (decision 0330). The aggregates (counts, coverage) are computed
// once per chunk and ride on its last change that moved them: a viewer applies a chunk whole,
// so it never sees the aggregates of a point inside it (docs/public-api.md). The swap comes first,
// and a viewer is greeted with the seq of the snapshot swapped in last, so a viewer that subscribes
// and then fetches the snapshot never misses an event: every event after the greeting's seq reaches
// it on the feed.
//
// At start() it scans the log once to learn the seq and hash of each entity's last event
// (protocol::public_stamps): the state does not carry hashes. Until then current() is null and
// /public/api answers 503.
//
// Anonymous budgets (public_limits): requests per second per client address and in total, and
// live streams per address and in total, apart from every signed-in budget.
//
// Thread safety: on_durable, subscribe, start, close_all and current may be called from any
// thread; everything else runs on the public strand. public_limits is guarded by its mutex.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <nlohmann/json.hpp>

#include "protocol/public_view.hpp"
#include "protocol/state.hpp"
#include "protocol/workspace.hpp"
#include "server/rate_limit.hpp"

namespace a4p::server {

struct server_context;
class public_stream;

// The files of /public/api/ (docs/public-api.md).
enum class public_file {
  state_json,
  pledges_json,
  pledges_csv,
  reports_json,
  reports_csv,
  themes_json,
  themes_csv,
  orgs_json,
  orgs_csv,
  coverage_json,
  coverage_csv,
  count
};

// One immutable public projection: the state's at `seq`, and each file's body, made on first
// use (once, by whichever network thread asks first) and shared after.
class public_snapshot {
 public:
  public_snapshot(std::uint64_t seq, std::string etag, nlohmann::json state);
  [[nodiscard]] std::uint64_t seq() const { return seq_; }
  [[nodiscard]] const std::string& etag() const { return etag_; }
  [[nodiscard]] const std::string& body(public_file f) const;
  // The projection itself (protocol::public_state), for the pages' titles (public_page.hpp).
  [[nodiscard]] const nlohmann::json& state() const { return state_; }

 private:
  static constexpr auto n = static_cast<std::size_t>(public_file::count);
  std::uint64_t seq_;
  std::string etag_;
  nlohmann::json state_;
  mutable std::array<std::once_flag, n> once_;
  mutable std::array<std::string, n> bodies_;
};

// The budgets of anonymous readers.
class public_limits {
 public:
  public_limits(const struct server_config& cfg);
  // One request from `address`: false when its own or the total budget is spent.
  [[nodiscard]] bool take_request(const std::string& address);
  // A live stream from `address`: false when it or everyone holds the most allowed.
  [[nodiscard]] bool open_stream(const std::string& address);
  void close_stream(const std::string& address);
  [[nodiscard]] std::size_t streams() const;

 private:
  mutable std::mutex mu_;
  const server_config& cfg_;
  rate_limiter per_address_;                                         // guarded by mu_
  rate_limiter total_;                                               // guarded by mu_
  std::unordered_map<std::string, std::size_t> streams_by_address_;  // guarded by mu_
  std::size_t streams_ = 0;                                          // guarded by mu_
  std::size_t requests_since_trim_ = 0;                              // guarded by mu_
};

class public_site {
 public:
  public_site(server_context& ctx, const protocol::state& durable);

  // Scans the log for the stamps, then publishes the first snapshot. Call once.
  void start();
  // The durable events of one flush, in seq order (the sequencer's hook).
  void on_durable(std::vector<protocol::event> events);
  // The current projection, or null before start() has finished.
  [[nodiscard]] std::shared_ptr<const public_snapshot> current() const;
  // Adds a live viewer: it is greeted with the current seq, then gets every projection after.
  void subscribe(std::shared_ptr<public_stream> s);
  // Shutdown: close every viewer.
  void close_all();
  [[nodiscard]] public_limits& limits() { return limits_; }

 private:
  // Makes the projection of the state now and swaps it in; returns it.
  std::shared_ptr<const public_snapshot> publish_snapshot();
  // The end of a batch: the snapshot swapped in, then what was gathered sent to every viewer.
  void flush();
  // Sends `chunk` to every viewer subscribed now, --public-sends per second in slices; a
  // viewer that subscribes during the round is not in it (its greeting is newer than the chunk).
  void start_round(std::shared_ptr<const std::string> chunk);
  void send_slice();
  void do_keepalive();

  server_context& ctx_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  protocol::state state_;                              // on the strand
  protocol::public_stamps stamps_;                     // on the strand
  std::vector<std::weak_ptr<public_stream>> viewers_;  // on the strand
  std::vector<protocol::public_change> gathered_;      // on the strand: changes not yet sent
  bool batching_ = false;                              // on the strand: batch_ is armed
  std::shared_ptr<const std::string> round_chunk_;     // on the strand: the round's, null if none
  std::size_t round_next_ = 0;                         // on the strand: the next viewer to send to
  std::size_t round_end_ = 0;                          // on the strand: the viewers in the round
  bool flush_pending_ = false;  // on the strand: a batch ended during the round
  bool failed_ = false;         // on the strand: an event did not apply; nothing moves any more
  std::uint64_t published_seq_ = 0;  // on the strand: the seq of the snapshot swapped in last
  boost::asio::steady_timer batch_;
  boost::asio::steady_timer pace_;
  boost::asio::steady_timer keepalive_;
  mutable std::mutex snapshot_mu_;
  std::shared_ptr<const public_snapshot> snapshot_;  // guarded by snapshot_mu_
  public_limits limits_;
};

}  // namespace a4p::server
