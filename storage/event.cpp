// The stored-event codec and the chain arithmetic declared in event_log.hpp (PROTOCOL.md 6).
// The canonical JSON here is built by hand, field by field in sorted key order, because it is
// on the append path of every event; tests/storage pins it against nlohmann::json::dump().
#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include <charconv>
#include <optional>

#include "storage/canonical_json.hpp"
#include "storage/encoding.hpp"
#include "storage/event_log.hpp"

namespace a4p::storage {
namespace {

std::string to_hex(const unsigned char* d, unsigned int n) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string s(static_cast<std::size_t>(n) * 2, '\0');
  for (unsigned int i = 0; i < n; ++i) {
    s[2 * i] = hex[d[i] >> 4];
    s[2 * i + 1] = hex[d[i] & 0xf];
  }
  return s;
}

void append_actor(std::string& out, const actor& a) {
  out += "{\"org\":";
  encoding::append_json_string(out, a.org);
  out += ",\"user\":";
  encoding::append_json_string(out, a.user);
  out += '}';
}

// {"actor":{"org","user"},"data_hash","entity","name","seq","ts"}: what the chain hash covers.
std::string canonical_header(const event& e) {
  std::string out;
  out.reserve(160 + e.entity.size() + e.name.size() + e.who.user.size() + e.who.org.size());
  out += "{\"actor\":";
  append_actor(out, e.who);
  out += ",\"data_hash\":";
  encoding::append_json_string(out, e.data_hash);
  out += ",\"entity\":";
  encoding::append_json_string(out, e.entity);
  out += ",\"name\":";
  encoding::append_json_string(out, e.name);
  out += ",\"seq\":";
  out += std::to_string(e.seq);
  out += ",\"ts\":";
  encoding::append_json_string(out, e.ts);
  out += '}';
  return out;
}

// Decodes a stored event laid out exactly as to_json() writes it, without building a DOM;
// nullopt for anything else (from_json then falls back to nlohmann).
class fast_decoder {
 public:
  explicit fast_decoder(std::string_view s) : s_(s) {}

  std::optional<event> decode() {
    event e;
    if (!lit(R"({"actor":{"org":)") || !str(e.who.org) || !lit(R"(,"user":)") || !str(e.who.user) ||
        !lit(R"(},"data":)") || !data(e.data) || !lit(R"(,"data_hash":)") || !str(e.data_hash) ||
        !lit(R"(,"entity":)") || !str(e.entity) || !lit(R"(,"hash":)") || !str(e.hash) ||
        !lit(R"(,"name":)") || !str(e.name) || !lit(R"(,"seq":)") || !seq(e.seq) ||
        !lit(R"(,"ts":)") || !str(e.ts) || !lit("}") || !s_.empty()) {
      return std::nullopt;
    }
    return e;
  }

 private:
  std::string_view s_;

  bool lit(std::string_view l) {
    if (!s_.starts_with(l)) return false;
    s_.remove_prefix(l.size());
    return true;
  }
  bool str(std::string& out) {
    std::size_t n = canonical_json_string(s_, out);
    s_.remove_prefix(n);
    return n != 0;
  }
  bool data(std::string& out) {
    std::size_t n = canonical_json_object_length(s_);
    out.assign(s_.substr(0, n));
    s_.remove_prefix(n);
    return n != 0;
  }
  bool seq(std::uint64_t& out) {
    std::size_t n = 0;
    while (n < s_.size() && s_[n] >= '0' && s_[n] <= '9') ++n;
    if (n == 0 || (n > 1 && s_[0] == '0')) return false;
    auto [ptr, ec] = std::from_chars(s_.data(), s_.data() + n, out);
    if (ec != std::errc() || ptr != s_.data() + n) return false;
    s_.remove_prefix(n);
    return true;
  }
};

}  // namespace

namespace {

// One digest context per thread, reused: EVP_MD_CTX_new and the implicit algorithm fetch of
// EVP_sha256() per call were measurable on the append path (under the log's mutex).
class sha256_context {
 public:
  sha256_context() : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx_(EVP_MD_CTX_new()) {}
  ~sha256_context() {
    EVP_MD_CTX_free(ctx_);
    EVP_MD_free(md_);
  }
  sha256_context(const sha256_context&) = delete;
  sha256_context& operator=(const sha256_context&) = delete;

  // Lowercase hex SHA-256 of the concatenation of `parts`; empty if OpenSSL fails (which then
  // shows up as a hash mismatch, never as a plausible hash).
  std::string hex(std::initializer_list<std::string_view> parts) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    const EVP_MD* alg = md_ ? md_ : EVP_sha256();
    if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, alg, nullptr) != 1) return {};
    for (std::string_view p : parts) {
      if (EVP_DigestUpdate(ctx_, p.data(), p.size()) != 1) return {};
    }
    if (EVP_DigestFinal_ex(ctx_, md, &n) != 1) return {};
    return to_hex(md, n);
  }

 private:
  EVP_MD* md_;
  EVP_MD_CTX* ctx_;
};

sha256_context& thread_sha256() {
  thread_local sha256_context c;
  return c;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  return thread_sha256().hex({bytes});
}

std::string chain_hash(std::string_view prev_hash, const event& e) {
  return thread_sha256().hex({prev_hash, canonical_header(e)});
}

std::string event::to_json() const {
  std::string out;
  out.reserve(240 + data.size() + entity.size() + name.size() + who.user.size() + who.org.size());
  out += "{\"actor\":";
  append_actor(out, who);
  out += ",\"data\":";
  out += data;  // already canonical JSON (checked on append)
  out += ",\"data_hash\":";
  encoding::append_json_string(out, data_hash);
  out += ",\"entity\":";
  encoding::append_json_string(out, entity);
  out += ",\"hash\":";
  encoding::append_json_string(out, hash);
  out += ",\"name\":";
  encoding::append_json_string(out, name);
  out += ",\"seq\":";
  out += std::to_string(seq);
  out += ",\"ts\":";
  encoding::append_json_string(out, ts);
  out += '}';
  return out;
}

result<event> event::from_json(std::string_view stored) {
  auto bad = [](std::string what) {
    return std::unexpected(error{status_code::corruption, "stored event: " + std::move(what)});
  };
  if (auto fast = fast_decoder(stored).decode()) return std::move(*fast);
  try {
    auto j = nlohmann::json::parse(stored, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return bad("not JSON");
    if (!j.is_object()) return bad("not a JSON object");
    auto str = [&](const nlohmann::json& o, const char* k, std::string& out) {
      auto it = o.find(k);
      if (it == o.end() || !it->is_string()) return false;
      out = it->get<std::string>();
      return true;
    };
    event e;
    auto a = j.find("actor");
    if (a == j.end() || !a->is_object()) return bad("missing actor");
    if (!str(*a, "user", e.who.user) || !str(*a, "org", e.who.org)) return bad("bad actor");
    if (!str(j, "name", e.name)) return bad("missing name");
    if (!str(j, "entity", e.entity)) return bad("missing entity");
    if (!str(j, "ts", e.ts)) return bad("missing ts");
    if (!str(j, "data_hash", e.data_hash)) return bad("missing data_hash");
    if (!str(j, "hash", e.hash)) return bad("missing hash");
    auto s = j.find("seq");
    if (s == j.end() || !s->is_number_unsigned()) return bad("missing seq");
    e.seq = s->get<std::uint64_t>();
    auto d = j.find("data");
    if (d == j.end() || !d->is_object()) return bad("missing data");
    e.data = d->dump();
    return e;
  } catch (const std::exception& ex) {
    return bad(ex.what());
  }
}

}  // namespace a4p::storage
