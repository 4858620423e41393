// Fuzz target: bytes from a socket through Beast's request parser with a4pd's limits, then what
// a4pd does with a parsed request before it needs a session: the target's path and query, the
// token from cookie or header, the upgrade check, and static files from a scratch web root.
// Property: no crash or sanitizer report, and no static answer from outside the web root.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "server/http_util.hpp"
#include "server/static_files.hpp"

namespace beast = boost::beast;
namespace http = beast::http;

namespace {
std::string web_root;

void make_web_root() {
  auto base =
      std::filesystem::temp_directory_path() / ("a4p-fuzz-http-" + std::to_string(getpid()));
  std::filesystem::create_directories(base / "root" / "assets");
  std::ofstream(base / "root" / "index.html") << "<!doctype html><title>a4p</title>";
  std::ofstream(base / "root" / "assets" / "app.js") << "console.log('a4p')";
  std::ofstream(base / "secret.txt") << "OUTSIDE-THE-ROOT";
  web_root = (base / "root").string();
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  make_web_root();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  beast::error_code ec;
  std::size_t used = 0;
  while (used < size && !parser.is_done()) {
    auto n = parser.put(boost::asio::buffer(data + used, size - used), ec);
    if (ec == http::error::need_more) break;
    if (ec || n == 0) return 0;
    used += n;
  }
  if (!parser.is_done()) {
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;
  }
  auto req = parser.release();
  using namespace a4p::server;
  (void)target_path(req.target());
  for (const char* name : {"after", "limit", "at", "entity"}) (void)query_param(req.target(), name);
  (void)request_token(req);
  (void)beast::websocket::is_upgrade(req);
  (void)error_response(req, 400, "bad_request", "malformed");
  auto res = serve_static(web_root, req);
  if (res.body().find("OUTSIDE-THE-ROOT") != std::string::npos) std::abort();  // traversal
  return 0;
}
