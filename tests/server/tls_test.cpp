// TLS on the same port (--tls-cert/--tls-key): HTTPS and plain HTTP are both served (detected
// per connection), and the session cookie is Secure over TLS. Uses the openssl and curl
// command-line tools for the certificate and the HTTPS client.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

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

TEST(tls, https_and_http_on_one_port_and_a_secure_cookie) {
  if (std::system("command -v openssl >/dev/null && command -v curl >/dev/null") != 0)
    GTEST_SKIP() << "openssl or curl is missing";
  temp_dir dir;
  const auto cert = dir.path() + "/cert.pem", key = dir.path() + "/key.pem";
  ASSERT_EQ(std::system(("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
                         "-keyout " +
                         key + " -out " + cert + " >/dev/null 2>&1")
                            .c_str()),
            0);
  a4pd_options o;
  o.data_dir = dir.path() + "/data";
  o.extra_args = {"--tls-cert", cert, "--tls-key", key};
  a4pd_process server(o);
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

  // Plain HTTP and WebSocket still work on the same port.
  EXPECT_EQ(http_call(server.port(), "GET", "/healthz").status, 200);
  EXPECT_TRUE(open_session(server.port(), "gbr.delegate"));
}

}  // namespace
}  // namespace a4p::test
