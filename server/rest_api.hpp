// The REST routes under /api/ (PROTOCOL.md section 1): POST/DELETE /api/session, and the
// authorised reads: /api/audit/verify here, /api/events, /api/state, /api/history and
// /api/audit/checkpoints in audit_api.hpp (each filtered with protocol/visibility for the
// signed-in reader). Unknown /api/ paths answer 404 JSON.
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

void handle_api(server_context& ctx, http_request req, respond_fn done);

}  // namespace a4p::server
