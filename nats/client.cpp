#include "nats/client.hpp"

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <unordered_map>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>

namespace a4p::nats {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

std::pair<std::string, std::string> host_port(std::string url) {
  if (auto p = url.find("://"); p != std::string::npos) url = url.substr(p + 3);
  if (auto at = url.rfind('@'); at != std::string::npos) url = url.substr(at + 1);
  auto colon = url.rfind(':');
  if (colon == std::string::npos) return {url, "4222"};
  return {url.substr(0, colon), url.substr(colon + 1)};
}

std::string random_token(std::size_t n) {
  static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::random_device rd;
  std::mt19937_64 gen((static_cast<std::uint64_t>(rd()) << 32U) ^ static_cast<std::uint64_t>(rd()));
  std::uniform_int_distribution<std::size_t> pick(0, sizeof(digits) - 2);
  std::string out(n, '0');
  for (auto& c : out) c = digits[pick(gen)];
  return out;
}

// PUB or HPUB, ready for the wire.
std::string pub_frame(const std::string& subject, const std::string& reply, const headers& h,
                      const std::string& payload) {
  std::string out;
  if (h.empty()) {
    out.reserve(subject.size() + reply.size() + payload.size() + 32);
    out += "PUB " + subject;
    if (!reply.empty()) out += " " + reply;
    out += " " + std::to_string(payload.size()) + "\r\n";
  } else {
    const std::string block = encode_headers(h);
    out += "HPUB " + subject;
    if (!reply.empty()) out += " " + reply;
    out += " " + std::to_string(block.size()) + " " +
           std::to_string(block.size() + payload.size()) + "\r\n";
    out += block;
  }
  out += payload;
  out += "\r\n";
  return out;
}

}  // namespace

struct client::impl : std::enable_shared_from_this<impl> {
  impl(net::io_context& io, options o)
      : strand(net::make_strand(io)),
        opts(std::move(o)),
        socket(strand),
        resolver(strand),
        timer(strand),
        ping_timer(strand),
        inbox_prefix("_INBOX." + random_token(22)) {}

  struct subscription {
    std::string subject, queue;
    msg_handler handler;
  };
  struct pending_request {
    reply_handler done;
    std::shared_ptr<net::steady_timer> timer;
  };

  net::strand<net::io_context::executor_type> strand;
  options opts;
  tcp::socket socket;
  tcp::resolver resolver;
  net::steady_timer timer;       // connect timeout, then the wait before a reconnect
  net::steady_timer ping_timer;  // PING every ping_interval while up
  std::string inbox_prefix;

  // Touched on the strand only.
  std::uint64_t generation = 0;  // one per connection attempt: stale callbacks see a new one
  bool closed = false;
  bool up = false;  // CONNECT answered by PONG, subscriptions sent
  bool writing = false;
  int pings_out = 0;
  std::size_t server_index = 0;
  std::string out, in_flight, buffered;  // to write, being written, published while down
  parser p;
  std::array<char, std::size_t{64} * 1024> rbuf{};
  std::function<void(bool)> on_state;
  std::map<std::uint64_t, subscription> subs;
  std::uint64_t inbox_sid = 0;
  std::uint64_t next_request = 1;
  std::unordered_map<std::string, pending_request> requests;

  std::atomic<std::uint64_t> next_sid{1};
  std::atomic<bool> is_up{false};
  mutable std::mutex info_mu;
  std::string info;

  template <class F>
  void run(F&& f) {
    net::post(strand, [self = shared_from_this(), f = std::forward<F>(f)]() mutable { f(*self); });
  }

  void connect() {
    if (closed) return;
    const auto gen = ++generation;
    p = parser();
    const auto [host, port] = host_port(opts.servers[server_index % opts.servers.size()]);
    ++server_index;
    timer.expires_after(opts.connect_timeout);
    timer.async_wait([self = shared_from_this(), gen](boost::system::error_code ec) {
      if (!ec && gen == self->generation && !self->up) self->drop("connect timeout");
    });
    resolver.async_resolve(
        host, port,
        [self = shared_from_this(), gen](boost::system::error_code ec,
                                         const tcp::resolver::results_type& results) {
          if (gen != self->generation) return;
          if (ec) return self->drop("resolve: " + ec.message());
          net::async_connect(self->socket, results,
                             [self, gen](boost::system::error_code ec2, const tcp::endpoint&) {
                               if (gen != self->generation) return;
                               if (ec2) return self->drop("connect: " + ec2.message());
                               self->read(gen);
                             });
        });
  }

  void drop(const std::string& why) {
    (void)why;
    ++generation;
    boost::system::error_code ignored;
    socket.close(ignored);
    timer.cancel();
    ping_timer.cancel();
    const bool was_up = up;
    up = false;
    is_up = false;
    writing = false;
    out.clear();
    in_flight.clear();
    if (was_up && on_state) on_state(false);
    if (closed) return;
    timer.expires_after(opts.reconnect_wait);
    const auto gen = generation;
    timer.async_wait([self = shared_from_this(), gen](boost::system::error_code ec) {
      if (!ec && gen == self->generation) self->connect();
    });
  }

  void read(std::uint64_t gen) {
    socket.async_read_some(net::buffer(rbuf), [self = shared_from_this(), gen](
                                                  boost::system::error_code ec, std::size_t n) {
      if (gen != self->generation) return;
      if (ec) return self->drop("read: " + ec.message());
      std::vector<server_op> ops;
      if (!self->p.feed(std::string_view(self->rbuf.data(), n), ops))
        return self->drop("protocol: " + self->p.error());
      for (auto& op : ops) {
        self->handle(op);
        if (gen != self->generation) return;  // the op dropped the connection
      }
      self->read(gen);
    });
  }

  void handle(server_op& op) {
    if (auto* i = std::get_if<info_op>(&op)) {
      {
        std::lock_guard lock(info_mu);
        info = i->json;
      }
      if (up) return;  // an INFO update (cluster topology) while connected
      nlohmann::json c = {{"verbose", false},      {"pedantic", false}, {"headers", true},
                          {"no_responders", true}, {"lang", "cpp"},     {"version", "0.1.0"},
                          {"protocol", 1},         {"name", opts.name}, {"echo", true}};
      write("CONNECT " + c.dump() + "\r\nPING\r\n");
    } else if (std::holds_alternative<ping_op>(op)) {
      write("PONG\r\n");
    } else if (std::holds_alternative<pong_op>(op)) {
      pings_out = 0;
      if (!up) became_up();
    } else if (auto* m = std::get_if<message>(&op)) {
      deliver(*m);
    }
    // +OK needs nothing (verbose is off); after a fatal -ERR the server closes the connection,
    // the read fails and drop() follows.
  }

  void became_up() {
    up = true;
    timer.cancel();
    std::string resubscribe;
    for (const auto& [sid, s] : subs) resubscribe += sub_frame(sid, s);
    write(resubscribe + buffered);
    buffered.clear();
    arm_ping(generation);
    if (on_state) on_state(true);
    // After the callback: whoever sees connected() also sees what the callback did (a test read
    // its count of ups between the two and found one fewer).
    is_up = up;  // up unless the callback dropped the connection
  }

  void arm_ping(std::uint64_t gen) {
    ping_timer.expires_after(opts.ping_interval);
    ping_timer.async_wait([self = shared_from_this(), gen](boost::system::error_code ec) {
      if (ec || gen != self->generation) return;
      if (self->pings_out >= 2) return self->drop("no PONG to two PINGs");
      ++self->pings_out;
      self->write("PING\r\n");
      self->arm_ping(gen);
    });
  }

  static std::string sub_frame(std::uint64_t sid, const subscription& s) {
    return "SUB " + s.subject + (s.queue.empty() ? "" : " " + s.queue) + " " + std::to_string(sid) +
           "\r\n";
  }

  void deliver(const message& m) {
    if (m.sid == inbox_sid && inbox_sid != 0) {
      const auto token = m.subject.substr(std::min(m.subject.size(), inbox_prefix.size() + 1));
      auto it = requests.find(token);
      if (it == requests.end()) return;  // late or duplicate reply
      auto req = std::move(it->second);
      requests.erase(it);
      req.timer->cancel();
      if (m.status == 503) return req.done(std::unexpected(std::string("no responders")));
      return req.done(m);
    }
    auto it = subs.find(m.sid);
    if (it != subs.end() && it->second.handler) it->second.handler(m);
  }

  // Control lines and messages for the current connection (only once it is up, or the
  // handshake itself).
  void write(const std::string& bytes) {
    if (bytes.empty()) return;
    out += bytes;
    flush();
  }

  void flush() {
    if (writing || out.empty() || !socket.is_open()) return;
    writing = true;
    in_flight.swap(out);
    out.clear();
    const auto gen = generation;
    net::async_write(socket, net::buffer(in_flight),
                     [self = shared_from_this(), gen](boost::system::error_code ec, std::size_t) {
                       if (gen != self->generation) return;
                       self->writing = false;
                       self->in_flight.clear();
                       if (ec) return self->drop("write: " + ec.message());
                       self->flush();
                     });
  }

  bool publish(const std::string& frame) {
    if (closed) return false;
    if (up) {
      write(frame);
      return true;
    }
    if (buffered.size() + frame.size() > opts.max_buffered_bytes) return false;
    buffered += frame;
    return true;
  }

  void shutdown() {
    closed = true;
    ++generation;
    boost::system::error_code ignored;
    socket.close(ignored);
    timer.cancel();
    ping_timer.cancel();
    resolver.cancel();
    up = false;
    is_up = false;
    auto reqs = std::move(requests);
    requests.clear();
    subs.clear();
    for (auto& [token, r] : reqs) {
      r.timer->cancel();
      r.done(std::unexpected(std::string("closed")));
    }
  }
};

client::client(net::io_context& io, options o) : impl_(std::make_shared<impl>(io, std::move(o))) {
  if (impl_->opts.servers.empty()) impl_->opts.servers.emplace_back("nats://127.0.0.1:4222");
}

client::~client() {
  close();
}

void client::start(std::function<void(bool)> on_state) {
  impl_->run([on_state = std::move(on_state)](impl& i) mutable {
    i.on_state = std::move(on_state);
    i.connect();
  });
}

void client::close() {
  impl_->run([](impl& i) { i.shutdown(); });
}

bool client::publish(const std::string& subject, const std::string& payload, const headers& h,
                     const std::string& reply) {
  // Only the size is checked here; whether it fits the buffer is known on the strand.
  auto frame = pub_frame(subject, reply, h, payload);
  if (frame.size() > impl_->opts.max_buffered_bytes) return false;
  impl_->run([frame = std::move(frame)](impl& i) { (void)i.publish(frame); });
  return true;
}

std::uint64_t client::subscribe(const std::string& subject, msg_handler h,
                                const std::string& queue) {
  const auto sid = impl_->next_sid.fetch_add(1);
  impl_->run([sid, s = impl::subscription{subject, queue, std::move(h)}](impl& i) mutable {
    if (i.closed) return;
    auto frame = impl::sub_frame(sid, s);
    i.subs.emplace(sid, std::move(s));
    if (i.up) i.write(frame);
  });
  return sid;
}

void client::unsubscribe(std::uint64_t sid) {
  impl_->run([sid](impl& i) {
    if (i.subs.erase(sid) && i.up) i.write("UNSUB " + std::to_string(sid) + "\r\n");
  });
}

void client::request(const std::string& subject, const std::string& payload, const headers& h,
                     std::chrono::milliseconds timeout, reply_handler done) {
  impl_->run([subject, payload, h, timeout, done = std::move(done)](impl& i) mutable {
    if (i.closed) return done(std::unexpected(std::string("closed")));
    if (i.inbox_sid == 0) {
      i.inbox_sid = i.next_sid.fetch_add(1);
      impl::subscription s{i.inbox_prefix + ".*", "", nullptr};
      auto frame = impl::sub_frame(i.inbox_sid, s);
      i.subs.emplace(i.inbox_sid, std::move(s));
      if (i.up) i.write(frame);
    }
    const auto token = std::to_string(i.next_request++);
    const auto reply = i.inbox_prefix + "." + token;
    if (!i.publish(pub_frame(subject, reply, h, payload)))
      return done(std::unexpected(std::string("not connected, buffer full")));
    auto t = std::make_shared<net::steady_timer>(i.strand);
    t->expires_after(timeout);
    t->async_wait([self = i.shared_from_this(), token](boost::system::error_code ec) {
      if (ec) return;
      auto it = self->requests.find(token);
      if (it == self->requests.end()) return;
      auto r = std::move(it->second);
      self->requests.erase(it);
      r.done(std::unexpected(std::string("timeout")));
    });
    i.requests.emplace(token, impl::pending_request{std::move(done), std::move(t)});
  });
}

void client::after(std::chrono::milliseconds delay, std::function<void()> fn) {
  impl_->run([delay, fn = std::move(fn)](impl& i) mutable {
    auto t = std::make_shared<net::steady_timer>(i.strand);
    t->expires_after(delay);
    t->async_wait(
        [self = i.shared_from_this(), t, fn = std::move(fn)](boost::system::error_code ec) {
          if (!ec && !self->closed) fn();
        });
  });
}

std::string client::new_inbox() {
  return "_INBOX." + random_token(22);
}

bool client::connected() const {
  return impl_->is_up.load();
}

std::string client::server_info() const {
  std::lock_guard lock(impl_->info_mu);
  return impl_->info;
}

}  // namespace a4p::nats
