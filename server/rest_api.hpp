// The REST routes under /api/ (PROTOCOL.md section 1): POST/DELETE /api/session, and the
// authorised reads: /api/audit/verify here, /api/events, /api/state, /api/history and
// /api/audit/checkpoints in audit_api.hpp (each filtered with protocol/visibility for the
// signed-in reader); /api/commands, /api/admin/* and /api/invite/accept in admin_api.hpp.
// Unknown /api/ paths answer 404 JSON.
//
// Sign-in (ADR 0303): POST and cookie-authenticated DELETE /api/session need Content-Type
// application/json (415) and, with an Origin header, an allowed Origin (403); sign-ins are
// throttled per username and per client address (login_guard: 429, or 503 when the argon2
// queue is full, both with Retry-After) and checked on their own small thread pool. A 5xx
// answer carries a fixed message; the storage error behind it goes to the log only.
//
// Reads that need the current state run on the reader pool from the published version of the
// durable state (decision 0308: at least the durable head when they asked, so a client reads its
// own acknowledged writes), never on the sequencer's strand nor the network threads; password
// hashing has its own small pool.
//
// Thread safety: handle_api() may be called from any thread; `done` may be called from any
// thread, exactly once.
#pragma once

#include <functional>
#include <optional>

#include "server/http_util.hpp"

namespace a4p::protocol {
class state;
struct principal;
}  // namespace a4p::protocol

namespace a4p::server {

struct server_context;

using respond_fn = std::function<void(http_response)>;

// `client`: who sent it (the address counts for sign-in throttling; `secure` adds the cookie's
// Secure attribute).
void handle_api(server_context& ctx, http_request req, const client_info& client, respond_fn done);

// A new login session for `p`: 200 {"token","user"} with the a4p_session cookie (Secure when
// `secure`: TLS here or at a trusted proxy), as POST /api/session answers. `st`: a published
// version of the durable state (sequencer::query).
[[nodiscard]] http_response sign_in(server_context& ctx, const http_request& req,
                                    const protocol::state& st, const protocol::principal& p,
                                    bool secure);

// Cross-site request checks for a request that signs in or acts on a cookie (CSRF): an Origin
// header, when present, must be allowed (403), and unless the request authenticates with
// `Authorization: Bearer` (`bearer`) its Content-Type must be application/json (415). The
// refusal to send, or nullopt.
[[nodiscard]] std::optional<http_response> refuse_cross_site(server_context& ctx,
                                                             const http_request& req, bool bearer);

}  // namespace a4p::server
