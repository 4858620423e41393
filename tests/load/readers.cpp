#include "tests/load/readers.hpp"
#include "tests/load/thread_nice.hpp"

#include <cstdio>
#include <limits>
#include <optional>
#include <random>
#include <sstream>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "tests/load/load_client.hpp"

namespace a4p::load {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using json = nlohmann::json;

struct answer {
  unsigned status = 0;
  std::string body;
  std::optional<std::string> next;  // X-A4P-Next
  std::optional<std::string> head;  // X-A4P-Head
};

// One keep-alive HTTP connection, reopened after an error.
class http_conn {
 public:
  http_conn(const reader_params& p) : p_(p), stream_(ioc_) {}

  answer get(const std::string& target) {
    if (!open_) {
      stream_.connect(tcp::endpoint(net::ip::make_address(p_.host), p_.port));
      open_ = true;
    }
    try {
      http::request<http::empty_body> req{http::verb::get, target, 11};
      req.set(http::field::host, p_.host + ":" + std::to_string(p_.port));
      req.set(http::field::authorization, "Bearer " + p_.token);
      http::write(stream_, req);
      http::response_parser<http::string_body> parser;
      parser.body_limit(std::numeric_limits<std::uint64_t>::max());
      http::read(stream_, buf_, parser);
      auto res = parser.release();
      answer a{res.result_int(), std::move(res.body()), std::nullopt, std::nullopt};
      if (auto it = res.find("X-A4P-Next"); it != res.end()) a.next = std::string(it->value());
      if (auto it = res.find("X-A4P-Head"); it != res.end()) a.head = std::string(it->value());
      if (!res.keep_alive()) close();
      return a;
    } catch (...) {
      close();
      throw;
    }
  }

 private:
  void close() {
    beast::error_code ec;
    stream_.socket().close(ec);
    buf_.clear();
    open_ = false;
  }
  const reader_params& p_;
  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buf_;
  bool open_ = false;
};

}  // namespace

void background_readers::start() {
  stop_ = false;
  for (std::size_t i = 0; i < p_.auditors; ++i)
    threads_.emplace_back([this, i] {
      set_thread_nice(p_.nice);
      auditor_loop(i);
    });
  for (std::size_t i = 0; i < p_.reconnectors; ++i)
    threads_.emplace_back([this, i] {
      set_thread_nice(p_.nice);
      reconnector_loop(i);
    });
}

void background_readers::stop() {
  stop_ = true;
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void background_readers::note_error(const std::string& what) {
  errors_.fetch_add(1, std::memory_order_relaxed);
  if (!error_shown_.exchange(true)) first_error_ = what;
}

void background_readers::auditor_loop(std::size_t i) {
  std::mt19937_64 rng(1000 + i);
  http_conn conn(p_);
  while (!stop_) {
    try {
      // The whole log, page by page, as an export does.
      std::string cursor = "0";
      std::uint64_t head = 0;
      while (!stop_) {
        const auto t0 = now_ns();
        auto a = conn.get("/api/events?after=" + cursor + "&limit=10000");
        if (a.status != 200) {
          note_error("GET /api/events: HTTP " + std::to_string(a.status) + " " +
                     a.body.substr(0, 200));
          break;
        }
        page_latency_.record(now_ns() - t0);
        event_pages_.fetch_add(1, std::memory_order_relaxed);
        event_bytes_.fetch_add(a.body.size(), std::memory_order_relaxed);
        if (a.head) head = std::stoull(*a.head);
        if (!a.next) {
          exports_.fetch_add(1, std::memory_order_relaxed);
          break;
        }
        cursor = *a.next;
      }
      // Past states at random seqs.
      for (std::size_t k = 0; k < p_.states_per_export && !stop_ && head > 0; ++k) {
        const auto seq = std::uniform_int_distribution<std::uint64_t>(1, head)(rng);
        const auto t0 = now_ns();
        auto a = conn.get("/api/state?at=" + std::to_string(seq));
        if (a.status != 200) {
          note_error("GET /api/state?at: HTTP " + std::to_string(a.status) + " " +
                     a.body.substr(0, 200));
          continue;
        }
        state_latency_.record(now_ns() - t0);
        states_.fetch_add(1, std::memory_order_relaxed);
        state_bytes_.fetch_add(a.body.size(), std::memory_order_relaxed);
      }
    } catch (const std::exception& e) {
      note_error(std::string("auditor: ") + e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

void background_readers::reconnector_loop(std::size_t) {
  std::uint64_t head = p_.head;  // then learnt from each welcome
  while (!stop_) {
    try {
      net::io_context ioc;
      websocket::stream<beast::tcp_stream> ws(ioc);
      beast::get_lowest_layer(ws).connect(tcp::endpoint(net::ip::make_address(p_.host), p_.port));
      ws.set_option(websocket::stream_base::decorator([this](websocket::request_type& req) {
        req.set(http::field::authorization, "Bearer " + p_.token);
        req.set(http::field::sec_websocket_protocol, "a4p.v1");
      }));
      ws.read_message_max(256 * 1024 * 1024);
      ws.handshake(p_.host + ":" + std::to_string(p_.port), "/ws");
      const std::uint64_t from = head > p_.resume_back ? head - p_.resume_back : 0;
      const auto t0 = now_ns();
      ws.write(net::buffer(
          json{{"type", "hello"}, {"resume", {{"epoch", p_.epoch}, {"seq", from}}}}.dump()));
      std::uint64_t target = 0, seen = 0;
      bool welcomed = false, caught_up = false;
      beast::flat_buffer buf;
      while (!caught_up && !stop_) {
        buf.clear();
        beast::error_code ec;
        ws.read(buf, ec);
        if (ec == websocket::error::closed) {
          note_error("reconnector: closed by a4pd with code " + std::to_string(ws.reason().code) +
                     " (" + std::string(ws.reason().reason.c_str()) + ") after " +
                     std::to_string(seen) + " events of a resume from " + std::to_string(from));
          break;
        }
        if (ec) throw beast::system_error(ec);
        std::istringstream lines(beast::buffers_to_string(buf.data()));
        for (std::string line; std::getline(lines, line);) {
          if (line.empty()) continue;
          auto m = json::parse(line, nullptr, false);
          if (!m.is_object()) continue;
          const auto type = m.value("type", "");
          if (type == "welcome") {
            welcomed = true;
            target = m.value("head", std::uint64_t{0});
            head = target;
            if (m.value("mode", "") != "resume")
              note_error("reconnector: not resumed: " + line.substr(0, 200));
          } else if (type == "event") {
            ++seen;
            if (welcomed && m.value("seq", std::uint64_t{0}) >= target) caught_up = true;
          }
        }
        if (welcomed && target <= from) caught_up = true;
      }
      if (caught_up) {
        resume_latency_.record(now_ns() - t0);
        resumes_.fetch_add(1, std::memory_order_relaxed);
        resumed_events_.fetch_add(seen, std::memory_order_relaxed);
      }
      beast::error_code ec;
      ws.close(websocket::close_code::normal, ec);
    } catch (const std::exception& e) {
      note_error(std::string("reconnector: ") + e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

void background_readers::print(double seconds) const {
  auto ms = [](const latency_histogram& h, double f) { return h.percentile_us(f) / 1000.0; };
  if (p_.auditors > 0) {
    std::printf(
        "  auditors (%zu): %llu /api/events pages (%.1f MB/s), %llu whole exports, page p50 %.0f "
        "ms "
        "p99 %.0f ms; %llu /api/state?at (%.1f MB each), p50 %.0f ms p99 %.0f ms\n",
        p_.auditors, static_cast<unsigned long long>(event_pages_.load()),
        static_cast<double>(event_bytes_.load()) / 1e6 / seconds,
        static_cast<unsigned long long>(exports_.load()), ms(page_latency_, 0.5),
        ms(page_latency_, 0.99), static_cast<unsigned long long>(states_.load()),
        states_
            ? static_cast<double>(state_bytes_.load()) / 1e6 / static_cast<double>(states_.load())
            : 0.0,
        ms(state_latency_, 0.5), ms(state_latency_, 0.99));
  }
  if (p_.reconnectors > 0) {
    std::printf(
        "  reconnectors (%zu): %llu resumes of up to %llu events back (%llu events), "
        "to caught up p50 %.0f ms p99 %.0f ms\n",
        p_.reconnectors, static_cast<unsigned long long>(resumes_.load()),
        static_cast<unsigned long long>(p_.resume_back),
        static_cast<unsigned long long>(resumed_events_.load()), ms(resume_latency_, 0.5),
        ms(resume_latency_, 0.99));
  }
  if (errors_ > 0)
    std::printf("  reader errors: %llu, first: %s\n",
                static_cast<unsigned long long>(errors_.load()), first_error_.c_str());
  std::fflush(stdout);
}

}  // namespace a4p::load
