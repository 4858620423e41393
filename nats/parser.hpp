// The NATS client protocol as the server speaks it (https://docs.nats.io/reference/reference-
// protocols/nats-protocol): an incremental parser of INFO, MSG, HMSG, PING, PONG, +OK and -ERR,
// fed with whatever bytes the socket gave, in any split.
//
// Thread safety: none; one parser per connection, used by that connection's strand only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace a4p::nats {

using headers = std::vector<std::pair<std::string, std::string>>;

// A delivered message (MSG or HMSG). `status` is the header block's status code when it has one
// (503 no responders, 404 no messages, 408 request timeout, 100 idle heartbeat), else 0.
struct message {
  std::string subject;
  std::uint64_t sid = 0;
  std::string reply;
  nats::headers hdrs;
  int status = 0;
  std::string status_text;
  std::string payload;

  // The first value of header `name` (case-sensitive, as NATS sends them), or nullopt.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
};

struct info_op {
  std::string json;
};
struct ping_op {};
struct pong_op {};
struct ok_op {};
struct err_op {
  std::string text;
};
using server_op = std::variant<info_op, message, ping_op, pong_op, ok_op, err_op>;

class parser {
 public:
  // Largest control line and largest message accepted; more is a protocol error.
  explicit parser(std::size_t max_control = 64 * 1024, std::size_t max_payload = 64 * 1024 * 1024)
      : max_control_(max_control), max_payload_(max_payload) {}

  // Appends `bytes` and moves every complete operation into `out`. Returns false (and `error()`
  // says why) on bytes that are not the protocol; the connection must then be dropped.
  bool feed(std::string_view bytes, std::vector<server_op>& out);
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  bool parse_control(std::string_view line, std::vector<server_op>& out);

  std::size_t max_control_;
  std::size_t max_payload_;
  std::string buf_;
  std::size_t pos_ = 0;
  // While a MSG/HMSG's payload is awaited: the message so far and the sizes it announced.
  std::optional<message> pending_;
  std::size_t header_bytes_ = 0;
  std::size_t total_bytes_ = 0;
  std::string error_;
};

// Parses a header block "NATS/1.0[ status[ text]]\r\nKey: Value\r\n...\r\n\r\n".
bool parse_headers(std::string_view block, message& m);
// Builds one: "NATS/1.0\r\n" + "Key: Value\r\n"... + "\r\n".
[[nodiscard]] std::string encode_headers(const headers& h);

}  // namespace a4p::nats
