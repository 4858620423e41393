// Deflate pieces that concatenate into one gzip member (issue 18, decision 0213).
//
// A piece is raw deflate of its text compressed on its own (no history shared with any other
// piece) and ended with Z_FULL_FLUSH, so it stops on a byte boundary with no final block. Any
// sequence of pieces, with small texts written as stored blocks between them, is then one
// valid deflate stream; gzip_writer closes it with an empty final block and the gzip trailer,
// whose CRC-32 is put together from the pieces' own (crc32_combine). So a text made of parts
// chosen per reader (the light skeleton, light_skeleton.hpp) is compressed once per part and
// each reader's gzip costs a concatenation, not a compression.
//
// Thread safety: deflated_piece is a value; gzip_writer is used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace a4p::protocol {

struct deflated_piece {
  std::string data;        // raw deflate, byte-aligned, no final block (empty for "")
  std::uint32_t crc = 0;   // CRC-32 of the text
  std::uint64_t size = 0;  // the text's length
};

// level: zlib's 1..9. Compressing costs CPU once; every reader only copies `data`.
[[nodiscard]] deflated_piece deflate_piece(std::string_view text, int level = 6);

// One gzip member (RFC 1952) written from pieces and stored texts, in order.
class gzip_writer {
 public:
  gzip_writer();
  void reserve(std::size_t bytes) { out_.reserve(bytes); }
  void add(const deflated_piece& piece);
  // A short text as stored (uncompressed) blocks: for the few bytes that differ per message.
  void add_stored(std::string_view text);
  [[nodiscard]] std::string finish() &&;

 private:
  std::string out_;
  std::uint32_t crc_ = 0;
  std::uint64_t size_ = 0;
};

// The text of one gzip member (for tests and tools); throws std::runtime_error when it is not
// a valid gzip member.
[[nodiscard]] std::string gunzip(std::string_view gz);
// The first (up to) `n` bytes of a gzip member's text, inflating no more than that: a cheap
// look at a big member (the load tool reads a snapshot's seq so). Throws as gunzip().
[[nodiscard]] std::string gunzip_prefix(std::string_view gz, std::size_t n);

}  // namespace a4p::protocol
