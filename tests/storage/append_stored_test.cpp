// event_log::append_stored, a replica's append (docs/decisions/0313): the events of one log,
// as stored bytes, make a second log with the same seqs, bytes and head hash, which verifies;
// events that do not follow the head, do not chain, do not match their data or are not in
// their stored form are refused whole, and nothing is written.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/event_log.hpp"
#include "tests/storage/test_util.hpp"

namespace a4p::storage {
namespace {

using test::make_event;
using test::temp_dir;

std::vector<std::string> stored_of(const event_log& log) {
  std::vector<std::string> out;
  EXPECT_TRUE(log.scan_raw(0, log.head(), [&](std::uint64_t, std::string_view b) {
    out.emplace_back(b);
    return true;
  }));
  return out;
}

struct source {
  temp_dir dir;
  std::unique_ptr<event_log> log;
  std::vector<std::string> stored;
  source() {
    log = std::move(*event_log::open(dir.sub("a")));
    for (int batch = 0; batch < 5; ++batch) {
      append_request r;
      for (int i = 0; i < 3; ++i) r.events.push_back(make_event(batch * 10 + i));
      EXPECT_TRUE(log->append(std::move(r)));
    }
    stored = stored_of(*log);
  }
};

TEST(append_stored, a_replica_of_a_log_has_the_same_bytes_and_head_and_verifies) {
  source src;
  temp_dir d;
  auto replica = std::move(*event_log::open(d.sub("b")));
  // In pieces of different sizes, with an idempotency record on one.
  std::size_t at = 0;
  for (std::size_t n : {1u, 4u, 10u}) {
    std::vector<std::string> part(src.stored.begin() + static_cast<std::ptrdiff_t>(at),
                                  src.stored.begin() + static_cast<std::ptrdiff_t>(at + n));
    auto r = replica->append_stored(part, at == 1 ? "gbr.delegate\ncmd-7" : "",
                                    at == 1 ? R"({"seq":5})" : "");
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->size(), n);
    EXPECT_EQ(r->back().seq, at + n);
    at += n;
  }
  EXPECT_EQ(replica->head(), src.log->head());
  EXPECT_EQ(replica->head_hash(), src.log->head_hash());
  EXPECT_EQ(stored_of(*replica), src.stored);
  auto idem = replica->lookup_idempotency("gbr.delegate\ncmd-7");
  ASSERT_TRUE(idem && *idem);
  EXPECT_EQ(**idem, R"({"seq":5})");
  auto v = replica->verify();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->ok) << v->problem << " at " << v->first_bad_seq;
}

TEST(append_stored, what_does_not_follow_the_head_is_refused_whole) {
  source src;
  temp_dir d;
  auto replica = std::move(*event_log::open(d.sub("b")));
  ASSERT_TRUE(replica->append_stored({src.stored[0], src.stored[1]}));

  auto refused = [&](std::vector<std::string> events, status_code code, const char* why) {
    auto r = replica->append_stored(std::move(events));
    EXPECT_FALSE(r) << why;
    if (!r) {
      EXPECT_EQ(r.error().code, code) << why << ": " << r.error().message;
    }
    EXPECT_EQ(replica->head(), 2u) << why << ": nothing written";
  };
  refused({src.stored[3]}, status_code::invalid_argument, "a gap");
  refused({src.stored[1]}, status_code::invalid_argument, "a seq already held");
  refused({src.stored[2], src.stored[4]}, status_code::invalid_argument,
          "a good event then a gap: the good one is not written either");

  auto changed = [&](std::size_t i, const std::string& from, const std::string& to) {
    std::string s = src.stored[i];
    auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    s.replace(at, from.size(), to);
    return s;
  };
  // The title changed, data_hash kept: the data does not match its hash.
  refused({changed(2, "Pledge number", "Pledge numbeR")}, status_code::corruption, "data changed");
  // The hash changed: the event does not chain (or the next would not).
  std::string bad_hash = src.stored[2];
  auto h = bad_hash.find("\"hash\":\"");
  bad_hash[h + 8] = bad_hash[h + 8] == 'a' ? 'b' : 'a';
  refused({bad_hash}, status_code::corruption, "hash changed");
  // The actor changed, hashes kept: the chain hash no longer matches.
  refused({changed(2, "gbr.delegate", "usa.delegate")}, status_code::corruption, "actor changed");
  // Not in the stored form (a space after a colon).
  refused({changed(2, "\"seq\":", "\"seq\": ")}, status_code::invalid_argument, "not canonical");
  refused({"not json"}, status_code::invalid_argument, "not an event");

  ASSERT_TRUE(replica->append_stored({src.stored[2]})) << "the right next event still goes in";
  EXPECT_EQ(replica->head(), 3u);
}

}  // namespace
}  // namespace a4p::storage
