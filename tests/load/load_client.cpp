#include "tests/load/load_client.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <nlohmann/json.hpp>

#include "protocol/gzip_pieces.hpp"

namespace a4p::load {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using json = nlohmann::json;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

namespace {

std::size_t thread_shard() {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t mine = next.fetch_add(1);
  return mine;
}

}  // namespace

void sharded_counter::add(std::uint64_t n) {
  cells_[thread_shard() % shards].v.fetch_add(n, std::memory_order_relaxed);
}

std::uint64_t sharded_counter::value() const {
  std::uint64_t sum = 0;
  for (const auto& c : cells_) sum += c.v.load(std::memory_order_relaxed);
  return sum;
}

namespace {

// The unsigned integer right after `key` in `s` (searched from the back when `from_back`).
bool number_after(std::string_view s, std::string_view key, std::uint64_t* out,
                  bool from_back = false) {
  auto pos = from_back ? s.rfind(key) : s.find(key);
  if (pos == std::string_view::npos) return false;
  const char* b = s.data() + pos + key.size();
  auto r = std::from_chars(b, s.data() + s.size(), *out);
  return r.ec == std::errc();
}

}  // namespace

load_client::load_client(net::io_context& ioc, std::shared_ptr<run_stats> stats, std::size_t index,
                         mode m)
    : ioc_(ioc), stats_(std::move(stats)), index_(index), mode_(m) {}

void load_client::start(target t, std::function<void(bool)> ready) {
  target_ = std::move(t);
  ready_ = std::move(ready);
  last_seq_ = target_.resume_seq;
  ws_ = std::make_unique<websocket::stream<beast::tcp_stream>>(net::make_strand(ioc_));
  net::post(ws_->get_executor(), [self = shared_from_this()] {
    auto& sock = beast::get_lowest_layer(*self->ws_).socket();
    beast::error_code ec;
    sock.open(self->target_.server.protocol(), ec);
    if (!ec && !self->target_.source.is_unspecified()) {
      // Choose the port at connect time, per 4-tuple: many more than 28k sockets per source.
      int one = 1;
      ::setsockopt(sock.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
      sock.bind(tcp::endpoint(self->target_.source, 0), ec);
    }
    if (ec) return self->on_connect(ec);
    beast::get_lowest_layer(*self->ws_).expires_after(std::chrono::seconds(60));
    beast::get_lowest_layer(*self->ws_)
        .async_connect(self->target_.server,
                       [self](beast::error_code ec) { self->on_connect(ec); });
  });
}

void load_client::on_connect(beast::error_code ec) {
  if (ec) {
    stats_->note_error("connect: " + ec.message());
    return finish_ready(false);
  }
  beast::get_lowest_layer(*ws_).socket().set_option(tcp::no_delay(true), ec);
  beast::get_lowest_layer(*ws_).expires_never();
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
  timeouts.handshake_timeout = std::chrono::seconds(60);
  ws_->set_option(timeouts);
  ws_->read_message_max(std::size_t{1} << 30);  // a whole-state snapshot at 1M events: ~220 MB
  std::string token = target_.token;
  ws_->set_option(websocket::stream_base::decorator([token](websocket::request_type& req) {
    req.set(beast::http::field::user_agent, "a4p_load");
    req.set(beast::http::field::sec_websocket_protocol, "a4p.v1");
    if (!token.empty()) req.set(beast::http::field::authorization, "Bearer " + token);
  }));
  ws_->async_handshake(
      target_.host_header, "/ws",
      [self = shared_from_this()](beast::error_code ec) { self->on_handshake(ec); });
}

void load_client::on_handshake(beast::error_code ec) {
  if (ec) {
    stats_->note_error("handshake: " + ec.message());
    return finish_ready(false);
  }
  open_ = true;
  stats_->connected++;
  if (mode_ == mode::baseline) {
    finish_ready(true);
  } else {
    json hello = {{"type", "hello"}};
    if (!target_.resume_epoch.empty()) {
      hello["resume"] = {{"epoch", target_.resume_epoch}, {"seq", target_.resume_seq}};
    }
    if (!target_.view.empty()) hello["view"] = target_.view;
    if (!target_.snapshot_encoding.empty()) hello["snapshot_encoding"] = target_.snapshot_encoding;
    send(hello.dump());
  }
  do_read();
}

void load_client::finish_ready(bool ok) {
  if (ready_) {
    if (!ok) stats_->connect_failed++;
    auto r = std::move(ready_);
    ready_ = nullptr;
    r(ok);
  }
}

void load_client::do_read() {
  ws_->async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t n) {
    self->on_read(ec, n);
  });
}

void load_client::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    if (open_.exchange(false)) stats_->closed++;
    if (!closing_ && ec != net::error::operation_aborted) {
      std::string why = ec.message();
      if (ec == websocket::error::closed) {
        why = "closed by server, code " + std::to_string(ws_->reason().code) + " " +
              std::string(ws_->reason().reason.c_str());
      }
      stats_->note_error("client " + std::to_string(index_) + ": " + why);
    }
    if (tick_) tick_->cancel();
    return finish_ready(false);
  }
  const auto data = buffer_.cdata();
  stats_->bytes_received.add(data.size());
  std::string_view text(static_cast<const char*>(data.data()), data.size());
  if (ws_->got_binary()) {
    handle_gzip(text);
    text = {};
  }
  while (!text.empty()) {
    auto nl = text.find('\n');
    handle_line(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  buffer_.consume(buffer_.size());
  // A snapshot grew the buffer (15 MB light, 220 MB whole at 1M events): 5,000 clients must not
  // each keep that.
  if (buffer_.capacity() > (std::size_t{1} << 20)) buffer_.shrink_to_fit();
  do_read();
}

void load_client::handle_gzip(std::string_view gz) {
  // A browser inflates it natively on another machine; here its head tells the seq, and the
  // clients asked to inflate it whole show that the member is valid and is the snapshot.
  try {
    const std::string text =
        target_.inflate_whole ? protocol::gunzip(gz) : protocol::gunzip_prefix(gz, 64);
    if (target_.inflate_whole) stats_->gzip_inflated_whole++;
    stats_->gzip_snapshots++;
    if (!text.starts_with(R"({"seq":)") ||
        (target_.inflate_whole && !text.ends_with(R"("type":"snapshot","view":"light"})"))) {
      stats_->note_error("a binary frame that is no snapshot: " + text.substr(0, 64));
      return;
    }
    // The head stands for the snapshot line (handle_line reads its seq and its type).
    handle_line(target_.inflate_whole ? text
                                      : text.substr(0, text.find(',')) + R"(,"type":"snapshot"})");
  } catch (const std::exception& e) {
    stats_->note_error(std::string("gzip snapshot: ") + e.what());
  }
}

void load_client::handle_line(std::string_view line) {
  if (line.empty()) return;
  static constexpr std::string_view event_prefix = R"({"type":"event","prev":)";
  static constexpr std::string_view tick_prefix = R"({"prev":)";  // canonical: keys sorted
  static constexpr std::string_view snapshot_prefix = R"({"seq":)";
  // A snapshot (canonical, `seq` its first key, `type` near its end) is not parsed whole: at
  // 1,000,000 events it is megabytes, and 5,000 clients take one each in a storm.
  if (line.starts_with(snapshot_prefix) &&
      line.substr(line.size() - std::min<std::size_t>(line.size(), 48))
              .find(R"("type":"snapshot")") != std::string_view::npos) {
    std::uint64_t seq = 0;
    std::from_chars(line.data() + snapshot_prefix.size(), line.data() + line.size(), seq);
    last_seq_ = seq;
    return finish_ready(true);
  }
  const bool tick = line.starts_with(tick_prefix) && line.ends_with(R"("type":"tick"})");
  if (line.starts_with(event_prefix) || tick) {
    const std::size_t skip = tick ? tick_prefix.size() : event_prefix.size();
    std::uint64_t prev = 0, seq = 0;
    auto r = std::from_chars(line.data() + skip, line.data() + line.size(), prev);
    if (r.ec != std::errc() || !number_after(line, R"(,"seq":)", &seq, true)) {
      stats_->note_error("unparsable event: " + std::string(line.substr(0, 200)));
      return;
    }
    const std::uint64_t last = last_seq_.load(std::memory_order_relaxed);
    if (seq <= last) {
      stats_->duplicates++;
    } else {
      if (prev != last) {
        gaps_++;
        stats_->gaps++;
      }
      last_seq_.store(seq, std::memory_order_relaxed);
    }
    stats_->events.add(1);
    stats_->event_bytes.add(line.size());
    std::uint64_t sent = 0;
    if (number_after(line, R"("body":"lg )", &sent)) {
      stats_->latency.record(now_ns() - static_cast<std::int64_t>(sent));
    }
    return;
  }
  json m = json::parse(line, nullptr, false);
  if (m.is_discarded() || !m.is_object()) {
    stats_->note_error("unparsable message: " + std::string(line.substr(0, 200)));
    return;
  }
  const std::string type = m.value("type", "");
  if (type == "ack" || type == "reject") {
    if (type == "ack") {
      stats_->acks++;
      std::uint64_t seq = m.value("seq", std::uint64_t{0});
      std::uint64_t seen = stats_->max_acked_seq.load();
      while (seq > seen && !stats_->max_acked_seq.compare_exchange_weak(seen, seq)) {
      }
      const std::string id = m.value("id", "");
      auto dash = id.rfind('-');
      std::int64_t sent = 0;
      if (dash != std::string::npos &&
          std::from_chars(id.data() + dash + 1, id.data() + id.size(), sent).ec == std::errc()) {
        const std::int64_t took = now_ns() - sent;
        stats_->ack_latency.record(took);
        std::int64_t max = stats_->window_ack_max_ns.load(std::memory_order_relaxed);
        while (took > max && !stats_->window_ack_max_ns.compare_exchange_weak(max, took)) {
        }
      }
    } else {
      stats_->rejects++;
      std::lock_guard lock(stats_->mu);
      stats_->reject_codes[m.value("code", "?")]++;
    }
    if (outstanding_ > 0) --outstanding_;
    pump_writer();
  } else if (type == "welcome") {
    {
      std::lock_guard lock(stats_->mu);
      stats_->epoch = m.value("epoch", "");
      stats_->welcome_head = m.value("head", std::uint64_t{0});
    }
    if (m.value("mode", "") == "resume") {
      finish_ready(true);
    } else {
      last_seq_ = 0;
    }
  } else if (type == "snapshot") {
    last_seq_ = m.value("seq", std::uint64_t{0});
    finish_ready(true);
  } else if (type == "error") {
    {
      std::lock_guard lock(stats_->mu);
      stats_->error_codes[m.value("code", "?")]++;
    }
    stats_->note_error("server error: " + std::string(line.substr(0, 200)));
  }
}

void load_client::send(std::string text) {
  outbox_.push_back(std::move(text));
  if (!writing_) do_write();
}

void load_client::do_write() {
  if (outbox_.empty() || !open_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  ws_->text(true);
  ws_->async_write(
      net::buffer(outbox_.front()),
      [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->on_write(ec, n); });
}

void load_client::on_write(beast::error_code ec, std::size_t) {
  outbox_.pop_front();
  if (ec) {
    writing_ = false;
    return;  // the read side reports the close
  }
  do_write();
}

void load_client::start_writing(writer_params p) {
  net::post(ws_->get_executor(), [self = shared_from_this(), p = std::move(p)] {
    self->writer_ = true;
    self->wp_ = p;
    self->commands_ = 0;
    self->writer_start_ns_ = now_ns();
    if (p.rate > 0) {
      self->tick_ = std::make_unique<net::steady_timer>(self->ws_->get_executor());
      self->on_tick({});
    } else {
      self->pump_writer();
    }
  });
}

void load_client::stop_writing() {
  net::post(ws_->get_executor(), [self = shared_from_this()] {
    self->writer_ = false;
    if (self->tick_) self->tick_->cancel();
  });
}

void load_client::on_tick(beast::error_code ec) {
  if (ec || !writer_ || !open_) return;
  pump_writer();
  tick_->expires_after(std::chrono::milliseconds(2));
  tick_->async_wait([self = shared_from_this()](beast::error_code ec) { self->on_tick(ec); });
}

void load_client::pump_writer() {
  if (!writer_ || !open_) return;
  std::uint64_t allowed = UINT64_MAX;
  if (wp_.rate > 0) {
    double elapsed_s = static_cast<double>(now_ns() - writer_start_ns_) / 1e9;
    allowed = static_cast<std::uint64_t>(elapsed_s * wp_.rate) + 1;
  }
  if (wp_.limit > 0) allowed = std::min<std::uint64_t>(allowed, wp_.limit);
  while (commands_ < allowed && outstanding_ < wp_.window) {
    const std::int64_t t = now_ns();
    std::string body = "lg " + std::to_string(t) + " ";
    if (body.size() < wp_.body_bytes) body.append(wp_.body_bytes - body.size(), 'x');
    json cmd = {{"type", "command"},
                {"id", "w" + std::to_string(index_) + "-" + std::to_string(++commands_) + "-" +
                           std::to_string(t)},
                {"name", "comment.post"},
                {"args", {{"target", wp_.command_target}, {"body", body}}}};
    ++outstanding_;
    stats_->sent++;
    send(cmd.dump());
  }
}

void load_client::close() {
  if (!ws_) return;
  net::post(ws_->get_executor(), [self = shared_from_this()] {
    self->closing_ = true;
    self->writer_ = false;
    if (self->tick_) self->tick_->cancel();
    beast::error_code ec;
    beast::get_lowest_layer(*self->ws_).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(*self->ws_).socket().close(ec);
    if (self->open_.exchange(false)) self->stats_->closed++;
  });
}

}  // namespace a4p::load
