// The light view written as text (light_text.hpp, decision 0331): byte for byte
// view_light_state(s, now, v).dump() for every reader, now and at past points (restricted
// discussions judged by now, a comment hidden since), with strings that need escaping, and on
// the large workspace's generated log (reports, attributions, language tags).
#include "protocol/light_text.hpp"

#include <gtest/gtest.h>

#include "protocol/rooms.hpp"
#include "test_log.hpp"
#include "workspace_gen.hpp"
#include "world.hpp"

namespace a4p::protocol::testing {
namespace {

std::vector<const principal*> everyone(const world& w) {
  return {&w.sec, &w.owner, &w.other, &w.champ, &w.champ_other, &w.g10, &w.auditor};
}

TEST(LightText, IsTheDumpOfTheLightViewForEveryReaderNowAndInThePast) {
  world w;
  // D2 restricted (NOR invited); later, D3 restricted too, and a comment posted and hidden.
  const state old = w.log.s;
  later_acts(w);
  for (const principal* p : everyone(w)) {
    EXPECT_EQ(light_state_text(old, w.log.s, *p), view_light_state(old, w.log.s, *p).dump())
        << p->user;
    EXPECT_EQ(light_state_text(w.log.s, w.log.s, *p), view_light_state(w.log.s, *p).dump())
        << p->user;
  }
  const state empty;
  const viewer v{"u", "X", role::member};
  EXPECT_EQ(light_state_text(empty, empty, v), view_light_state(empty, v).dump());
}

TEST(LightText, EscapesStringsAsDumpDoes) {
  world w;
  state s = w.log.s;
  const std::string odd = "q\"b\\n\nt\tr\rf\fb\b c\x01\x1f del\x7f é 漢 /";
  s.themes.put(theme{s.keep(odd), s.keep(odd), s.keep("")});
  s.orgs.put(org{s.keep("Z\"1"), s.keep(odd), s.keep("organization"), s.keep(""), {}, true, 3});
  s.pledges.at("P1").title = s.keep(odd);
  for (const principal* p : everyone(w))
    EXPECT_EQ(light_state_text(s, s, *p), view_light_state(s, *p).dump()) << p->user;
}

// The generator's writer in memory (as protocol_bench's).
class memory_writer final : public workspace_writer {
 public:
  const state& current() const override { return log.s; }
  std::optional<nlohmann::json> run(const principal& p, std::string name,
                                    nlohmann::json args) override {
    auto d = log.run(p, std::move(name), std::move(args));
    if (!d) return std::nullopt;
    return d->result;
  }
  test_log log;
};

TEST(LightText, IsTheDumpOfTheLightViewOnTheGeneratedWorkspace) {
  memory_writer w;
  workspace_options o;
  o.events = 6'000;
  o.busy_comments = 500;
  const auto made = generate_workspace(w, o);
  const state& s = w.log.s;
  std::vector<principal> readers = {{"un.sec", "UN", role::secretariat},
                                    {"un.auditor", "UN", role::auditor}};
  for (std::size_t i = 0; i < 3 && i < made.member_users.size(); ++i)
    if (auto p = principal_of(s, made.member_users[i])) readers.push_back(*p);
  ASSERT_GE(readers.size(), 4u);
  for (const auto& p : readers)
    EXPECT_EQ(light_state_text(s, s, p), view_light_state(s, p).dump()) << p.user;
}

}  // namespace
}  // namespace a4p::protocol::testing
