#include "server/admin_api.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include "protocol/json_codec.hpp"
#include "protocol/messages.hpp"
#include "protocol/workspace.hpp"
#include "server/admin/credentials.hpp"
#include "server/admin/session_store.hpp"
#include "server/audit_api.hpp"
#include "server/cluster_shared.hpp"
#include "server/config.hpp"
#include "server/hub.hpp"
#include "server/invite_store.hpp"
#include "server/published.hpp"
#include "server/sequencer.hpp"
#include "server/server_context.hpp"
#include "storage/encoding.hpp"
#include "storage/event_log.hpp"

namespace a4p::server {

namespace http = boost::beast::http;
namespace net = boost::asio;
using json = nlohmann::json;

namespace {

// The HTTP status of a command's reject code.
unsigned status_of(const std::string& code) {
  if (code == "bad_request") return 400;
  if (code == "forbidden") return 403;
  if (code == "not_found") return 404;
  if (code == "conflict") return 409;
  if (code == "too_large") return 413;
  if (code == "locked") return 423;
  if (code == "rate_limited") return 429;
  if (code == "internal") return 500;
  return 503;  // unavailable
}

std::optional<json> json_body(server_context& ctx, const http_request& req) {
  auto body = protocol::parse_untrusted(req.body(), {ctx.cfg->max_body_bytes, 8});
  if (!body || !body->is_object()) return std::nullopt;
  return std::move(*body);
}

json rfc3339(std::optional<std::int64_t> unix_seconds) {
  if (!unix_seconds) return nullptr;
  return storage::encoding::rfc3339_millis(*unix_seconds * 1000);
}

std::string lower(std::string s) {
  std::ranges::transform(s, s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// ---- POST /api/commands ----
// The body is a command message exactly as on the WebSocket; the answer is the ack (200) or
// the reject (4xx/503, with "error" beside it like every error body).
void command(server_context& ctx, const http_request& req, const login_session& session,
             respond_fn done) {
  auto msg = protocol::parse_client_message(req.body(), {ctx.cfg->max_frame_bytes, 32});
  auto* c = msg ? std::get_if<protocol::command>(&*msg) : nullptr;
  if (!c)
    return done(error_response(
        req, 400, "bad_request",
        msg ? "expected {\"type\":\"command\",\"id\",\"name\",\"args\"}" : msg.error().message));
  ctx.seq->submit(session.user, session.token_hash, std::move(*c), req.body().size(),
                  [req, done = std::move(done)](std::string answer) {
                    auto j = json::parse(answer, nullptr, false);
                    if (j.is_object() && j.value("type", "") == "ack")
                      return done(json_response(req, 200, std::move(answer)));
                    const std::string code =
                        j.is_object() ? j.value("code", "unavailable") : "unavailable";
                    j["error"] = {{"code", code}, {"message", j.value("message", "")}};
                    done(json_response(req, status_of(code), j.dump()));
                  });
}

// ---- GET /api/admin/users?q= ----
struct user_row {
  json entity;
  std::string id;
};

void users(server_context& ctx, const http_request& req, const protocol::state& st,
           respond_fn done) {
  const std::string q = lower(query_param(req.target(), "q").value_or(""));
  std::vector<user_row> rows;
  for (const auto& [id, u] : st.users) {
    json e = {{"id", u.id},
              {"name", u.name},
              {"org", u.org},
              {"role", protocol::to_string(u.r)},
              {"disabled", u.disabled},
              {"version", u.version}};
    if (!q.empty()) {
      const std::string hay = lower(u.id.str() + "\n" + u.name.str() + "\n" + u.org.str());
      if (hay.find(q) == std::string::npos) continue;
    }
    rows.push_back({std::move(e), u.id.str()});
  }
  // Last sign-in is a RocksDB read per user: off the strand.
  net::post(*ctx.blocking, [&ctx, req, rows = std::move(rows), done = std::move(done)]() mutable {
    const auto sessions = ctx.sessions->counts();
    const auto sockets = ctx.clients->connections_per_user();
    json out = json::array();
    for (auto& r : rows) {
      r.entity["last_sign_in"] = rfc3339(ctx.sessions->last_sign_in(r.id));
      auto s = sessions.find(r.id);
      r.entity["sessions"] = s == sessions.end() ? 0 : s->second;
      auto w = sockets.find(r.id);
      r.entity["connections"] = w == sockets.end() ? 0 : w->second;
      out.push_back(std::move(r.entity));
    }
    done(json_response(req, 200, json{{"users", std::move(out)}}.dump()));
  });
}

// ---- POST /api/admin/users/<id>/signout ----
// Sessions first, then sockets: a socket enrolled in between re-checks its token and finds it
// gone (hub.hpp, enroll).
void sign_out_everywhere(server_context& ctx, const http_request& req, const std::string& user,
                         respond_fn done) {
  const auto n = ctx.sessions->remove_user(user);
  ctx.clients->close_users({user}, 4001);
  spdlog::info("user {} signed out everywhere: {} session(s)", user, n);
  done(json_response(req, 200, json{{"user", user}, {"sessions", n}}.dump()));
}

// ---- POST /api/admin/users/<id>/invite|reset ----
void make_link(server_context& ctx, const http_request& req, const std::string& user,
               const std::string& purpose, respond_fn done) {
  net::post(*ctx.blocking, [&ctx, req, user, purpose, done = std::move(done)]() mutable {
    auto l = ctx.invites->create(user, purpose);
    if (!l) return done(internal_error(req, "one-time link", l.error()));
    spdlog::info("{} link for {} created (expires {})", purpose, user, l->expires);
    done(json_response(req, 200,
                       json{{"user", user},
                            {"purpose", purpose},
                            {"token", l->token},
                            {"link", "/invite#" + l->token},
                            {"expires", rfc3339(l->expires)}}
                           .dump()));
  });
}

// ---- POST /api/admin/backup {"name"} ----
// A RocksDB checkpoint of the live log into <backup dir>/<name> (hard links where the file
// system allows), then the copy's chain verified. ADR 0307.
bool plain_name(const std::string& n) {
  if (n.empty() || n.size() > 128 || n == "." || n == "..") return false;
  return std::ranges::all_of(
      n, [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.'; });
}

void backup(server_context& ctx, const http_request& req, respond_fn done) {
  auto body = json_body(ctx, req);
  if (!body || !(*body)["name"].is_string() || !plain_name((*body)["name"]))
    return done(error_response(req, 400, "bad_request",
                               "expected {\"name\": 1..128 of A-Z a-z 0-9 - _ .}"));
  const std::filesystem::path dest =
      std::filesystem::path(ctx.cfg->backup_dir) / (*body)["name"].get<std::string>();
  net::post(*ctx.blocking, [&ctx, req, dest, done = std::move(done)]() mutable {
    std::error_code ec;
    std::filesystem::create_directories(ctx.cfg->backup_dir, ec);
    if (std::filesystem::exists(dest, ec))
      return done(error_response(req, 409, "conflict", "a backup of that name exists"));
    const auto head_before = ctx.seq->durable_head();
    if (auto st = ctx.log->checkpoint(dest.string()); !st)
      return done(internal_error(req, "checkpoint", st.error().message));
    auto copy = storage::event_log::open(dest.string());
    if (!copy) return done(internal_error(req, "opening the backup", copy.error().message));
    auto rep = (*copy)->verify();
    if (!rep) return done(internal_error(req, "verifying the backup", rep.error().message));
    json out = {{"path", dest.string()},     {"ok", rep->ok},
                {"head", rep->head},         {"hash", rep->head_hash},
                {"epoch", (*copy)->epoch()}, {"acked_before", head_before}};
    if (!rep->ok) {
      out["first_bad_seq"] = rep->first_bad_seq;
      out["problem"] = rep->problem;
    }
    spdlog::info("backup {}: head {} ok {}", dest.string(), rep->head, rep->ok);
    done(json_response(req, rep->ok ? 200 : 500, out.dump()));
  });
}

// ---- POST /api/invite/accept {"token","password"} ----
void accept(server_context& ctx, const http_request& req, bool secure, respond_fn done) {
  auto body = json_body(ctx, req);
  if (!body || !(*body)["token"].is_string() || !(*body)["password"].is_string())
    return done(
        error_response(req, 400, "bad_request", "expected {\"token\":string,\"password\":string}"));
  std::string token = (*body)["token"];
  std::string password = (*body)["password"];
  if (auto why = password_policy_problem(password, ctx.cfg->min_password_length); !why.empty())
    return done(error_response(req, 400, "weak_password", why));
  auto refused = [req](const invite_store::refusal& r) {
    return error_response(req,
                          r.code == "unavailable"    ? 503
                          : r.code == "link_unknown" ? 404
                                                     : 410,
                          r.code, r.message);
  };
  // argon2id (set_password) on the sign-in pool, like a sign-in's check; it runs only for a
  // token that is open, so a flood of made-up tokens costs a lookup each.
  net::post(*ctx.login_pool,
            [&ctx, req, token, password, refused, secure, done = std::move(done)]() mutable {
              // A disabled account's links were revoked before its disabling was acked, so redeem()
              // refuses them; one disabled in between is caught by principal_of below.
              auto user = ctx.invites->redeem(
                  token, [&](const std::string& u) -> std::optional<invite_store::refusal> {
                    if (auto st = set_password(*ctx.log, u, password); !st)
                      return {{"unavailable", ""}};
                    // In a cluster every node must know it (decision 0327).
                    if (ctx.shared && !ctx.shared->share_password(u)) return {{"unavailable", ""}};
                    return std::nullopt;
                  });
              if (!user) return done(refused(user.error()));
              // A new password ends the account's other sessions, as a4pctl user password does.
              ctx.seq->query([&ctx, req, user = *user, secure,
                              done = std::move(done)](const protocol::state& st) mutable {
                (void)ctx.sessions->remove_user(user);
                ctx.clients->close_users({user}, 4001);
                auto p = protocol::principal_of(st, user);
                if (!p)
                  return done(error_response(req, 410, "link_revoked", "this account is disabled"));
                done(sign_in(ctx, req, st, *p, secure));
              });
            });
}

}  // namespace

void handle_admin_api(server_context& ctx, http_request req, const std::string& path,
                      const client_info& client, respond_fn done) {
  const auto want = path == "/api/admin/users" ? http::verb::get : http::verb::post;
  if (req.method() != want)
    return done(error_response(req, 405, "method_not_allowed",
                               std::string("only ") + std::string(http::to_string(want))));
  // Every POST here acts (or, for accept, signs in) on the strength of a cookie a browser
  // sends by itself: the same cross-site checks as POST /api/session (ADR 0303).
  if (want == http::verb::post) {
    const bool bearer = path != "/api/invite/accept" && req.count(http::field::authorization) > 0;
    if (auto refused = refuse_cross_site(ctx, req, bearer)) return done(std::move(*refused));
  }
  if (path == "/api/invite/accept") return accept(ctx, req, client.secure, std::move(done));

  auto token = request_token(req);
  auto session = token ? ctx.sessions->find(*token) : std::nullopt;
  if (!session) return done(error_response(req, 401, "unauthorized", "sign in first"));
  if (path == "/api/commands") return command(ctx, req, *session, std::move(done));

  with_published(
      ctx, req, std::move(done),
      [&ctx, req, path, user = session->user](const published& pub, respond_fn done) {
        const auto& st = *pub.state;
        auto p = protocol::principal_of(st, user);
        if (!p) return done(error_response(req, 401, "unauthorized", "no such user"));
        if (p->r != protocol::role::secretariat)
          return done(error_response(req, 403, "forbidden", "only the Secretariat administers"));
        if (path == "/api/admin/users") return users(ctx, req, st, std::move(done));
        if (path == "/api/admin/backup") return backup(ctx, req, std::move(done));
        // /api/admin/users/<id>/<action>
        constexpr std::string_view prefix = "/api/admin/users/";
        if (path.starts_with(prefix)) {
          const std::string rest = path.substr(prefix.size());
          const auto slash = rest.find('/');
          const std::string id = rest.substr(0, slash);
          const std::string action = slash == std::string::npos ? "" : rest.substr(slash + 1);
          const bool known_action = action == "signout" || action == "invite" || action == "reset";
          if (known_action && !st.users.contains(id))
            return done(error_response(req, 404, "not_found", "no such user " + id));
          if (action == "signout") return sign_out_everywhere(ctx, req, id, std::move(done));
          if (action == "invite" || action == "reset") {
            if (!protocol::principal_of(st, id))
              return done(error_response(req, 409, "conflict", "the account is disabled"));
            return make_link(ctx, req, id, action, std::move(done));
          }
        }
        done(error_response(req, 404, "not_found", "no such API route"));
      });
}

}  // namespace a4p::server
