// The read routes an auditor works with, for any signed-in reader (protocol/README.md, "REST
// reads"): GET /api/events (filters, cursor paging), /api/state (?at=N, ?at_time=<RFC 3339>)
// and /api/history (any entity, cursor paging), each filtered through protocol/visibility for
// the reader; and GET /api/audit/checkpoints. An auditor may add as_org=X to the first three
// to read as a plain member of org X would ("as org X saw it"); anyone else gets 403.
//
// Reads of the log and replays run on the blocking thread pool; only the visibility judgement
// against the current state runs on the sequencer's strand (sequencer::query).
//
// Thread safety: may be called from any thread; `done` is called exactly once, from any thread.
#pragma once

#include <functional>
#include <string>

#include "server/http_util.hpp"

namespace a4p::server {

struct server_context;

// REQUIRES: `path` is one of /api/events, /api/state, /api/history, /api/audit/checkpoints;
// `user` is signed in.
void handle_audit_read(server_context& ctx, const std::string& path, http_request req,
                       const std::string& user, std::function<void(http_response)> done);

}  // namespace a4p::server
