// The byte-level rules: seq keys sort as numbers, JSON strings are escaped exactly as
// nlohmann::json::dump() escapes them, and the stored event and chain header are canonical.
#include "storage/encoding.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>

#include "storage/event_log.hpp"
#include "tests/storage/test_util.hpp"

namespace a4p::storage {
namespace {

TEST(seq_key, is_big_endian_and_sorts_like_numbers) {
  EXPECT_EQ(encoding::seq_key(1), std::string("\0\0\0\0\0\0\0\x01", 8));
  EXPECT_EQ(encoding::seq_key(0x0102030405060708ull),
            std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  std::mt19937_64 rng(42);
  for (int i = 0; i < 1000; ++i) {
    std::uint64_t a = rng() >> (rng() % 64), b = rng() >> (rng() % 64);
    EXPECT_EQ(a < b, encoding::seq_key(a) < encoding::seq_key(b));
    EXPECT_EQ(encoding::decode_seq_key(encoding::seq_key(a)), a);
  }
  EXPECT_FALSE(encoding::decode_seq_key("1234567"));
  EXPECT_FALSE(encoding::decode_seq_key("123456789"));
}

TEST(json_string, escapes_exactly_like_nlohmann_dump) {
  std::vector<std::string> cases = {"",
                                    "plain",
                                    "a/b",
                                    "quote\"back\\slash",
                                    "tab\tnl\ncr\r",
                                    "\b\f",
                                    std::string("nul\0x", 5),
                                    "\x01\x1f\x7f",
                                    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
                                    "<script>"};
  for (int c = 0; c < 0x80; ++c) cases.push_back(std::string(1, static_cast<char>(c)));
  for (const auto& s : cases) {
    std::string mine;
    encoding::append_json_string(mine, s);
    EXPECT_EQ(mine, nlohmann::json(s).dump()) << "for " << nlohmann::json(s).dump();
  }
}

TEST(utf8, accepts_well_formed_and_rejects_the_rest) {
  EXPECT_TRUE(encoding::valid_utf8("ascii"));
  EXPECT_TRUE(encoding::valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
  EXPECT_FALSE(encoding::valid_utf8("\xc3"));              // truncated
  EXPECT_FALSE(encoding::valid_utf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(encoding::valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(encoding::valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(encoding::valid_utf8("\xff"));
}

TEST(rfc3339, formats_utc_with_milliseconds) {
  EXPECT_EQ(encoding::rfc3339_millis(0), "1970-01-01T00:00:00.000Z");
  // 2026-11-27T21:59:14.123Z
  EXPECT_EQ(encoding::rfc3339_millis(1795816754123), "2026-11-27T21:59:14.123Z");
  EXPECT_EQ(encoding::parse_rfc3339_millis("2026-11-27T21:59:14.123Z"), 1795816754123);
  EXPECT_EQ(encoding::parse_rfc3339_millis("1970-01-01T00:00:00.000Z"), 0);
  for (std::int64_t t : {0ll, 951782400999ll, 1795816754123ll, 4102444799999ll}) {
    EXPECT_EQ(encoding::parse_rfc3339_millis(encoding::rfc3339_millis(t)), t);
  }
  EXPECT_FALSE(encoding::parse_rfc3339_millis("2026-11-27T21:59:14Z"));
  EXPECT_FALSE(encoding::parse_rfc3339_millis("2026-11-27 21:59:14.123Z"));
  EXPECT_FALSE(encoding::parse_rfc3339_millis("2026-13-27T21:59:14.123Z"));
}

TEST(uuid, is_random_version_4) {
  std::regex re("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto u = encoding::random_uuid();
    ASSERT_TRUE(u);
    EXPECT_TRUE(std::regex_match(*u, re)) << *u;
    seen.insert(*u);
  }
  EXPECT_EQ(seen.size(), 100u);
}

event sample_event() {
  event e;
  e.seq = 42;
  e.ts = "2026-11-27T21:59:14.123Z";
  e.who = {"bgd.delegate", "BGD"};
  e.name = "comment.posted";
  e.entity = "comment:C7";
  e.data =
      R"({"body":"Line one\nline \"two\" caf\u00e9 a/b","id":"C7","reply_to":null,"target":"discussion:D1"})";
  e.data = nlohmann::json::parse(e.data).dump();  // canonical form
  e.data_hash = sha256_hex(e.data);
  e.hash = chain_hash(genesis_hash, e);
  return e;
}

TEST(event_codec, to_json_is_the_canonical_dump) {
  event e = sample_event();
  nlohmann::json j = {{"seq", e.seq},
                      {"ts", e.ts},
                      {"actor", {{"user", e.who.user}, {"org", e.who.org}}},
                      {"name", e.name},
                      {"entity", e.entity},
                      {"data", nlohmann::json::parse(e.data)},
                      {"data_hash", e.data_hash},
                      {"hash", e.hash}};
  EXPECT_EQ(e.to_json(), j.dump());
  auto back = event::from_json(e.to_json());
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->to_json(), e.to_json());
  EXPECT_EQ(back->seq, 42u);
  EXPECT_EQ(back->who.org, "BGD");
}

// A reference decoder built on nlohmann, to hold from_json's fast path against.
event reference_decode(const std::string& stored) {
  auto j = nlohmann::json::parse(stored);
  event e;
  e.seq = j.at("seq").get<std::uint64_t>();
  e.ts = j.at("ts").get<std::string>();
  e.who = {j.at("actor").at("user").get<std::string>(), j.at("actor").at("org").get<std::string>()};
  e.name = j.at("name").get<std::string>();
  e.entity = j.at("entity").get<std::string>();
  e.data = j.at("data").dump();
  e.data_hash = j.at("data_hash").get<std::string>();
  e.hash = j.at("hash").get<std::string>();
  return e;
}

void expect_same(const event& a, const event& b) {
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(a.ts, b.ts);
  EXPECT_EQ(a.who.user, b.who.user);
  EXPECT_EQ(a.who.org, b.who.org);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.entity, b.entity);
  EXPECT_EQ(a.data, b.data);
  EXPECT_EQ(a.data_hash, b.data_hash);
  EXPECT_EQ(a.hash, b.hash);
}

TEST(event_codec, from_json_decodes_like_nlohmann_on_awkward_fields) {
  std::vector<std::string> texts = {
      "",     "a\"b",        "back\\slash",      "nl\n", std::string("nul\0", 4),
      "\x1f", "caf\xc3\xa9", "\xf0\x9f\x98\x80", "a/b",  "}\",\""};
  std::uint64_t seq = 0;
  for (const auto& t : texts) {
    event e = sample_event();
    e.seq = seq == 4 ? UINT64_MAX - 10 : seq * 7919;
    ++seq;
    e.who = {t, t + "x"};
    e.name = "n" + t;
    e.entity = t;
    e.data = nlohmann::json{{t, t}, {"k", {{"nested", t}}}}.dump();
    std::string stored = e.to_json();
    auto fast = event::from_json(stored);
    ASSERT_TRUE(fast) << stored;
    expect_same(*fast, reference_decode(stored));
    expect_same(*fast, e);
  }
}

TEST(event_codec, from_json_also_reads_a_valid_non_canonical_layout) {
  event e = sample_event();
  // Same event, keys in another order and with whitespace: decoded through the slow path.
  nlohmann::json j = nlohmann::json::parse(e.to_json());
  std::string pretty = j.dump(2);
  auto back = event::from_json(pretty);
  ASSERT_TRUE(back) << back.error().message;
  expect_same(*back, e);
  EXPECT_NE(back->to_json(), pretty);  // which is why verify compares to_json() with the bytes
}

TEST(event_codec, from_json_rejects_garbage_as_corruption) {
  for (std::string bad : {"", "nope", "[]", R"({"seq":1})", R"({"seq":-1,"actor":{}})"}) {
    auto r = event::from_json(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, status_code::corruption);
  }
}

TEST(chain_hash, matches_protocol_section_6_recomputed_by_hand) {
  event e = sample_event();
  EXPECT_EQ(e.data_hash, test::independent_sha256_hex(e.data));
  std::string header =
      R"({"actor":{"org":"BGD","user":"bgd.delegate"},"data_hash":")" + e.data_hash +
      R"(","entity":"comment:C7","name":"comment.posted","seq":42,"ts":"2026-11-27T21:59:14.123Z"})";
  EXPECT_EQ(e.hash, test::independent_sha256_hex(std::string(genesis_hash) + header));
  // Any covered field changes the hash.
  event f = e;
  f.ts = "2026-11-27T21:59:14.124Z";
  EXPECT_NE(chain_hash(genesis_hash, f), e.hash);
  f = e;
  f.seq = 43;
  EXPECT_NE(chain_hash(genesis_hash, f), e.hash);
  EXPECT_NE(chain_hash(e.hash, e), e.hash);
}

}  // namespace
}  // namespace a4p::storage
