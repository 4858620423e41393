// TLS on the same port (--tls-cert/--tls-key): HTTPS and plain HTTP are both served (detected
// per connection; plain HTTP from other hosts is sent to https), and the session cookie is
// Secure over TLS. Uses the openssl and curl command-line tools for the certificate and the
// HTTPS client.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "tests/server/test_util.hpp"

namespace a4p::test {
namespace {

std::string run(const std::string& cmd) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  if (!p) return out;
  char buf[4096];
  while (auto n = fread(buf, 1, sizeof buf, p.get())) out.append(buf, n);
  return out;
}

// a4pd options over `dir` with a fresh self-signed certificate and key; nullopt if openssl fails.
std::optional<a4pd_options> with_certificate(const temp_dir& dir) {
  const auto cert = dir.path() + "/cert.pem", key = dir.path() + "/key.pem";
  if (std::system(("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
                   "-keyout " +
                   key + " -out " + cert + " >/dev/null 2>&1")
                      .c_str()) != 0)
    return std::nullopt;
  auto o = options_in(dir.path() + "/data", {"--tls-cert", cert, "--tls-key", key});
  return o;
}

TEST(tls, https_and_http_on_one_port_and_a_secure_cookie) {
  if (std::system("command -v openssl >/dev/null && command -v curl >/dev/null") != 0)
    GTEST_SKIP() << "openssl or curl is missing";
  temp_dir dir;
  auto o = with_certificate(dir);
  ASSERT_TRUE(o);
  a4pd_process server(*o);
  ASSERT_TRUE(server.started()) << server.output();
  EXPECT_NE(server.output().find("listening on https://"), std::string::npos);
  const auto base = "https://127.0.0.1:" + std::to_string(server.port());

  EXPECT_EQ(run("curl -sk " + base + "/healthz"), R"({"ok":true})");
  auto login = run("curl -sk -i -X POST " + base +
                   "/api/session -H 'Content-Type: application/json' -d "
                   "'{\"username\":\"gbr.delegate\",\"password\":\"" +
                   demo_password + "\"}'");
  EXPECT_NE(login.find("HTTP/1.1 200"), std::string::npos) << login;
  EXPECT_NE(login.find("; Secure"), std::string::npos) << login;

  // Plain HTTP and WebSocket still work on the same port, from loopback.
  EXPECT_EQ(http_call(server.port(), "GET", "/healthz").status, 200);
  EXPECT_TRUE(open_session(server.port(), "gbr.delegate"));
}

// With TLS, plain HTTP from another host is sent to https (GET, HEAD) or refused (anything
// else, /ws), unless --plain-http-any.
TEST(tls, plain_http_from_another_host_goes_to_https) {
  if (std::system("command -v openssl >/dev/null") != 0) GTEST_SKIP() << "openssl is missing";
  auto outside = outside_address();
  if (!outside) GTEST_SKIP() << "this machine has no non-loopback IPv4 address";
  temp_dir dir;
  auto o = with_certificate(dir);
  ASSERT_TRUE(o);
  o->listen = "0.0.0.0:0";
  {
    a4pd_process server(*o);
    ASSERT_TRUE(server.started()) << server.output();
    const auto port = server.port();
    auto get = raw_http(*outside, port, "GET /api/state?at=3");
    EXPECT_EQ(status_of(get), 308) << get;
    EXPECT_NE(get.find("https://" + *outside + ":" + std::to_string(port) + "/api/state?at=3"),
              std::string::npos)
        << get;
    EXPECT_EQ(status_of(raw_http(*outside, port, "POST /api/session")), 403);
    EXPECT_EQ(status_of(raw_http("127.0.0.1", port, "GET /healthz")), 200);  // loopback: served
    server.signal(SIGTERM);
    ASSERT_EQ(server.wait(10000).value_or(-1), 0);
  }
  o->demo = false;
  o->extra_args.push_back("--plain-http-any");
  a4pd_process any(*o);
  ASSERT_TRUE(any.started()) << any.output();
  EXPECT_EQ(status_of(raw_http(*outside, any.port(), "GET /healthz")), 200);
}

}  // namespace
}  // namespace a4p::test
