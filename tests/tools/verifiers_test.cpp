// The two export verifiers agree (docs/audit.md): a4pctl verify-export and the independent
// tools/verify_export.py, on the demo's full export, a member's redacted export with withheld
// stubs, and copies tampered one change at a time: each verdict, first bad seq and head hash
// must be the same from both.
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "server/admin/demo.hpp"
#include "storage/event_log.hpp"
#include "tests/tools/tools_test_util.hpp"
#include "tests/tools/verifiers.hpp"

namespace a4p::tools_test {
namespace {

using nlohmann::json;

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

void write_lines(const std::string& file, const std::vector<std::string>& lines) {
  std::ofstream out(file, std::ios::binary);
  for (const auto& l : lines) out << l << "\n";
}

class verifiers_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new temp_dir();
    {
      auto log = storage::event_log::open(*dir_ / "data");
      ASSERT_TRUE(log);
      ASSERT_TRUE(server::populate(**log, "pw"));
    }
    const std::string data = quote(*dir_ / "data");
    ASSERT_EQ(a4pctl(*dir_, "--data " + data + " export --format jsonl --out " +
                                quote(*dir_ / "full.jsonl"))
                  .code,
              0);
    ASSERT_EQ(a4pctl(*dir_, "--data " + data + " export --format jsonl --as gha.delegate --out " +
                                quote(*dir_ / "gha.jsonl"))
                  .code,
              0);
  }
  static void TearDownTestSuite() { delete dir_; }

  // Both verifiers on `file`; they must agree. Returns a4pctl's verdict.
  static verifiers::verdict both(const std::string& file) {
    auto a = verifiers::with_a4pctl(file);
    auto p = verifiers::with_python(file);
    EXPECT_EQ(a.code, p.code) << "a4pctl: " << a.out << "python: " << p.out;
    EXPECT_EQ(a.bad_seq, p.bad_seq) << "a4pctl: " << a.out << "python: " << p.out;
    EXPECT_EQ(a.head_hash, p.head_hash) << "a4pctl: " << a.out << "python: " << p.out;
    return a;
  }

  // A copy of `source` with the first line that `pick` accepts changed by `change`; its seq.
  static std::uint64_t tampered(const std::string& source, const std::string& target,
                                const std::function<bool(const json&)>& pick,
                                const std::function<void(std::string&)>& change) {
    auto lines = split_lines(slurp(*dir_ / source));
    for (auto& l : lines) {
      auto j = json::parse(l);
      if (!pick(j)) continue;
      change(l);
      write_lines(*dir_ / target, lines);
      return j["seq"];
    }
    ADD_FAILURE() << "no line to tamper with in " << source;
    return 0;
  }
  static temp_dir* dir_;
};
temp_dir* verifiers_test::dir_ = nullptr;

bool is_comment_with_body(const json& e) {
  return e.value("name", "") == "comment.posted" && !e.value("redacted", false) &&
         e["data"].contains("body");
}

TEST_F(verifiers_test, both_accept_the_full_and_the_redacted_export_with_the_same_head) {
  auto full = both(*dir_ / "full.jsonl");
  EXPECT_EQ(full.code, 0) << full.out;
  EXPECT_NE(full.out.find("full export"), std::string::npos) << full.out;
  auto gha = both(*dir_ / "gha.jsonl");
  EXPECT_EQ(gha.code, 0) << gha.out;
  EXPECT_NE(gha.out.find("withheld"), std::string::npos) << gha.out;
  EXPECT_EQ(full.head_hash, gha.head_hash);
  EXPECT_EQ(full.head_hash.size(), 64u);
}

TEST_F(verifiers_test, both_find_a_one_byte_change_in_a_comment_at_its_seq) {
  const auto seq = tampered("full.jsonl", "t1.jsonl", is_comment_with_body, [](std::string& l) {
    auto at = l.find("\"body\":\"") + 8;
    l[at] = l[at] == 'x' ? 'y' : 'x';
  });
  auto v = both(*dir_ / "t1.jsonl");
  EXPECT_EQ(v.code, 1);
  EXPECT_EQ(v.bad_seq, seq) << v.out;
}

TEST_F(verifiers_test, both_find_a_changed_timestamp_and_a_changed_actor) {
  const auto seq = tampered(
      "full.jsonl", "t2.jsonl", [](const json& e) { return e["seq"] == 50; },
      [](std::string& l) {
        auto at = l.find("\"ts\":\"") + 6 + 3;  // a digit of the year
        l[at] = l[at] == '9' ? '8' : static_cast<char>(l[at] + 1);
      });
  EXPECT_EQ(both(*dir_ / "t2.jsonl").bad_seq, seq);
  const auto seq2 = tampered(
      "gha.jsonl", "t3.jsonl", [](const json& e) { return e.value("redacted", false); },
      [](std::string& l) {
        auto at = l.find("\"user\":\"") + 8;
        l[at] = l[at] == 'x' ? 'y' : 'x';
      });
  EXPECT_EQ(both(*dir_ / "t3.jsonl").bad_seq, seq2);
}

TEST_F(verifiers_test, both_catch_a_changed_withheld_stub_at_the_next_event) {
  const auto seq = tampered(
      "gha.jsonl", "t4.jsonl", [](const json& e) { return e.value("withheld", false); },
      [](std::string& l) {
        auto at = l.find("\"hash\":\"") + 8;
        l[at] = l[at] == 'a' ? 'b' : 'a';
      });
  auto v = both(*dir_ / "t4.jsonl");
  EXPECT_EQ(v.code, 1);
  EXPECT_EQ(v.bad_seq, seq + 1) << v.out;
}

TEST_F(verifiers_test, both_refuse_a_dropped_line_a_float_and_a_duplicate_key) {
  auto lines = split_lines(slurp(*dir_ / "full.jsonl"));
  auto dropped = lines;
  dropped.erase(dropped.begin() + 30);  // seq 31 missing
  write_lines(*dir_ / "t5.jsonl", dropped);
  EXPECT_EQ(both(*dir_ / "t5.jsonl").bad_seq, 31u);

  const auto seq = tampered(
      "full.jsonl", "t6.jsonl",
      [](const json& e) { return e.value("name", "") == "pledge.progress_reported"; },
      [](std::string& l) {
        auto at = l.find("\"progress\":") + 11;
        auto end = l.find_first_not_of("0123456789", at);
        l.insert(end, ".0");
      });
  auto v = both(*dir_ / "t6.jsonl");
  EXPECT_EQ(v.code, 1);
  EXPECT_EQ(v.bad_seq, seq) << v.out;

  const auto seq2 = tampered("full.jsonl", "t7.jsonl", is_comment_with_body,
                             [](std::string& l) { l.insert(1, "\"seq\":0,"); });
  EXPECT_EQ(both(*dir_ / "t7.jsonl").bad_seq, seq2);
}

}  // namespace
}  // namespace a4p::tools_test
