// The pages of the public site for link-preview bots and first paint (issue 15): a4pd answers a
// /public[/<lang>][/<page>[/<id>]] page request with the web client's index.html, carrying that
// page's <title>, meta description and Open Graph tags and <html lang dir> in the URL's
// language, so that a shared link previews well without running any script.
//
// The words come from <web root>/public-meta.json, which the web client's build makes from its
// own catalogues (web-client/vite.config.ts): plain messages with `{name}` arguments, per
// language. The facts come from the public projection only (public_snapshot::state(): published
// pledges, themes, organisations), never from the workspace state, and every value is
// HTML-escaped. A pledge, theme or organisation that is not public answers 404 with the same
// shell (titled "Not found"), which the client then draws as its not-found page.
//
// Thread safety: pure functions (public_page_response reads two files under the web root).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "server/http_util.hpp"

namespace a4p::server {

class public_snapshot;

// What a public page says about itself.
struct public_page_meta {
  std::string lang = "en";  // of the URL, else English
  std::string title;        // the page's own title ("<title> | <site name>" in <title>)
  std::string description;
  std::string site_name;
  bool found = true;  // false: no such public page (404)
};

// The meta of `path` (decoded, starting /public), from the public projection `state` and the
// messages of public-meta.json (`{lang: {key: message}}`). Pure.
[[nodiscard]] public_page_meta public_page_meta_of(std::string_view path,
                                                   const nlohmann::json& state,
                                                   const nlohmann::json& messages);

// `index_html` with its <title> replaced by the meta's title, description and Open Graph tags,
// and its <html> element given the meta's lang and dir. Pure.
[[nodiscard]] std::string render_public_shell(std::string index_html, const public_page_meta& m);

// The page for `path`, or nullopt when a4pd cannot make one (no web root, no index.html, no
// public-meta.json, or no projection yet): the caller then serves the static file as before.
[[nodiscard]] std::optional<http_response> public_page_response(const std::string& web_root,
                                                                const public_snapshot* snap,
                                                                const http_request& req,
                                                                std::string_view path);

}  // namespace a4p::server
