// is_canonical_json_object must agree with "nlohmann parses it to an object without floats and
// dump() gives back the same bytes" - on random documents and on random mutations of them.
#include "storage/canonical_json.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <random>

namespace a4p::storage {
namespace {

bool has_float(const nlohmann::json& j) {
  if (j.is_number_float()) return true;
  if (j.is_structured()) {
    for (const auto& v : j) {
      if (has_float(v)) return true;
    }
  }
  return false;
}

// The definition the fast check stands in for.
bool oracle(const std::string& s) {
  try {
    auto j = nlohmann::json::parse(s, nullptr, false);
    if (j.is_discarded() || !j.is_object() || has_float(j)) return false;
    return j.dump() == s;
  } catch (const std::exception&) {
    return false;
  }
}

class generator {
 public:
  explicit generator(unsigned seed) : rng_(seed) {}

  std::string text() {
    static const std::vector<std::string> parts = {"a",
                                                   "b",
                                                   "id",
                                                   "Z",
                                                   "",
                                                   "/",
                                                   "\"",
                                                   "\\",
                                                   "\n",
                                                   "\t",
                                                   "\x01",
                                                   "\x1f",
                                                   "\x7f",
                                                   "\b",
                                                   "\f",
                                                   "\r",
                                                   "caf\xc3\xa9",
                                                   "\xe2\x82\xac",
                                                   "\xf0\x9f\x98\x80",
                                                   " ",
                                                   "{",
                                                   "}",
                                                   ":",
                                                   ","};
    std::string s;
    int n = pick(0, 4);
    for (int i = 0; i < n; ++i)
      s += parts[static_cast<std::size_t>(pick(0, static_cast<int>(parts.size()) - 1))];
    return s;
  }

  nlohmann::json value(int depth) {
    int kind = pick(0, depth > 3 ? 5 : 7);
    switch (kind) {
      case 0:
        return nullptr;
      case 1:
        return pick(0, 1) == 1;
      case 2: {
        static const std::vector<std::int64_t> ints = {0,
                                                       1,
                                                       -1,
                                                       9,
                                                       10,
                                                       -10,
                                                       1234567,
                                                       std::numeric_limits<std::int64_t>::min(),
                                                       std::numeric_limits<std::int64_t>::max()};
        return ints[static_cast<std::size_t>(pick(0, static_cast<int>(ints.size()) - 1))];
      }
      case 3:
        return std::numeric_limits<std::uint64_t>::max() - static_cast<std::uint64_t>(pick(0, 2));
      case 4:
      case 5:
        return text();
      case 6: {
        nlohmann::json a = nlohmann::json::array();
        int n = pick(0, 3);
        for (int i = 0; i < n; ++i) a.push_back(value(depth + 1));
        return a;
      }
      default:
        return object(depth + 1);
    }
  }

  nlohmann::json object(int depth) {
    nlohmann::json o = nlohmann::json::object();
    int n = pick(0, 4);
    for (int i = 0; i < n; ++i) o[text()] = value(depth);
    return o;
  }

  std::string mutate(std::string s) {
    static const std::string bytes = " ,\"\\0-.eE}]{[/u:1a\x80\xff\x01\n";
    int op = pick(0, 3);
    std::size_t at =
        s.empty() ? 0 : static_cast<std::size_t>(pick(0, static_cast<int>(s.size()) - 1));
    char b = bytes[static_cast<std::size_t>(pick(0, static_cast<int>(bytes.size()) - 1))];
    switch (op) {
      case 0:
        s.insert(at, 1, b);
        break;
      case 1:
        if (!s.empty()) s.erase(at, 1);
        break;
      case 2:
        if (!s.empty()) s[at] = b;
        break;
      default:
        if (at + 1 < s.size()) std::swap(s[at], s[at + 1]);
    }
    return s;
  }

  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

 private:
  std::mt19937 rng_;
};

TEST(canonical_json, accepts_every_dump_of_a_random_object) {
  generator g(7);
  for (int i = 0; i < 5000; ++i) {
    std::string s = g.object(0).dump();
    ASSERT_TRUE(is_canonical_json_object(s)) << s;
  }
}

TEST(canonical_json, agrees_with_nlohmann_on_random_mutations) {
  generator g(11);
  int accepted = 0, rejected = 0;
  for (int i = 0; i < 30000; ++i) {
    std::string s = g.object(0).dump();
    int rounds = g.pick(1, 3);
    for (int r = 0; r < rounds; ++r) s = g.mutate(s);
    bool want = oracle(s);
    ASSERT_EQ(is_canonical_json_object(s), want) << "input: " << s;
    (want ? accepted : rejected)++;
  }
  // Both outcomes were really exercised.
  EXPECT_GT(accepted, 500);
  EXPECT_GT(rejected, 5000);
}

TEST(canonical_json, the_edge_cases_by_name) {
  EXPECT_TRUE(is_canonical_json_object("{}"));
  EXPECT_TRUE(is_canonical_json_object(
      R"({"a":[],"b":{},"c":"x/y","d":-9223372036854775808,"e":18446744073709551615})"));
  EXPECT_TRUE(is_canonical_json_object(R"({"a":"\u001f\u0000\b"})"));
  EXPECT_FALSE(is_canonical_json_object(""));
  EXPECT_FALSE(is_canonical_json_object("{"));
  EXPECT_EQ(canonical_json_object_length(R"({"a":{}},"b")"), 8u);
  EXPECT_EQ(canonical_json_object_length(""), 0u);
  std::string out = "old";
  EXPECT_EQ(canonical_json_string(R"("a\nb\u0001",)", out), 12u);
  EXPECT_EQ(out, std::string("a\nb\x01"));
  EXPECT_EQ(canonical_json_string(R"("a\/")", out), 0u);
  EXPECT_FALSE(is_canonical_json_object("[]"));
  EXPECT_FALSE(is_canonical_json_object(R"("x")"));
  EXPECT_FALSE(is_canonical_json_object(R"({"a":1} )"));
  EXPECT_FALSE(is_canonical_json_object(R"({"a" :1})"));
  EXPECT_FALSE(is_canonical_json_object(R"({"b":1,"a":2})"));
  EXPECT_FALSE(is_canonical_json_object(R"({"a":1,"a":2})"));
  EXPECT_FALSE(is_canonical_json_object(R"({"a":"\u00e9"})"));
  EXPECT_FALSE(is_canonical_json_object(R"({"a":"\u001F"})"));
  EXPECT_FALSE(is_canonical_json_object(R"({"a":"\u0008"})"));
  EXPECT_FALSE(is_canonical_json_object(R"({"a":"\/"})"));
  EXPECT_FALSE(is_canonical_json_object(R"({"a":-0})"));
  EXPECT_FALSE(is_canonical_json_object(R"({"a":01})"));
  EXPECT_FALSE(is_canonical_json_object(R"({"a":1.5})"));
  EXPECT_FALSE(is_canonical_json_object(R"({"a":1e3})"));
  EXPECT_FALSE(is_canonical_json_object(R"({"a":18446744073709551616})"));
  EXPECT_FALSE(is_canonical_json_object(R"({"a":-9223372036854775809})"));
  EXPECT_FALSE(is_canonical_json_object("{\"a\":\"\xc3\"}"));
  EXPECT_FALSE(is_canonical_json_object("{\"a\":\"\t\"}"));
  EXPECT_FALSE(is_canonical_json_object("\xef\xbb\xbf{}"));
  // The key order is that of the decoded keys: "a\"" (0x22) sorts before "a#" (0x23), although
  // its escaped form "a\\\"" would sort after.
  EXPECT_TRUE(is_canonical_json_object(R"({"a\"":1,"a#":2})"));
  EXPECT_FALSE(is_canonical_json_object(R"({"a#":2,"a\"":1})"));
}

TEST(canonical_json, bounds_nesting_depth) {
  auto nested = [](int depth) {
    std::string s;
    for (int i = 0; i < depth; ++i) s += "{\"a\":";
    s += "1";
    for (int i = 0; i < depth; ++i) s += "}";
    return s;
  };
  EXPECT_TRUE(is_canonical_json_object(nested(canonical_json_max_depth)));
  EXPECT_FALSE(is_canonical_json_object(nested(canonical_json_max_depth + 1)));
  EXPECT_FALSE(is_canonical_json_object(nested(100000)));  // no stack overflow
}

}  // namespace
}  // namespace a4p::storage
