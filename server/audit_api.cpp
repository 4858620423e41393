#include "server/audit_api.hpp"

#include <malloc.h>

#include <charconv>
#include <expected>
#include <memory>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/history.hpp"
#include "protocol/light_text.hpp"
#include "protocol/rooms.hpp"
#include "protocol/visibility.hpp"
#include "protocol/workspace.hpp"
#include "server/admin/checkpoint.hpp"
#include "server/audit_time.hpp"
#include "server/audit_timeline.hpp"
#include "server/config.hpp"
#include "server/kept_states.hpp"
#include "server/log_state.hpp"
#include "server/metrics.hpp"
#include "server/past_states.hpp"
#include "server/published.hpp"
#include "server/reader_pool.hpp"
#include "server/sequencer.hpp"
#include "server/server_context.hpp"
#include "storage/event_log.hpp"

namespace a4p::server {

namespace net = boost::asio;
using json = nlohmann::json;
using respond_fn = std::function<void(http_response)>;

namespace {

// The longest value the filters take (entity strings, user names, org codes, event names).
constexpr std::size_t max_filter_bytes = 200;

std::optional<std::uint64_t> parse_u64(const std::string& s) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// A query parameter that must be an integer (min or more) when present. On a bad value,
// `bad` holds the 400 answer.
std::optional<std::uint64_t> u64_param(const http_request& req, std::string_view name,
                                       std::uint64_t min, std::optional<http_response>& bad) {
  auto s = query_param(req.target(), name);
  if (!s) return std::nullopt;
  auto v = parse_u64(*s);
  if (!v || *v < min)
    bad = error_response(req, 400, "bad_request",
                         std::string(name) + ": expected an integer >= " + std::to_string(min));
  return v;
}

// ?limit=M: default `fallback`, at most the configured ceiling.
std::uint64_t page_limit(const server_context& ctx, const http_request& req, std::uint64_t fallback,
                         std::optional<http_response>& bad) {
  auto l = u64_param(req, "limit", 1, bad);
  return std::min<std::uint64_t>(l.value_or(fallback), ctx.cfg->max_events_limit);
}

// The reader of a read: the signed-in user; with as_org=X (auditors only) a member of org X
// without the auditor's privileges, so the answer is what X's members were shown.
std::expected<protocol::viewer, http_response> reader_of(const protocol::state& now,
                                                         const http_request& req,
                                                         const std::string& user) {
  auto p = protocol::principal_of(now, user);
  if (!p) return std::unexpected(error_response(req, 401, "unauthorized", "no such user"));
  auto as = query_param(req.target(), "as_org");
  if (!as) return *p;
  if (p->r != protocol::role::auditor)
    return std::unexpected(error_response(req, 403, "forbidden", "as_org is for auditors only"));
  if (!now.orgs.contains(*as))
    return std::unexpected(error_response(req, 404, "not_found", "as_org: no such org"));
  return protocol::viewer{"", *as, protocol::role::member};
}

// ---- GET /api/events ----

struct event_filter {
  std::optional<std::string> entity, actor, org, name;
  std::optional<std::string> from, to;  // normalised RFC 3339
  [[nodiscard]] bool narrows() const { return entity || actor || org || name; }
  [[nodiscard]] bool matches(const protocol::event& e) const {
    return (!entity || e.entity == *entity) && (!actor || e.who.user == *actor) &&
           (!org || e.who.org == *org) && (!name || e.name == *name);
  }
};

void events(server_context& ctx, http_request req, const std::string& user, respond_fn done) {
  std::optional<http_response> bad;
  const auto after = u64_param(req, "after", 0, bad).value_or(0);
  const auto limit = page_limit(ctx, req, 1000, bad);
  event_filter f;
  for (auto [name, slot] : {std::pair{"entity", &f.entity}, std::pair{"actor", &f.actor},
                            std::pair{"org", &f.org}, std::pair{"name", &f.name}}) {
    *slot = query_param(req.target(), name);
    if (*slot && (slot->value().empty() || slot->value().size() > max_filter_bytes))
      bad = error_response(req, 400, "bad_request", std::string(name) + ": 1 to 200 bytes");
  }
  for (auto [name, slot] : {std::pair{"from", &f.from}, std::pair{"to", &f.to}}) {
    if (auto t = query_param(req.target(), name)) {
      *slot = normalize_rfc3339(*t);
      if (!*slot)
        bad = error_response(req, 400, "bad_request",
                             std::string(name) + ": expected an RFC 3339 date-time");
    }
  }
  if (bad) return done(std::move(*bad));

  with_published(
      ctx, req, std::move(done),
      [&ctx, req, user, after, limit, f](const published& pub, respond_fn done) {
        const auto& now = *pub.state;
        auto v = reader_of(now, req, user);
        if (!v) return done(std::move(v.error()));
        const auto head = pub.seq;
        // The time bounds become a seq range (ts never goes backwards along the log).
        std::uint64_t lo = after, hi = head;
        if (f.from) {
          auto s = last_seq_where(*ctx.log, head, *f.from, false);
          if (!s) return done(internal_error(req, "storage read", s.error().message));
          lo = std::max(lo, *s);
        }
        if (f.to) {
          auto s = last_seq_where(*ctx.log, head, *f.to, true);
          if (!s) return done(internal_error(req, "storage read", s.error().message));
          hi = std::min(hi, *s);
        }
        // Judged against the published state (as it is now, PROTOCOL.md section 5) as they are
        // read; a full sight is sent as stored.
        std::string out;
        std::uint64_t last = lo, scanned = 0, bytes = 0, kept = 0;
        bool decoded = true;
        if (lo < hi) {
          auto st = ctx.log->scan_raw(lo, hi, [&](std::uint64_t seq, std::string_view raw) {
            auto e = protocol::decode_stored(raw);
            if (!e) return decoded = false;
            last = seq;
            if (f.matches(*e)) {
              ++kept;
              bytes += raw.size();
              switch (protocol::sight_of(now, *v, *e)) {
                case protocol::sight::full:
                  out += raw;
                  out += '\n';
                  break;
                case protocol::sight::redacted:
                  out += protocol::redacted_event_json(*e).dump();
                  out += '\n';
                  break;
                case protocol::sight::withheld:
                  // A narrowing filter must not say what a withheld event is about.
                  if (f.narrows()) break;
                  out += json{{"seq", e->seq}, {"withheld", true}, {"hash", e->hash}}.dump();
                  out += '\n';
                  break;
              }
            }
            return kept < limit && bytes < ctx.cfg->max_page_bytes &&
                   ++scanned < ctx.cfg->max_scan_events;
          });
          if (!st || !decoded)
            return done(error_response(req, 500, "internal", "the log could not be read"));
        }
        auto res = make_response(req, 200, std::move(out), "application/x-ndjson");
        res.set("X-A4P-Head", std::to_string(head));
        if (last < hi) res.set("X-A4P-Next", std::to_string(last));
        done(std::move(res));
      });
}

// ---- GET /api/state ----

// The point in the log a read is about: ?at=N or ?at_time=<RFC 3339> (neither: the head).
struct point_query {
  std::optional<std::uint64_t> at;
  std::optional<std::string> at_time;  // normalised
};
point_query point_params(const http_request& req, std::optional<http_response>& bad) {
  point_query q;
  q.at = u64_param(req, "at", 0, bad);
  if (auto t = query_param(req.target(), "at_time")) {
    q.at_time = normalize_rfc3339(*t);
    if (!q.at_time) bad = error_response(req, 400, "bad_request", "at_time: expected RFC 3339");
    if (q.at) bad = error_response(req, 400, "bad_request", "at and at_time: give one");
  }
  return q;
}

// The seq a read is about: `at`, the last event at or before `at_time`, or the head; 404 past it.
std::expected<std::uint64_t, http_response> point_of(server_context& ctx, const http_request& req,
                                                     const published& pub, const point_query& q) {
  const auto& at = q.at;
  const auto& at_time = q.at_time;
  if (at && *at > pub.seq)
    return std::unexpected(error_response(
        req, 404, "not_found", "at is beyond the head (" + std::to_string(pub.seq) + ")"));
  if (at) return *at;
  if (!at_time) return pub.seq;
  auto s = last_seq_where(*ctx.log, pub.seq, *at_time, true);
  if (!s) return std::unexpected(internal_error(req, "storage read", s.error().message));
  return *s;
}

// The state just after event `seq` for a past read: kept by --past-state-cache-bytes (the
// state, never a view: past_states.hpp), or built from the kept state at or before it
// (kept_states.hpp) or else the nearest snapshot, plus a replay.
storage::result<std::shared_ptr<const protocol::state>> past_state(server_context& ctx,
                                                                   std::uint64_t seq) {
  build_kept_states(ctx);  // the chain follows the log as it grows
  bool built = false;
  auto s = ctx.past->get(seq, [&](std::uint64_t at) {
    built = true;
    return ctx.kept->state_at(*ctx.log, at);
  });
  (built ? ctx.stats->past_states_built : ctx.stats->past_states_reused)
      .fetch_add(1, std::memory_order_relaxed);
  return s;
}

void state_view(server_context& ctx, http_request req, const std::string& user, respond_fn done) {
  std::optional<http_response> bad;
  const auto point = point_params(req, bad);
  // view=light (rooms extension): the skeleton of the light snapshot, now or at a past point
  // (the auditor's timeline on a large log: comments come page by page from /api/thread).
  const auto view = query_param(req.target(), "view");
  const bool light = view && *view == "light";
  if (view && *view != "light" && *view != "full")
    bad = error_response(req, 400, "bad_request", "view: expected full or light");
  if (bad) return done(std::move(*bad));

  with_published(
      ctx, req, std::move(done),
      [&ctx, req, user, point, light](const published& pub, respond_fn done) {
        const auto& now = *pub.state;
        auto v = reader_of(now, req, user);
        if (!v) return done(std::move(v.error()));
        // The light view as text directly (light_text.hpp: its dump(), byte for byte).
        const auto shaped = [&](const protocol::state& s) {
          return light ? protocol::light_state_text(s, now, *v)
                       : protocol::view_state(s, now, *v).dump();
        };
        auto seq = point_of(ctx, req, pub, point);
        if (!seq) return done(std::move(seq.error()));
        if (*seq == pub.seq)
          return done(json_response(req, 200, light ? pub.skeleton().text(now, *v) : shaped(now)));
        // A past state, viewed against the state as it is now (comments hidden since stay
        // redacted, PROTOCOL.md section 5).
        auto past = past_state(ctx, *seq);
        if (!past) return done(internal_error(req, "storage read", past.error().message));
        done(json_response(req, 200, shaped(**past)));
      });
}

// ---- GET /api/thread (rooms extension, for readers without a WebSocket and past points) ----

void thread_view(server_context& ctx, http_request req, const std::string& user, respond_fn done) {
  std::optional<http_response> bad;
  const auto point = point_params(req, bad);
  protocol::page_request r;
  r.room = query_param(req.target(), "room").value_or("");
  if (r.room.empty() || r.room.size() > max_filter_bytes)
    bad = error_response(req, 400, "bad_request", "room: expected kind:id");
  r.before = u64_param(req, "before", 1, bad);
  r.reports_before = u64_param(req, "reports_before", 1, bad);
  if (auto l = u64_param(req, "limit", 1, bad))
    r.limit = static_cast<std::size_t>(std::min<std::uint64_t>(*l, protocol::max_page_limit));
  if (bad) return done(std::move(*bad));
  with_published(ctx, req, std::move(done),
                 [&ctx, req, user, point, r](const published& pub, respond_fn done) {
                   const auto& now = *pub.state;
                   auto v = reader_of(now, req, user);
                   if (!v) return done(std::move(v.error()));
                   auto seq = point_of(ctx, req, pub, point);
                   if (!seq) return done(std::move(seq.error()));
                   std::shared_ptr<const protocol::state> past;
                   if (*seq != pub.seq) {
                     auto loaded = past_state(ctx, *seq);
                     if (!loaded)
                       return done(internal_error(req, "storage read", loaded.error().message));
                     past = std::move(*loaded);
                   }
                   const bool first = !r.before && !r.reports_before;
                   auto a = protocol::answer_page(past ? *past : now, now, *v, r, first);
                   if (!a && a.error() == "bad_request")
                     return done(error_response(req, 400, "bad_request",
                                                "reports_before: only in a pledge room"));
                   if (!a)
                     return done(error_response(req, 404, "not_found", "no such room: " + r.room));
                   done(json_response(req, 200, protocol::page_message(*a)));
                 });
}

// ---- GET /api/history ----

void history(server_context& ctx, http_request req, const std::string& user, respond_fn done) {
  std::optional<http_response> bad;
  const auto after = u64_param(req, "after", 0, bad).value_or(0);
  const auto limit = page_limit(ctx, req, ctx.cfg->max_events_limit, bad);
  auto entity = query_param(req.target(), "entity");
  if (!entity || entity->find(':') == std::string::npos || entity->size() > max_filter_bytes)
    bad = error_response(req, 400, "bad_request", "entity: expected <kind>:<id>");
  if (bad) return done(std::move(*bad));
  with_published(
      ctx, req, std::move(done),
      [&ctx, req, user, e = *entity, after, limit](const published& pub, respond_fn done) {
        const auto head = pub.seq;
        auto v = reader_of(*pub.state, req, user);
        if (!v) return done(std::move(v.error()));
        std::vector<protocol::history_entry> entries;
        std::optional<std::uint64_t> next;
        {
          // The state just before the page (nearest snapshot + replay), then the page's events.
          protocol::state s;
          if (after > 0) {
            auto st = load_state(*ctx.log, std::min(after, head));
            if (!st) return done(internal_error(req, "storage read", st.error().message));
            s = std::move(*st);
          }
          // The page ends at `limit` entries or once its entries hold about max_history_page_bytes
          // (an entry costs what changed: its event's stored bytes and its changes). The scan goes
          // on to the next entry, if any, so that `next` is there only when there is more.
          protocol::history_builder h(e);
          bool decoded = true;
          bool full = false;
          std::size_t kept = 0;
          std::size_t bytes = 0;
          if (after < head) {
            auto st = ctx.log->scan_raw(after, head, [&](std::uint64_t, std::string_view raw) {
              auto ev = protocol::decode_stored(raw);
              if (!ev) return decoded = false;
              const auto had = h.entries().size();
              if (!h.feed(s, *ev)) return decoded = false;
              if (h.entries().size() == had) return true;
              if (full) {
                next = h.entries()[kept - 1].ev.seq;
                return false;
              }
              kept = h.entries().size();
              bytes += raw.size() + h.entries().back().changes.dump().size();
              full = kept >= limit || bytes >= ctx.cfg->max_history_page_bytes;
              return true;
            });
            if (!st || !decoded)
              return done(error_response(req, 500, "internal", "history replay failed"));
          }
          entries.assign(h.entries().begin(),
                         h.entries().begin() + static_cast<std::ptrdiff_t>(kept));
        }
        // The replayed state is gone: give its pages back to the system, or glibc keeps them in
        // this pool thread's arena and a4pd's RSS stays at the largest page's replay.
        ::malloc_trim(0);
        json out = json::array();
        for (const auto& entry : entries) {
          auto view = protocol::view_history(*pub.state, *v, entry);
          if (!view.is_null()) out.push_back(std::move(view));
        }
        json body = {{"entity", e}, {"head", head}, {"events", std::move(out)}};
        if (next) body["next"] = *next;
        done(json_response(req, 200, body.dump()));
      });
}

// ---- GET /api/audit/checkpoints ----

void checkpoints(server_context& ctx, http_request req, respond_fn done) {
  on_reader(ctx, req, std::move(done), [&ctx, req](respond_fn done) {
    json list = json::array();
    auto st = ctx.log->scan_aux(checkpoint_index_prefix, [&](std::string_view, std::string_view v) {
      auto j = json::parse(v, nullptr, false);  // written by a4pd itself
      if (j.is_object()) list.push_back(std::move(j));
      return true;
    });
    if (!st) return done(internal_error(req, "storage read", st.error().message));
    json body = {{"public_key", nullptr}, {"fingerprint", nullptr}, {"checkpoints", list}};
    if (ctx.signer) {
      body["public_key"] = ctx.signer->public_key_hex();
      body["fingerprint"] = ctx.signer->fingerprint();
    }
    done(json_response(req, 200, body.dump()));
  });
}

// ---- GET /api/audit/timeline ----

// The timeline's index (audit_timeline.hpp): times and markers of every event, so for readers
// who see every event (auditors, the Secretariat) only; others page through /api/events.
void timeline(server_context& ctx, http_request req, const std::string& user, respond_fn done) {
  with_published(ctx, req, std::move(done), [&ctx, req, user](const published& v, respond_fn done) {
    auto p = protocol::principal_of(*v.state, user);
    if (!p) return done(error_response(req, 401, "unauthorized", "no such user"));
    if (!protocol::privileged(*p))
      return done(error_response(req, 403, "forbidden",
                                 "the timeline's index is for auditors and the Secretariat"));
    if (auto st = ctx.timeline->extend(*ctx.log, v.seq); !st)
      return done(internal_error(req, "storage read", st.error().message));
    done(json_response(req, 200, ctx.timeline->body()));
  });
}

}  // namespace

http_response reader_busy(const http_request& req) {
  return retry_later(req, 503, "unavailable", "too many reads at once; retry",
                     std::chrono::seconds(1));
}

void with_published(server_context& ctx, const http_request& req, respond_fn done,
                    std::function<void(const published&, respond_fn)> fn) {
  auto answer = std::make_shared<respond_fn>(std::move(done));
  if (!ctx.seq->read([answer, fn = std::move(fn)](const std::shared_ptr<const published>& v) {
        fn(*v, std::move(*answer));
      }))
    (*answer)(reader_busy(req));
}

void on_reader(server_context& ctx, const http_request& req, respond_fn done,
               std::function<void(respond_fn)> fn) {
  auto answer = std::make_shared<respond_fn>(std::move(done));
  if (!ctx.readers->try_post([answer, fn = std::move(fn)] { fn(std::move(*answer)); }))
    (*answer)(reader_busy(req));
}

void build_kept_states(server_context& ctx) {
  const auto post = [&ctx](std::function<void()> step) {
    ctx.stats->kept_states_building = 1;
    ctx.readers->post_background([&ctx, step = std::move(step)] {
      step();
      const auto c = ctx.kept->stats();
      ctx.stats->kept_states = static_cast<std::int64_t>(c.states);
      ctx.stats->kept_state_bytes = static_cast<std::int64_t>(c.bytes);
      ctx.stats->kept_state_seq = static_cast<std::int64_t>(c.last);
      ctx.stats->kept_states_building = ctx.kept->building() ? 1 : 0;
    });
  };
  ctx.kept->build(*ctx.log, post, ctx.stopping);
}

void handle_audit_read(server_context& ctx, const std::string& path, http_request req,
                       const std::string& user, respond_fn done) {
  if (path == "/api/events") return events(ctx, std::move(req), user, std::move(done));
  if (path == "/api/state") return state_view(ctx, std::move(req), user, std::move(done));
  if (path == "/api/history") return history(ctx, std::move(req), user, std::move(done));
  if (path == "/api/audit/checkpoints") return checkpoints(ctx, std::move(req), std::move(done));
  if (path == "/api/audit/timeline") return timeline(ctx, std::move(req), user, std::move(done));
  if (path == "/api/thread") return thread_view(ctx, std::move(req), user, std::move(done));
  done(error_response(req, 404, "not_found", "no such API route"));
}

}  // namespace a4p::server
