#include "tests/server/test_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "protocol/gzip_pieces.hpp"

namespace a4p::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
// Runs the io_context until `done` or the timeout; cancels the socket on timeout.
template <class Socket>
bool run_for(net::io_context& ioc, bool& done, Socket& sock, std::chrono::milliseconds t) {
  ioc.restart();
  const auto deadline = std::chrono::steady_clock::now() + t;
  while (!done && std::chrono::steady_clock::now() < deadline)
    ioc.run_one_for(std::chrono::milliseconds(20));
  if (!done) {
    beast::error_code ec;
    sock.cancel(ec);
    ioc.restart();
    ioc.run_for(std::chrono::milliseconds(200));
    return false;
  }
  return true;
}
}  // namespace

http_result http_call(std::uint16_t port, const std::string& method, const std::string& target,
                      const std::string& body, const std::map<std::string, std::string>& headers) {
  http_result out;
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  stream.socket().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return out;
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == "POST") {
    req.body() = body;
    if (req.find(http::field::content_type) == req.end())
      req.set(http::field::content_type, "application/json");
  }
  req.prepare_payload();
  stream.expires_after(std::chrono::seconds(30));
  bool done = false;
  http::async_write(stream, req, [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  if (!run_for(ioc, done, stream.socket(), std::chrono::seconds(30)) || ec) return out;
  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  done = false;
  http::async_read(stream, buf, parser, [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  if (!run_for(ioc, done, stream.socket(), std::chrono::seconds(30)) || ec) return out;
  auto res = parser.release();
  out.status = static_cast<int>(res.result_int());
  out.body = res.body();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  return out;
}

std::string login(std::uint16_t port, const std::string& user, const std::string& password) {
  auto r = http_call(port, "POST", "/api/session",
                     nlohmann::json{{"username", user}, {"password", password}}.dump());
  if (r.status != 200) return "";
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.contains("token")) return "";
  return j["token"];
}

http_result get(std::uint16_t port, const std::string& target, const std::string& token) {
  return http_call(port, "GET", target, "", {{"Authorization", "Bearer " + token}});
}

struct ws_client::impl {
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buffer;
  bool open = false;
};

ws_client::ws_client() : impl_(std::make_unique<impl>()) {}
ws_client::~ws_client() = default;

int ws_client::connect(std::uint16_t port, const std::string& token,
                       const std::optional<std::string>& origin, int recv_buffer,
                       const std::optional<std::string>& protocols,
                       const std::map<std::string, std::string>& headers) {
  auto& ws = impl_->ws;
  auto& sock = beast::get_lowest_layer(ws).socket();
  beast::error_code ec;
  sock.open(tcp::v4(), ec);
  if (recv_buffer > 0) sock.set_option(net::socket_base::receive_buffer_size(recv_buffer), ec);
  sock.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return 0;
  ws.read_message_max(64 * 1024 * 1024);
  ws.set_option(websocket::stream_base::decorator(
      [token, origin, protocols, headers](websocket::request_type& req) {
        if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
        if (origin) req.set(http::field::origin, *origin);
        if (protocols) req.set(http::field::sec_websocket_protocol, *protocols);
        for (const auto& [k, v] : headers) req.set(k, v);
      }));
  websocket::response_type res;
  bool done = false;
  ws.async_handshake(res, "127.0.0.1:" + std::to_string(port), "/ws", [&](beast::error_code e) {
    ec = e;
    done = true;
  });
  if (!run_for(impl_->ioc, done, sock, std::chrono::seconds(10))) return 0;
  if (ec) return res.result_int() != 0 ? static_cast<int>(res.result_int()) : 0;
  protocol_ = std::string(res[http::field::sec_websocket_protocol]);
  impl_->open = true;
  return 101;
}

bool ws_client::send_text(const std::string& text) {
  auto& ws = impl_->ws;
  ws.text(true);
  beast::error_code ec;
  bool done = false;
  ws.async_write(net::buffer(text), [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  return run_for(impl_->ioc, done, beast::get_lowest_layer(ws).socket(),
                 std::chrono::seconds(10)) &&
         !ec;
}

bool ws_client::send_binary(const std::string& bytes) {
  auto& ws = impl_->ws;
  ws.binary(true);
  beast::error_code ec;
  bool done = false;
  ws.async_write(net::buffer(bytes), [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  bool ok =
      run_for(impl_->ioc, done, beast::get_lowest_layer(ws).socket(), std::chrono::seconds(10)) &&
      !ec;
  ws.text(true);
  return ok;
}

bool ws_client::fill(std::chrono::milliseconds timeout) {
  if (!impl_->open) return false;
  auto& ws = impl_->ws;
  beast::error_code ec;
  bool done = false;
  ws.async_read(impl_->buffer, [&](beast::error_code e, std::size_t) {
    ec = e;
    done = true;
  });
  if (!run_for(impl_->ioc, done, beast::get_lowest_layer(ws).socket(), timeout)) {
    // A cancelled websocket read leaves the stream unusable; the tests treat a timeout as final
    // for reads only when they expect nothing more.
    impl_->open = false;
    return false;
  }
  if (ec) {
    impl_->open = false;
    close_code_ = ec == websocket::error::closed ? ws.reason().code : 0;
    return false;
  }
  ++frames_;
  auto text = beast::buffers_to_string(impl_->buffer.data());
  impl_->buffer.consume(impl_->buffer.size());
  if (ws.got_binary()) {  // a gzip snapshot (decision 0213); throws if it is no gzip member
    ++binary_frames_;
    text = protocol::gunzip(text);
  }
  std::size_t start = 0;
  while (start <= text.size()) {
    auto nl = text.find('\n', start);
    auto line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!line.empty()) pending_.push_back(nlohmann::json::parse(line, nullptr, false));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return true;
}

std::optional<nlohmann::json> ws_client::next(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pending_.empty()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !fill(left)) return std::nullopt;
  }
  auto j = std::move(pending_.front());
  pending_.erase(pending_.begin());
  return j;
}

std::optional<nlohmann::json> ws_client::next_of(const std::string& type,
                                                 std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto j = next(left);
    if (!j) return std::nullopt;
    if (j->is_object() && j->value("type", "") == type) return j;
    skipped_.push_back(std::move(*j));
  }
}

int ws_client::wait_close(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (impl_->open) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return -1;
    if (!fill(left)) break;
    for (auto& j : pending_) skipped_.push_back(std::move(j));
    pending_.clear();
  }
  return close_code_;
}

bool ws_client::close(std::chrono::milliseconds timeout) {
  if (!impl_->open) return false;
  auto& ws = impl_->ws;
  beast::error_code ec;
  bool done = false;
  ws.async_close(websocket::close_code::normal, [&](beast::error_code e) {
    ec = e;
    done = true;
  });
  impl_->open = false;
  return run_for(impl_->ioc, done, beast::get_lowest_layer(ws).socket(), timeout) && !ec;
}

void ws_client::close_abruptly() {
  beast::error_code ec;
  beast::get_lowest_layer(impl_->ws).socket().close(ec);
  impl_->open = false;
}

std::optional<nlohmann::json> ws_client::hello(const std::optional<std::string>& epoch,
                                               std::uint64_t seq) {
  nlohmann::json h = {{"type", "hello"}};
  if (epoch) h["resume"] = {{"epoch", *epoch}, {"seq", seq}};
  if (!send(h)) return std::nullopt;
  auto w = next(std::chrono::seconds(10));
  if (!w || w->value("type", "") != "welcome") return std::nullopt;
  if (w->value("mode", "") == "snapshot") {
    snapshot_ = next(std::chrono::seconds(10));
    if (!snapshot_ || snapshot_->value("type", "") != "snapshot") return std::nullopt;
  }
  return w;
}

}  // namespace a4p::test
