#include "server/public_page.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <initializer_list>
#include <utility>
#include <vector>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include "server/public_site.hpp"
#include "server/static_files.hpp"

namespace a4p::server {

namespace http = boost::beast::http;
using json = nlohmann::json;

namespace {

constexpr std::array<std::string_view, 6> languages = {"en", "fr", "es", "ru", "zh", "ar"};

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// The words of one language, English for what it lacks.
class words {
 public:
  words(const json& messages, const std::string& lang) : all_(messages), lang_(lang) {}
  [[nodiscard]] std::string operator()(const std::string& key) const {
    for (const auto& l : {lang_, std::string("en")}) {
      auto m = all_.find(l);
      if (m == all_.end() || !m->is_object()) continue;
      auto v = m->find(key);
      if (v != m->end() && v->is_string()) return v->get<std::string>();
    }
    return {};
  }
  // The message `key` with each `{name}` replaced by its value (unknown names stay as written).
  [[nodiscard]] std::string fill(
      const std::string& key,
      std::initializer_list<std::pair<std::string_view, std::string>> values) const {
    const std::string msg = (*this)(key);
    std::string out;
    for (std::size_t i = 0; i < msg.size();) {
      const auto close = msg[i] == '{' ? msg.find('}', i) : std::string::npos;
      if (close != std::string::npos) {
        const std::string_view name(msg.data() + i + 1, close - i - 1);
        bool done = false;
        for (const auto& [k, v] : values)
          if (k == name) {
            out += v;
            done = true;
          }
        if (done) {
          i = close + 1;
          continue;
        }
      }
      out += msg[i++];
    }
    return out;
  }

 private:
  const json& all_;
  std::string lang_;
};

// The record of `list` whose id is `id`, or null.
const json* find_by_id(const json& state, const char* list, std::string_view id) {
  auto it = state.find(list);
  if (it == state.end() || !it->is_array()) return nullptr;
  for (const auto& r : *it)
    if (r.is_object() && r.value("id", "") == id) return &r;
  return nullptr;
}

std::string str(const json* rec, const char* key) {
  if (!rec) return {};
  auto it = rec->find(key);
  return it != rec->end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

public_page_meta public_page_meta_of(std::string_view path, const json& state,
                                     const json& messages) {
  std::vector<std::string_view> parts;
  for (std::size_t i = 0; i < path.size();) {
    const auto end = std::min(path.find('/', i), path.size());
    if (end > i) parts.push_back(path.substr(i, end - i));
    i = end + 1;
  }
  public_page_meta m;
  std::size_t k = 1;  // parts[0] is "public"
  if (parts.size() > k) {
    for (auto l : languages)
      if (parts[k] == l) {
        m.lang = l;
        ++k;
        break;
      }
  }
  const words w(messages, m.lang);
  m.site_name = w("public.site_name");
  const std::string_view page = parts.size() > k ? parts[k] : std::string_view("overview");
  const std::string_view id = parts.size() > k + 1 ? parts[k + 1] : std::string_view();
  const bool extra = parts.size() > k + 2;
  const bool with_id = page == "theme" || page == "pledge" || page == "org";
  auto theme_name = [&](std::string_view theme) {
    auto name = w("theme." + std::string(theme));
    return name.empty() ? str(find_by_id(state, "themes", theme), "name") : name;
  };
  if (extra || with_id == id.empty()) {
    m.found = false;
  } else if (page == "overview") {
    m.title = m.site_name;
    m.description = w("public.overview_description");
  } else if (page == "theme" && find_by_id(state, "themes", id)) {
    const auto name = theme_name(id);
    m.title = w.fill("public.theme_title", {{"name", name}});
    m.description = w.fill("public.theme_description", {{"name", name}});
  } else if (const json* p = page == "pledge" ? find_by_id(state, "pledges", id) : nullptr) {
    const auto org = str(find_by_id(state, "orgs", str(p, "org")), "name");
    const auto title = str(p, "title");
    const auto progress = p->contains("progress") && (*p)["progress"].is_number_integer()
                              ? std::to_string((*p)["progress"].get<std::int64_t>())
                              : std::string("0");
    m.title = w.fill("public.pledge_title", {{"title", title}, {"org", org}});
    m.description =
        w.fill("public.pledge_description", {{"org", org},
                                             {"theme", theme_name(str(p, "theme"))},
                                             {"title", title},
                                             {"status", w("status." + str(p, "status"))},
                                             {"progress", progress}});
  } else if (const json* o = page == "org" ? find_by_id(state, "orgs", id) : nullptr) {
    m.title = w.fill("public.org_title", {{"name", str(o, "name")}});
    m.description = w.fill("public.org_description", {{"name", str(o, "name")}});
  } else if (page == "orgs") {
    m.title = w("public.nav_orgs");
    m.description = w("public.orgs_description");
  } else if (page == "coverage") {
    m.title = w("public.coverage_title");
    m.description = w("public.coverage_description");
  } else if (page == "data") {
    m.title = w("public.nav_data");
    m.description = w("public.data_description");
  } else {
    m.found = false;
  }
  if (!m.found) {
    m.title = w("common.not_found");
    m.description = w("public.not_found_body");
  }
  return m;
}

std::string render_public_shell(std::string html, const public_page_meta& m) {
  const auto title = html_escape(m.title);
  const auto description = html_escape(m.description);
  // As the client's use_meta writes them, so that it updates these very elements.
  std::string head =
      "<title>" + (m.title == m.site_name ? title : title + " | " + html_escape(m.site_name)) +
      "</title>\n    <meta name=\"description\" content=\"" + description +
      "\" />\n    <meta property=\"og:title\" content=\"" + title +
      "\" />\n    <meta property=\"og:description\" content=\"" + description +
      "\" />\n    <meta property=\"og:type\" content=\"website\" />\n"
      "    <meta property=\"og:site_name\" content=\"" +
      html_escape(m.site_name) + "\" />\n    <meta property=\"og:locale\" content=\"" +
      html_escape(m.lang) + "\" />";
  const auto open = html.find("<title>");
  const auto close = open == std::string::npos ? open : html.find("</title>", open);
  if (close != std::string::npos) {
    html.replace(open, close + 8 - open, head);
  } else if (auto end = html.find("</head>"); end != std::string::npos) {
    html.insert(end, head + "\n");
  }
  if (auto tag = html.find("<html"); tag != std::string::npos) {
    const auto end = html.find('>', tag);
    if (end != std::string::npos)
      html.replace(tag, end + 1 - tag,
                   "<html lang=\"" + html_escape(m.lang) + "\" dir=\"" +
                       (m.lang == "ar" ? "rtl" : "ltr") + "\">");
  }
  return html;
}

std::optional<http_response> public_page_response(const std::string& web_root,
                                                  const public_snapshot* snap,
                                                  const http_request& req, std::string_view path) {
  if (web_root.empty() || !snap) return std::nullopt;
  if (req.method() != http::verb::get && req.method() != http::verb::head) return std::nullopt;
  // A file under /public (a name with an extension) is not a page.
  if (path.substr(path.rfind('/') + 1).find('.') != std::string_view::npos) return std::nullopt;
  const std::filesystem::path root(web_root);
  std::string index, meta_text;
  if (!read_whole_file(root / "index.html", index) ||
      !read_whole_file(root / "public-meta.json", meta_text))
    return std::nullopt;
  const json messages = json::parse(meta_text, nullptr, false);
  if (!messages.is_object()) return std::nullopt;
  const auto m = public_page_meta_of(path, snap->state(), messages);
  auto res = make_response(req, m.found ? 200 : 404, render_public_shell(std::move(index), m),
                           "text/html; charset=utf-8");
  res.set(http::field::cache_control, "no-cache");
  res.set(http::field::content_language, m.lang);
  if (req.method() == http::verb::head) {
    res.content_length(res.body().size());
    res.body().clear();
  }
  return res;
}

}  // namespace a4p::server
