#include "protocol/gzip_pieces.hpp"

#include <zlib.h>

#include <algorithm>
#include <stdexcept>

namespace a4p::protocol {
namespace {

void put_le32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

std::uint32_t crc_of(std::string_view text) {
  return static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(text.data()), static_cast<uInt>(text.size())));
}

}  // namespace

deflated_piece deflate_piece(std::string_view text, int level) {
  deflated_piece p;
  p.size = text.size();
  p.crc = crc_of(text);
  if (text.empty()) return p;
  z_stream z{};
  // Raw deflate (negative window bits): no zlib header, the gzip member is written around it.
  if (deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  p.data.resize(deflateBound(&z, z.avail_in) + 16);
  z.next_out = reinterpret_cast<Bytef*>(p.data.data());
  z.avail_out = static_cast<uInt>(p.data.size());
  const int rc = deflate(&z, Z_FULL_FLUSH);
  const std::size_t used = p.data.size() - z.avail_out;
  deflateEnd(&z);
  if (rc != Z_OK || z.avail_in != 0) throw std::runtime_error("deflate failed");
  p.data.resize(used);
  return p;
}

gzip_writer::gzip_writer() {
  // ID1 ID2, CM deflate, no flags, no mtime, XFL 0, OS unknown.
  out_.assign("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
}

void gzip_writer::add(const deflated_piece& piece) {
  out_ += piece.data;
  crc_ =
      static_cast<std::uint32_t>(crc32_combine(crc_, piece.crc, static_cast<z_off_t>(piece.size)));
  size_ += piece.size;
}

void gzip_writer::add_stored(std::string_view text) {
  crc_ = static_cast<std::uint32_t>(
      crc32(crc_, reinterpret_cast<const Bytef*>(text.data()), static_cast<uInt>(text.size())));
  size_ += text.size();
  while (!text.empty()) {
    // A stored block, not final: the header's three bits padded to a byte, LEN, NLEN, bytes.
    const auto n = static_cast<std::uint16_t>(std::min<std::size_t>(text.size(), 65535));
    out_ += '\0';
    out_ += static_cast<char>(n & 0xff);
    out_ += static_cast<char>(n >> 8);
    out_ += static_cast<char>(~n & 0xff);
    out_ += static_cast<char>((~n >> 8) & 0xff);
    out_.append(text.substr(0, n));
    text.remove_prefix(n);
  }
}

std::string gzip_writer::finish() && {
  out_.append("\x01\x00\x00\xff\xff", 5);  // an empty stored block, final
  put_le32(out_, crc_);
  put_le32(out_, static_cast<std::uint32_t>(size_));
  return std::move(out_);
}

std::string gunzip(std::string_view gz) {
  z_stream z{};
  if (inflateInit2(&z, 16 + 15) != Z_OK) throw std::runtime_error("inflateInit2 failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buf[65536];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
  }
  const bool whole = rc == Z_STREAM_END && z.avail_in == 0;
  inflateEnd(&z);
  if (!whole) throw std::runtime_error("not one whole gzip member");
  return out;
}

std::string gunzip_prefix(std::string_view gz, std::size_t n) {
  z_stream z{};
  if (inflateInit2(&z, 16 + 15) != Z_OK) throw std::runtime_error("inflateInit2 failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  std::string out(n, '\0');
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(n);
  int rc = Z_OK;
  while (rc == Z_OK && z.avail_out != 0) rc = inflate(&z, Z_NO_FLUSH);
  inflateEnd(&z);
  if (rc != Z_OK && rc != Z_STREAM_END) throw std::runtime_error("not a gzip member");
  out.resize(n - z.avail_out);
  return out;
}

}  // namespace a4p::protocol
