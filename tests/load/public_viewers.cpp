#include "tests/load/public_viewers.hpp"
#include "tests/load/thread_nice.hpp"

#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <string_view>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace a4p::load {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using json = nlohmann::json;

namespace {

// One blocking HTTP call with a bearer token; the answer's status and body.
std::pair<int, std::string> call(const viewer_params& p, http::verb verb, const std::string& target,
                                 const std::string& body) {
  try {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect(tcp::endpoint(net::ip::make_address(p.host), p.port));
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, p.host);
    req.set(http::field::authorization, "Bearer " + p.secretariat_token);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    res.body().reserve(1 << 16);
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 * 1024 * 1024);
    http::read(stream, buf, parser);
    return {parser.get().result_int(), parser.get().body()};
  } catch (const std::exception& e) {
    return {0, e.what()};
  }
}

// Occurrences of `needle` in `tail + data` that end inside `data` (a match split across two
// reads is counted once). Only the seam is copied: the viewers read hundreds of MB/s on the
// machine a4pd runs on, so the counting must cost little.
std::uint64_t count_in(std::string& tail, std::string_view data, std::string_view needle) {
  std::uint64_t n = 0;
  std::string seam = tail;  // the matches across the seam of the two reads
  seam.append(data.substr(0, std::min(data.size(), needle.size() - 1)));
  for (auto at = seam.find(needle); at != std::string::npos; at = seam.find(needle, at + 1)) ++n;
  for (auto at = data.find(needle); at != std::string::npos; at = data.find(needle, at + 1)) ++n;
  const std::size_t k = needle.size() - 1;  // what a later match may still need
  if (data.size() >= k) {
    tail.assign(data.substr(data.size() - k));
  } else {
    tail.append(data);
    if (tail.size() > k) tail.erase(0, tail.size() - k);
  }
  return n;
}

struct viewer : std::enable_shared_from_this<viewer> {
  viewer(net::io_context& ioc, public_viewers::counters& c) : sock(ioc), c(c) {}
  tcp::socket sock;
  public_viewers::counters& c;
  std::string request;
  std::string hello_tail, change_tail;
  bool greeted = false;

  void start(const tcp::endpoint& server, const net::ip::address& source) {
    beast::error_code ec;
    sock.open(tcp::v4(), ec);
    if (!ec && !source.is_unspecified()) {
      int one = 1;
      ::setsockopt(sock.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
      sock.bind(tcp::endpoint(source, 0), ec);
    }
    if (ec) return void(c.failed.fetch_add(1));
    sock.async_connect(server, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return void(self->c.failed.fetch_add(1));
      self->c.connected.fetch_add(1);
      net::async_write(self->sock, net::buffer(self->request),
                       [self](beast::error_code ec, std::size_t) {
                         if (ec) return void(self->c.failed.fetch_add(1));
                         self->sock.non_blocking(true, ec);
                         self->read();
                       });
    });
  }
  // Waits until the socket is readable, then reads what is there into the thread's one
  // buffer: 10,000 viewers hold no buffer each, and each wake-up reads up to 64 KiB.
  void read() {
    sock.async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      thread_local std::array<char, 65536> buf;
      const auto n = self->sock.read_some(net::buffer(buf), ec);
      if (ec == net::error::would_block) return self->read();
      if (ec) return;
      std::string_view data(buf.data(), n);
      self->c.bytes.fetch_add(n, std::memory_order_relaxed);
      if (!self->greeted && count_in(self->hello_tail, data, "event: hello") > 0) {
        self->greeted = true;
        self->c.hellos.fetch_add(1);
      }
      if (auto k = count_in(self->change_tail, data, "event: change"))
        self->c.changes.fetch_add(k, std::memory_order_relaxed);
      self->read();
    });
  }
};

}  // namespace

public_viewers::public_viewers(viewer_params p) : p_(std::move(p)) {}

public_viewers::~public_viewers() {
  stop_publishing();
  close();
}

std::size_t public_viewers::prepare() {
  // The Secretariat's own deliverables, published: what the publisher reports on.
  auto [status, body] = call(p_, http::verb::get, "/api/state", "");
  json s = json::parse(body, nullptr, false);
  if (status != 200 || !s.is_object()) {
    std::fprintf(stderr, "public viewers: GET /api/state: %d\n", status);
    return 0;
  }
  for (auto& [id, pl] : s["pledges"].items()) {
    if (pl["org"] != "UN") continue;
    pledges_.push_back(id);
    if (pl.value("published", false)) continue;
    json cmd = {{"type", "command"},
                {"id", "load-publish-" + id},
                {"name", "pledge.publish"},
                {"args", {{"id", id}}}};
    call(p_, http::verb::post, "/api/commands", cmd.dump());
  }
  return pledges_.size();
}

std::size_t public_viewers::connect() {
  const tcp::endpoint server(net::ip::make_address(p_.host), p_.port);
  // Each round from addresses of its own: the last round's ports are still in TIME_WAIT.
  const auto per_round =
      static_cast<std::uint32_t>((p_.viewers + p_.per_source - 1) / p_.per_source);
  auto source = net::ip::address_v4(net::ip::make_address_v4(p_.source_base).to_uint() +
                                    static_cast<std::uint32_t>(rounds_) * per_round);
  const std::string request =
      "GET /public/api/feed HTTP/1.1\r\nHost: " + p_.host + "\r\nAccept: text/event-stream\r\n\r\n";
  // After a close(): the counters go on, this round's viewers are counted from here.
  const std::uint64_t before = c_.hellos.load() + c_.failed.load(),
                      hellos_before = c_.hellos.load();
  ioc_.restart();
  ++rounds_;
  for (std::size_t i = 0; i < p_.viewers; ++i) {
    auto v = std::make_shared<viewer>(ioc_, c_);
    v->request = request;
    auto src =
        net::ip::address_v4(source.to_uint() + static_cast<std::uint32_t>(i / p_.per_source));
    v->start(server, src);
    conns_.push_back(v);
  }
  for (int t = 0; t < p_.threads; ++t)
    threads_.emplace_back([this] {
      set_thread_nice(p_.nice);
      ioc_.run();
    });
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (c_.hellos.load() + c_.failed.load() < before + p_.viewers &&
         std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return c_.hellos.load() - hellos_before;
}

void public_viewers::start_publishing() {
  if (pledges_.empty() || p_.report_rate <= 0) return;
  publishing_ = true;
  publisher_ = std::thread([this] { publish_loop(); });
}

void public_viewers::publish_loop() {
  const auto step = std::chrono::duration<double>(1.0 / p_.report_rate);
  auto next = std::chrono::steady_clock::now();
  for (std::uint64_t k = 0; publishing_.load(); ++k) {
    const std::string& id = pledges_[k % pledges_.size()];
    json cmd = {{"type", "command"},
                {"id", "load-report-" + std::to_string(k) + "-" + id},
                {"name", "pledge.report"},
                {"args",
                 {{"id", id},
                  {"status", "on_track"},
                  {"progress", static_cast<int>(k % 100)},
                  {"note", "load report " + std::to_string(k)}}}};
    auto [status, body] = call(p_, http::verb::post, "/api/commands", cmd.dump());
    (status == 200 ? reports_ : report_errors_).fetch_add(1);
    next += std::chrono::duration_cast<std::chrono::steady_clock::duration>(step);
    std::this_thread::sleep_until(next);
  }
}

void public_viewers::stop_publishing() {
  publishing_ = false;
  if (publisher_.joinable()) publisher_.join();
}

void public_viewers::print(double seconds) const {
  const auto n = c_.hellos.load();
  std::printf(
      "public viewers: %llu greeted of %zu (%llu failed); %llu reports filed (%llu errors) in "
      "%.1f s; changes received %llu (%.1f per viewer), %.1f MiB\n",
      static_cast<unsigned long long>(n), p_.viewers * rounds_,
      static_cast<unsigned long long>(c_.failed.load()),
      static_cast<unsigned long long>(reports_.load()),
      static_cast<unsigned long long>(report_errors_.load()), seconds,
      static_cast<unsigned long long>(c_.changes.load()),
      n ? static_cast<double>(c_.changes.load()) / static_cast<double>(n) : 0.0,
      static_cast<double>(c_.bytes.load()) / (1024.0 * 1024.0));
}

void public_viewers::close() {
  // Each socket closed on the viewers' threads: their waits end with an error and re-arm
  // nothing, so run() returns. (ioc_.stop() alone leaves the sockets open in the stopped
  // context, held by their pending handlers, and a4pd goes on writing to them.)
  for (auto& c : conns_)
    net::post(ioc_, [v = std::static_pointer_cast<viewer>(c)] {
      beast::error_code ec;
      v->sock.close(ec);
    });
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!threads_.empty() && !ioc_.stopped() && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ioc_.stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  conns_.clear();
}

}  // namespace a4p::load
