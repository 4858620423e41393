// The REST routes under /api/ (PROTOCOL.md section 1): POST/DELETE /api/session, and the
// authorised reads: /api/audit/verify here, /api/events, /api/state, /api/history and
// /api/audit/checkpoints in audit_api.hpp (each filtered with protocol/visibility for the
// signed-in reader). Unknown /api/ paths answer 404 JSON.
//
// Sign-in (ADR 0303): POST and cookie-authenticated DELETE /api/session need Content-Type
// application/json (415) and, with an Origin header, an allowed Origin (403); sign-ins are
// throttled per username and per client address (login_guard: 429, or 503 when the argon2
// queue is full, both with Retry-After) and checked on their own small thread pool. A 5xx
// answer carries a fixed message; the storage error behind it goes to the log only.
//
// Reads that need the current state run on the sequencer's strand (sequencer::query), so they
// see exactly the durable head; slow work (password hashing, chain verification, history
// replay, historical state) runs on the blocking thread pool, never on the network threads.
//
// Thread safety: handle_api() may be called from any thread; `done` may be called from any
// thread, exactly once.
#pragma once

#include <functional>

#include "server/http_util.hpp"

namespace a4p::server {

struct server_context;

using respond_fn = std::function<void(http_response)>;

// `client`: who sent it (the address counts for sign-in throttling; `secure` adds the cookie's
// Secure attribute).
void handle_api(server_context& ctx, http_request req, const client_info& client, respond_fn done);

}  // namespace a4p::server
