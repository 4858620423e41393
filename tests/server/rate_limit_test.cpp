// server/rate_limit: the per-user token bucket, on an injected clock (no wall time).
#include "server/rate_limit.hpp"

#include <gtest/gtest.h>

namespace a4p::server {
namespace {

class fake_clock {
 public:
  rate_limiter::clock::time_point now() const { return now_; }
  void advance(std::chrono::milliseconds d) { now_ += d; }

 private:
  rate_limiter::clock::time_point now_{};
};

TEST(rate_limit, a_new_user_has_a_full_burst_then_is_refused) {
  fake_clock t;
  rate_limiter r(10, 5, [&] { return t.now(); });
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(r.take("gbr.delegate")) << i;
  EXPECT_FALSE(r.take("gbr.delegate"));
  EXPECT_FALSE(r.take("gbr.delegate"));
}

TEST(rate_limit, tokens_refill_at_the_rate_and_never_above_the_burst) {
  fake_clock t;
  // One token per 250 ms (times in binary-exact fractions of a second).
  rate_limiter r(4, 5, [&] { return t.now(); });
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(r.take("u"));
  t.advance(std::chrono::milliseconds(125));
  EXPECT_FALSE(r.take("u"));  // 0.5 tokens
  t.advance(std::chrono::milliseconds(125));
  EXPECT_TRUE(r.take("u"));  // 1.0 token, taken
  EXPECT_FALSE(r.take("u"));
  t.advance(std::chrono::hours(1));  // refills to the burst, not to 36,000
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(r.take("u")) << i;
  EXPECT_FALSE(r.take("u"));
}

TEST(rate_limit, a_refused_command_takes_no_token) {
  fake_clock t;
  rate_limiter r(1, 1, [&] { return t.now(); });
  ASSERT_TRUE(r.take("u"));
  for (int i = 0; i < 7; ++i) {
    t.advance(std::chrono::milliseconds(125));
    EXPECT_FALSE(r.take("u")) << i;  // 0.125 .. 0.875 tokens
  }
  t.advance(std::chrono::milliseconds(125));
  EXPECT_TRUE(r.take("u"));  // 1.0 after one second in total: the refusals took nothing
}

TEST(rate_limit, users_have_separate_buckets) {
  fake_clock t;
  rate_limiter r(1, 2, [&] { return t.now(); });
  EXPECT_TRUE(r.take("a"));
  EXPECT_TRUE(r.take("a"));
  EXPECT_FALSE(r.take("a"));
  EXPECT_TRUE(r.take("b"));
  EXPECT_TRUE(r.take("b"));
  EXPECT_FALSE(r.take("b"));
}

TEST(rate_limit, a_take_of_many_tokens_is_all_or_nothing) {
  // The byte budget: a command costs its size in bytes.
  fake_clock t;
  rate_limiter r(1000, 10'000, [&] { return t.now(); });
  EXPECT_TRUE(r.take("u", 9000));   // 1,000 left
  EXPECT_FALSE(r.take("u", 9000));  // refused, nothing taken
  EXPECT_TRUE(r.take("u", 1000));   // the 1,000 still there
  t.advance(std::chrono::seconds(9));
  EXPECT_TRUE(r.take("u", 9000));  // 9 s at 1,000/s
  EXPECT_FALSE(r.take("u", 1));
}

}  // namespace
}  // namespace a4p::server
