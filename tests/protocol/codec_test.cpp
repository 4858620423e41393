// Parsing untrusted input: every malformed frame is a clean error, never an exception.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "protocol/json_codec.hpp"
#include "protocol/messages.hpp"
#include "world.hpp"

namespace a4p::protocol::testing {
namespace {

using nlohmann::json;

message_error parse_fails(std::string_view frame) {
  auto m = parse_client_message(frame);
  EXPECT_FALSE(m) << frame;
  return m ? message_error{} : m.error();
}

TEST(Codec, AcceptsIntegersAndUtf8) {
  auto j = parse_untrusted(R"({"a":[1,-2,9223372036854775807,-9223372036854775808],"s":"é✓😀"})");
  ASSERT_TRUE(j) << j.error().message;
  EXPECT_EQ((*j)["a"][2].get<std::int64_t>(), INT64_MAX);
  EXPECT_EQ((*j)["a"][3].get<std::int64_t>(), INT64_MIN);
  EXPECT_EQ(canonical(*j), R"({"a":[1,-2,9223372036854775807,-9223372036854775808],"s":"é✓😀"})");
}

TEST(Codec, CanonicalSortsKeysAndKeepsSlashes) {
  auto j = parse_untrusted(R"({ "b" : 1, "a" : {"y":"a/b","x":null} })");
  ASSERT_TRUE(j);
  EXPECT_EQ(canonical(*j), R"({"a":{"x":null,"y":"a/b"},"b":1})");
}

TEST(Codec, RejectsFloats) {
  for (const char* t : {"1.5", "{\"a\":1e3}", "[0.0]", "{\"a\":-2E-2}"}) {
    auto j = parse_untrusted(t);
    ASSERT_FALSE(j) << t;
    EXPECT_NE(j.error().message.find("floating-point"), std::string::npos) << j.error().message;
  }
}

TEST(Codec, RejectsHugeIntegers) {
  for (const char* t : {"9223372036854775808", "18446744073709551615",
                        "123456789012345678901234567890", "-9223372036854775809"}) {
    auto j = parse_untrusted(t);
    ASSERT_FALSE(j) << t;
    EXPECT_NE(j.error().message.find("out of range"), std::string::npos) << j.error().message;
  }
}

TEST(Codec, RejectsDeepNesting) {
  std::string ok(32, '['), deep(33, '[');
  ok += std::string(32, ']');
  deep += std::string(33, ']');
  EXPECT_TRUE(parse_untrusted(ok));
  auto j = parse_untrusted(deep);
  ASSERT_FALSE(j);
  EXPECT_NE(j.error().message.find("nesting"), std::string::npos);
  // Very deep input does not blow the stack either.
  std::string very(100000, '[');
  EXPECT_FALSE(parse_untrusted(very, {1 << 20, 32}));
}

TEST(Codec, RejectsInvalidUtf8) {
  for (std::string t : {std::string("\"\xff\""), std::string("\"\xc0\xaf\""),  // overlong
                        std::string("\"\xed\xa0\x80\""),                       // surrogate
                        std::string("\"\xe2\x82\""),                           // truncated
                        std::string("{\"a\":\"ok\"}\xf8")}) {
    auto j = parse_untrusted(t);
    ASSERT_FALSE(j);
    EXPECT_EQ(j.error().message, "invalid UTF-8");
  }
  EXPECT_FALSE(parse_untrusted(R"("\ud800")"));  // lone surrogate escape
}

TEST(Codec, RejectsDuplicateKeysGarbageAndOversize) {
  EXPECT_FALSE(parse_untrusted(R"({"a":1,"a":2})"));
  EXPECT_FALSE(parse_untrusted(R"({"a":1} x)"));
  EXPECT_FALSE(parse_untrusted(R"({"a":1)"));
  EXPECT_FALSE(parse_untrusted(""));
  auto big = parse_untrusted(std::string(100, ' ') + "1", {50, 32});
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, "too_large");
}

TEST(Messages, ParsesEveryClientMessage) {
  auto h = parse_client_message(R"({"type":"hello","resume":{"epoch":"e1","seq":12}})");
  ASSERT_TRUE(h);
  auto& hello_msg = std::get<hello>(*h);
  ASSERT_TRUE(hello_msg.resume);
  EXPECT_EQ(hello_msg.resume->epoch, "e1");
  EXPECT_EQ(hello_msg.resume->seq, 12u);
  auto h2 = parse_client_message(R"({"type":"hello"})");
  ASSERT_TRUE(h2);
  EXPECT_FALSE(std::get<hello>(*h2).resume);
  auto c = parse_client_message(
      R"({"type":"command","id":"1","name":"pledge.update","args":{"id":"P1"}})");
  ASSERT_TRUE(c);
  EXPECT_EQ(std::get<command>(*c).name, "pledge.update");
  EXPECT_EQ(std::get<command>(*c).args["id"], "P1");
  auto j = parse_client_message(R"({"type":"join","room":"discussion:D1"})");
  ASSERT_TRUE(j);
  EXPECT_EQ(std::get<join>(*j).room, "discussion:D1");
  auto l = parse_client_message(R"({"type":"leave","room":"discussion:D1"})");
  ASSERT_TRUE(l);
  EXPECT_EQ(std::get<leave>(*l).room, "discussion:D1");
  auto p = parse_client_message(R"({"type":"ping","nonce":"n1"})");
  ASSERT_TRUE(p);
  EXPECT_EQ(pong_message(std::get<ping>(*p).nonce), R"({"nonce":"n1","type":"pong"})");
}

TEST(Messages, MalformedFramesNameTheField) {
  EXPECT_EQ(parse_fails("[1]").field, "");
  EXPECT_EQ(parse_fails(R"({"id":"1"})").field, "type");
  EXPECT_EQ(parse_fails(R"({"type":7})").field, "type");
  EXPECT_EQ(parse_fails(R"({"type":"shout"})").field, "type");
  EXPECT_EQ(parse_fails(R"({"type":"hello","resume":"yes"})").field, "resume");
  EXPECT_EQ(parse_fails(R"({"type":"hello","resume":{"seq":1}})").field, "resume.epoch");
  EXPECT_EQ(parse_fails(R"({"type":"hello","resume":{"epoch":"e","seq":-1}})").field, "resume.seq");
  EXPECT_EQ(parse_fails(R"({"type":"hello","resume":{"epoch":"e","seq":"5"}})").field,
            "resume.seq");
  EXPECT_EQ(parse_fails(R"({"type":"hello","resume":{"epoch":"e","seq":1.0}})").code,
            "bad_request");
  EXPECT_EQ(parse_fails(R"({"type":"command","name":"x","args":{}})").field, "id");
  EXPECT_EQ(parse_fails(R"({"type":"command","id":5,"name":"x","args":{}})").field, "id");
  EXPECT_EQ(parse_fails(R"({"type":"command","id":"1","args":{}})").field, "name");
  EXPECT_EQ(parse_fails(R"({"type":"command","id":"1","name":"x","args":[]})").field, "args");
  EXPECT_EQ(parse_fails(R"({"type":"join","room":""})").field, "room");
  EXPECT_EQ(parse_fails(R"({"type":"join","room":"nocolon"})").field, "room");
  EXPECT_EQ(parse_fails(R"({"type":"ping","nonce":{"a":1}})").field, "nonce");
  EXPECT_EQ(parse_fails("{\"type\":\"ping\",\"nonce\":\"\xff\"}").message, "invalid UTF-8");
  EXPECT_EQ(
      parse_fails(R"({"type":"command","id":"1","name":"x","args":{"n":99999999999999999999}})")
          .code,
      "bad_request");
  EXPECT_EQ(parse_fails(std::string(70000, ' ')).code, "too_large");
}

TEST(Messages, BuildersWriteTheDocumentedShapes) {
  auto w = json::parse(welcome_message(
      {"gbr.delegate", "GBR delegate", "GBR", {"member", "champion"}}, "ep", 42, "resume"));
  EXPECT_EQ(w["type"], "welcome");
  EXPECT_EQ(w["user"]["roles"], json({"member", "champion"}));
  EXPECT_EQ(w["head"], 42);
  EXPECT_EQ(w["mode"], "resume");
  auto s = json::parse(snapshot_message(7, {{"themes", json::object()}}));
  EXPECT_EQ(s["type"], "snapshot");
  EXPECT_EQ(s["seq"], 7);
  EXPECT_TRUE(s["state"]["themes"].is_object());
  auto a = json::parse(ack_message("c1", 9, {{"id", "P3"}}));
  EXPECT_EQ(a, json({{"type", "ack"}, {"id", "c1"}, {"seq", 9}, {"result", {{"id", "P3"}}}}));
  auto r = json::parse(reject_message("c2", "bad_request", "m", {{"field", "title"}}));
  EXPECT_EQ(r["details"]["field"], "title");
  EXPECT_EQ(r["code"], "bad_request");
  auto p = json::parse(presence_message("discussion:D1", {{"u", "GBR"}}));
  EXPECT_EQ(p["members"][0]["org"], "GBR");
  auto e = json::parse(error_message("bad_request", "no"));
  EXPECT_EQ(e["type"], "error");
}

TEST(Messages, EventFrameSplicesTypeAndPrevIntoTheSharedBody) {
  world w;
  const event& ev = w.log.events.back();
  std::string body = event_body(ev, redaction::none);
  ASSERT_EQ(body.front(), '{');
  auto j = json::parse(event_message(41, body));
  EXPECT_EQ(j["type"], "event");
  EXPECT_EQ(j["prev"], 41);
  EXPECT_EQ(j["seq"], ev.seq);
  EXPECT_EQ(j["hash"], ev.hash);
  EXPECT_EQ(j["data"], ev.data);
  EXPECT_FALSE(j.contains("redacted"));
  // The stored form round-trips through decode_stored.
  auto back = decode_stored(encode_stored(ev));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->data, ev.data);
  EXPECT_EQ(back->who, ev.who);
  EXPECT_EQ(back->hash, ev.hash);
  EXPECT_FALSE(decode_stored(R"({"seq":1})"));
  EXPECT_FALSE(decode_stored("not json"));
}

TEST(Messages, AFullEventBodyIsItsStoredBytes) {
  // Exports and the resume catch-up from the log send a fully visible event's stored bytes as
  // they are, not decoded and written again: the two must be the same bytes.
  world w;
  ASSERT_FALSE(w.log.events.empty());
  for (const auto& ev : w.log.events) EXPECT_EQ(encode_stored(ev), event_body(ev, redaction::none));
}

// Arguments are validated strictly, each problem naming its field.
struct arg_case {
  const char* name;
  json args;
  const char* code;
  const char* field;
};

TEST(Args, WrongTypesMissingFieldsAndLimits) {
  world w;
  json out = {{"indicator", "i"}, {"target", "t"}};
  std::string long_title(201, 'x'), long_body(10001, 'x');
  json many_urls = json::array();
  for (int i = 0; i < 21; ++i) many_urls.push_back("https://example.org/" + std::to_string(i));
  std::vector<arg_case> cases = {
      {"pledge.create",
       {{"title", "T"}, {"description", "D"}, {"output", out}},
       "bad_request",
       "theme"},
      {"pledge.create",
       {{"theme", 5}, {"title", "T"}, {"description", "D"}, {"output", out}},
       "bad_request",
       "theme"},
      {"pledge.create",
       {{"theme", "politics"}, {"title", "  "}, {"description", "D"}, {"output", out}},
       "bad_request",
       "title"},
      {"pledge.create",
       {{"theme", "politics"}, {"title", long_title}, {"description", "D"}, {"output", out}},
       "too_large",
       "title"},
      {"pledge.create",
       {{"theme", "politics"}, {"title", "T"}, {"description", "D"}, {"output", "x"}},
       "bad_request",
       "output"},
      {"pledge.create",
       {{"theme", "politics"},
        {"title", "T"},
        {"description", "D"},
        {"output", {{"indicator", "i"}}}},
       "bad_request",
       "output.target"},
      {"pledge.create",
       {{"theme", "politics"},
        {"title", "T"},
        {"description", "D"},
        {"output", out},
        {"due", "2026-02-30"}},
       "bad_request",
       "due"},
      {"pledge.create",
       {{"theme", "politics"},
        {"title", "T"},
        {"description", "D"},
        {"output", out},
        {"colour", "red"}},
       "bad_request",
       "colour"},
      {"pledge.create",
       {{"theme", "nowhere"}, {"title", "T"}, {"description", "D"}, {"output", out}},
       "not_found",
       "theme"},
      {"pledge.create",
       {{"theme", "politics"},
        {"title", "T"},
        {"description", "D"},
        {"output", out},
        {"actions", {"A7"}}},
       "not_found",
       "actions"},
      {"pledge.report",
       {{"id", "P1"}, {"status", "great"}, {"progress", 1}, {"note", ""}},
       "bad_request",
       "status"},
      {"pledge.report",
       {{"id", "P1"}, {"status", "done"}, {"progress", 101}, {"note", ""}},
       "bad_request",
       "progress"},
      {"pledge.report",
       {{"id", "P1"}, {"status", "done"}, {"progress", "50"}, {"note", ""}},
       "bad_request",
       "progress"},
      {"pledge.report",
       {{"id", "P1"}, {"status", "done"}, {"progress", 50}},
       "bad_request",
       "note"},
      {"pledge.report",
       {{"id", "P1"}, {"status", "done"}, {"progress", 50}, {"note", long_body}},
       "too_large",
       "note"},
      {"pledge.report",
       {{"id", "P1"},
        {"status", "done"},
        {"progress", 50},
        {"note", ""},
        {"evidence", {"ftp://x.org/a"}}},
       "bad_request",
       "evidence"},
      {"pledge.report",
       {{"id", "P1"}, {"status", "done"}, {"progress", 50}, {"note", ""}, {"evidence", many_urls}},
       "too_large",
       "evidence"},
      {"pledge.report",
       {{"id", "P1"},
        {"status", "done"},
        {"progress", 50},
        {"note", ""},
        {"attribution", {{"statement", "s"}, {"preexisting", "no"}, {"confidence", "low"}}}},
       "bad_request",
       "attribution.preexisting"},
      {"pledge.report",
       {{"id", "P1"},
        {"status", "done"},
        {"progress", 50},
        {"note", ""},
        {"attribution", {{"statement", "s"}, {"preexisting", false}, {"confidence", "sure"}}}},
       "bad_request",
       "attribution.confidence"},
      {"pledge.report",
       {{"id", "P1"}, {"status", "done"}, {"progress", 50}, {"note", ""}, {"round", "R9"}},
       "not_found",
       "round"},
      {"pledge.update",
       {{"id", "P1"}, {"base_version", 1}, {"changes", {{"org", "KEN"}}}},
       "bad_request",
       "changes.org"},
      {"pledge.update",
       {{"id", "P1"}, {"base_version", 1}, {"changes", json::object()}},
       "bad_request",
       "changes"},
      {"pledge.update",
       {{"id", "P1"}, {"changes", {{"title", "t"}}}},
       "bad_request",
       "base_version"},
      {"pledge.update",
       {{"id", "P1"}, {"base_version", 1}, {"changes", {{"title", 3}}}},
       "bad_request",
       "changes.title"},
      {"comment.post", {{"target", "discussion:D1"}, {"body", long_body}}, "too_large", "body"},
      {"comment.post", {{"target", "user:nor.delegate"}, {"body", "b"}}, "bad_request", "target"},
      {"comment.post",
       {{"target", "discussion:D1"}, {"body", "b"}, {"reply_to", "C99"}},
       "not_found",
       "reply_to"},
  };
  for (const auto& c : cases) {
    auto d = decide(w.log.s, w.owner, command{"x", c.name, c.args});
    ASSERT_FALSE(d) << c.name << " " << c.args.dump();
    EXPECT_EQ(d.error().code, c.code) << c.args.dump() << ": " << d.error().message;
    EXPECT_EQ(d.error().details.value("field", ""), c.field) << c.args.dump();
  }
}

TEST(Args, ValidReportIsFolded) {
  world w;
  auto d = w.log.run(
      w.owner, "pledge.report",
      {{"id", "P1"},
       {"status", "on_track"},
       {"progress", 40},
       {"note", "half way"},
       {"round", "R1"},
       {"evidence", {"https://example.org/report.pdf"}},
       {"impact_note", "fewer incidents"},
       {"attribution",
        {{"statement", "with partners"}, {"preexisting", true}, {"confidence", "medium"}}}});
  ASSERT_TRUE(d) << d.error().message;
  const auto& p = w.log.s.pledges.at("P1");
  ASSERT_EQ(p.reports.size(), 1u);
  EXPECT_EQ(p.status, "on_track");
  EXPECT_EQ(p.progress, 40);
  EXPECT_EQ(p.reports[0].round, "R1");
  EXPECT_EQ(p.reports[0].by, "nor.delegate");
  ASSERT_TRUE(p.reports[0].attrib);
  EXPECT_EQ(p.reports[0].attrib->confidence, "medium");
  EXPECT_EQ(p.version, 1);  // a report is not an edit
  w.log.must(w.sec, "round.close", {{"id", "R1"}});
  auto late = decide(
      w.log.s, w.owner,
      command{
          "x",
          "pledge.report",
          {{"id", "P1"}, {"status", "done"}, {"progress", 100}, {"note", ""}, {"round", "R1"}}});
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, "conflict");
}

TEST(Genesis, EightThemesAndTheSecretariat) {
  auto g = genesis();
  ASSERT_EQ(g.size(), 9u);
  state s;
  std::uint64_t seq = 0;
  for (const auto& d : g)
    ASSERT_TRUE(apply(s, event{++seq,
                               "2026-01-01T00:00:00.000Z",
                               {"system", "UN"},
                               d.name,
                               d.entity,
                               d.data,
                               "",
                               ""}));
  EXPECT_EQ(s.themes.size(), 8u);
  for (const char* id : {"politics", "wps", "protection", "safety-security", "performance",
                         "sustaining-peace", "partnerships", "conduct"})
    EXPECT_TRUE(s.themes.contains(id)) << id;
  EXPECT_EQ(s.themes.at("performance").note, "attracted the most champions");
  ASSERT_TRUE(s.orgs.contains("UN"));
  EXPECT_EQ(s.orgs.at("UN").kind, "secretariat");
  EXPECT_EQ(s.seq(), 9u);
}

}  // namespace
}  // namespace a4p::protocol::testing

namespace a4p::protocol::testing {
namespace {

nlohmann::json random_value(std::mt19937& rng, int depth) {
  using nlohmann::json;
  static const char* pieces[] = {"a", "é",  "✓",  "😀",    "\"", "\\",
                                 "/", "\n", "\t", "\x01", " ",  "z9"};
  switch (rng() % (depth > 4 ? 4 : 6)) {
    case 0:
      return static_cast<std::int64_t>(rng()) * (rng() % 2 ? 1 : -1) * 1000003;
    case 1: {
      std::string s;
      for (int i = rng() % 8; i > 0; --i) s += pieces[rng() % 12];
      return s;
    }
    case 2:
      return rng() % 2 == 0;
    case 3:
      return nullptr;
    case 4: {
      json a = json::array();
      for (int i = rng() % 5; i > 0; --i) a.push_back(random_value(rng, depth + 1));
      return a;
    }
    default: {
      json o = json::object();
      for (int i = rng() % 5; i > 0; --i)
        o[std::string(pieces[rng() % 12]) + std::to_string(rng() % 50)] =
            random_value(rng, depth + 1);
      return o;
    }
  }
}

// The reader agrees with nlohmann/json on every document nlohmann writes, in both its
// UTF-8 and its \u-escaped (ensure_ascii) forms, and with whitespace.
TEST(Codec, ReaderAgreesWithNlohmannOnRandomDocuments) {
  std::mt19937 rng(99);
  for (int i = 0; i < 3000; ++i) {
    nlohmann::json v = random_value(rng, 0);
    for (const std::string& text : {v.dump(), v.dump(-1, ' ', true), v.dump(2)}) {
      auto got = parse_untrusted(text, {1 << 20, 32});
      ASSERT_TRUE(got) << text << ": " << got.error().message;
      ASSERT_EQ(*got, v) << text;
      ASSERT_EQ(canonical(*got), canonical(v));
    }
  }
}

// Long strings are scanned sixteen bytes at a time: every character that ends a plain run, at
// every position around those blocks, is still seen, and raw control characters and bad
// UTF-8 are still refused wherever they are.
TEST(Codec, ReaderSeesSpecialCharactersAtEveryPositionOfLongStrings) {
  const std::string plain = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWX~\x7f";
  for (const char* special : {"\"", "\\", "\n", "\x01", "\u00e9", "\U0001F600", "/"}) {
    for (std::size_t at = 0; at <= 40; ++at) {
      std::string s = plain.substr(0, at) + special + plain.substr(at, 37);
      nlohmann::json v = {{"s", s}};
      auto got = parse_untrusted(v.dump());
      ASSERT_TRUE(got) << at << ": " << got.error().message;
      ASSERT_EQ((*got)["s"], s) << "special at " << at;
    }
  }
  for (const char* bad : {"\x01", "\x1f", "\xff", "\xc3"}) {
    for (std::size_t at = 0; at <= 40; ++at) {
      std::string text = "\"" + plain.substr(0, at) + bad + plain.substr(at, 37) + "\"";
      EXPECT_FALSE(parse_untrusted(text)) << "raw byte at " << at;
    }
  }
}

TEST(Codec, ReaderRefusesWhatNlohmannRefuses) {
  for (const char* t : {"[1,]", "{\"a\" 1}", "{,}", "01", "-", "--1", "\"\\x\"", "\"a", "tru",
                        "nul", "[1 2]", "{\"a\":1,}", "\"\\ud83d\"", "\"\\udc00\"", "\"\t\""}) {
    EXPECT_FALSE(parse_untrusted(t)) << t;
    EXPECT_FALSE(nlohmann::json::accept(t)) << t;
  }
}

}  // namespace
}  // namespace a4p::protocol::testing
