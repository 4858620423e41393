// The JSON Lines log format (server/logging.hpp): every line is one JSON object that parses,
// whatever the message holds.
#include "server/logging.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace a4p::server {
namespace {

TEST(LogFormat, NamesParse) {
  EXPECT_EQ(parse_log_format("text"), log_format::text);
  EXPECT_EQ(parse_log_format("json"), log_format::json);
  EXPECT_FALSE(parse_log_format("JSON").has_value());
  EXPECT_FALSE(parse_log_format("").has_value());
}

TEST(JsonLogLine, KeysInOrderAndValuesKept) {
  const auto line = json_log_line("2026-11-29T14:19:27.123Z", "info", "listening on :8080", 42);
  EXPECT_EQ(
      line,
      R"({"ts":"2026-11-29T14:19:27.123Z","level":"info","msg":"listening on :8080","thread":42})");
}

TEST(JsonLogLine, QuotesNewlinesAndControlCharactersAreEscaped) {
  const std::string msg = "a \"quoted\" path\\x\nsecond line\t\x01\x7f";
  const auto line = json_log_line("t", "warn", msg, 1);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j.at("msg").get<std::string>(), msg);
}

TEST(JsonLogLine, InvalidUtf8BecomesReplacementCharacterAndStillParses) {
  const std::string msg = "caf\xc3\xa9 \xff\xfe end \xe2\x82";  // valid é, two bad bytes, truncated
  const auto j = nlohmann::json::parse(json_log_line("t", "error", msg, 7));
  EXPECT_EQ(j.at("msg").get<std::string>(),
            "caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd end \xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(j.at("thread").get<unsigned long>(), 7u);
}

}  // namespace
}  // namespace a4p::server
