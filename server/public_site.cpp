#include "server/public_site.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "protocol/json_codec.hpp"
#include "server/config.hpp"
#include "server/metrics.hpp"
#include "server/public_csv.hpp"
#include "server/public_stream.hpp"
#include "server/server_context.hpp"
#include "storage/event_log.hpp"

namespace a4p::server {

namespace net = boost::asio;
using json = nlohmann::json;

namespace {
constexpr auto keepalive_every = std::chrono::seconds(20);
// A round's slices: --public-sends / 100 writes every 10 ms.
constexpr auto slice_every = std::chrono::milliseconds(10);
constexpr std::size_t slices_per_second = 100;

// One Server-Sent Event: its id, its type and its data on one line (canonical JSON has no
// newline).
std::string sse(std::string_view type, std::uint64_t id, const json& data) {
  std::string out = "id: " + std::to_string(id) + "\nevent: ";
  out.append(type).append("\ndata: ").append(protocol::canonical(data)).append("\n\n");
  return out;
}
}  // namespace

// ---- snapshot ----

public_snapshot::public_snapshot(std::uint64_t seq, std::string etag, json state)
    : seq_(seq), etag_(std::move(etag)), state_(std::move(state)) {}

const std::string& public_snapshot::body(public_file f) const {
  const auto k = static_cast<std::size_t>(f);
  std::call_once(once_[k], [&] { bodies_[k] = public_file_body(state_, f); });
  return bodies_[k];
}

// ---- limits ----

public_limits::public_limits(const server_config& cfg)
    : cfg_(cfg),
      per_address_(cfg.public_rate, cfg.public_burst),
      total_(cfg.public_rate_total, cfg.public_burst_total) {}

bool public_limits::take_request(const std::string& address) {
  std::lock_guard lock(mu_);
  // Buckets are forgotten now and then, so that many addresses cannot grow the map for ever
  // (a forgotten address finds a full bucket: at most one burst more).
  if (++requests_since_trim_ > 100'000) {
    per_address_ = rate_limiter(cfg_.public_rate, cfg_.public_burst);
    requests_since_trim_ = 0;
  }
  if (!total_.take("all")) return false;
  return per_address_.take(address);
}

bool public_limits::open_stream(const std::string& address) {
  std::lock_guard lock(mu_);
  auto& n = streams_by_address_[address];
  if (streams_ >= cfg_.public_max_streams || n >= cfg_.public_max_address_streams) {
    if (n == 0) streams_by_address_.erase(address);
    return false;
  }
  ++n;
  ++streams_;
  return true;
}

void public_limits::close_stream(const std::string& address) {
  std::lock_guard lock(mu_);
  auto it = streams_by_address_.find(address);
  if (it == streams_by_address_.end()) return;
  if (--it->second == 0) streams_by_address_.erase(it);
  --streams_;
}

std::size_t public_limits::streams() const {
  std::lock_guard lock(mu_);
  return streams_;
}

// ---- site ----

public_site::public_site(server_context& ctx, const protocol::state& durable)
    : ctx_(ctx),
      strand_(net::make_strand(*ctx.public_ioc)),
      state_(durable),
      batch_(strand_),
      pace_(strand_),
      keepalive_(strand_),
      limits_(*ctx.cfg) {}

void public_site::start() {
  net::post(strand_, [this] {
    const auto until = state_.seq();
    auto st = ctx_.log->scan_raw(0, until, [&](std::uint64_t, std::string_view bytes) {
      if (auto e = protocol::decode_stored(bytes)) stamps_.feed(*e);
      return true;
    });
    if (!st) spdlog::error("public site: scanning the log failed: {}", st.error().message);
    publish_snapshot();
    spdlog::info("public site: projection at seq {}", stamps_.seq());
    do_keepalive();
  });
}

void public_site::on_durable(std::vector<protocol::event> events) {
  if (events.empty()) return;
  net::post(strand_, [this, events = std::move(events)] {
    if (failed_) return;
    for (const auto& e : events) {
      if (auto applied = protocol::apply(state_, e); !applied) {
        // The sequencer stops its writer on the same failure; the public site stops moving.
        spdlog::critical("public site: event {} failed to apply: {}", e.seq,
                         applied.error().message);
        failed_ = true;
        return;
      }
      stamps_.feed(e);
      if (auto c = protocol::public_change_of(state_, e, stamps_))
        gathered_.push_back(std::move(*c));
    }
    if (batching_) return;
    if (ctx_.cfg->public_batch.count() == 0) return flush();
    batching_ = true;
    batch_.expires_after(ctx_.cfg->public_batch);
    batch_.async_wait([this](const boost::system::error_code& ec) {
      batching_ = false;
      if (!ec && !failed_) flush();
    });
  });
}

void public_site::flush() {
  // While a round is still sending the last chunk, nothing moves: the snapshot swapped in and
  // the chunk sent belong together (a viewer greeted with the new seq must get every change
  // after it, and none before).
  if (round_chunk_) {
    flush_pending_ = true;
    return;
  }
  // Nothing public changed (comments, discussions, unpublished work): the projection stands,
  // its seq and ETag too, and the whole of it is not made again (at a million events with
  // every pledge published it is ~135 MB and ~2.5 s: docs/performance.md).
  if (gathered_.empty()) return;
  const auto snap = publish_snapshot();  // before the broadcast: see the header
  // The aggregates once, on the last change that moved one; a change that moved only them and
  // does not carry them is not sent.
  std::size_t carrier = gathered_.size();
  bool counts = false, coverage = false;
  for (std::size_t i = 0; i < gathered_.size(); ++i) {
    counts = counts || gathered_[i].counts;
    coverage = coverage || gathered_[i].coverage;
    if (gathered_[i].counts || gathered_[i].coverage) carrier = i;
  }
  if (carrier < gathered_.size()) {
    auto& m = gathered_[carrier].message;
    // The snapshot just made holds them for this same state: taken from it, not made again.
    if (coverage) m["coverage"] = snap->state()["coverage"];
    if (counts) m["counts"] = snap->state()["counts"];
  }
  std::string text;
  for (std::size_t i = 0; i < gathered_.size(); ++i) {
    const auto& m = gathered_[i].message;
    const auto changes = m.find("changes");
    if (i != carrier && changes != m.end() && changes->empty()) continue;
    text += sse("change", m["seq"].get<std::uint64_t>(), m);
  }
  gathered_.clear();
  if (text.empty()) return;
  start_round(std::make_shared<const std::string>(std::move(text)));
  ctx_.stats->public_events.fetch_add(1, std::memory_order_relaxed);
}

void public_site::start_round(std::shared_ptr<const std::string> chunk) {
  std::erase_if(viewers_, [](const std::weak_ptr<public_stream>& w) { return w.expired(); });
  round_chunk_ = std::move(chunk);
  round_next_ = 0;
  round_end_ = viewers_.size();
  send_slice();
}

void public_site::send_slice() {
  const auto budget = ctx_.cfg->public_sends;
  const std::size_t slice =
      budget == 0 ? viewers_.size() : std::max<std::size_t>(1, budget / slices_per_second);
  round_end_ = std::min(round_end_, viewers_.size());  // close_all may have emptied the list
  const std::size_t until = std::min(round_end_, round_next_ + slice);
  for (; round_next_ < until; ++round_next_)
    if (auto s = viewers_[round_next_].lock()) s->send(round_chunk_);
  if (round_next_ < round_end_) {
    pace_.expires_after(slice_every);
    pace_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) send_slice();
    });
    return;
  }
  round_chunk_.reset();
  if (flush_pending_ && !failed_) {
    flush_pending_ = false;
    flush();
  }
}

std::shared_ptr<const public_snapshot> public_site::publish_snapshot() {
  const std::uint64_t seq = stamps_.seq();
  std::string etag = "\"" + ctx_.log->epoch().substr(0, 16) + "-" + std::to_string(seq) + "\"";
  auto snap = std::make_shared<const public_snapshot>(seq, std::move(etag),
                                                      protocol::public_state(state_, stamps_));
  published_seq_ = seq;
  std::lock_guard lock(snapshot_mu_);
  snapshot_ = snap;
  return snap;
}

std::shared_ptr<const public_snapshot> public_site::current() const {
  std::lock_guard lock(snapshot_mu_);
  return snapshot_;
}

void public_site::subscribe(std::shared_ptr<public_stream> s) {
  net::post(strand_, [this, s = std::move(s)] {
    s->send(std::make_shared<const std::string>(
        sse("hello", published_seq_, json{{"seq", published_seq_}})));
    viewers_.push_back(s);
  });
}

void public_site::close_all() {
  net::post(strand_, [this] {
    keepalive_.cancel();
    batch_.cancel();
    pace_.cancel();
    round_chunk_.reset();
    round_end_ = 0;
    for (auto& w : viewers_)
      if (auto s = w.lock()) s->close();
    viewers_.clear();
  });
}

void public_site::do_keepalive() {
  keepalive_.expires_after(keepalive_every);
  keepalive_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || ctx_.stopping.load()) return;
    // A round under way is traffic enough to keep the connections open.
    if (!round_chunk_) start_round(std::make_shared<const std::string>(":\n\n"));
    do_keepalive();
  });
}

}  // namespace a4p::server
