// The failed state (LevelDB's RecordBackgroundError): once a group commit fails, that batch and
// everything queued behind it fail, every later append is refused with `failed`, and reads go
// on. Driven two ways: the test-only fault hook, and a real RocksDB write failure (EFBIG under
// RLIMIT_FSIZE in a child process).
#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "storage/event_log.hpp"
#include "tests/storage/child_process.hpp"
#include "tests/storage/test_util.hpp"

namespace a4p::storage {
namespace {

using test::make_event;
using test::one;
using test::temp_dir;

TEST(failed_state, a_failed_write_fails_the_batch_and_every_later_append_but_reads_go_on) {
  temp_dir tmp;
  auto fail_now = std::make_shared<std::atomic<bool>>(false);
  options o;
  o.fail_write_for_test = [fail_now] { return fail_now->load(); };
  {
    auto opened = event_log::open(tmp.path(), o);
    ASSERT_TRUE(opened);
    auto& log = *opened;
    for (int i = 1; i <= 3; ++i)
      ASSERT_TRUE(log->append(one(make_event(i), "key" + std::to_string(i), "v")));
    const std::string hash3 = log->head_hash();

    fail_now->store(true);
    append_request req;
    req.events = {make_event(4)};
    req.idempotency_key = "key4";
    req.idempotency_value = "v";
    auto r = log->append(std::move(req));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, status_code::failed);
    EXPECT_NE(r.error().message.find("injected"), std::string::npos) << r.error().message;
    EXPECT_TRUE(log->failed());

    fail_now->store(false);  // the disk is fine again, but the log stays failed until reopen
    auto later = log->append(one(make_event(5)));
    ASSERT_FALSE(later);
    EXPECT_EQ(later.error().code, status_code::failed);
    bool called = false;
    auto async = log->append_async(one(make_event(6)), [&](auto&) { called = true; });
    ASSERT_FALSE(async);
    EXPECT_EQ(async.error().code, status_code::failed);
    EXPECT_FALSE(called);
    EXPECT_FALSE(log->put_aux("a", "b"));
    EXPECT_FALSE(log->save_snapshot(1, "s"));

    EXPECT_EQ(log->head(), 3u);
    EXPECT_EQ(log->head_hash(), hash3);
    auto all = log->read(0, 10);
    ASSERT_TRUE(all);
    EXPECT_EQ(all->size(), 3u);
    EXPECT_EQ(*log->lookup_idempotency("key4"), std::nullopt);  // all or nothing
    EXPECT_TRUE(log->verify()->ok);
  }
  // Reopening clears the failed state; the chain goes on from the last durable event.
  auto log = event_log::open(tmp.path());
  ASSERT_TRUE(log);
  EXPECT_FALSE((*log)->failed());
  EXPECT_EQ((*log)->head(), 3u);
  auto r = (*log)->append(one(make_event(4)));
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].seq, 4u);
  EXPECT_TRUE((*log)->verify()->ok);
}

TEST(failed_state, queued_appends_behind_a_failed_batch_all_fail_in_seq_order) {
  temp_dir tmp;
  std::promise<void> release;
  auto gate = release.get_future().share();
  std::atomic<int> writes{0};
  options o;
  // The first write waits until everything is queued, then fails.
  o.fail_write_for_test = [gate, &writes] {
    if (writes++ == 0) gate.wait();
    return true;
  };
  auto opened = event_log::open(tmp.path(), o);
  ASSERT_TRUE(opened);
  auto& log = *opened;
  std::mutex mu;
  std::vector<std::pair<std::uint64_t, status_code>> results;
  std::vector<std::uint64_t> seqs;
  for (int i = 1; i <= 20; ++i) {
    auto r = log->append_async(one(make_event(i)), [&, i](const result<std::vector<event>>& res) {
      std::lock_guard lk(mu);
      results.emplace_back(i, res ? status_code::not_found : res.error().code);
    });
    ASSERT_TRUE(r);
    seqs.push_back((*r)[0].seq);
  }
  release.set_value();
  log.reset();  // the destructor drains: every callback has run when it returns
  ASSERT_EQ(results.size(), 20u);
  for (std::size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].first, static_cast<std::uint64_t>(i + 1));
    EXPECT_EQ(results[i].second, status_code::failed);
  }
  EXPECT_EQ(writes.load(), 1);  // nothing was attempted after the failure
  for (std::size_t i = 0; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], i + 1);
}

TEST(failed_state, a_real_rocksdb_write_failure_under_rlimit_fsize) {
  temp_dir tmp;
  pid_t pid = test::spawn_child({"fsize", tmp.path()});
  ASSERT_GT(pid, 0);
  EXPECT_EQ(test::wait_child(pid), 0) << "see storage_crash_child.cpp run_fsize for the check";
  // The directory is still a good log: everything acknowledged is there, the chain holds.
  auto log = event_log::open(tmp.path());
  ASSERT_TRUE(log) << log.error().message;
  EXPECT_GE((*log)->head(), 5u);
  auto v = (*log)->verify();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok) << v->problem;
}

}  // namespace
}  // namespace a4p::storage
