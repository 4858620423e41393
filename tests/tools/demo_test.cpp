// server/admin/demo: populate() on a fresh log gives a workspace that verifies, with the fixed
// accounts able to sign in, a dozen pledges with reports, and a restricted discussion that a
// non-invited member never sees.
#include "server/admin/demo.hpp"

#include <gtest/gtest.h>

#include <set>

#include "protocol/visibility.hpp"
#include "server/admin/credentials.hpp"
#include "server/log_state.hpp"
#include "tests/tools/tools_test_util.hpp"

namespace a4p::server {
namespace {

using tools_test::temp_dir;

class demo_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = storage::event_log::open(dir_ / "data");
    ASSERT_TRUE(log) << log.error().message;
    log_ = std::move(*log);
    auto r = populate(*log_, "demo-pass");
    ASSERT_TRUE(r) << r.error().message;
    result_ = std::move(*r);
    auto s = load_state(*log_, log_->head());
    ASSERT_TRUE(s) << s.error().message;
    state_ = std::move(*s);
  }

  temp_dir dir_;
  std::unique_ptr<storage::event_log> log_;
  demo_result result_;
  protocol::state state_;
};

TEST_F(demo_test, log_verifies_and_head_is_reported) {
  auto rep = log_->verify();
  ASSERT_TRUE(rep);
  EXPECT_TRUE(rep->ok) << rep->problem << " at " << rep->first_bad_seq;
  EXPECT_EQ(result_.head, log_->head());
  EXPECT_GT(log_->head(), 100u);
}

// The two readers of the stored format (storage's, for the chain checks, and the domain's, for
// everything else: docs/decisions/0005) agree on every event of the demo log, and the seam's
// conversion of storage's event gives the domain's.
TEST_F(demo_test, storage_and_domain_read_every_stored_event_alike) {
  std::size_t n = 0;
  auto st = log_->scan_raw(0, log_->head(), [&](std::uint64_t seq, std::string_view bytes) {
    auto se = storage::event::from_json(bytes);
    auto pe = protocol::decode_stored(bytes);
    EXPECT_TRUE(se && pe) << "seq " << seq;
    if (!se || !pe) return false;
    auto via_seam = to_protocol_event(*se);
    EXPECT_TRUE(via_seam) << "seq " << seq;
    if (!via_seam) return false;
    for (const protocol::event* e : {&*pe, &*via_seam}) {
      EXPECT_EQ(e->seq, seq);
      EXPECT_EQ(e->ts, se->ts);
      EXPECT_EQ(e->who, (protocol::actor{se->who.user, se->who.org}));
      EXPECT_EQ(e->name, se->name);
      EXPECT_EQ(e->entity, se->entity);
      EXPECT_EQ(e->data_hash, se->data_hash);
      EXPECT_EQ(e->hash, se->hash);
    }
    EXPECT_EQ(pe->data, via_seam->data) << "seq " << seq;
    EXPECT_EQ(protocol::encode_stored(*pe), bytes) << "seq " << seq;
    ++n;
    return true;
  });
  ASSERT_TRUE(st) << st.error().message;
  EXPECT_EQ(n, log_->head());
}

TEST_F(demo_test, fixed_accounts_exist_with_their_roles_and_can_sign_in) {
  const std::vector<std::tuple<std::string, std::string, protocol::role>> fixed = {
      {"un.secretariat", "UN", protocol::role::secretariat},
      {"un.auditor", "UN", protocol::role::auditor},
      {"gbr.delegate", "GBR", protocol::role::member},
      {"nld.delegate", "NLD", protocol::role::member},
      {"usa.delegate", "USA", protocol::role::member},
      {"bgd.delegate", "BGD", protocol::role::member},
      {"eth.delegate", "ETH", protocol::role::member},
      {"gha.delegate", "GHA", protocol::role::member},
  };
  ASSERT_GE(result_.sign_ins.size(), fixed.size());
  for (const auto& [user, org, r] : fixed) {
    auto it = state_.users.find(user);
    ASSERT_NE(it, state_.users.end()) << user;
    EXPECT_EQ(it->second.org, org) << user;
    EXPECT_EQ(it->second.r, r) << user;
    EXPECT_TRUE(check_password(*log_, user, "demo-pass")) << user;
    EXPECT_FALSE(check_password(*log_, user, "demo-pass2")) << user;
  }
  for (const auto& [user, pw] : result_.sign_ins) EXPECT_EQ(pw, "demo-pass");
}

TEST_F(demo_test, roles_groups_and_champions_match_the_brief) {
  EXPECT_TRUE(state_.in_group("GBR", "G10"));
  EXPECT_TRUE(state_.in_group("NLD", "G10"));
  EXPECT_TRUE(state_.in_group("BGD", "G10"));
  EXPECT_TRUE(state_.in_group("ETH", "G10"));
  EXPECT_FALSE(state_.in_group("USA", "G10"));
  EXPECT_FALSE(state_.in_group("GHA", "G10"));
  EXPECT_TRUE(state_.is_champion("GBR", "politics"));
  EXPECT_TRUE(state_.is_champion("NLD", "protection"));
  EXPECT_TRUE(state_.is_champion("USA", "performance"));
  EXPECT_FALSE(state_.champions_any("GHA"));
  EXPECT_FALSE(state_.champions_any("BGD"));
  EXPECT_EQ(state_.orgs.at("GBR").region, "WEOG");
  EXPECT_EQ(state_.orgs.at("AU").kind, "organization");
  EXPECT_EQ(state_.themes.size(), 8u);
  std::size_t with_offer = 0;
  for (const auto& [id, c] : state_.champions) with_offer += !c.offer.empty();
  EXPECT_GE(with_offer, 5u);
}

TEST_F(demo_test, pledges_reports_rounds_gaps_and_actions) {
  EXPECT_GE(state_.pledges.size(), 12u);
  std::size_t reported = 0, with_evidence = 0, with_attribution = 0, un_deliverables = 0;
  for (const auto& [id, p] : state_.pledges) {
    reported += !p.reports.empty();
    un_deliverables += p.org == "UN";
    for (const auto& r : p.reports) {
      with_evidence += !r.evidence.empty();
      with_attribution += r.attrib.has_value();
    }
  }
  EXPECT_GE(reported, 8u);
  EXPECT_GE(with_evidence, 3u);
  EXPECT_GE(with_attribution, 2u);
  EXPECT_GE(un_deliverables, 3u);
  std::set<std::string> round_states;
  for (const auto& [id, r] : state_.rounds) round_states.insert(r.state.str());
  EXPECT_EQ(round_states, (std::set<std::string>{"open", "closed"}));
  EXPECT_GE(state_.gaps.size(), 5u);
  EXPECT_GE(state_.actions.size(), 10u);
  EXPECT_GE(state_.opinions.size(), 2u);
  EXPECT_GE(state_.commitments.size(), 8u);
}

TEST_F(demo_test, restricted_discussion_is_withheld_from_uninvited_members) {
  const protocol::discussion* restricted = nullptr;
  for (const auto& [id, d] : state_.discussions) {
    if (d.visibility == "restricted") restricted = &d;
  }
  ASSERT_NE(restricted, nullptr);
  std::size_t comments_in_it = 0;
  for (const auto& [id, c] : state_.comments) {
    comments_in_it += c.target == "discussion:" + restricted->id;
  }
  EXPECT_GE(comments_in_it, 2u);

  auto gha = protocol::principal_of(state_, "gha.delegate");
  auto bgd = protocol::principal_of(state_, "bgd.delegate");
  ASSERT_TRUE(gha && bgd);
  auto gha_view = protocol::view_state(state_, *gha);
  auto bgd_view = protocol::view_state(state_, *bgd);
  EXPECT_FALSE(gha_view["discussions"].contains(restricted->id));
  EXPECT_TRUE(bgd_view["discussions"].contains(restricted->id));
}

TEST_F(demo_test, a_hidden_comment_is_redacted_for_members) {
  const protocol::comment* hidden = nullptr;
  for (const auto& [id, c] : state_.comments) {
    if (c.hidden) hidden = &c;
  }
  ASSERT_NE(hidden, nullptr);
  auto usa = protocol::principal_of(state_, "usa.delegate");
  ASSERT_TRUE(usa);
  auto view = protocol::view_state(state_, *usa);
  const auto& c = view["comments"][hidden->id];
  EXPECT_FALSE(c.contains("body"));
  EXPECT_TRUE(c.value("redacted", false));
}

TEST_F(demo_test, populating_twice_is_refused) {
  const auto head = log_->head();
  auto again = populate(*log_, "x");
  ASSERT_FALSE(again);
  EXPECT_EQ(log_->head(), head);
}

}  // namespace
}  // namespace a4p::server
