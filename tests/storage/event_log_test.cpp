// event_log on real RocksDB in temp dirs: round trip, the chain against an independent
// recomputation, idempotency, restart, concurrency, snapshots, aux, checkpoint and restore,
// and verify catching bytes changed behind the log's back.
#include "storage/event_log.hpp"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "storage/encoding.hpp"
#include "tests/storage/raw_db.hpp"
#include "tests/storage/test_util.hpp"

namespace a4p::storage {
namespace {

using test::make_event;
using test::one;
using test::temp_dir;

std::unique_ptr<event_log> open_ok(const std::string& dir, const options& o = {}) {
  auto r = event_log::open(dir, o);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? std::move(*r) : nullptr;
}

// Opens the RocksDB under a (closed) log directly, to change bytes behind the log's back.
class raw_db {
 public:
  explicit raw_db(const std::string& dir) {
    std::vector<std::string> names;
    EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descs;
    for (auto& n : names) descs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    rocksdb::DB* db = nullptr;
    auto s = rocksdb::DB::Open(rocksdb::DBOptions(), dir, descs, &handles_, &db);
    EXPECT_TRUE(s.ok()) << s.ToString();
    db_.reset(db);
    for (std::size_t i = 0; i < names.size(); ++i) by_name_[names[i]] = handles_[i];
  }
  ~raw_db() {
    for (auto* h : handles_) (void)db_->DestroyColumnFamilyHandle(h);
  }
  std::string get_event(std::uint64_t seq) {
    std::string v;
    EXPECT_TRUE(db_->Get({}, by_name_.at("events"), encoding::seq_key(seq), &v).ok());
    return v;
  }
  void put_event(std::uint64_t seq, const std::string& v) {
    EXPECT_TRUE(db_->Put({}, by_name_.at("events"), encoding::seq_key(seq), v).ok());
  }
  void delete_event(std::uint64_t seq) {
    EXPECT_TRUE(db_->Delete({}, by_name_.at("events"), encoding::seq_key(seq)).ok());
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> by_name_;
};

TEST(event_log, append_read_round_trip) {
  temp_dir tmp;
  auto log = open_ok(tmp.path());
  ASSERT_TRUE(log);
  EXPECT_EQ(log->head(), 0u);
  EXPECT_EQ(log->head_hash(), genesis_hash);
  EXPECT_FALSE(log->epoch().empty());

  std::vector<event> appended;
  for (int i = 1; i <= 3; ++i) {
    auto r = log->append(one(make_event(i)));
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ((*r)[0].seq, static_cast<std::uint64_t>(i));
    appended.push_back((*r)[0]);
  }
  append_request two;
  two.events = {make_event(4), make_event(5, "system", "UN")};
  auto r = log->append(std::move(two));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].seq, 4u);
  EXPECT_EQ((*r)[1].seq, 5u);
  EXPECT_EQ((*r)[0].ts, (*r)[1].ts);  // one request, one moment
  appended.insert(appended.end(), r->begin(), r->end());

  EXPECT_EQ(log->head(), 5u);
  EXPECT_EQ(log->head_hash(), appended.back().hash);

  auto all = log->read(0, 100);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 5u);
  std::regex ts_re(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ((*all)[i].to_json(), appended[i].to_json());
    EXPECT_TRUE(std::regex_match((*all)[i].ts, ts_re)) << (*all)[i].ts;
    if (i > 0) {
      EXPECT_LE((*all)[i - 1].ts, (*all)[i].ts);
    }
  }
  EXPECT_EQ((*all)[4].who.user, "system");
  EXPECT_EQ((*all)[2].data, make_event(3).data);

  auto mid = log->read(2, 2);
  ASSERT_TRUE(mid);
  ASSERT_EQ(mid->size(), 2u);
  EXPECT_EQ((*mid)[0].seq, 3u);
  EXPECT_EQ((*mid)[1].seq, 4u);
  EXPECT_TRUE(log->read(5, 10)->empty());
  EXPECT_TRUE(log->read(0, 0)->empty());

  // The stored bytes are the canonical dump of themselves.
  int n = 0;
  auto s = log->scan_raw(1, 4, [&](std::uint64_t seq, std::string_view bytes) {
    EXPECT_EQ(seq, static_cast<std::uint64_t>(n + 2));
    EXPECT_EQ(nlohmann::json::parse(bytes).dump(), bytes);
    EXPECT_EQ(std::string(bytes), appended[seq - 1].to_json());
    return ++n < 2;  // stop early after two
  });
  ASSERT_TRUE(s);
  EXPECT_EQ(n, 2);
}

TEST(event_log, chain_equals_independent_recomputation) {
  temp_dir tmp;
  auto log = open_ok(tmp.path());
  for (int i = 1; i <= 40; ++i) {
    ASSERT_TRUE(
        log->append(one(make_event(i, "user" + std::to_string(i % 3), i % 2 ? "GBR" : "BGD"))));
  }
  auto all = log->read(0, 1000);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 40u);
  std::string prev(64, '0');
  for (const event& e : *all) {
    auto expected_data = make_event(static_cast<int>(e.seq)).data;
    EXPECT_EQ(e.data, expected_data);
    std::string data_hash = test::independent_sha256_hex(expected_data);
    EXPECT_EQ(e.data_hash, data_hash);
    std::string header = "{\"actor\":{\"org\":\"" + std::string(e.seq % 2 ? "GBR" : "BGD") +
                         "\",\"user\":\"user" + std::to_string(e.seq % 3) + "\"},\"data_hash\":\"" +
                         data_hash + "\",\"entity\":\"pledge:P" + std::to_string(e.seq) +
                         "\",\"name\":\"pledge.created\",\"seq\":" + std::to_string(e.seq) +
                         ",\"ts\":\"" + e.ts + "\"}";
    std::string hash = test::independent_sha256_hex(prev + header);
    EXPECT_EQ(e.hash, hash) << "at seq " << e.seq;
    prev = hash;
  }
  EXPECT_EQ(log->head_hash(), prev);
  auto v = log->verify();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->head, 40u);
  EXPECT_EQ(v->head_hash, prev);
}

TEST(event_log, idempotency_key_is_written_with_the_events) {
  temp_dir tmp;
  {
    auto log = open_ok(tmp.path());
    EXPECT_EQ(*log->lookup_idempotency("gbr.delegate\ncmd-1"), std::nullopt);
    append_request req;
    req.events = {make_event(1), make_event(2)};
    req.idempotency_key = "gbr.delegate\ncmd-1";
    req.idempotency_value = R"({"seq":2,"result":{"id":"P2"}})";
    ASSERT_TRUE(log->append(std::move(req)));
    auto v = log->lookup_idempotency("gbr.delegate\ncmd-1");
    ASSERT_TRUE(v);
    EXPECT_EQ(*v, std::optional<std::string>(R"({"seq":2,"result":{"id":"P2"}})"));
    EXPECT_EQ(*log->lookup_idempotency("gbr.delegate\ncmd-2"), std::nullopt);
  }
  auto log = open_ok(tmp.path());
  EXPECT_EQ(*log->lookup_idempotency("gbr.delegate\ncmd-1"),
            std::optional<std::string>(R"({"seq":2,"result":{"id":"P2"}})"));
}

TEST(event_log, restart_recovers_head_hash_and_epoch_and_continues_the_chain) {
  temp_dir tmp;
  std::string epoch, hash;
  {
    auto log = open_ok(tmp.path());
    for (int i = 1; i <= 25; ++i) ASSERT_TRUE(log->append(one(make_event(i))));
    epoch = log->epoch();
    hash = log->head_hash();
  }
  {
    auto log = open_ok(tmp.path());
    EXPECT_EQ(log->head(), 25u);
    EXPECT_EQ(log->head_hash(), hash);
    EXPECT_EQ(log->epoch(), epoch);
    auto r = log->append(one(make_event(26)));
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)[0].seq, 26u);
    EXPECT_EQ((*r)[0].hash, chain_hash(hash, (*r)[0]));
    auto v = log->verify();
    ASSERT_TRUE(v);
    EXPECT_TRUE(v->ok) << v->problem;
    EXPECT_EQ(v->head, 26u);
  }
  options no_create;
  no_create.create_if_missing = false;
  auto missing = event_log::open(tmp.sub("nothing-here"), no_create);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, status_code::not_found);
}

TEST(event_log, ts_never_goes_backwards_across_a_restart) {
  temp_dir tmp;
  std::string hash;
  {
    auto log = open_ok(tmp.path());
    ASSERT_TRUE(log->append(one(make_event(1))));
    hash = log->head_hash();
  }
  {
    // Event 2 as written by a process whose clock was ahead (a valid chain link).
    event e;
    e.seq = 2;
    e.ts = "2099-01-01T00:00:00.500Z";
    e.who = {"system", "UN"};
    e.name = "theme.added";
    e.entity = "theme:future";
    e.data = R"({"id":"future","name":"Future"})";
    e.data_hash = sha256_hex(e.data);
    e.hash = chain_hash(hash, e);
    raw_db db(tmp.path());
    db.put_event(2, e.to_json());
  }
  auto log = open_ok(tmp.path());
  EXPECT_EQ(log->head(), 2u);
  auto r = log->append(one(make_event(3)));
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].ts, "2099-01-01T00:00:00.500Z");
  EXPECT_TRUE(log->verify()->ok);
}

TEST(event_log, second_open_of_a_directory_is_busy) {
  temp_dir tmp;
  auto log = open_ok(tmp.path());
  auto again = event_log::open(tmp.path());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, status_code::busy);
  EXPECT_NE(again.error().message.find("in use by another process"), std::string::npos)
      << again.error().message;
}

TEST(event_log, concurrent_appenders_get_unique_consecutive_seqs_and_a_valid_chain) {
  temp_dir tmp;
  auto log = open_ok(tmp.path());
  constexpr int threads = 16, per_thread = 500;
  std::vector<std::vector<std::uint64_t>> got(threads);
  std::mutex cb_mu;
  std::vector<std::uint64_t> callback_order;
  std::atomic<int> errors{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        if (i % 2 == 0) {
          auto r = log->append(one(make_event(t * 1000 + i), "u" + std::to_string(t)));
          if (!r) {
            ++errors;
            continue;
          }
          got[t].push_back((*r)[0].seq);
        } else {
          std::promise<void> done;
          auto r = log->append_async(one(make_event(t * 1000 + i)),
                                     [&](const result<std::vector<event>>& res) {
                                       {
                                         std::lock_guard lk(cb_mu);
                                         if (res) callback_order.push_back((*res)[0].seq);
                                       }
                                       done.set_value();
                                     });
          if (!r) {
            ++errors;
            continue;
          }
          got[t].push_back((*r)[0].seq);
          done.get_future().wait();
        }
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(errors.load(), 0);
  std::vector<std::uint64_t> all;
  for (auto& g : got) {
    EXPECT_TRUE(std::is_sorted(g.begin(), g.end()));  // one thread's appends stay in order
    all.insert(all.end(), g.begin(), g.end());
  }
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), static_cast<std::size_t>(threads * per_thread));
  for (std::size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i], i + 1);
  EXPECT_TRUE(std::is_sorted(callback_order.begin(), callback_order.end()));
  EXPECT_EQ(log->head(), static_cast<std::uint64_t>(threads * per_thread));
  auto v = log->verify();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->head, static_cast<std::uint64_t>(threads * per_thread));
}

TEST(event_log, rejects_unusable_input_and_appends_nothing) {
  temp_dir tmp;
  auto log = open_ok(tmp.path());
  auto expect_invalid = [&](append_request req, const char* why) {
    auto r = log->append(std::move(req));
    ASSERT_FALSE(r) << why;
    EXPECT_EQ(r.error().code, status_code::invalid_argument) << why;
  };
  expect_invalid(append_request{}, "empty");
  auto with_data = [](std::string d) {
    auto e = make_event(1);
    e.data = std::move(d);
    return one(std::move(e));
  };
  expect_invalid(with_data("not json"), "not json");
  expect_invalid(with_data("[1,2]"), "array");
  expect_invalid(with_data(R"({"b":1,"a":2})"), "unsorted keys");
  expect_invalid(with_data(R"({"a": 1})"), "whitespace");
  expect_invalid(with_data(R"({"a":1.5})"), "float");
  expect_invalid(with_data(R"({"a":"\u00e9"})"), "escaped non-ASCII is not canonical");
  expect_invalid(with_data(std::string(100000, '[') + std::string(100000, ']')), "deep array");
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += R"({"a":)";
  deep += "1" + std::string(100000, '}');
  expect_invalid(with_data(deep), "deep object");
  auto e = make_event(1);
  e.name = "bad\xff";
  expect_invalid(one(std::move(e)), "invalid UTF-8");
  e = make_event(1);
  e.entity.clear();
  expect_invalid(one(std::move(e)), "no entity");
  // A request whose second event is bad appends neither.
  append_request mixed;
  mixed.events = {make_event(1), make_event(2)};
  mixed.events[1].data = "{}x";
  expect_invalid(std::move(mixed), "mixed");
  EXPECT_EQ(log->head(), 0u);
  auto ok = log->append(one(make_event(1)));
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)[0].seq, 1u);
}

TEST(event_log, snapshots_load_the_nearest_at_or_before) {
  temp_dir tmp;
  {
    auto log = open_ok(tmp.path());
    for (int i = 1; i <= 12; ++i) ASSERT_TRUE(log->append(one(make_event(i))));
    EXPECT_EQ(*log->load_snapshot(12), std::nullopt);
    ASSERT_TRUE(log->save_snapshot(3, "state@3"));
    ASSERT_TRUE(log->save_snapshot(10, "state@10"));
    auto past = log->save_snapshot(13, "future");
    ASSERT_FALSE(past);
    EXPECT_EQ(past.error().code, status_code::invalid_argument);
  }
  auto log = open_ok(tmp.path());
  EXPECT_EQ(*log->load_snapshot(2), std::nullopt);
  using snap = std::optional<std::pair<std::uint64_t, std::string>>;
  EXPECT_EQ(*log->load_snapshot(3), snap({3, "state@3"}));
  EXPECT_EQ(*log->load_snapshot(9), snap({3, "state@3"}));
  EXPECT_EQ(*log->load_snapshot(10), snap({10, "state@10"}));
  EXPECT_EQ(*log->load_snapshot(UINT64_MAX), snap({10, "state@10"}));
}

// The step that takes a snapshot's file in (and holds appends) runs where the caller says: a4pd
// runs it at normal priority when its readers' threads are under SCHED_IDLE (decision 0335).
TEST(event_log, a_snapshots_take_in_runs_on_the_thread_the_caller_gives) {
  temp_dir tmp;
  auto log = open_ok(tmp.path());
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(log->append(one(make_event(i))));
  std::thread::id ran_on;
  int steps = 0;
  auto elsewhere = [&](const std::function<void()>& step) {
    std::thread t([&] {
      ran_on = std::this_thread::get_id();
      ++steps;
      step();
    });
    t.join();
  };
  ASSERT_TRUE(log->save_snapshot(4, "state@4", elsewhere));
  EXPECT_EQ(steps, 1);
  EXPECT_NE(ran_on, std::this_thread::get_id());
  using snap = std::optional<std::pair<std::uint64_t, std::string>>;
  EXPECT_EQ(*log->load_snapshot(5), snap({4, "state@4"}));
  // Appends go on after it.
  ASSERT_TRUE(log->append(one(make_event(6))));
}

// open_snapshot finds the keys from the SST files' metadata (a file of one or two entries
// names them all) and scans only the files of more entries; reopened, every snapshot is in a
// file. Small snapshots share files, large ones (over the 8 MiB write buffer) have their own.
TEST(event_log, snapshots_in_files_of_one_or_many_entries_load_the_nearest) {
  temp_dir tmp;
  const std::string big(9u << 20, 'b');
  const std::vector<std::uint64_t> at = {2, 5, 9, 12, 20, 21, 30, 33};
  const auto bytes_of = [&](std::uint64_t seq) {
    return seq == 12 || seq == 30 ? big + std::to_string(seq) : "state@" + std::to_string(seq);
  };
  {
    auto log = open_ok(tmp.path());
    for (int i = 1; i <= 40; ++i) ASSERT_TRUE(log->append(one(make_event(i))));
    for (auto seq : at) ASSERT_TRUE(log->save_snapshot(seq, bytes_of(seq)));
  }
  for (int round = 0; round < 2; ++round) {
    auto log = open_ok(tmp.path());
    for (std::uint64_t q = 1; q <= 40; ++q) {
      auto got = log->load_snapshot(q);
      ASSERT_TRUE(got);
      std::optional<std::uint64_t> want;
      for (auto seq : at)
        if (seq <= q) want = seq;
      if (!want) {
        EXPECT_EQ(*got, std::nullopt) << q;
        continue;
      }
      ASSERT_TRUE(*got) << q;
      EXPECT_EQ((*got)->first, *want) << q;
      EXPECT_EQ((*got)->second, bytes_of(*want)) << q;
    }
    EXPECT_EQ(log->snapshots_rejected(), 0u);
  }
}

TEST(event_log, an_opened_snapshot_keeps_its_bytes_while_pinned) {
  temp_dir tmp;
  auto log = open_ok(tmp.path());
  for (int i = 1; i <= 4; ++i) ASSERT_TRUE(log->append(one(make_event(i))));
  EXPECT_EQ(*log->open_snapshot(4), std::nullopt);
  std::string big(8u << 20, 'a');  // larger than a block: its own
  big.back() = 'z';
  ASSERT_TRUE(log->save_snapshot(2, big));
  auto pinned = log->open_snapshot(3);
  ASSERT_TRUE(pinned && *pinned);
  EXPECT_EQ((*pinned)->seq, 2u);
  ASSERT_NE((*pinned)->keep, nullptr);
  // Overwritten and reopened in the meantime, the pinned bytes are still the ones read.
  ASSERT_TRUE(log->save_snapshot(2, std::string(8u << 20, 'b')));
  EXPECT_EQ((*pinned)->bytes, big);
  EXPECT_EQ(log->load_snapshot(2)->value().second, std::string(8u << 20, 'b'));
  (*pinned)->keep.reset();  // dropped before the log closes
}

// Issue 12: a snapshot rewritten on disk (RocksDB's own API, as ldb would) was loaded as is.
// Now its envelope (seq, the chain's hash at seq, the digest of its bytes) is checked: a
// snapshot that fails is skipped, reported and counted, and the earlier one is used.
TEST(event_log, a_snapshot_changed_on_disk_is_skipped_and_reported) {
  temp_dir tmp;
  {
    auto log = open_ok(tmp.path());
    for (int i = 1; i <= 12; ++i) ASSERT_TRUE(log->append(one(make_event(i))));
    ASSERT_TRUE(log->save_snapshot(3, "state@3"));
    ASSERT_TRUE(log->save_snapshot(10, "state@10"));
  }
  ASSERT_TRUE(
      a4p::test::rewrite_raw(tmp.path(), "snapshots", encoding::seq_key(10),
                             [](std::string& v) { a4p::test::replace_once(v, "@10", "@99"); }));
  std::vector<std::pair<std::uint64_t, std::string>> rejected;
  options o;
  o.on_snapshot_rejected = [&](std::uint64_t seq, const std::string& why) {
    rejected.emplace_back(seq, why);
  };
  auto log = event_log::open(tmp.path(), o);
  ASSERT_TRUE(log);
  using snap = std::optional<std::pair<std::uint64_t, std::string>>;
  EXPECT_EQ(*(*log)->load_snapshot(12), snap({3, "state@3"}));
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].first, 10u);
  EXPECT_NE(rejected[0].second.find("digest"), std::string::npos) << rejected[0].second;
  EXPECT_EQ((*log)->snapshots_rejected(), 1u);
  // The audit listing names it too, and passes the good one.
  std::vector<std::pair<std::uint64_t, bool>> seen;
  ASSERT_TRUE((*log)->scan_snapshots(
      [&](std::uint64_t seq, std::string_view bytes, std::string_view problem) {
        seen.emplace_back(seq, problem.empty());
        if (problem.empty()) {
          EXPECT_EQ(bytes, "state@" + std::to_string(seq));
        }
        return true;
      }));
  EXPECT_EQ(seen, (std::vector<std::pair<std::uint64_t, bool>>{{3, true}, {10, false}}));
}

// A snapshot whose envelope is intact but names another chain (taken on a log whose event at
// that seq differs, e.g. copied in from another data directory) is not used either.
TEST(event_log, a_snapshot_of_another_chain_is_not_used) {
  temp_dir a, b;
  std::string foreign;
  {
    auto log = open_ok(a.path());
    for (int i = 1; i <= 5; ++i) ASSERT_TRUE(log->append(one(make_event(i, "other.user"))));
    ASSERT_TRUE(log->save_snapshot(5, "theirs"));
  }
  ASSERT_TRUE(a4p::test::rewrite_raw(a.path(), "snapshots", encoding::seq_key(5),
                                     [&](std::string& v) { foreign = v; }));
  {
    auto log = open_ok(b.path());
    for (int i = 1; i <= 5; ++i) ASSERT_TRUE(log->append(one(make_event(i))));
    ASSERT_TRUE(log->save_snapshot(5, "ours"));
  }
  ASSERT_TRUE(a4p::test::rewrite_raw(b.path(), "snapshots", encoding::seq_key(5),
                                     [&](std::string& v) { v = foreign; }));
  auto log = open_ok(b.path());
  EXPECT_EQ(*log->load_snapshot(5), std::nullopt);
  EXPECT_EQ(log->snapshots_rejected(), 1u);
}

// verify_since_last_verified walks from the point it recorded last time, and sees an event
// changed after it, or the event at the point itself replaced.
TEST(event_log, the_chain_is_verified_from_the_last_verified_point) {
  temp_dir tmp;
  {
    auto log = open_ok(tmp.path());
    for (int i = 1; i <= 10; ++i) ASSERT_TRUE(log->append(one(make_event(i))));
    std::uint64_t from = 99;
    auto rep = log->verify_since_last_verified(&from);
    ASSERT_TRUE(rep && rep->ok) << (rep ? rep->problem : rep.error().message);
    EXPECT_EQ(from, 0u);
    EXPECT_EQ(rep->head, 10u);
    for (int i = 11; i <= 15; ++i) ASSERT_TRUE(log->append(one(make_event(i))));
    rep = log->verify_since_last_verified(&from);
    ASSERT_TRUE(rep && rep->ok);
    EXPECT_EQ(from, 10u);
    EXPECT_EQ(rep->head, 15u);
    for (int i = 16; i <= 20; ++i) ASSERT_TRUE(log->append(one(make_event(i))));
  }
  // An event after the point, changed: found.
  ASSERT_TRUE(a4p::test::rewrite_raw(
      tmp.path(), "events", encoding::seq_key(18),
      [](std::string& v) { a4p::test::replace_once(v, "gbr.delegate", "gbr.delegatX"); }));
  {
    auto log = open_ok(tmp.path());
    std::uint64_t from = 0;
    auto rep = log->verify_since_last_verified(&from);
    ASSERT_TRUE(rep);
    EXPECT_FALSE(rep->ok);
    EXPECT_EQ(from, 15u);
    EXPECT_EQ(rep->first_bad_seq, 18u);
  }
  // The event at the point itself replaced: found too.
  ASSERT_TRUE(a4p::test::rewrite_raw(
      tmp.path(), "events", encoding::seq_key(15),
      [](std::string& v) { a4p::test::replace_once(v, "\"hash\":\"", "\"hash\":\"0"); }));
  auto log = open_ok(tmp.path());
  auto rep = log->verify_since_last_verified();
  ASSERT_TRUE(rep);
  EXPECT_FALSE(rep->ok);
  EXPECT_EQ(rep->first_bad_seq, 15u);
}

TEST(event_log, aux_space_puts_gets_deletes_and_scans_by_prefix) {
  temp_dir tmp;
  {
    auto log = open_ok(tmp.path());
    ASSERT_TRUE(log->put_aux("password/alice", "hash-a"));
    ASSERT_TRUE(log->put_aux("password/bob", "hash-b"));
    ASSERT_TRUE(log->put_aux("session/xyz", "alice"));
    ASSERT_TRUE(log->put_aux("passwordz", "not under the prefix"));
  }
  auto log = open_ok(tmp.path());
  EXPECT_EQ(*log->get_aux("password/bob"), std::optional<std::string>("hash-b"));
  EXPECT_EQ(*log->get_aux("password/carol"), std::nullopt);
  std::vector<std::pair<std::string, std::string>> seen;
  ASSERT_TRUE(log->scan_aux("password/", [&](std::string_view k, std::string_view v) {
    seen.emplace_back(k, v);
    return true;
  }));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].first, "password/alice");
  EXPECT_EQ(seen[1].second, "hash-b");
  ASSERT_TRUE(log->delete_aux("password/alice"));
  EXPECT_EQ(*log->get_aux("password/alice"), std::nullopt);
  EXPECT_EQ(log->head(), 0u);  // aux is not the log
}

TEST(event_log, checkpoint_and_restore_keep_events_and_give_a_new_epoch) {
  temp_dir tmp;
  const std::string live = tmp.sub("live"), backup = tmp.sub("backup"),
                    restored = tmp.sub("restored");
  std::string epoch, hash_at_20;
  std::vector<std::string> stored;
  {
    auto log = open_ok(live);
    for (int i = 1; i <= 20; ++i)
      ASSERT_TRUE(log->append(one(make_event(i), "k" + std::to_string(i), "v")));
    ASSERT_TRUE(log->save_snapshot(20, "state@20"));
    ASSERT_TRUE(log->put_aux("password/alice", "hash-a"));
    epoch = log->epoch();
    hash_at_20 = log->head_hash();
    auto before = log->read(0, 100);
    ASSERT_TRUE(before);
    for (auto& e : *before) stored.push_back(e.to_json());
    ASSERT_TRUE(log->checkpoint(backup));
    auto again = log->checkpoint(backup);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, status_code::invalid_argument);
    ASSERT_TRUE(log->append(one(make_event(21))));  // after the backup: not in it
  }
  ASSERT_TRUE(event_log::restore(backup, restored));
  auto log = open_ok(restored);
  EXPECT_NE(log->epoch(), epoch);
  EXPECT_EQ(log->head(), 20u);
  EXPECT_EQ(log->head_hash(), hash_at_20);
  std::vector<std::string> got;
  auto after = log->read(0, 100);
  ASSERT_TRUE(after);
  for (auto& e : *after) got.push_back(e.to_json());
  EXPECT_EQ(got, stored);
  EXPECT_EQ(*log->lookup_idempotency("k7"), std::optional<std::string>("v"));
  EXPECT_EQ(*log->get_aux("password/alice"), std::optional<std::string>("hash-a"));
  EXPECT_EQ(log->load_snapshot(100)->value().first, 20u);
  auto v = log->verify();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok) << v->problem;
  // The restored log goes on from the backup's head.
  auto r = log->append(one(make_event(21)));
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].seq, 21u);

  // Restoring over a non-empty directory, or from something that is not a checkpoint, fails.
  auto over = event_log::restore(backup, restored);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, status_code::invalid_argument);
  auto nothing = event_log::restore(tmp.sub("no-such-backup"), tmp.sub("r2"));
  ASSERT_FALSE(nothing);
  EXPECT_FALSE(std::filesystem::exists(tmp.sub("r2")));
}

// Fills a closed log with `n` events and returns their stored bytes.
void fill(const std::string& dir, int n) {
  auto log = open_ok(dir);
  for (int i = 1; i <= n; ++i) ASSERT_TRUE(log->append(one(make_event(i))));
}

verify_report verify_dir(const std::string& dir) {
  auto log = open_ok(dir);
  auto v = log->verify();
  EXPECT_TRUE(v);
  return v ? *v : verify_report{};
}

TEST(verify, catches_a_flipped_byte_in_data_at_the_right_seq) {
  temp_dir tmp;
  fill(tmp.path(), 12);
  EXPECT_TRUE(verify_dir(tmp.path()).ok);
  {
    raw_db db(tmp.path());
    std::string v = db.get_event(7);
    auto at = v.find("Pledge number 7");
    ASSERT_NE(at, std::string::npos);
    v[at] ^= 0x20;  // "pledge number 7": still valid, canonical JSON
    db.put_event(7, v);
  }
  auto rep = verify_dir(tmp.path());
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(rep.first_bad_seq, 7u);
  EXPECT_EQ(rep.head, 6u);  // the last good event
  EXPECT_NE(rep.problem.find("data_hash"), std::string::npos) << rep.problem;
}

TEST(verify, catches_a_changed_hash_ts_or_undecodable_event) {
  temp_dir tmp;
  fill(tmp.path(), 12);
  {
    raw_db db(tmp.path());
    std::string v = db.get_event(4);
    auto at = v.find("\"ts\":\"") + 8;  // a digit of the year
    v[at] = v[at] == '9' ? '8' : static_cast<char>(v[at] + 1);
    db.put_event(4, v);
  }
  auto rep = verify_dir(tmp.path());
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(rep.first_bad_seq, 4u);
  EXPECT_NE(rep.problem.find("hash does not match the chain"), std::string::npos) << rep.problem;

  temp_dir tmp2;
  fill(tmp2.path(), 12);
  {
    raw_db db(tmp2.path());
    std::string v = db.get_event(9);
    v[0] = '[';  // no longer a JSON object
    db.put_event(9, v);
  }
  rep = verify_dir(tmp2.path());
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(rep.first_bad_seq, 9u);
}

TEST(verify, catches_a_missing_event) {
  temp_dir tmp;
  fill(tmp.path(), 12);
  {
    raw_db db(tmp.path());
    db.delete_event(5);
  }
  auto rep = verify_dir(tmp.path());
  EXPECT_FALSE(rep.ok);
  EXPECT_EQ(rep.first_bad_seq, 5u);
  EXPECT_NE(rep.problem.find("missing"), std::string::npos) << rep.problem;
}

TEST(verify, an_undecodable_head_opens_failed_and_is_reported) {
  temp_dir tmp;
  fill(tmp.path(), 5);
  {
    raw_db db(tmp.path());
    db.put_event(5, "garbage");
  }
  auto log = open_ok(tmp.path());
  ASSERT_TRUE(log);
  EXPECT_TRUE(log->failed());
  EXPECT_EQ(log->head(), 5u);
  auto r = log->append(one(make_event(6)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, status_code::failed);
  auto v = log->verify();
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 5u);
  EXPECT_EQ(log->read(0, 4)->size(), 4u);  // reads go on
}

}  // namespace
}  // namespace a4p::storage
