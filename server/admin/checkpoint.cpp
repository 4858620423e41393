#include "server/admin/checkpoint.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <mutex>

#include "protocol/json_codec.hpp"
#include "storage/event_log.hpp"

namespace a4p::server {

using json = nlohmann::json;

namespace {

bool sodium_ready() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] { ok = sodium_init() >= 0; });
  return ok;
}

std::string to_hex(const unsigned char* p, std::size_t n) {
  std::string out(n * 2, '0');
  sodium_bin2hex(out.data(), out.size() + 1, p, n);
  return out;
}

template <std::size_t N>
bool from_hex(std::string_view hex, std::array<unsigned char, N>& out) {
  if (hex.size() != N * 2) return false;
  std::size_t len = 0;
  return sodium_hex2bin(out.data(), N, hex.data(), hex.size(), nullptr, &len, nullptr) == 0 &&
         len == N;
}

std::expected<std::string, std::string> first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return std::unexpected("cannot read " + path);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

}  // namespace

std::string checkpoint_statement(std::string_view epoch, std::uint64_t seq, std::string_view hash,
                                 std::string_view time) {
  return protocol::canonical(json{{"epoch", epoch}, {"hash", hash}, {"seq", seq}, {"time", time}});
}

std::string checkpoint_index_key(std::uint64_t event_seq) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%020llu", static_cast<unsigned long long>(event_seq));
  return std::string(checkpoint_index_prefix) + buf;
}

std::string key_fingerprint(const std::array<unsigned char, 32>& public_key) {
  return storage::sha256_hex(
      std::string_view(reinterpret_cast<const char*>(public_key.data()), public_key.size()));
}

std::expected<checkpoint_signer, std::string> checkpoint_signer::load(const std::string& path) {
  if (!sodium_ready()) return std::unexpected("libsodium did not initialise");
  auto line = first_line(path);
  if (!line) return std::unexpected(line.error());
  std::array<unsigned char, crypto_sign_SEEDBYTES> seed{};
  if (!from_hex(*line, seed))
    return std::unexpected(path + ": expected one line of 64 hex characters (an Ed25519 seed)");
  checkpoint_signer s;
  crypto_sign_seed_keypair(s.public_.data(), s.secret_.data(), seed.data());
  sodium_memzero(seed.data(), seed.size());
  s.fingerprint_ = key_fingerprint(s.public_);
  return s;
}

std::string checkpoint_signer::public_key_hex() const {
  return to_hex(public_.data(), public_.size());
}

json checkpoint_signer::sign(std::string_view epoch, std::uint64_t seq, std::string_view hash,
                             std::string_view time) const {
  const auto msg = checkpoint_statement(epoch, seq, hash, time);
  std::array<unsigned char, crypto_sign_BYTES> sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(msg.data()),
                       msg.size(), secret_.data());
  return {{"epoch", epoch}, {"hash", hash}, {"key", fingerprint_},
          {"seq", seq},     {"time", time}, {"signature", to_hex(sig.data(), sig.size())}};
}

std::expected<std::string, std::string> generate_key_files(const std::string& prefix) {
  if (!sodium_ready()) return std::unexpected("libsodium did not initialise");
  std::array<unsigned char, crypto_sign_SEEDBYTES> seed{};
  randombytes_buf(seed.data(), seed.size());
  std::array<unsigned char, 32> pub{};
  std::array<unsigned char, 64> secret{};
  crypto_sign_seed_keypair(pub.data(), secret.data(), seed.data());
  const std::string key_path = prefix + ".key", pub_path = prefix + ".pub";
  // O_EXCL through "x": never overwrite a key; 0600 before any byte is written.
  const auto old_mask = ::umask(077);
  std::FILE* f = std::fopen(key_path.c_str(), "wx");
  ::umask(old_mask);
  if (!f) return std::unexpected(key_path + ": cannot create (does it exist already?)");
  const auto seed_hex = to_hex(seed.data(), seed.size());
  const bool ok = std::fprintf(f, "%s\n", seed_hex.c_str()) > 0 && std::fclose(f) == 0;
  sodium_memzero(seed.data(), seed.size());
  sodium_memzero(secret.data(), secret.size());
  if (!ok) return std::unexpected(key_path + ": write failed");
  std::ofstream out(pub_path, std::ios::trunc);
  out << to_hex(pub.data(), pub.size()) << "\n";
  if (!out.flush()) return std::unexpected(pub_path + ": write failed");
  return key_fingerprint(pub);
}

std::expected<std::array<unsigned char, 32>, std::string> read_public_key(const std::string& path) {
  if (!sodium_ready()) return std::unexpected("libsodium did not initialise");
  auto line = first_line(path);
  if (!line) return std::unexpected(line.error());
  std::array<unsigned char, 32> key{};
  if (!from_hex(*line, key))
    return std::unexpected(path + ": expected one line of 64 hex characters (a public key)");
  return key;
}

std::expected<std::vector<json>, std::string> read_checkpoints(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected("cannot read " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  protocol::parse_limits lim;
  lim.max_bytes = 256 * 1024 * 1024;
  lim.max_depth = 8;
  std::vector<json> out;
  if (auto whole = protocol::parse_untrusted(text, lim);
      whole && whole->is_object() && whole->contains("checkpoints")) {
    const auto& list = (*whole)["checkpoints"];
    if (!list.is_array()) return std::unexpected(path + ": \"checkpoints\" is not an array");
    for (const auto& c : list) out.push_back(c);
    return out;
  }
  std::size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.empty()) continue;
    auto j = protocol::parse_untrusted(line, lim);
    if (!j || !j->is_object())
      return std::unexpected(path + ": line " + std::to_string(line_no) + " is not a JSON object");
    if (j->contains("name")) {  // an event of an export: only checkpoints count
      if ((*j)["name"] == checkpoint_event && (*j)["data"].is_object()) out.push_back((*j)["data"]);
      continue;
    }
    out.push_back(std::move(*j));
  }
  return out;
}

std::string check_checkpoint_signature(const json& cp,
                                       const std::vector<std::array<unsigned char, 32>>& keys) {
  if (!cp.is_object()) return "not an object";
  for (const char* f : {"epoch", "hash", "key", "signature", "time"})
    if (!cp.contains(f) || !cp[f].is_string()) return std::string("missing ") + f;
  if (!cp.contains("seq") || !cp["seq"].is_number_integer() || cp["seq"].get<std::int64_t>() < 1)
    return "missing seq";
  std::array<unsigned char, crypto_sign_BYTES> sig{};
  if (!from_hex(cp["signature"].get<std::string>(), sig)) return "malformed signature";
  for (const auto& k : keys) {
    if (key_fingerprint(k) != cp["key"].get<std::string>()) continue;
    const auto msg =
        checkpoint_statement(cp["epoch"].get<std::string>(), cp["seq"].get<std::uint64_t>(),
                             cp["hash"].get<std::string>(), cp["time"].get<std::string>());
    if (crypto_sign_verify_detached(sig.data(), reinterpret_cast<const unsigned char*>(msg.data()),
                                    msg.size(), k.data()) != 0)
      return "bad signature";
    return "";
  }
  return "signed by key " + cp["key"].get<std::string>() + ", which is not among the given keys";
}

std::string utc_now_rfc3339() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto secs = system_clock::to_time_t(now);
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace a4p::server
