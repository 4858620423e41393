// nats/parser: the server's operations parsed from bytes split at every possible place, and
// bytes that are not the protocol refused with a reason.
#include "nats/parser.hpp"

#include <gtest/gtest.h>

namespace a4p::nats {
namespace {

std::string hmsg(const std::string& head, const std::string& block, const std::string& payload) {
  return "HMSG " + head + " " + std::to_string(block.size()) + " " +
         std::to_string(block.size() + payload.size()) + "\r\n" + block + payload + "\r\n";
}

const std::string stream =
    "INFO {\"server_id\":\"X\",\"headers\":true}\r\n"
    "PING\r\n"
    "MSG a.b 7 12\r\nhello\r\nworld\r\n"
    "MSG a.b 8 _INBOX.x.1 0\r\n\r\n" +
    hmsg("$JS.ACK.S 9 _INBOX.y.2", "NATS/1.0\r\nNats-Msg-Id: k1\r\nA: b c\r\n\r\n", "hello") +
    hmsg("_INBOX.z.3 4", "NATS/1.0 503 No Responders\r\n\r\n", "") +
    "+OK\r\n"
    "-ERR 'Unknown Protocol Operation'\r\n"
    "PONG\r\n";

void check(const std::vector<server_op>& ops) {
  ASSERT_EQ(ops.size(), 9u);
  EXPECT_EQ(std::get<info_op>(ops[0]).json, "{\"server_id\":\"X\",\"headers\":true}");
  EXPECT_TRUE(std::holds_alternative<ping_op>(ops[1]));
  const auto& m1 = std::get<message>(ops[2]);
  EXPECT_EQ(m1.subject, "a.b");
  EXPECT_EQ(m1.sid, 7u);
  EXPECT_EQ(m1.reply, "");
  EXPECT_EQ(m1.payload, "hello\r\nworld");  // a payload may hold CRLF
  const auto& m2 = std::get<message>(ops[3]);
  EXPECT_EQ(m2.reply, "_INBOX.x.1");
  EXPECT_EQ(m2.payload, "");
  const auto& m3 = std::get<message>(ops[4]);
  EXPECT_EQ(m3.sid, 9u);
  EXPECT_EQ(m3.reply, "_INBOX.y.2");
  EXPECT_EQ(m3.header("Nats-Msg-Id"), "k1");
  EXPECT_EQ(m3.header("A"), "b c");
  EXPECT_EQ(m3.status, 0);
  EXPECT_EQ(m3.payload, "hello");
  const auto& m4 = std::get<message>(ops[5]);
  EXPECT_EQ(m4.status, 503);
  EXPECT_EQ(m4.status_text, "No Responders");
  EXPECT_TRUE(std::holds_alternative<ok_op>(ops[6]));
  EXPECT_EQ(std::get<err_op>(ops[7]).text, "Unknown Protocol Operation");
  EXPECT_TRUE(std::holds_alternative<pong_op>(ops[8]));
}

TEST(nats_parser, whole_and_split_at_every_byte_give_the_same_operations) {
  {
    parser p;
    std::vector<server_op> ops;
    ASSERT_TRUE(p.feed(stream, ops)) << p.error();
    check(ops);
  }
  for (std::size_t cut = 1; cut < stream.size(); ++cut) {
    parser p;
    std::vector<server_op> ops;
    ASSERT_TRUE(p.feed(std::string_view(stream).substr(0, cut), ops)) << cut << ": " << p.error();
    ASSERT_TRUE(p.feed(std::string_view(stream).substr(cut), ops)) << cut << ": " << p.error();
    check(ops);
  }
  parser p;  // one byte at a time
  std::vector<server_op> ops;
  for (char c : stream) ASSERT_TRUE(p.feed(std::string_view(&c, 1), ops)) << p.error();
  check(ops);
}

TEST(nats_parser, bytes_that_are_not_the_protocol_are_refused_with_a_reason) {
  const std::vector<std::string> bad = {
      "HELLO\r\n",                  // unknown operation
      "MSG a.b x 3\r\nabc\r\n",     // sid not a number
      "MSG a.b 1 3\r\nabcd\r\n",    // payload longer than announced
      "HMSG a 1 40 10\r\n",         // header bytes over total
      "HMSG a 1 5 5\r\nXXXXX\r\n",  // not a header block
      std::string(70 * 1024, 'A'),  // control line over the limit, no CRLF
  };
  for (const auto& b : bad) {
    parser p;
    std::vector<server_op> ops;
    EXPECT_FALSE(p.feed(b, ops)) << b.substr(0, 40);
    EXPECT_FALSE(p.error().empty());
    EXPECT_FALSE(p.feed("PING\r\n", ops)) << "a parser that failed stays failed";
  }
  parser small(4096, 16);
  std::vector<server_op> ops;
  EXPECT_FALSE(small.feed("MSG a 1 17\r\n", ops)) << "a message over max_payload is refused";
}

TEST(nats_parser, headers_round_trip) {
  headers h = {{"Nats-Msg-Id", "u-42"}, {"Nats-Expected-Last-Sequence", "7"}};
  message m;
  ASSERT_TRUE(parse_headers(encode_headers(h), m));
  EXPECT_EQ(m.hdrs, h);
  EXPECT_EQ(m.status, 0);
}

}  // namespace
}  // namespace a4p::nats
