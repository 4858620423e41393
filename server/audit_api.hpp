// The read routes an auditor works with, for any signed-in reader (protocol/README.md, "REST
// reads"): GET /api/events (filters, cursor paging), /api/state (?at=N, ?at_time=<RFC 3339>)
// and /api/history (any entity, cursor paging), each filtered through protocol/visibility for
// the reader; and GET /api/audit/checkpoints. An auditor may add as_org=X to the first three
// to read as a plain member of org X would ("as org X saw it"); anyone else gets 403.
//
// Every read runs on the reader pool (decision 0308), from the published version of the durable
// state and the log: nothing here runs on the sequencer's strand. When the pool's queue is full,
// the answer is 503 with Retry-After.
//
// Thread safety: may be called from any thread; `done` is called exactly once, from any thread.
#pragma once

#include <functional>
#include <string>

#include "server/http_util.hpp"

namespace a4p::server {

struct server_context;
struct published;

// Runs fn(version, done) on the reader pool with the published version of the durable state (at
// least the durable head as of this call); when the pool's queue is full, answers 503 with
// Retry-After instead. Also for the other REST reads (admin, sign-in).
void with_published(server_context& ctx, const http_request& req,
                    std::function<void(http_response)> done,
                    std::function<void(const published&, std::function<void(http_response)>)> fn);
// The same for a read that needs no state (chain verification, the checkpoint index).
void on_reader(server_context& ctx, const http_request& req,
               std::function<void(http_response)> done,
               std::function<void(std::function<void(http_response)>)> fn);

// Extends the states kept for ?at reads (kept_states.hpp) up to the log's head, a step per
// background task on the reader pool, unless that runs already; stops with ctx.stopping.
void build_kept_states(server_context& ctx);

// REQUIRES: `path` is one of /api/events, /api/state, /api/history, /api/audit/checkpoints;
// `user` is signed in.
void handle_audit_read(server_context& ctx, const std::string& path, http_request req,
                       const std::string& user, std::function<void(http_response)> done);

}  // namespace a4p::server
