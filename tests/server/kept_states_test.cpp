// The states kept at every K events for ?at reads (server/kept_states.hpp, decision 0331), on a
// real log (the large workspace's generator, 12,000 events, a snapshot every 2,500, written
// through the storage library as a4p_make_workspace does):
//  - the answer at any seq is byte for byte what the old path gives (load_state: the nearest
//    snapshot plus a replay; the light view's dump(), which a4pd now writes directly as
//    light_state_text), for the light and the full view, for a member, the auditor and
//    the Secretariat: before the first kept point, on kept points, either side of them, and
//    either side of every comment.hidden / comment.restored of a stretch of the log;
//  - the memory bound holds: over the budget the interval doubles, and a budget that one
//    state does not fit keeps nothing (reads still answer, from snapshots).
#include "server/kept_states.hpp"

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "protocol/light_text.hpp"
#include "protocol/rooms.hpp"
#include "protocol/snapshot.hpp"
#include "protocol/visibility.hpp"
#include "server/admin/ctl_workspace.hpp"
#include "server/log_state.hpp"
#include "tests/protocol/workspace_gen.hpp"

namespace a4p::server {
namespace {

namespace fs = std::filesystem;

class writer final : public protocol::testing::workspace_writer {
 public:
  explicit writer(ctl_workspace& ws) : ws_(ws) {}
  const protocol::state& current() const override { return ws_.state(); }
  std::optional<nlohmann::json> run(const protocol::principal& p, std::string name,
                                    nlohmann::json args) override {
    auto r = ws_.submit(p, name, std::move(args));
    if (!r) return std::nullopt;
    return std::move(*r);
  }
  void after_command(std::uint64_t seq) override {
    if (seq < last_ + 2'500) return;
    last_ = seq;
    EXPECT_TRUE(ws_.log().save_snapshot(seq, protocol::serialize(ws_.state())));
  }

 private:
  ctl_workspace& ws_;
  std::uint64_t last_ = 0;
};

class kept_states_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("a4p-kept-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    storage::options o;
    o.sync = false;
    auto log = storage::event_log::open(dir_.string(), o);
    ASSERT_TRUE(log);
    log_ = std::move(*log).release();
    auto ws = ctl_workspace::load(*log_);
    ASSERT_TRUE(ws);
    ASSERT_TRUE(ws->ensure_genesis());
    protocol::testing::workspace_options wo;
    wo.events = 12'000;
    wo.busy_comments = 1'000;
    writer w(*ws);
    (void)protocol::testing::generate_workspace(w, wo);
    auto now = load_state(*log_, log_->head());
    ASSERT_TRUE(now);
    now_ = new protocol::state(std::move(*now));
  }
  static void TearDownTestSuite() {
    delete now_;
    delete log_;
    fs::remove_all(dir_);
  }

  // Every view a reader may ask of the state at `seq`, from kept states and from the old path.
  static void expect_same_answers(const kept_states& kept, std::uint64_t seq) {
    auto fresh = load_state(*log_, seq);
    auto from_kept = kept.state_at(*log_, seq);
    ASSERT_TRUE(fresh && from_kept) << seq;
    ASSERT_EQ(from_kept->seq(), seq);
    EXPECT_TRUE(*from_kept == *fresh) << seq;
    for (const char* user : {"un.auditor", "un.sec", "GBR.user0"}) {
      auto v = protocol::principal_of(*now_, user);
      ASSERT_TRUE(v) << user;
      const auto light = protocol::view_light_state(*fresh, *now_, *v).dump();
      EXPECT_EQ(protocol::view_light_state(*from_kept, *now_, *v).dump(), light)
          << "light at " << seq << " for " << user;
      // What a4pd answers: the light view written as text directly (light_text.hpp).
      EXPECT_EQ(protocol::light_state_text(*from_kept, *now_, *v), light)
          << "light text at " << seq << " for " << user;
      EXPECT_EQ(protocol::view_state(*from_kept, *now_, *v).dump(),
                protocol::view_state(*fresh, *now_, *v).dump())
          << "full at " << seq << " for " << user;
    }
  }

  static inline fs::path dir_;
  static inline storage::event_log* log_ = nullptr;
  static inline protocol::state* now_ = nullptr;
};

TEST_F(kept_states_test, answers_are_byte_identical_to_the_snapshot_path_at_any_seq) {
  const std::uint64_t head = log_->head();
  ASSERT_GE(head, 12'000u);
  kept_states kept(1'500, std::size_t{1} << 32);  // points off the snapshots' (every 2,500)
  EXPECT_FALSE(kept.at_or_before(1'499));
  for (;;) {
    auto more = kept.step(*log_, head);
    ASSERT_TRUE(more);
    if (!*more) break;
  }
  const auto c = kept.stats();
  EXPECT_EQ(c.states, head / 1'500);
  EXPECT_EQ(c.last, head / 1'500 * 1'500);
  EXPECT_FALSE(c.off);
  ASSERT_TRUE(kept.at_or_before(4'499));
  EXPECT_EQ(kept.at_or_before(4'499)->seq(), 3'000u);
  EXPECT_EQ(kept.at_or_before(4'500)->seq(), 4'500u);

  std::set<std::uint64_t> seqs = {1,     700,   1'499, 1'500,    1'501, 2'999,
                                  3'000, 3'001, 7'777, head - 1, head};
  // Either side of the first moderation acts after seq 4,000 (hidden comments stay hidden to
  // members in the views of older points: PROTOCOL.md section 5).
  int acts = 0;
  ASSERT_TRUE(log_->scan_raw(4'000, head, [&](std::uint64_t seq, std::string_view stored) {
    auto e = protocol::decode_stored(stored);
    if (e && (e->name == "comment.hidden" || e->name == "comment.restored")) {
      for (auto s : {seq - 1, seq, seq + 1}) seqs.insert(s);
      ++acts;
    }
    return acts < 6;
  }));
  EXPECT_EQ(acts, 6) << "the log should hold moderation acts";
  for (auto seq : seqs) expect_same_answers(kept, seq);
}

TEST_F(kept_states_test, the_memory_bound_holds_by_keeping_fewer_states) {
  const std::uint64_t head = log_->head();
  kept_states all(1'000, std::size_t{1} << 32);
  while (*all.step(*log_, head)) {
  }
  const auto unbounded = all.stats();
  ASSERT_EQ(unbounded.states, head / 1'000);
  // Room for about half: the interval doubles (once or more), the bound holds throughout.
  const std::size_t budget = unbounded.bytes / 2;
  kept_states half(1'000, budget);
  for (;;) {
    auto more = half.step(*log_, head);
    ASSERT_TRUE(more);
    EXPECT_LE(half.stats().bytes, budget);
    if (!*more) break;
  }
  const auto c = half.stats();
  EXPECT_GE(c.every, 2'000u);
  EXPECT_GT(c.states, 0u);
  EXPECT_LE(c.bytes, budget);
  EXPECT_FALSE(c.off);
  for (std::uint64_t seq : {2'500u, 6'001u, 11'999u}) expect_same_answers(half, seq);
  // A budget no state fits: none kept, reads take the old path.
  kept_states tiny(1'000, 1'000);
  auto more = tiny.step(*log_, head);
  ASSERT_TRUE(more);
  EXPECT_FALSE(*more);
  EXPECT_TRUE(tiny.stats().off);
  EXPECT_EQ(tiny.stats().states, 0u);
  EXPECT_EQ(tiny.stats().bytes, 0u);
  expect_same_answers(tiny, 5'000);
  kept_states none(1'000, 0);  // --kept-state-bytes 0
  EXPECT_FALSE(*none.step(*log_, head));
  EXPECT_EQ(none.stats().states, 0u);
}

}  // namespace
}  // namespace a4p::server
