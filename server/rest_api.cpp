#include "server/rest_api.hpp"

#include <charconv>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include "protocol/history.hpp"
#include "protocol/json_codec.hpp"
#include "protocol/snapshot.hpp"
#include "protocol/visibility.hpp"
#include "protocol/workspace.hpp"
#include "server/admin/credentials.hpp"
#include "server/admin/ctl_workspace.hpp"
#include "server/admin/session_store.hpp"
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

std::optional<std::uint64_t> parse_u64(const std::string& s) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

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

// ---- GET /api/events ----
void events(server_context& ctx, const http_request& req, const protocol::principal& p,
            const protocol::state& now, respond_fn& done) {
  std::uint64_t after = 0, limit = 1000;
  if (auto a = query_param(req.target(), "after")) {
    auto v = parse_u64(*a);
    if (!v) return done(error_response(req, 400, "bad_request", "after: expected an integer"));
    after = *v;
  }
  if (auto l = query_param(req.target(), "limit")) {
    auto v = parse_u64(*l);
    if (!v || *v == 0)
      return done(error_response(req, 400, "bad_request", "limit: expected a positive integer"));
    limit = std::min<std::uint64_t>(*v, ctx.cfg->max_events_limit);
  }
  const auto head = now.seq();
  std::string out;
  const auto v = protocol::viewer_of(p);
  if (after < head) {
    const auto up_to = std::min(head, after + limit);
    auto st = ctx.log->scan_raw(after, up_to, [&](std::uint64_t, std::string_view bytes) {
      auto e = protocol::decode_stored(bytes);
      if (!e) return false;
      out += protocol::view_event(now, v, *e).dump();
      out += '\n';
      return true;
    });
    if (!st) return done(error_response(req, 500, "internal", st.error().message));
  }
  auto res = make_response(req, 200, std::move(out), "application/x-ndjson");
  res.set("X-A4P-Head", std::to_string(head));
  done(std::move(res));
}

// ---- GET /api/state ----
void state_now_or_at(server_context& ctx, const http_request& req, const std::string& user,
                     respond_fn done) {
  std::optional<std::uint64_t> at;
  if (auto a = query_param(req.target(), "at")) {
    at = parse_u64(*a);
    if (!at) return done(error_response(req, 400, "bad_request", "at: expected an integer"));
  }
  ctx.seq->query([&ctx, req, user, at, done = std::move(done)](const protocol::state& now) mutable {
    auto p = protocol::principal_of(now, user);
    if (!p) return done(error_response(req, 401, "unauthorized", "no such user"));
    if (at && *at > now.seq())
      return done(error_response(req, 404, "not_found",
                                 "at is beyond the head (" + std::to_string(now.seq()) + ")"));
    if (!at || *at == now.seq())
      return done(
          json_response(req, 200, protocol::view_state(now, protocol::viewer_of(*p)).dump()));
    // A past state: rebuilt off the strand, then viewed against the state as it is now.
    net::post(*ctx.blocking, [&ctx, req, p = *p, at = *at, done = std::move(done)]() mutable {
      auto past = load_state(*ctx.log, at);
      if (!past) return done(error_response(req, 500, "internal", past.error().message));
      ctx.seq->query([req, p, past = std::move(*past),
                      done = std::move(done)](const protocol::state& now) mutable {
        // Judged by today's rules: comments hidden since are redacted (PROTOCOL.md section 5).
        done(json_response(req, 200,
                           protocol::view_state(past, now, protocol::viewer_of(p)).dump()));
      });
    });
  });
}

// ---- GET /api/history ----
void history(server_context& ctx, const http_request& req, const std::string& user,
             respond_fn done) {
  auto entity = query_param(req.target(), "entity");
  if (!entity || entity->find(':') == std::string::npos || entity->size() > 200)
    return done(error_response(req, 400, "bad_request", "entity: expected <kind>:<id>"));
  const auto head = ctx.seq->durable_head();
  net::post(*ctx.blocking, [&ctx, req, user, e = *entity, head, done = std::move(done)]() mutable {
    protocol::state s;
    protocol::history_builder h(e);
    bool bad = false;
    auto st = ctx.log->scan_raw(0, head, [&](std::uint64_t, std::string_view bytes) {
      auto ev = protocol::decode_stored(bytes);
      if (!ev) return !(bad = true);
      h.feed(s, *ev);
      return true;
    });
    if (!st || bad) return done(error_response(req, 500, "internal", "history replay failed"));
    // `s` is the state at `head`: the "now" every view is judged against.
    auto p = protocol::principal_of(s, user);
    if (!p) return done(error_response(req, 401, "unauthorized", "no such user"));
    const auto v = protocol::viewer_of(*p);
    json out = json::array();
    for (const auto& entry : h.entries()) {
      auto view = protocol::view_history(s, v, entry);
      if (!view.is_null()) out.push_back(std::move(view));
    }
    done(json_response(req, 200, json{{"entity", e}, {"head", head}, {"events", out}}.dump()));
  });
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
                     *path == "/api/audit/verify";
  if (!known) return done(error_response(req, 404, "not_found", "no such API route"));
  if (verb != http::verb::get)
    return done(error_response(req, 405, "method_not_allowed", "only GET"));

  auto token = request_token(req);
  auto session = token ? ctx.sessions->find(*token) : std::nullopt;
  if (!session) return done(error_response(req, 401, "unauthorized", "sign in first"));
  const std::string user = session->user;

  if (*path == "/api/audit/verify") return verify(ctx, req, std::move(done));
  if (*path == "/api/state") return state_now_or_at(ctx, req, user, std::move(done));
  if (*path == "/api/history") return history(ctx, req, user, std::move(done));
  // /api/events
  ctx.seq->query([&ctx, req = std::move(req), user,
                  done = std::move(done)](const protocol::state& now) mutable {
    auto p = protocol::principal_of(now, user);
    if (!p) return done(error_response(req, 401, "unauthorized", "no such user"));
    events(ctx, req, *p, now, done);
  });
}

}  // namespace a4p::server
