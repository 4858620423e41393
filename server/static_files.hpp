// The web client's files from --web-root: GET and HEAD, content types by extension, no path
// traversal (decoded ".." segments, backslashes and NUL are refused, and the resolved path
// must stay under the root), and index.html for client-side routes (an unknown path without
// a file extension).
//
// Thread safety: pure function (reads files).
#pragma once

#include <filesystem>
#include <string>

#include "server/http_util.hpp"

namespace a4p::server {

// REQUIRES: web_root is an absolute, canonical directory path (or empty: nothing is served).
[[nodiscard]] http_response serve_static(const std::string& web_root, const http_request& req);

[[nodiscard]] std::string_view mime_type(std::string_view path);

// The whole file at `p` into `out`; false when it cannot be read.
[[nodiscard]] bool read_whole_file(const std::filesystem::path& p, std::string& out);

}  // namespace a4p::server
