// The administration routes (issue 14; protocol/README.md "Administration over HTTP"):
//   POST /api/commands                    any command, as the signed-in user (like the WebSocket)
//   GET  /api/admin/users?q=              users with last sign-in, sessions and sockets
//   POST /api/admin/users/<id>/signout    sign the user out everywhere
//   POST /api/admin/users/<id>/invite     a one-time link to set a first password
//   POST /api/admin/users/<id>/reset      the same, to set a new one
//   POST /api/admin/backup {"name"}       an online RocksDB checkpoint, verified
//   POST /api/invite/accept {"token","password"}  redeem a link: set the password, sign in
// /api/admin/* is for the Secretariat only (403 otherwise). Every POST passes the cross-site
// checks of POST /api/session (an allowed Origin when one is sent; application/json unless it
// authenticates with Authorization: Bearer). Slow work (argon2id, checkpoint,
// chain verification) runs on the blocking pool; state reads on the reader pool (decision 0308).
//
// Thread safety: handle_admin_api() may be called from any thread; `done` is called exactly
// once, from any thread.
#pragma once

#include <string>

#include "server/rest_api.hpp"

namespace a4p::server {

// REQUIRES: `path` is the decoded path of req.target() and is one of the routes above (or
// under /api/admin/: unknown ones answer 404).
// `client.secure` makes the cookie of /api/invite/accept Secure.
void handle_admin_api(server_context& ctx, http_request req, const std::string& path,
                      const client_info& client, respond_fn done);

}  // namespace a4p::server
