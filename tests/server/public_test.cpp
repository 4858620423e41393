// The public site through the real a4pd (issue 15): every public route and the public feed of
// a demo workspace (restricted discussion, hidden comment, opinions, unpublished pledges) carry
// nothing that is not public; a pledge appears only once its organisation publishes it, its new
// report arrives on the feed, and withdrawal removes it; ETag and Cache-Control; the anonymous
// budgets answer 429 without touching signed-in users; each page comes with its own title,
// description and Open Graph tags for link previews, in the URL's language, escaped, and from
// the public projection only.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/server/a4pd_process.hpp"
#include "tests/server/test_client.hpp"
#include "tests/server/test_util.hpp"

namespace a4p::test {
namespace {

using json = nlohmann::json;

const std::vector<std::string> public_files = {
    "state.json", "pledges.json", "pledges.csv", "reports.json",  "reports.csv", "themes.json",
    "themes.csv", "orgs.json",    "orgs.csv",    "coverage.json", "coverage.csv"};

// A command through POST /api/commands; its answer (200 expected).
json rest_command(std::uint16_t port, const std::string& token, const std::string& name,
                  const json& args) {
  auto r = http_call(
      port, "POST", "/api/commands",
      json{{"type", "command"}, {"id", unique_id(name)}, {"name", name}, {"args", args}}.dump(),
      {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}});
  EXPECT_EQ(r.status, 200) << name << " " << r.body;
  return json::parse(r.body, nullptr, false);
}

// pledge.create's arguments: a pledge on the politics theme with `title` and `description`.
json pledge_args(const std::string& title, const std::string& description = "d") {
  return {{"theme", "politics"},
          {"title", title},
          {"description", description},
          {"output", {{"indicator", "x"}, {"target", "1"}}}};
}

// A raw Server-Sent Events reader: GET /public/api/feed, then everything the server sends.
class feed_reader {
 public:
  explicit feed_reader(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return;
    std::string req = "GET /public/api/feed HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    ok_ = ::send(fd_, req.data(), req.size(), 0) == static_cast<ssize_t>(req.size());
  }
  ~feed_reader() {
    if (fd_ >= 0) ::close(fd_);
  }
  // Reads until `needle` has arrived (true) or the time is up (false).
  bool wait_for(const std::string& needle, std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (text_.find(needle) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          end - std::chrono::steady_clock::now());
      if (!ok_ || left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[8192];
      auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return ok_ = false;
      text_.append(buf, static_cast<std::size_t>(n));
    }
    return true;
  }
  [[nodiscard]] const std::string& text() const { return text_; }

 private:
  int fd_ = -1;
  bool ok_ = false;
  std::string text_;
};

std::string between(const std::string& text, const std::string& from, const std::string& to) {
  const auto a = text.find(from);
  if (a == std::string::npos) return {};
  const auto b = text.find(to, a + from.size());
  return b == std::string::npos ? std::string() : text.substr(a + from.size(), b - a - from.size());
}

// a4pd's flags for up to `n` anonymous feed streams from the test's one address.
std::vector<std::string> many_viewers(int n) {
  const auto k = std::to_string(n);
  std::vector<std::string> flags = {"--public-rate", "1000", "--public-burst", "1000"};
  for (const char* f : {"--public-max-streams", "--public-max-address-streams",
                        "--max-address-connections", "--max-address-handshakes"})
    flags.insert(flags.end(), {f, k});
  return flags;
}

class public_test : public suite_a4pd<public_test> {
 protected:
  static void SetUpTestSuite() { start({"--public-rate", "1000", "--public-burst", "1000"}); }
  static http_result anon(const std::string& target,
                          const std::map<std::string, std::string>& h = {}) {
    return http_call(port(), "GET", target, "", h);
  }
  static json command(const std::string& token, const std::string& name, const json& args) {
    return rest_command(port(), token, name, args);
  }
  // Every text of the workspace that must never be public, as the Secretariat sees it now:
  // users, discussions, comments (hidden ones too), opinions, unpublished pledges and their
  // reports. Short strings (which also occur in public words) are left out.
  static std::set<std::string> secrets(const std::string& sec) {
    auto r = get(port(), "/api/state", sec);
    EXPECT_EQ(r.status, 200);
    json s = json::parse(r.body);
    std::set<std::string> out;
    auto add = [&](const json& v) {
      if (v.is_string() && v.get<std::string>().size() >= 8) out.insert(v.get<std::string>());
    };
    for (auto& [id, u] : s["users"].items()) add(u["id"]), add(u["name"]);
    for (auto& [id, d] : s["discussions"].items())
      add(d["title"]), add(d["agenda"]), add(d["outcome"]);
    for (auto& [id, c] : s["comments"].items()) add(c["body"]), add(c["hidden_reason"]);
    for (auto& [id, o] : s["opinions"].items()) add(o["text"]);
    for (auto& [id, p] : s["pledges"].items()) {
      if (p["published"] == true) continue;
      add(p["title"]), add(p["description"]);
      for (const auto& rep : p["reports"]) add(rep["note"]), add(rep["impact_note"]);
    }
    return out;
  }
  // `text` holds none of `secrets`, raw, JSON-escaped or CSV-quoted.
  static void expect_clean(const std::string& where, const std::string& text,
                           const std::set<std::string>& secrets) {
    for (const auto& s : secrets) {
      std::string escaped = json(s).dump();
      escaped = escaped.substr(1, escaped.size() - 2);
      std::string csv;
      for (char c : s) csv += c == '"' ? std::string("\"\"") : std::string(1, c);
      for (const auto& form : {s, escaped, csv})
        EXPECT_EQ(text.find(form), std::string::npos) << where << " shows \"" << s << "\"";
    }
  }
};

TEST_F(public_test, EveryRouteAndTheFeedShowOnlyWhatIsPublic) {
  const auto sec = login(port(), "un.secretariat", demo_password);
  const auto gha = login(port(), "gha.delegate", demo_password);
  const auto nld = login(port(), "nld.delegate", demo_password);
  ASSERT_FALSE(sec.empty());
  feed_reader feed(port());
  ASSERT_TRUE(feed.wait_for("event: hello", std::chrono::seconds(5))) << feed.text();

  // A pledge of GHA: not public until GHA publishes it.
  auto created = command(gha, "pledge.create",
                         {{"theme", "politics"},
                          {"title", "Ghana public pledge title"},
                          {"description", "Ghana publishes this"},
                          {"output", {{"indicator", "trainings"}, {"target", "12"}}}});
  const std::string id = created["result"]["id"];
  EXPECT_EQ(anon("/public/api/pledges.json").body.find("Ghana public pledge title"),
            std::string::npos);
  // Private activity meanwhile: a restricted discussion and comments on it and on the pledge.
  command(nld, "discussion.convene",
          {{"theme", "protection"},
           {"title", "Restricted public-test discussion"},
           {"agenda", "Restricted agenda never public"},
           {"visibility", "restricted"},
           {"invitees", {"BGD"}}});
  command(gha, "comment.post", {{"target", "pledge:" + id}, {"body", "Comment body never public"}});

  command(gha, "pledge.publish", {{"id", id}});
  ASSERT_TRUE(feed.wait_for("Ghana public pledge title", std::chrono::seconds(5)));
  EXPECT_NE(anon("/public/api/pledges.json").body.find("Ghana public pledge title"),
            std::string::npos);
  command(gha, "pledge.report",
          {{"id", id},
           {"status", "on_track"},
           {"progress", 40},
           {"note", "Live report on the public feed"},
           {"evidence", {"https://example.org/evidence"}}});
  ASSERT_TRUE(feed.wait_for("Live report on the public feed", std::chrono::seconds(5)));
  EXPECT_NE(anon("/public/api/reports.csv").body.find("Live report on the public feed"),
            std::string::npos);

  // Every file, every page, the feed: nothing that is not public.
  const auto hidden = secrets(sec);
  ASSERT_GT(hidden.size(), 20u);
  EXPECT_TRUE(hidden.contains("Restricted agenda never public"));
  for (const auto& f : public_files) {
    auto r = anon("/public/api/" + f);
    ASSERT_EQ(r.status, 200) << f << " " << r.body;
    expect_clean(f, r.body, hidden);
    EXPECT_FALSE(r.headers["etag"].empty()) << f;
    EXPECT_NE(r.headers["cache-control"].find("public"), std::string::npos) << f;
    json head = json::parse(r.body, nullptr, false);
    if (f.ends_with(".json")) {
      EXPECT_TRUE(head.contains("seq")) << f;
    }
  }
  // Every public record carries its seq and hash.
  json st = json::parse(anon("/public/api/state.json").body);
  for (const char* kind : {"themes", "commitments", "gaps", "actions", "rounds", "orgs", "pledges"})
    for (const auto& rec : st[kind]) {
      EXPECT_GT(rec["seq"].get<std::uint64_t>(), 0u) << kind << rec.dump();
      EXPECT_EQ(rec["hash"].get<std::string>().size(), 64u) << kind;
    }
  for (const char* page : {"/public", "/public/pledge/P1", "/public/theme/politics"})
    expect_clean(page, anon(page).body, hidden);
  expect_clean("feed", feed.text(), hidden);

  // Withdrawal removes it, live and from the files.
  command(gha, "pledge.withdraw_publication", {{"id", id}});
  ASSERT_TRUE(feed.wait_for("\"record\":null", std::chrono::seconds(5)));
  EXPECT_EQ(anon("/public/api/pledges.json").body.find("Ghana public pledge title"),
            std::string::npos);
}

// An event that changes nothing public (a comment) makes no new projection: state.json keeps
// its seq and ETag (a cache keeps answering 304); the next public change moves both to its seq.
TEST_F(public_test, NothingPublicChangedKeepsTheProjectionAndItsEtag) {
  const auto eth = login(port(), "eth.delegate", demo_password);
  feed_reader feed(port());
  ASSERT_TRUE(feed.wait_for("event: hello", std::chrono::seconds(5))) << feed.text();
  const std::string id =
      command(eth, "pledge.create", pledge_args("Ethiopia etag pledge"))["result"]["id"];
  const auto published = command(eth, "pledge.publish", {{"id", id}})["seq"].get<std::uint64_t>();
  ASSERT_TRUE(feed.wait_for("id: " + std::to_string(published) + "\n", std::chrono::seconds(10)));
  const auto before = anon("/public/api/state.json");
  ASSERT_EQ(before.status, 200);
  const auto seq_of = [](const http_result& r) {
    return json::parse(r.body, nullptr, false).value("seq", std::uint64_t{0});
  };
  ASSERT_GE(seq_of(before), published);

  const auto comment =
      command(eth, "comment.post", {{"target", "pledge:" + id}, {"body", "not public"}});
  ASSERT_GT(comment["seq"].get<std::uint64_t>(), seq_of(before));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // several --public-batch
  const auto after_comment = anon("/public/api/state.json");
  EXPECT_EQ(after_comment.headers.at("etag"), before.headers.at("etag"));
  EXPECT_EQ(seq_of(after_comment), seq_of(before));
  EXPECT_EQ(anon("/public/api/state.json", {{"If-None-Match", before.headers.at("etag")}}).status,
            304);

  const auto reported =
      command(eth, "pledge.report",
              {{"id", id}, {"status", "on_track"}, {"progress", 5}, {"note", "n"}})["seq"]
          .get<std::uint64_t>();
  ASSERT_TRUE(feed.wait_for("id: " + std::to_string(reported) + "\n", std::chrono::seconds(10)));
  const auto after_report = anon("/public/api/state.json");
  EXPECT_NE(after_report.headers.at("etag"), before.headers.at("etag"));
  EXPECT_EQ(seq_of(after_report), reported);
}

TEST_F(public_test, EtagAnswers304AndUnknownFilesAre404) {
  auto r = anon("/public/api/themes.json");
  ASSERT_EQ(r.status, 200);
  auto again = anon("/public/api/themes.json", {{"If-None-Match", r.headers["etag"]}});
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(anon("/public/api/users.json").status, 404);
  EXPECT_EQ(http_call(port(), "POST", "/public/api/state.json", "{}").status, 405);
}

// The aggregates are computed once per delivered chunk (--public-batch), not once per event:
// a burst of reports on a pledge that is not public (each moves only the counts) reaches the
// feed as a few changes, the last carrying the counts that state.json then shows.
TEST_F(public_test, TheCountsComeOncePerChunkAndEqualTheStateAfterIt) {
  temp_dir dir;
  a4pd_process server(options_in(dir.path() + "/data", {"--public-batch", "2000"}));
  ASSERT_TRUE(server.started()) << server.output();
  const auto gha = login(server.port(), "gha.delegate", demo_password);
  auto run = [&](const std::string& name, const json& args) {
    return rest_command(server.port(), gha, name, args);
  };
  feed_reader feed(server.port());
  ASSERT_TRUE(feed.wait_for("event: hello", std::chrono::seconds(5))) << feed.text();
  const std::string id =
      run("pledge.create", pledge_args("Unpublished burst pledge", "Not public"))["result"]["id"];
  std::uint64_t last = 0;
  const int reports = 16;
  for (int i = 0; i < reports; ++i)
    last = run("pledge.report",
               {{"id", id}, {"status", "on_track"}, {"progress", i}, {"note", "n"}})["seq"];
  ASSERT_TRUE(feed.wait_for("id: " + std::to_string(last) + "\n", std::chrono::seconds(10)))
      << feed.text();
  int changes = 0;
  json counts;
  std::istringstream in(feed.text());
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("data: ")) continue;
    auto m = json::parse(line.substr(6));
    if (!m.contains("changes")) continue;
    ++changes;
    if (m.contains("counts")) counts = m["counts"];
  }
  EXPECT_LT(changes, reports) << "one change per event: the counts were not gathered";
  auto state = json::parse(http_call(server.port(), "GET", "/public/api/state.json").body);
  EXPECT_EQ(counts, state["counts"]);
  EXPECT_GE(counts["reports"].get<int>(), reports);
}

// The feed's writes are paced (--public-sends, ADR 0330): with a budget of 200 writes a second
// (2 viewers every 10 ms) a chunk reaches 300 viewers over about 1.5 s in the order they
// subscribed, once each; a viewer that subscribes during the round is not in it and gets only
// the changes after its greeting; the next chunk waits for the round and then reaches everyone.
TEST_F(public_test, AChunkIsPacedOverTheViewersAndAViewerJoiningMidRoundGetsOnlyNewerChanges) {
  temp_dir dir;
  auto flags = many_viewers(1000);
  flags.insert(flags.end(), {"--public-sends", "200"});
  a4pd_process server(options_in(dir.path() + "/data", flags));
  ASSERT_TRUE(server.started()) << server.output();
  const auto gha = login(server.port(), "gha.delegate", demo_password);
  auto run = [&](const std::string& name, const json& args) {
    return rest_command(server.port(), gha, name, args);
  };
  const int n = 300;
  std::vector<std::unique_ptr<feed_reader>> viewers;
  for (int i = 0; i < n; ++i) {
    viewers.push_back(std::make_unique<feed_reader>(server.port()));
    ASSERT_TRUE(viewers.back()->wait_for("event: hello", std::chrono::seconds(10))) << i;
  }
  const std::string id =
      run("pledge.create", pledge_args("Paced pledge", "Not public"))["result"]["id"];
  const auto seq_line = [](std::uint64_t seq) { return "id: " + std::to_string(seq) + "\n"; };
  auto report = [&](int progress) {
    return run("pledge.report",
               {{"id", id}, {"status", "on_track"}, {"progress", progress}, {"note", "n"}})["seq"]
        .get<std::uint64_t>();
  };
  // Let the creation's chunk reach everyone first.
  for (auto& v : viewers) ASSERT_TRUE(v->wait_for("event: change", std::chrono::seconds(20)));
  const auto first = report(1);
  ASSERT_TRUE(viewers.front()->wait_for(seq_line(first), std::chrono::seconds(10)));
  EXPECT_FALSE(viewers.back()->wait_for(seq_line(first), std::chrono::milliseconds(1)))
      << "the last viewer got the chunk with the first: it was not paced";
  // A viewer that subscribes now, during the round.
  feed_reader joiner(server.port());
  ASSERT_TRUE(joiner.wait_for("event: hello", std::chrono::seconds(10))) << joiner.text();
  const auto hello = json::parse(between(joiner.text(), "data: ", "\n"));
  EXPECT_GE(hello["seq"].get<std::uint64_t>(), first);
  const auto second = report(2);
  ASSERT_TRUE(joiner.wait_for(seq_line(second), std::chrono::seconds(20))) << joiner.text();
  for (auto& v : viewers) {
    ASSERT_TRUE(v->wait_for(seq_line(second), std::chrono::seconds(20)));
    const auto& t = v->text();
    const auto once = t.find(seq_line(first));
    ASSERT_NE(once, std::string::npos);
    EXPECT_EQ(t.find(seq_line(first), once + 1), std::string::npos) << "a chunk came twice";
    EXPECT_LT(once, t.find(seq_line(second)));
  }
  // Every change the joiner got is newer than its greeting (SSE blocks: id, event, data).
  std::istringstream blocks(joiner.text());
  std::uint64_t id_seen = 0;
  int changes = 0;
  for (std::string line; std::getline(blocks, line);) {
    if (line.starts_with("id: ")) id_seen = std::stoull(line.substr(4));
    if (line != "event: change") continue;
    ++changes;
    EXPECT_GT(id_seen, hello["seq"].get<std::uint64_t>())
        << "the joiner got a change older than its greeting";
  }
  EXPECT_GE(changes, 1);
}

// SIGTERM while anonymous viewers' streams are open: a4pd closes them and exits 0 (the streams
// are not counted among the signed-in connections the shutdown waits for).
TEST_F(public_test, SigtermWithOpenFeedStreamsExitsCleanly) {
  temp_dir dir;
  a4pd_process server(options_in(dir.path() + "/data", many_viewers(5000)));
  ASSERT_TRUE(server.started()) << server.output();
  std::vector<std::unique_ptr<feed_reader>> viewers;
  for (int i = 0; i < 500; ++i) viewers.push_back(std::make_unique<feed_reader>(server.port()));
  for (auto& v : viewers) ASSERT_TRUE(v->wait_for("event: hello", std::chrono::seconds(30)));
  server.signal(SIGTERM);
  auto code = server.wait(20'000);
  ASSERT_TRUE(code) << server.output();
  EXPECT_EQ(*code, 0) << server.output();
}

TEST_F(public_test, AnonymousBudgetsRefuseWithoutStarvingSignedInUsers) {
  temp_dir dir;
  auto o = options_in(dir.path() + "/data",
                      {"--public-rate", "1", "--public-burst", "3", "--public-max-streams", "2",
                       "--public-max-address-streams", "1"});
  a4pd_process small(o);
  ASSERT_TRUE(small.started()) << small.output();
  // One feed stream per address here: the second is refused.
  feed_reader first(small.port());
  EXPECT_TRUE(first.wait_for("event: hello", std::chrono::seconds(5))) << first.text();
  feed_reader second(small.port());
  EXPECT_TRUE(second.wait_for("too_many_streams", std::chrono::seconds(5))) << second.text();
  int refused = 0;
  for (int k = 0; k < 10; ++k)
    refused += http_call(small.port(), "GET", "/public/api/themes.json").status == 429;
  EXPECT_GE(refused, 6);
  // Signed-in reads go on.
  auto token = login(small.port(), "gha.delegate", demo_password);
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(get(small.port(), "/api/state", token).status, 200);
  auto session = open_session(small.port(), "gha.delegate");
  EXPECT_NE(session, nullptr);
}

// A web root like the client's build: index.html and public-meta.json (a few languages' words).
void write_web_root(const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/index.html")
      << "<!doctype html>\n<html lang=\"en\">\n  <head>\n    <meta charset=\"utf-8\" />\n"
         "    <title>A4P Workspace</title>\n  </head>\n  <body><div id=\"app\"></div></body>\n"
         "</html>\n";
  const json words = {{"en",
                       {{"public.site_name", "A4P public dashboard"},
                        {"public.overview_description", "Themes, champions and published pledges."},
                        {"public.pledge_title", "{title}: pledge by {org}"},
                        {"public.pledge_description",
                         "{org} pledged under {theme}: {title}. Status: {status}, "
                         "{progress}% done."},
                        {"public.theme_title", "{name}: A4P theme"},
                        {"public.theme_description", "Commitments and gaps under {name}."},
                        {"public.org_title", "{name}: A4P pledges"},
                        {"public.org_description", "What {name} pledged."},
                        {"public.coverage_title", "Coverage by region and group"},
                        {"public.coverage_description", "Coverage."},
                        {"common.not_found", "Not found"},
                        {"public.not_found_body", "There is no public page here."},
                        {"status.on_track", "On track"},
                        {"status.planned", "Planned"},
                        {"theme.politics", "Political solutions"}}},
                      {"fr",
                       {{"public.site_name", "Tableau de bord public A4P"},
                        {"public.pledge_title", "{title} : engagement de {org}"},
                        {"status.planned", "Prévu"}}},
                      {"ar", {{"public.site_name", "لوحة المعلومات العامة لمبادرة A4P"}}}};
  std::ofstream(dir + "/public-meta.json") << words.dump();
}

TEST_F(public_test, PagesCarryTheirTitleAndLinkPreviewTagsInTheUrlsLanguageEscaped) {
  temp_dir dir;
  write_web_root(dir.path() + "/web");
  a4pd_process server(options_in(
      dir.path() + "/data",
      {"--web-root", dir.path() + "/web", "--public-rate", "1000", "--public-burst", "1000"}));
  ASSERT_TRUE(server.started()) << server.output();
  auto page = [&](const std::string& target) { return http_call(server.port(), "GET", target); };
  auto call = [&](const std::string& token, const std::string& name, const json& args) {
    return rest_command(server.port(), token, name, args);
  };
  const auto gha = login(server.port(), "gha.delegate", demo_password);
  const auto sec = login(server.port(), "un.secretariat", demo_password);
  ASSERT_FALSE(gha.empty());
  const std::string title = R"(Train <script>alert("x")</script> & 'mediators')";
  const std::string id = call(gha, "pledge.create", pledge_args(title))["result"]["id"];
  const std::string unpublished =
      call(gha, "pledge.create", pledge_args("Unpublished title never previewed"))["result"]["id"];
  call(gha, "pledge.publish", {{"id", id}});
  // The projection follows the flush on its own strand: wait until the pledge is public.
  for (int k = 0; k < 100 && page("/public/api/pledges.json").body.find(id) == std::string::npos;
       ++k)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));

  // The pledge's page: its title and description, escaped, in <title>, meta and Open Graph.
  auto r = page("/public/pledge/" + id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.headers["content-type"].find("text/html"), std::string::npos);
  const std::string escaped =
      "Train &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;mediators&#39;";
  EXPECT_EQ(between(r.body, "<title>", "</title>"),
            escaped + ": pledge by Ghana | A4P public dashboard");
  EXPECT_EQ(between(r.body, "<meta property=\"og:title\" content=\"", "\""),
            escaped + ": pledge by Ghana");
  EXPECT_EQ(between(r.body, "<meta name=\"description\" content=\"", "\""),
            "Ghana pledged under Political solutions: " + escaped + ". Status: Planned, 0% done.");
  EXPECT_NE(r.body.find("<meta property=\"og:description\" content=\"Ghana pledged"),
            std::string::npos);
  EXPECT_EQ(r.body.find("<script>alert"), std::string::npos);
  EXPECT_NE(r.body.find("<html lang=\"en\" dir=\"ltr\">"), std::string::npos);
  EXPECT_NE(r.body.find("<div id=\"app\"></div>"), std::string::npos) << "the shell is kept";

  // In the URL's language (English for the words it lacks), Arabic right to left.
  r = page("/public/fr/pledge/" + id);
  EXPECT_NE(r.body.find("<html lang=\"fr\" dir=\"ltr\">"), std::string::npos);
  EXPECT_EQ(between(r.body, "<title>", "</title>"),
            escaped + " : engagement de Ghana | Tableau de bord public A4P");
  EXPECT_NE(r.body.find("Status: Prévu"), std::string::npos);
  EXPECT_EQ(r.headers["content-language"], "fr");
  r = page("/public/ar");
  EXPECT_NE(r.body.find("<html lang=\"ar\" dir=\"rtl\">"), std::string::npos);
  EXPECT_EQ(between(r.body, "<title>", "</title>"), "لوحة المعلومات العامة لمبادرة A4P");

  // A theme and an organisation by name; an unpublished pledge is not found, and says nothing.
  EXPECT_EQ(between(page("/public/theme/politics").body, "<title>", "</title>"),
            "Political solutions: A4P theme | A4P public dashboard");
  EXPECT_EQ(between(page("/public/org/GHA").body, "<title>", "</title>"),
            "Ghana: A4P pledges | A4P public dashboard");
  for (const auto& target : {"/public/pledge/" + unpublished, std::string("/public/pledge/P999"),
                             std::string("/public/nowhere"), std::string("/public/theme")}) {
    r = page(target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(between(r.body, "<title>", "</title>"), "Not found | A4P public dashboard") << target;
  }
  // Nothing private on any page.
  const auto hidden = [&] {
    auto s = json::parse(get(server.port(), "/api/state", sec).body);
    std::set<std::string> out;
    auto add = [&](const json& v) {  // short strings also occur in public words
      if (v.is_string() && v.get<std::string>().size() >= 8) out.insert(v.get<std::string>());
    };
    for (auto& [uid, u] : s["users"].items()) add(u["id"]), add(u["name"]);
    for (auto& [did, d] : s["discussions"].items()) add(d["title"]);
    out.insert("Unpublished title never previewed");
    return out;
  }();
  for (const std::string& target :
       std::vector<std::string>{"/public", "/public/pledge/" + id, "/public/pledge/" + unpublished,
                                "/public/org/GHA", "/public/theme/politics", "/public/fr/coverage"})
    expect_clean(target, page(target).body, hidden);
  // Files under /public are not pages; without public-meta.json a4pd serves the plain shell.
  EXPECT_EQ(page("/public/missing.js").status, 404);
  std::filesystem::remove(dir.path() + "/web/public-meta.json");
  r = page("/public/pledge/" + id);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(between(r.body, "<title>", "</title>"), "A4P Workspace");
}

}  // namespace
}  // namespace a4p::test
