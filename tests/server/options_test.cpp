// a4pd's options from three sources (server/options.hpp): the command line, A4PD_* environment
// variables and the --config TOML file, with that precedence, and a clear exit 2 on a bad key.
#include "server/options.hpp"

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace a4p::server {
namespace {

struct argv_builder {
  std::vector<std::string> args;
  std::vector<char*> ptrs;
  explicit argv_builder(std::vector<std::string> a) : args(std::move(a)) {
    args.insert(args.begin(), "a4pd");
    for (auto& s : args) ptrs.push_back(s.data());
    ptrs.push_back(nullptr);
  }
  int argc() const { return static_cast<int>(args.size()); }
  char** argv() { return ptrs.data(); }
};

std::expected<options, int> parse(std::vector<std::string> args) {
  argv_builder b(std::move(args));
  return parse_options(b.argc(), b.argv());
}

class OptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("a4pd-options-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    for (const char* v : {"A4PD_MAX_FRAME", "A4PD_RATE", "A4PD_LOG_FORMAT", "A4PD_CONFIG",
                          "A4PD_HELLO_TIMEOUT", "A4PD_TRUST_PROXY", "A4PD_DEMO"})
      ::unsetenv(v);
    std::filesystem::remove_all(dir_);
  }
  std::string write_config(const std::string& text) {
    auto path = (dir_ / "a4pd.toml").string();
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(OptionsTest, DefaultsWithoutConfigOrEnvironment) {
  auto o = parse({});
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->cfg.listen_port, 8080);
  EXPECT_EQ(o->log_fmt, log_format::text);
}

TEST_F(OptionsTest, ConfigFileSetsFlagsByTheirLongNames) {
  auto file = write_config(
      "listen = \"127.0.0.1:9191\"\nmax-frame = 131072\nrate = 7\nallow-origin = "
      "[\"https://a4p.example.org\", \"https://b.example.org\"]\nlog-format = \"json\"\n");
  auto o = parse({"--config", file});
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->cfg.listen_port, 9191);
  EXPECT_EQ(o->cfg.max_frame_bytes, 131072u);
  EXPECT_EQ(o->cfg.commands_per_second, 7);
  EXPECT_EQ(o->cfg.allow_origins,
            (std::vector<std::string>{"https://a4p.example.org", "https://b.example.org"}));
  EXPECT_EQ(o->log_fmt, log_format::json);
}

TEST_F(OptionsTest, EnvironmentWinsOverFileAndCommandLineWinsOverBoth) {
  auto file = write_config("max-frame = 131072\nrate = 7\n");
  ::setenv("A4PD_MAX_FRAME", "262144", 1);
  ::setenv("A4PD_RATE", "9", 1);
  auto o = parse({"--config", file, "--rate", "11"});
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->cfg.max_frame_bytes, 262144u);  // environment over file
  EXPECT_EQ(o->cfg.commands_per_second, 11);   // command line over environment
}

TEST_F(OptionsTest, UnknownKeyInConfigIsExitTwo) {
  auto file = write_config("max-frames = 1\n");
  auto o = parse({"--config", file});
  ASSERT_FALSE(o.has_value());
  EXPECT_EQ(o.error(), 2);
}

TEST_F(OptionsTest, MissingConfigFileIsAnError) {
  auto o = parse({"--config", (dir_ / "absent.toml").string()});
  ASSERT_FALSE(o.has_value());
  EXPECT_NE(o.error(), 0);
}

TEST_F(OptionsTest, BadLogFormatIsExitTwo) {
  ::setenv("A4PD_LOG_FORMAT", "xml", 1);
  auto o = parse({});
  ASSERT_FALSE(o.has_value());
  EXPECT_EQ(o.error(), 2);
}

TEST_F(OptionsTest, DurationsAndFlagsComeFromEveryKindOfSource) {
  auto file = write_config("checkpoint-minutes = 0.5\nsession-ttl = 60\n");
  ::setenv("A4PD_HELLO_TIMEOUT", "1234", 1);
  ::setenv("A4PD_DEMO", "true", 1);
  auto o = parse({"--config", file, "--login-backoff", "250"});
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->cfg.checkpoint_interval, std::chrono::milliseconds(30'000));
  EXPECT_EQ(o->cfg.session_ttl, std::chrono::seconds(60));
  EXPECT_EQ(o->cfg.hello_timeout, std::chrono::milliseconds(1234));
  EXPECT_EQ(o->cfg.login_backoff, std::chrono::milliseconds(250));
  EXPECT_TRUE(o->demo);
}

TEST_F(OptionsTest, TheConfigFileCanBeNamedByTheEnvironment) {
  ::setenv("A4PD_CONFIG", write_config("rate = 3\n").c_str(), 1);
  auto o = parse({});
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->cfg.commands_per_second, 3);
  ::setenv("A4PD_CONFIG", (dir_ / "absent.toml").string().c_str(), 1);
  auto missing = parse({});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error(), 2);
}

TEST_F(OptionsTest, ValuesAreCheckedWhereverTheyComeFrom) {
  ::setenv("A4PD_TRUST_PROXY", "proxy.example.org", 1);  // a name, not an address
  auto o = parse({});
  ASSERT_FALSE(o.has_value());
  EXPECT_EQ(o.error(), 2);
  ::unsetenv("A4PD_TRUST_PROXY");
  auto bad_level = parse({"--config", write_config("log-level = \"loud\"\n")});
  ASSERT_FALSE(bad_level.has_value());
  EXPECT_EQ(bad_level.error(), 2);
}

TEST_F(OptionsTest, TheExampleFileInDeployParses) {
  auto o = parse({"--config", std::string(A4P_SOURCE_DIR) + "/deploy/a4pd.toml"});
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->cfg.data_dir, "/var/lib/a4pd/data");
  EXPECT_EQ(o->cfg.trust_proxy, std::vector<std::string>{"127.0.0.1"});
  EXPECT_EQ(o->log_fmt, log_format::json);
}

TEST_F(OptionsTest, HelpIsExitZero) {
  auto o = parse({"--help"});
  ASSERT_FALSE(o.has_value());
  EXPECT_EQ(o.error(), 0);
}

// The table in server/README.md ("Flags and limits") names every flag with its environment
// variable, so that a flag added here cannot be left out of it.
TEST(OptionsDocs, EveryFlagIsInTheReadmeTableWithItsVariable) {
  std::ifstream in(std::string(A4P_SOURCE_DIR) + "/server/README.md");
  ASSERT_TRUE(in);
  std::vector<std::string> rows;
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("| `--")) rows.push_back(line);
  auto docs = flag_docs();
  ASSERT_GT(docs.size(), 40u);
  for (const auto& f : docs) {
    EXPECT_EQ(
        f.env, "A4PD_" + [&] {
          std::string up;
          for (char c : f.key) up += c == '-' ? '_' : static_cast<char>(std::toupper(c));
          return up;
        }());
    const std::string flag = "`--" + f.key + "`", env = "`" + f.env + "`";
    bool found = false;
    for (const auto& r : rows)
      found = found || (r.starts_with("| " + flag) && r.find(env) != std::string::npos);
    EXPECT_TRUE(found) << "no row `| " << flag << " ... " << env << "` in server/README.md";
  }
}

}  // namespace
}  // namespace a4p::server
