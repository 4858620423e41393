// GET /public/api/<file>: the open data of the public site (docs/public-api.md), answered on
// the network thread from public_site's current immutable snapshot, never on the sequencer's
// strand. No session is read: every reader gets the same bytes, with an ETag (the log's epoch
// and the snapshot's seq), If-None-Match -> 304, Cache-Control public with --public-max-age,
// and Access-Control-Allow-Origin: * (open data, no credentials).
//
// Thread safety: pure function of the request and the snapshot; any thread.
#pragma once

#include <string_view>

#include "server/http_util.hpp"

namespace a4p::server {

struct server_context;

// REQUIRES: `path` starts with /public/api (the feed, /public/api/feed, is http_session's).
[[nodiscard]] http_response public_api_response(server_context& ctx, const http_request& req,
                                                std::string_view path);
// The response header of the public feed (text/event-stream), with the security headers.
[[nodiscard]] std::string public_feed_head(const http_request& req, bool secure);

}  // namespace a4p::server
