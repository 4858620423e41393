// Online administration through the real a4pd (issue 14 items 1 and 2): commands over REST
// with their author in the log, one-time invitation and reset links, disabling an account
// (sessions, sockets and links revoked at once), the user list and "sign out everywhere".
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/server/a4pd_process.hpp"
#include "tests/server/test_client.hpp"
#include "tests/server/test_util.hpp"

namespace a4p::test {
namespace {

using json = nlohmann::json;

class admin_test : public suite_a4pd<admin_test> {
 protected:
  static void SetUpTestSuite() {
    start({"--invite-ttl", "6"});
    sec_ = login(port(), "un.secretariat", demo_password);
    ASSERT_FALSE(sec_.empty());
  }

  static http_result post(const std::string& target, const json& body, const std::string& token) {
    std::map<std::string, std::string> h = {{"Content-Type", "application/json"}};
    if (!token.empty()) h["Authorization"] = "Bearer " + token;
    return http_call(port(), "POST", target, body.dump(), h);
  }
  static http_result command(const std::string& name, const json& args,
                             const std::string& token = sec_) {
    return post("/api/commands",
                {{"type", "command"}, {"id", unique_id(name)}, {"name", name}, {"args", args}},
                token);
  }
  static json body(const http_result& r) { return json::parse(r.body, nullptr, false); }
  static json user_row(const std::string& id) {
    auto r = get(port(), "/api/admin/users?q=" + id, sec_);
    EXPECT_EQ(r.status, 200) << r.body;
    const json all = body(r);  // held: a range-for over body(r)["users"] would dangle
    for (const auto& u : all["users"])
      if (u["id"] == id) return u;
    return nullptr;
  }
  // Adds a member of GHA and returns the one-time link's token.
  static std::string invite(const std::string& id) {
    auto add =
        command("user.add", {{"id", id}, {"name", "New"}, {"org", "GHA"}, {"role", "member"}});
    EXPECT_EQ(add.status, 200) << add.body;
    auto link = post("/api/admin/users/" + id + "/invite", json::object(), sec_);
    EXPECT_EQ(link.status, 200) << link.body;
    return body(link).value("token", "");
  }

  static inline std::string sec_;
};

TEST_F(admin_test, SecretariatAdministersOverRestAndEveryActHasItsAuthor) {
  auto org = command("org.add", {{"id", "ISL"}, {"name", "Iceland"}, {"kind", "member_state"}});
  ASSERT_EQ(org.status, 200) << org.body;
  EXPECT_EQ(body(org)["type"], "ack");
  auto endorse = command("org.update",
                         {{"id", "ISL"}, {"changes", {{"endorsed", false}, {"region", "WEOG"}}}});
  ASSERT_EQ(endorse.status, 200) << endorse.body;
  auto seq = body(endorse)["seq"].get<std::uint64_t>();
  auto ev = get(port(), "/api/events?after=" + std::to_string(seq - 1) + "&limit=1", sec_);
  auto e = json::parse(ev.body);
  EXPECT_EQ(e["name"], "org.updated");
  EXPECT_EQ(e["actor"]["user"], "un.secretariat");
  EXPECT_EQ(e["data"]["changes"]["endorsed"], false);

  // A member may send commands over REST too, but not the Secretariat's.
  auto member = login(port(), "gha.delegate", demo_password);
  auto refused = command(
      "user.add", {{"id", "x.y"}, {"name", "X"}, {"org", "GHA"}, {"role", "member"}}, member);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(body(refused)["code"], "forbidden");
  EXPECT_EQ(body(refused)["error"]["code"], "forbidden");
  EXPECT_EQ(get(port(), "/api/admin/users", member).status, 403);
  EXPECT_EQ(post("/api/admin/users/gha.delegate/invite", json::object(), member).status, 403);
  EXPECT_EQ(command("no.such", json::object()).status, 400);
  EXPECT_EQ(http_call(port(), "POST", "/api/commands", "{}").status, 401);
}

// Cross-site request forgery: the POST routes act on the cookie a browser sends by itself, so
// they take the checks of POST /api/session (ADR 0303): application/json unless the request
// authenticates with Authorization: Bearer, and an allowed Origin when one is sent.
TEST_F(admin_test, CookiePostsNeedJsonAndAnAllowedOrigin) {
  const std::string cookie = "a4p_session=" + sec_;
  const std::string own = "http://127.0.0.1:" + std::to_string(port());
  const json cmd = {{"type", "command"},
                    {"id", unique_id("csrf")},
                    {"name", "org.add"},
                    {"args", {{"id", "CSR"}, {"name", "Forged"}, {"kind", "member_state"}}}};
  auto form = http_call(port(), "POST", "/api/commands", cmd.dump(),
                        {{"Cookie", cookie}, {"Content-Type", "text/plain"}});
  EXPECT_EQ(form.status, 415) << form.body;
  auto evil = http_call(port(), "POST", "/api/commands", cmd.dump(),
                        {{"Cookie", cookie},
                         {"Content-Type", "application/json"},
                         {"Origin", "http://evil.example"}});
  EXPECT_EQ(evil.status, 403) << evil.body;
  auto link = http_call(port(), "POST", "/api/admin/users/gha.delegate/reset", "{}",
                        {{"Cookie", cookie}, {"Content-Type", "text/plain"}});
  EXPECT_EQ(link.status, 415) << link.body;
  auto signout = http_call(port(), "POST", "/api/admin/users/gha.delegate/signout", "{}",
                           {{"Cookie", cookie},
                            {"Content-Type", "application/json"},
                            {"Origin", "http://evil.example"}});
  EXPECT_EQ(signout.status, 403) << signout.body;
  // An invitation accept signs in: a form post of it sets no cookie.
  auto accept =
      http_call(port(), "POST", "/api/invite/accept",
                json{{"token", std::string(64, 'a')}, {"password", "a-long-password"}}.dump(),
                {{"Content-Type", "text/plain"}});
  EXPECT_EQ(accept.status, 415) << accept.body;
  EXPECT_EQ(accept.headers.count("set-cookie"), 0u);
  // Nothing was appended: the org does not exist.
  EXPECT_FALSE(body(get(port(), "/api/state", sec_))["orgs"].contains("CSR"));
  // The same command from the page itself (its own Origin, JSON, the cookie) goes through.
  auto ok = http_call(port(), "POST", "/api/commands", cmd.dump(),
                      {{"Cookie", cookie}, {"Content-Type", "application/json"}, {"Origin", own}});
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(admin_test, InvitationLinkSetsThePasswordOnceAndSignsIn) {
  const std::string token = invite("isl.new");
  ASSERT_EQ(token.size(), 64u);
  // Too short a password: refused, the link still works.
  auto weak = post("/api/invite/accept", {{"token", token}, {"password", "short"}}, "");
  EXPECT_EQ(weak.status, 400);
  EXPECT_EQ(body(weak)["error"]["code"], "weak_password");

  auto ok = post("/api/invite/accept", {{"token", token}, {"password", "a-long-new-password"}}, "");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_NE(ok.headers["set-cookie"].find("a4p_session="), std::string::npos);
  EXPECT_EQ(body(ok)["user"]["id"], "isl.new");
  // Signed in: a live session that posts a comment.
  ws_client c;
  ASSERT_EQ(c.connect(port(), body(ok)["token"]), 101);
  ASSERT_TRUE(c.hello());
  auto ack = post_comment(c, "discussion:D1", "hello from the invitee");
  ASSERT_TRUE(ack);
  EXPECT_EQ((*ack)["type"], "ack");
  EXPECT_FALSE(login(port(), "isl.new", "a-long-new-password").empty());

  auto again = post("/api/invite/accept", {{"token", token}, {"password", "another-password"}}, "");
  EXPECT_EQ(again.status, 410);
  EXPECT_EQ(body(again)["error"]["code"], "link_used");
  auto unknown = post("/api/invite/accept",
                      {{"token", std::string(64, 'a')}, {"password", "another-password"}}, "");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(body(unknown)["error"]["code"], "link_unknown");

  // A reset link: the new password replaces the old, whose sessions end.
  auto old_session = login(port(), "isl.new", "a-long-new-password");
  auto reset = post("/api/admin/users/isl.new/reset", json::object(), sec_);
  ASSERT_EQ(reset.status, 200);
  EXPECT_EQ(body(reset)["link"], "/invite#" + body(reset)["token"].get<std::string>());
  EXPECT_TRUE(body(reset)["expires"].get<std::string>().ends_with("Z"));
  auto set = post("/api/invite/accept",
                  {{"token", body(reset)["token"]}, {"password", "the-reset-password"}}, "");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(get(port(), "/api/state", old_session).status, 401);
  EXPECT_TRUE(login(port(), "isl.new", "a-long-new-password").empty());
  EXPECT_FALSE(login(port(), "isl.new", "the-reset-password").empty());
}

TEST_F(admin_test, ANewLinkRevokesTheOldOneAndLinksExpire) {
  const std::string first = invite("isl.twice");
  auto second = post("/api/admin/users/isl.twice/invite", json::object(), sec_);
  ASSERT_EQ(second.status, 200);
  auto old =
      post("/api/invite/accept", {{"token", first}, {"password", "a-long-new-password"}}, "");
  EXPECT_EQ(old.status, 410);
  EXPECT_EQ(body(old)["error"]["code"], "link_revoked");
  // --invite-ttl 6: after seven seconds the link has expired.
  std::this_thread::sleep_for(std::chrono::seconds(7));
  auto late = post("/api/invite/accept",
                   {{"token", body(second)["token"]}, {"password", "a-long-new-password"}}, "");
  EXPECT_EQ(late.status, 410);
  EXPECT_EQ(body(late)["error"]["code"], "link_expired");
}

TEST_F(admin_test, DisablingRevokesSessionsSocketsAndLinksAtOnce) {
  const std::string token = invite("isl.gone");
  auto ok = post("/api/invite/accept", {{"token", token}, {"password", "a-long-new-password"}}, "");
  ASSERT_EQ(ok.status, 200);
  const std::string session = body(ok)["token"];
  ws_client c;
  ASSERT_EQ(c.connect(port(), session), 101);
  ASSERT_TRUE(c.hello());
  auto reset = post("/api/admin/users/isl.gone/reset", json::object(), sec_);
  ASSERT_EQ(reset.status, 200);

  auto self = command("user.disable", {{"id", "un.secretariat"}});
  EXPECT_EQ(self.status, 403);
  auto off = command("user.disable", {{"id", "isl.gone"}});
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(c.wait_close(), 4001);
  EXPECT_EQ(get(port(), "/api/state", session).status, 401);
  EXPECT_TRUE(login(port(), "isl.gone", "a-long-new-password").empty());
  auto link = post("/api/invite/accept",
                   {{"token", body(reset)["token"]}, {"password", "a-long-new-password"}}, "");
  EXPECT_EQ(link.status, 410);
  EXPECT_EQ(body(link)["error"]["code"], "link_revoked");
  EXPECT_EQ(post("/api/admin/users/isl.gone/reset", json::object(), sec_).status, 409);
  auto row = user_row("isl.gone");
  EXPECT_EQ(row["disabled"], true);
  EXPECT_EQ(row["sessions"], 0);
  EXPECT_EQ(command("user.disable", {{"id", "isl.gone"}}).status, 409);

  // Re-enabled: the password still holds; the old session does not come back.
  ASSERT_EQ(command("user.enable", {{"id", "isl.gone"}}).status, 200);
  EXPECT_EQ(get(port(), "/api/state", session).status, 401);
  EXPECT_FALSE(login(port(), "isl.gone", "a-long-new-password").empty());
  EXPECT_EQ(user_row("isl.gone")["disabled"], false);
}

TEST_F(admin_test, UserListShowsSignInsSessionsAndSignsOutEverywhere) {
  auto first = login(port(), "gbr.delegate", demo_password);
  auto second = login(port(), "gbr.delegate", demo_password);
  ws_client c;
  ASSERT_EQ(c.connect(port(), first), 101);
  ASSERT_TRUE(c.hello());
  auto row = user_row("gbr.delegate");
  EXPECT_EQ(row["sessions"], 2);
  EXPECT_EQ(row["connections"], 1);
  EXPECT_TRUE(row["last_sign_in"].get<std::string>().ends_with("Z")) << row.dump();
  EXPECT_EQ(row["org"], "GBR");
  // The query matches id, name and org, case-insensitively.
  auto by_org = body(get(port(), "/api/admin/users?q=gbr", sec_))["users"];
  EXPECT_FALSE(by_org.empty());
  for (const auto& u : by_org) EXPECT_EQ(u["org"], "GBR") << u.dump();
  EXPECT_TRUE(body(get(port(), "/api/admin/users?q=zzzzzz", sec_))["users"].empty());

  auto out = post("/api/admin/users/gbr.delegate/signout", json::object(), sec_);
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_EQ(body(out)["sessions"], 2);
  EXPECT_EQ(c.wait_close(), 4001);
  EXPECT_EQ(get(port(), "/api/state", first).status, 401);
  EXPECT_EQ(get(port(), "/api/state", second).status, 401);
  EXPECT_EQ(user_row("gbr.delegate")["sessions"], 0);
  EXPECT_EQ(post("/api/admin/users/nobody/signout", json::object(), sec_).status, 404);
}

}  // namespace
}  // namespace a4p::test
