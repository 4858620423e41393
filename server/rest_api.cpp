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
#include "server/admin_api.hpp"
#include "server/audit_api.hpp"
#include "server/config.hpp"
#include "server/hub.hpp"
#include "server/login_guard.hpp"
#include "server/sequencer.hpp"
#include "server/server_context.hpp"
#include "server/user_slots.hpp"
#include "storage/event_log.hpp"

namespace a4p::server {

namespace http = boost::beast::http;
namespace net = boost::asio;
using json = nlohmann::json;

namespace {

// A user name as a log shows it: quoted and escaped (it comes from the client).
std::string shown(std::string_view name) {
  return json(std::string(name)).dump(-1, ' ', false, json::error_handler_t::replace);
}

// The longest user id (protocol/README.md, user.add): a longer name is no account, and would
// only grow the throttling tables.
constexpr std::size_t max_username_bytes = 64;

json user_json(const protocol::state& st, const protocol::principal& p) {
  json u = {{"id", p.user}, {"org", p.org}, {"roles", protocol::roles_of(st, p)}};
  if (auto it = st.users.find(p.user); it != st.users.end()) u["name"] = it->second.name;
  return u;
}

// ---- POST /api/session ----
void login(server_context& ctx, const http_request& req, const client_info& client,
           respond_fn done) {
  if (auto refused = refuse_cross_site(ctx, req, false)) return done(std::move(*refused));
  auto body = protocol::parse_untrusted(req.body(), {ctx.cfg->max_body_bytes, 8});
  if (!body || !body->is_object() || !(*body)["username"].is_string() ||
      !(*body)["password"].is_string())
    return done(error_response(req, 400, "bad_request",
                               "expected {\"username\":string,\"password\":string}"));
  std::string user = (*body)["username"];
  std::string password = (*body)["password"];
  if (user.size() > max_username_bytes)
    return done(error_response(req, 400, "bad_request", "username: at most 64 bytes"));
  auto& guard = *ctx.logins;
  if (auto wait = guard.blocked(user, client.address, login_guard::clock::now())) {
    spdlog::debug("login: {} from {}: throttled for {} s", shown(user), client.address,
                  wait->count());
    return done(retry_later(req, 429, "rate_limited", "too many failed sign-ins; wait", *wait));
  }
  // argon2id costs ~100 ms and 64 MiB: off the network threads, on the sign-in pool, in the
  // guard's bounded queue, fair by address. A refused submit drops the check unrun and the
  // refusal answers instead, so `done` is shared.
  auto answer = std::make_shared<respond_fn>(std::move(done));
  auto check = [&ctx, req, user, password, address = client.address, secure = client.secure,
                answer] {
    auto& done = *answer;
    const bool ok = check_password(*ctx.log, user, password);
    if (!ok) {
      ctx.logins->failed(user, address, login_guard::clock::now());
      spdlog::info("login: {} from {}: wrong password or unknown user", shown(user), address);
      return done(error_response(req, 401, "unauthorized", "unknown user or wrong password"));
    }
    ctx.logins->succeeded(user);
    ctx.seq->query(
        [&ctx, req, user, secure, done = std::move(done)](const protocol::state& st) mutable {
          auto p = protocol::principal_of(st, user);
          if (!p)
            return done(error_response(req, 401, "unauthorized", "unknown user or wrong password"));
          done(sign_in(ctx, req, st, *p, secure));
        });
  };
  switch (guard.submit(client.address, *ctx.login_pool, std::move(check))) {
    case login_guard::admission::ok:
      return;
    case login_guard::admission::address_busy:
      return (*answer)(retry_later(req, 429, "rate_limited", "too many sign-ins at once from here",
                                   std::chrono::seconds(1)));
    case login_guard::admission::queue_full:
      spdlog::warn("login: argon2 queue full; {} from {} refused", shown(user), client.address);
      return (*answer)(retry_later(req, 503, "unavailable", "too many sign-ins at once; retry",
                                   std::chrono::seconds(1)));
  }
}

// ---- DELETE /api/session ----
void logout(server_context& ctx, const http_request& req, respond_fn done) {
  // A bearer token is not sent by a browser on its own, so only the cookie needs the checks.
  if (auto refused = refuse_cross_site(ctx, req, req.count(http::field::authorization) > 0))
    return done(std::move(*refused));
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
  on_reader(ctx, req, std::move(done), [&ctx, req](respond_fn done) {
    auto r = ctx.log->verify();
    if (!r) return done(internal_error(req, "chain verification", r.error().message));
    json out = {{"ok", r->ok}, {"head", r->head}, {"hash", r->head_hash}};
    if (!r->ok) {
      out["first_bad_seq"] = r->first_bad_seq;
      out["problem"] = r->problem;
    }
    done(json_response(req, r->ok ? 200 : 500, out.dump()));
  });
}

}  // namespace

// Login CSRF: a browser on another site may POST a form (text/plain, urlencoded) here, but
// cannot send application/json cross-site without a preflight a4pd never approves; and a
// browser always says where it comes from in Origin.
std::optional<http_response> refuse_cross_site(server_context& ctx, const http_request& req,
                                               bool bearer) {
  if (!origin_allowed(req, ctx.allowed_origins))
    return error_response(req, 403, "forbidden", "origin not allowed");
  if (!bearer && !is_json_request(req))
    return error_response(req, 415, "unsupported_media_type",
                          "Content-Type must be application/json");
  return std::nullopt;
}

http_response sign_in(server_context& ctx, const http_request& req, const protocol::state& st,
                      const protocol::principal& p, bool secure) {
  auto token = ctx.sessions->create(p.user);
  if (!token) {
    spdlog::error("sign-in: {}: cannot store the session: {}", shown(p.user), token.error());
    return error_response(req, 503, "unavailable", "cannot sign in now; retry later");
  }
  auto res = json_response(req, 200, json{{"token", *token}, {"user", user_json(st, p)}}.dump());
  std::string cookie = "a4p_session=" + *token + "; HttpOnly; SameSite=Strict; Path=/";
  if (secure) cookie += "; Secure";
  res.set(http::field::set_cookie, cookie);
  return res;
}

void handle_api(server_context& ctx, http_request req, const client_info& client, respond_fn done) {
  auto path = target_path(req.target());
  if (!path) return done(error_response(req, 400, "bad_request", "malformed target"));
  const auto verb = req.method();

  if (*path == "/api/session") {
    if (verb == http::verb::post) return login(ctx, req, client, std::move(done));
    if (verb == http::verb::delete_) return logout(ctx, req, std::move(done));
    return done(error_response(req, 405, "method_not_allowed", "POST or DELETE"));
  }

  if (path->starts_with("/api/admin/") || *path == "/api/commands" || *path == "/api/invite/accept")
    return handle_admin_api(ctx, std::move(req), *path, client, std::move(done));

  const bool known = *path == "/api/events" || *path == "/api/state" || *path == "/api/history" ||
                     *path == "/api/audit/verify" || *path == "/api/audit/checkpoints" ||
                     *path == "/api/audit/timeline" || *path == "/api/thread";
  if (!known) return done(error_response(req, 404, "not_found", "no such API route"));
  if (verb != http::verb::get)
    return done(error_response(req, 405, "method_not_allowed", "only GET"));

  auto token = request_token(req);
  auto session = token ? ctx.sessions->find(*token) : std::nullopt;
  if (!session) return done(error_response(req, 401, "unauthorized", "sign in first"));
  const std::string user = session->user;
  // Reads in flight per user are bounded (--max-user-reads); the place is given back with the
  // answer.
  auto place = ctx.user_reads->take(user);
  if (!place)
    return done(retry_later(req, 429, "rate_limited", "too many reads at once; retry",
                            std::chrono::seconds(1)));
  done = [place = std::move(place), done = std::move(done)](http_response res) mutable {
    place.reset();
    done(std::move(res));
  };

  if (*path == "/api/audit/verify") return verify(ctx, req, std::move(done));
  handle_audit_read(ctx, *path, std::move(req), user, std::move(done));
}

}  // namespace a4p::server
