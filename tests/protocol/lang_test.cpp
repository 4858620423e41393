// Language tags on written content (issue 17): the optional `lang` arg of comment.post,
// comment.edit, pledge.create, pledge.report, discussion.convene, discussion.close and
// opinion.give (BCP 47, canonically cased, stored in the event data only when given), the
// state and entity JSON that carry it, the binary snapshot that keeps it, and
// user.set_preference (the user's UI language).
#include <gtest/gtest.h>

#include "protocol/args.hpp"
#include "protocol/entity_json.hpp"
#include "protocol/snapshot.hpp"
#include "world.hpp"

namespace a4p::protocol {
namespace {

using nlohmann::json;
using testing::world;

TEST(LangTag, WellFormedTagsAreAcceptedAndCanonicallyCased) {
  struct {
    const char* in;
    const char* out;
  } good[] = {{"fr", "fr"},
              {"AR", "ar"},
              {"zh-hans", "zh-Hans"},
              {"zh-Hans-CN", "zh-Hans-CN"},
              {"es-419", "es-419"},
              {"en-gb", "en-GB"},
              {"sr-Latn-RS", "sr-Latn-RS"},
              {"de-CH-1996", "de-CH-1996"},
              {"en-US-u-ca-gregory", "en-US-u-ca-gregory"},
              {"x-private", nullptr},
              {"fr-x-un", "fr-x-un"}};
  for (const auto& g : good) {
    std::string c;
    bool ok = detail::valid_lang_tag(g.in, &c);
    if (!g.out) {
      EXPECT_FALSE(ok) << g.in;  // a private-use tag alone names no language
      continue;
    }
    EXPECT_TRUE(ok) << g.in;
    EXPECT_EQ(c, g.out) << g.in;
  }
  for (const char* bad :
       {"", "f", "french!", "fr_FR", "en-", "-en", "en--US", "e1", "abcd", "en-US-US", "en-a",
        "en-a-bc-a-de", "fr-x", "averyveryverylongtag", "zh-Hans-CN-abcd", "en-US-1"})
    EXPECT_FALSE(detail::valid_lang_tag(bad)) << bad;
  EXPECT_FALSE(detail::valid_lang_tag(std::string(36, 'a')));
}

TEST(LangTag, ContentCarriesItsTagThroughEventStateJsonAndSnapshot) {
  world w;
  auto& log = w.log;
  ASSERT_TRUE(log.run(w.owner, "comment.post",
                      {{"target", "discussion:D1"}, {"body", "Bonjour"}, {"lang", "FR"}}));
  const auto& posted = log.events.back();
  EXPECT_EQ(posted.data.at("lang"), "fr");  // canonical casing in the log
  const comment* c = log.s.comments.get("C3");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(std::string_view(c->lang), "fr");
  EXPECT_EQ(detail::to_json(*c).at("lang"), "fr");

  // An edit in another language retags; an edit without a tag leaves it unknown.
  ASSERT_TRUE(log.run(w.owner, "comment.edit", {{"id", "C3"}, {"body", "مرحبا"}, {"lang", "ar"}}));
  EXPECT_EQ(std::string_view(log.s.comments.get("C3")->lang), "ar");
  ASSERT_TRUE(log.run(w.owner, "comment.edit", {{"id", "C3"}, {"body", "?"}}));
  EXPECT_FALSE(detail::to_json(*log.s.comments.get("C3")).contains("lang"));

  ASSERT_TRUE(log.run(w.owner, "pledge.create",
                      {{"theme", "politics"},
                       {"title", "Former des médiateurs"},
                       {"description", "d"},
                       {"output", {{"indicator", "i"}, {"target", "t"}}},
                       {"lang", "fr"}}));
  EXPECT_EQ(detail::to_json(*log.s.pledges.get("P2")).at("lang"), "fr");
  ASSERT_TRUE(log.run(
      w.owner, "pledge.report",
      {{"id", "P2"}, {"status", "on_track"}, {"progress", 10}, {"note", "n"}, {"lang", "es"}}));
  EXPECT_EQ(detail::to_json(*log.s.pledges.get("P2")).at("reports").at(0).at("lang"), "es");
  ASSERT_TRUE(log.run(w.champ, "discussion.convene",
                      {{"theme", "politics"},
                       {"title", "讨论"},
                       {"agenda", "一\n二"},
                       {"visibility", "open"},
                       {"lang", "zh-hans"}}));
  ASSERT_TRUE(
      log.run(w.champ, "discussion.close", {{"id", "D3"}, {"outcome", "Итог"}, {"lang", "ru"}}));
  json d = detail::to_json(*log.s.discussions.get("D3"));
  EXPECT_EQ(d.at("lang"), "zh-Hans");
  EXPECT_EQ(d.at("outcome_lang"), "ru");
  ASSERT_TRUE(
      log.run(w.g10, "opinion.give",
              {{"target", "pledge:P1"}, {"position", "support"}, {"text", "t"}, {"lang", "en"}}));
  EXPECT_EQ(detail::to_json(*log.s.opinions.get("BGD:pledge:P1")).at("lang"), "en");

  // Content from before tags existed (no "lang" in its event) has none, and says nothing.
  json old = detail::to_json(*log.s.comments.get("C1"));
  EXPECT_FALSE(old.contains("lang"));
  EXPECT_FALSE(detail::to_json(*log.s.pledges.get("P1")).contains("lang"));

  // The binary snapshot keeps every tag.
  auto back = deserialize(std::string_view(serialize(log.s)));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(serialize(*back), serialize(log.s));
  EXPECT_EQ(std::string_view(back->discussions.get("D3")->outcome_lang), "ru");
  EXPECT_EQ(std::string_view(back->pledges.get("P2")->reports[0].lang), "es");
}

TEST(LangTag, ABadTagIsABadRequestOnTheLangField) {
  world w;
  for (json bad : {json("not a tag"), json(7), json(""), json("x-only")}) {
    auto d = decide(
        w.log.s, w.owner,
        command{"x", "comment.post", {{"target", "pledge:P1"}, {"body", "b"}, {"lang", bad}}});
    ASSERT_FALSE(d) << bad.dump();
    EXPECT_EQ(d.error().code, reject_code::bad_request) << bad.dump();
    EXPECT_EQ(d.error().details.value("field", ""), "lang") << bad.dump();
  }
}

TEST(UserPreference, SetOwnLanguageAndClearIt) {
  world w;
  auto& log = w.log;
  auto d = log.run(w.owner, "user.set_preference", {{"lang", "ar"}});
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(log.events.back().name, "user.preference_set");
  EXPECT_EQ(log.events.back().data, (json{{"id", "nor.delegate"}, {"lang", "ar"}}));
  EXPECT_EQ(detail::to_json(*log.s.users.get("nor.delegate")).at("lang"), "ar");
  // Another user's preference is untouched; the same value again is a conflict.
  EXPECT_FALSE(detail::to_json(*log.s.users.get("ken.delegate")).contains("lang"));
  auto again = decide(log.s, w.owner, command{"x", "user.set_preference", {{"lang", "ar"}}});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, reject_code::conflict);
  // No other member (a misspelt one is refused), and lang is required or null.
  for (json args : {json{{"lang", "fr"}, {"id", "ken.delegate"}}, json::object(),
                    json{{"lang", "nope nope"}}}) {
    auto r = decide(log.s, w.owner, command{"x", "user.set_preference", args});
    ASSERT_FALSE(r) << args.dump();
    EXPECT_EQ(r.error().code, reject_code::bad_request) << args.dump();
  }
  ASSERT_TRUE(log.run(w.owner, "user.set_preference", {{"lang", nullptr}}));
  EXPECT_FALSE(detail::to_json(*log.s.users.get("nor.delegate")).contains("lang"));
  // Kept by snapshots too.
  ASSERT_TRUE(log.run(w.other, "user.set_preference", {{"lang", "zh"}}));
  auto back = deserialize(std::string_view(serialize(log.s)));
  ASSERT_TRUE(back);
  EXPECT_EQ(std::string_view(back->users.get("ken.delegate")->lang), "zh");
}

}  // namespace
}  // namespace a4p::protocol
