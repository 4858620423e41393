// The past states kept for ?at reads (server/past_states.hpp): the same seq is built once while
// kept, the least recently used goes first, the byte budget holds, and a state larger than the
// budget is served but not kept. (That a kept state is viewed for each reader by its own rules
// is tested against a4pd in audit_test.)
#include "server/past_states.hpp"

#include <string>

#include <gtest/gtest.h>

namespace a4p::server {
namespace {

// A state at `seq` holding about `bytes` of text.
protocol::state state_of(std::uint64_t seq, std::size_t bytes) {
  protocol::state s;
  s.set_seq(seq);
  (void)s.keep(std::string(bytes, 'x'));
  return s;
}

TEST(past_states, kept_states_are_reused_least_recently_used_first_out_within_the_budget) {
  const std::size_t one = past_states::bytes_of(state_of(1, 1'000'000));
  past_states cache(3 * one + one / 2);  // room for three
  int built = 0;
  auto load = [&](std::uint64_t seq) -> storage::result<protocol::state> {
    ++built;
    return state_of(seq, 1'000'000);
  };
  auto a = cache.get(1, load);
  ASSERT_TRUE(a);
  EXPECT_EQ((*a)->seq(), 1u);
  auto again = cache.get(1, load);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->get(), a->get());  // the same state, not rebuilt
  EXPECT_EQ(built, 1);
  for (std::uint64_t seq : {2, 3}) ASSERT_TRUE(cache.get(seq, load));
  ASSERT_TRUE(cache.get(1, load));  // 1 used last: 2 is now the oldest
  ASSERT_TRUE(cache.get(4, load));  // over the budget: 2 goes
  EXPECT_EQ(built, 4);
  auto st = cache.stats();
  EXPECT_EQ(st.states, 3u);
  EXPECT_LE(st.bytes, 3 * one + one / 2);
  for (std::uint64_t seq : {1, 3, 4}) ASSERT_TRUE(cache.get(seq, load));
  EXPECT_EQ(built, 4);
  ASSERT_TRUE(cache.get(2, load));
  EXPECT_EQ(built, 5);
  EXPECT_EQ(cache.stats().hits, 5u);
  EXPECT_EQ(cache.stats().misses, 5u);
}

TEST(past_states, a_state_over_the_budget_is_served_not_kept_and_errors_are_not_kept) {
  past_states cache(1000);
  int built = 0;
  auto big = [&](std::uint64_t seq) -> storage::result<protocol::state> {
    ++built;
    return state_of(seq, 100'000);
  };
  for (int i = 0; i < 2; ++i) {
    auto s = cache.get(7, big);
    ASSERT_TRUE(s);
    EXPECT_EQ((*s)->seq(), 7u);
  }
  EXPECT_EQ(built, 2);
  EXPECT_EQ(cache.stats().states, 0u);
  EXPECT_EQ(cache.stats().bytes, 0u);
  past_states none(0);  // --past-state-cache-bytes 0: nothing kept
  ASSERT_TRUE(none.get(1, big));
  EXPECT_EQ(none.stats().states, 0u);
  auto failing = [](std::uint64_t) -> storage::result<protocol::state> {
    return std::unexpected(storage::error{storage::status_code::io_error, "refused"});
  };
  EXPECT_FALSE(cache.get(9, failing));
  EXPECT_EQ(cache.stats().states, 0u);
}

}  // namespace
}  // namespace a4p::server
