// The light skeleton serialised once and put together per reader (light_skeleton.hpp, issue
// 18): byte for byte the skeleton view_light_state() gives that reader, so readers who may see
// different things never share bytes.
#include <gtest/gtest.h>

#include "protocol/gzip_pieces.hpp"
#include "protocol/json_codec.hpp"
#include "protocol/light_skeleton.hpp"
#include "protocol/messages.hpp"
#include "protocol/rooms.hpp"
#include "world.hpp"

namespace a4p::protocol::testing {
namespace {

using nlohmann::json;

// Two restricted discussions with different invitations (D2: NOR; D3: KEN and BGD), opinions
// on an open and a restricted discussion and on a pledge.
void invitations(world& w) {
  w.log.must(w.champ, "discussion.convene",
             {{"theme", "politics"},
              {"title", "Another closed door"},
              {"agenda", "b"},
              {"visibility", "restricted"},
              {"invitees", {"KEN", "BGD"}}});
  for (const char* target : {"discussion:D1", "discussion:D3", "pledge:P1"})
    w.log.must(w.g10, "opinion.give", {{"target", target}, {"position", "support"}, {"text", "t"}});
}

std::vector<const principal*> everyone(const world& w) {
  return {&w.sec, &w.owner, &w.other, &w.champ, &w.champ_other, &w.g10, &w.auditor};
}

TEST(LightSkeleton, EachReaderGetsExactlyTheSkeletonOfTheirOwnView) {
  world w;
  invitations(w);
  const light_skeleton sk(w.log.s);
  EXPECT_EQ(sk.seq(), w.log.s.seq());
  for (const principal* p : everyone(w)) {
    const json view = view_light_state(w.log.s, *p);
    EXPECT_EQ(sk.text(w.log.s, *p), canonical(view)) << p->user;
    EXPECT_EQ(sk.message(w.log.s, *p), light_snapshot_message(w.log.s.seq(), view)) << p->user;
  }
  // Two orgs with different invitations: each its own restricted discussion and opinions.
  const json nor = json::parse(sk.text(w.log.s, w.owner));
  const json ken = json::parse(sk.text(w.log.s, w.other));
  EXPECT_TRUE(nor["discussions"].contains("D2"));
  EXPECT_FALSE(nor["discussions"].contains("D3"));
  EXPECT_TRUE(ken["discussions"].contains("D3"));
  EXPECT_FALSE(ken["discussions"].contains("D2"));
  // Opinions are not in the skeleton (they come with their room's first page).
  EXPECT_EQ(nor["opinions"], json::object());
  EXPECT_NE(sk.text(w.log.s, w.owner), sk.text(w.log.s, w.other));
  EXPECT_GE(sk.bytes(), sk.text(w.log.s, w.sec).size());
}

TEST(LightSkeleton, APastStateIsJudgedByTheRulesOfNow) {
  world w;
  invitations(w);
  const state old = w.log.s;
  later_acts(w);
  const light_skeleton sk(old, w.log.s);
  EXPECT_EQ(sk.seq(), old.seq());
  for (const principal* p : everyone(w))
    EXPECT_EQ(sk.text(w.log.s, *p), canonical(view_light_state(old, w.log.s, *p))) << p->user;
  EXPECT_FALSE(json::parse(sk.text(w.log.s, w.sec))["discussions"].contains("D4"));
}

TEST(LightSkeleton, AnEmptyWorkspaceAndOneWithOnlyRestrictedMembers) {
  const state empty;
  const viewer v{"u", "X", role::member};
  EXPECT_EQ(light_skeleton(empty).text(empty, v), canonical(view_light_state(empty, v)));
  world w;  // D2 restricted: the discussions map of a reader outside it holds D1 only
  const light_skeleton sk(w.log.s);
  for (const principal* p : everyone(w))
    EXPECT_EQ(sk.text(w.log.s, *p), canonical(view_light_state(w.log.s, *p))) << p->user;
}

// The gzip snapshot (decision 0213): each reader's binary frame inflates (as the browser's
// DecompressionStream("gzip") and zlib do, CRC-32 and length checked) to exactly their text
// message, although its runs were deflated once for all readers.
TEST(LightSkeleton, EachReadersGzipInflatesToExactlyTheirMessage) {
  world w;
  invitations(w);
  const light_skeleton sk(w.log.s);
  for (const principal* p : everyone(w)) {
    const std::string gz = sk.message_gzip(w.log.s, *p);
    ASSERT_GE(gz.size(), 18u);
    EXPECT_EQ(gz.substr(0, 3), std::string("\x1f\x8b\x08", 3));
    EXPECT_EQ(gunzip(gz), sk.message(w.log.s, *p)) << p->user;
  }
  EXPECT_NE(sk.message_gzip(w.log.s, w.owner), sk.message_gzip(w.log.s, w.other));
}

TEST(GzipPieces, PiecesAndStoredTextsMakeOneMemberAndABrokenOneIsRefused) {
  std::string big;
  for (int i = 0; big.size() < 200000; ++i) big += "{\"id\":\"P" + std::to_string(i) + "\"},";
  gzip_writer gz;
  gz.add(deflate_piece(big));
  gz.add_stored(std::string(70000, 'x'));  // more than one stored block
  gz.add(deflate_piece(""));
  gz.add(deflate_piece("tail", 1));
  const std::string out = std::move(gz).finish();
  EXPECT_EQ(gunzip(out), big + std::string(70000, 'x') + "tail");
  EXPECT_LT(out.size(), big.size() / 4 + 70100);
  EXPECT_EQ(gunzip(std::move(gzip_writer()).finish()), "");
  std::string bad = out;
  bad[bad.size() - 6] ^= 1;  // the CRC-32
  EXPECT_THROW((void)gunzip(bad), std::runtime_error);
  EXPECT_THROW((void)gunzip(out.substr(0, out.size() - 1)), std::runtime_error);
}

}  // namespace
}  // namespace a4p::protocol::testing
