#include "server/public_api.hpp"

#include <boost/beast/http.hpp>

#include "server/config.hpp"
#include "server/public_csv.hpp"
#include "server/public_site.hpp"
#include "server/server_context.hpp"

namespace a4p::server {

namespace http = boost::beast::http;

namespace {
void set_public_headers(http_response& res, const server_context& ctx) {
  res.set(http::field::cache_control,
          "public, max-age=" + std::to_string(ctx.cfg->public_max_age.count()));
  res.set(http::field::access_control_allow_origin, "*");
}
}  // namespace

http_response public_api_response(server_context& ctx, const http_request& req,
                                  std::string_view path) {
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return error_response(req, 405, "method_not_allowed", "the public API is read-only");
  constexpr std::string_view prefix = "/public/api/";
  const auto file =
      path.starts_with(prefix) ? public_file_named(path.substr(prefix.size())) : public_file::count;
  if (file == public_file::count)
    return error_response(req, 404, "not_found", "no such file in /public/api/");
  auto snap = ctx.site->current();
  if (!snap) return error_response(req, 503, "unavailable", "the public site is starting");
  http_response res;
  auto inm = req.find(http::field::if_none_match);
  if (inm != req.end() && inm->value() == snap->etag()) {
    res = make_response(req, 304, "", public_file_type(file));
  } else {
    res = make_response(req, 200, snap->body(file), public_file_type(file));
    if (req.method() == http::verb::head) {
      const auto n = res.body().size();
      res.body().clear();
      res.content_length(n);
    }
  }
  res.set(http::field::etag, snap->etag());
  set_public_headers(res, ctx);
  return res;
}

std::string public_feed_head(const http_request& req, bool secure) {
  http_response res = make_response(req, 200, "", "text/event-stream; charset=utf-8");
  res.set(http::field::cache_control, "no-cache, no-transform");
  res.set(http::field::access_control_allow_origin, "*");
  res.set("X-Accel-Buffering", "no");  // nginx: pass each event on at once
  if (secure) res.set(http::field::strict_transport_security, hsts_value);
  res.erase(http::field::content_length);
  res.keep_alive(false);  // the body runs until the connection closes
  std::string out = "HTTP/1.1 200 OK\r\n";
  for (const auto& f : res.base()) {
    out.append(f.name_string()).append(": ").append(f.value()).append("\r\n");
  }
  return out + "\r\n";
}

}  // namespace a4p::server
