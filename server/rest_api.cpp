#include "server/rest_api.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include "protocol/json_codec.hpp"
#include "protocol/visibility.hpp"
#include "protocol/workspace.hpp"
#include "server/admin/credentials.hpp"
#include "server/admin/session_store.hpp"
#include "server/audit_api.hpp"
#include "server/config.hpp"
#include "server/hub.hpp"
#include "server/sequencer.hpp"
#include "server/server_context.hpp"
#include "storage/event_log.hpp"

namespace a4p::server {

namespace http = boost::beast::http;
namespace net = boost::asio;
using json = nlohmann::json;

namespace {

json user_json(const protocol::state& st, const protocol::principal& p) {
  json u = {{"id", p.user}, {"org", p.org}, {"roles", protocol::roles_of(st, p)}};
  if (auto it = st.users.find(p.user); it != st.users.end()) u["name"] = it->second.name;
  return u;
}

// ---- POST /api/session ----
void login(server_context& ctx, const http_request& req, respond_fn done) {
  auto body = protocol::parse_untrusted(req.body(), {ctx.cfg->max_body_bytes, 8});
  if (!body || !body->is_object() || !(*body)["username"].is_string() ||
      !(*body)["password"].is_string())
    return done(error_response(req, 400, "bad_request",
                               "expected {\"username\":string,\"password\":string}"));
  std::string user = (*body)["username"];
  std::string password = (*body)["password"];
  // argon2id costs ~100 ms and 64 MiB: off the network threads.
  net::post(*ctx.blocking, [&ctx, req, user, password, done = std::move(done)]() mutable {
    const bool ok = check_password(*ctx.log, user, password);
    if (!ok)
      return done(error_response(req, 401, "unauthorized", "unknown user or wrong password"));
    ctx.seq->query([&ctx, req, user, done = std::move(done)](const protocol::state& st) mutable {
      auto p = protocol::principal_of(st, user);
      if (!p)
        return done(error_response(req, 401, "unauthorized", "unknown user or wrong password"));
      auto token = ctx.sessions->create(user);
      if (!token) return done(error_response(req, 503, "unavailable", token.error()));
      auto res =
          json_response(req, 200, json{{"token", *token}, {"user", user_json(st, *p)}}.dump());
      std::string cookie = "a4p_session=" + *token + "; HttpOnly; SameSite=Strict; Path=/";
      if (ctx.tls) cookie += "; Secure";
      res.set(http::field::set_cookie, cookie);
      done(std::move(res));
    });
  });
}

// ---- DELETE /api/session ----
void logout(server_context& ctx, const http_request& req, respond_fn done) {
  auto token = request_token(req);
  auto hash = token ? ctx.sessions->remove(*token) : std::nullopt;
  if (!hash) return done(error_response(req, 401, "unauthorized", "no valid session"));
  ctx.clients->close_token(*hash, 4001);
  auto res = json_response(req, 200, R"({"ok":true})");
  res.set(http::field::set_cookie, "a4p_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
  done(std::move(res));
}

// ---- GET /api/audit/verify ----
void verify(server_context& ctx, const http_request& req, respond_fn done) {
  net::post(*ctx.blocking, [&ctx, req, done = std::move(done)]() mutable {
    auto r = ctx.log->verify();
    if (!r) return done(error_response(req, 500, "internal", r.error().message));
    json out = {{"ok", r->ok}, {"head", r->head}, {"hash", r->head_hash}};
    if (!r->ok) {
      out["first_bad_seq"] = r->first_bad_seq;
      out["problem"] = r->problem;
    }
    done(json_response(req, r->ok ? 200 : 500, out.dump()));
  });
}

}  // namespace

void handle_api(server_context& ctx, http_request req, respond_fn done) {
  auto path = target_path(req.target());
  if (!path) return done(error_response(req, 400, "bad_request", "malformed target"));
  const auto verb = req.method();

  if (*path == "/api/session") {
    if (verb == http::verb::post) return login(ctx, req, std::move(done));
    if (verb == http::verb::delete_) return logout(ctx, req, std::move(done));
    return done(error_response(req, 405, "method_not_allowed", "POST or DELETE"));
  }

  const bool known = *path == "/api/events" || *path == "/api/state" || *path == "/api/history" ||
                     *path == "/api/audit/verify" || *path == "/api/audit/checkpoints";
  if (!known) return done(error_response(req, 404, "not_found", "no such API route"));
  if (verb != http::verb::get)
    return done(error_response(req, 405, "method_not_allowed", "only GET"));

  auto token = request_token(req);
  auto session = token ? ctx.sessions->find(*token) : std::nullopt;
  if (!session) return done(error_response(req, 401, "unauthorized", "sign in first"));
  const std::string user = session->user;

  if (*path == "/api/audit/verify") return verify(ctx, req, std::move(done));
  handle_audit_read(ctx, *path, std::move(req), user, std::move(done));
}

}  // namespace a4p::server
