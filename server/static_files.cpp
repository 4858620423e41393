#include "server/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

namespace a4p::server {

namespace http = boost::beast::http;
namespace fs = std::filesystem;

std::string_view mime_type(std::string_view path) {
  auto dot = path.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  auto ext = path.substr(dot + 1);
  if (ext == "html" || ext == "htm") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json" || ext == "map") return "application/json";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "gif") return "image/gif";
  if (ext == "webp") return "image/webp";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff") return "font/woff";
  if (ext == "woff2") return "font/woff2";
  if (ext == "txt") return "text/plain; charset=utf-8";
  if (ext == "wasm") return "application/wasm";
  if (ext == "webmanifest") return "application/manifest+json";
  return "application/octet-stream";
}

bool read_whole_file(const fs::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = std::move(ss).str();
  return true;
}

namespace {

http_response file_response(const http_request& req, const fs::path& p, std::string body) {
  const auto name = p.filename().string();
  auto res = make_response(req, 200, std::move(body), mime_type(name));
  // Hashed build assets may be cached; the entry page never is.
  if (p.parent_path().filename() == "assets")
    res.set(http::field::cache_control, "public, max-age=31536000, immutable");
  else
    res.set(http::field::cache_control, "no-cache");
  if (req.method() == http::verb::head) {
    res.content_length(res.body().size());
    res.body().clear();
  }
  return res;
}
}  // namespace

http_response serve_static(const std::string& web_root, const http_request& req) {
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return error_response(req, 405, "method_not_allowed", "only GET and HEAD serve files");
  if (web_root.empty()) return error_response(req, 404, "not_found", "no web root is configured");
  auto path = target_path(req.target());
  if (!path || path->empty() || path->front() != '/' || path->find('\\') != std::string::npos)
    return error_response(req, 400, "bad_request", "malformed path");
  // Refuse any ".." segment outright, then double-check the resolved path.
  std::string_view rest(*path);
  while (!rest.empty()) {
    rest.remove_prefix(1);
    auto seg = rest.substr(0, rest.find('/'));
    if (seg == "..") return error_response(req, 400, "bad_request", "path traversal refused");
    rest.remove_prefix(seg.size());
  }
  const fs::path root(web_root);
  fs::path p = root / fs::path(path->substr(1));
  std::error_code ec;
  auto canon = fs::weakly_canonical(p, ec);
  if (ec) return error_response(req, 404, "not_found", "no such file");
  auto rel = canon.lexically_relative(root);
  if (rel.empty() || *rel.begin() == "..")
    return error_response(req, 404, "not_found", "no such file");
  if (fs::is_directory(canon, ec)) canon /= "index.html";
  std::string body;
  if (fs::is_regular_file(canon, ec) && read_whole_file(canon, body))
    return file_response(req, canon, std::move(body));
  // A client-side route (no extension): the app's entry page.
  const auto last = fs::path(*path).filename().string();
  if (last.find('.') == std::string::npos) {
    auto index = root / "index.html";
    if (read_whole_file(index, body)) return file_response(req, index, std::move(body));
  }
  return error_response(req, 404, "not_found", "no such file");
}

}  // namespace a4p::server
