// Helpers shared by the storage tests: a self-removing temp directory, event builders, and an
// independent SHA-256 (OpenSSL's one-shot SHA256, not storage's sha256_hex).
#pragma once

#include <openssl/sha.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "storage/event_log.hpp"

namespace a4p::storage::test {

class temp_dir {
 public:
  temp_dir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "a4p-storage-XXXXXX").string();
    char* p = mkdtemp(tmpl.data());
    path_ = p ? p : "";
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  // A path inside the temp dir that does not exist yet.
  [[nodiscard]] std::string sub(std::string_view name) const {
    return path_ + "/" + std::string(name);
  }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string independent_sha256_hex(std::string_view s) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), md);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : md) {
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 0xf]);
  }
  return out;
}

// A pledge-like event whose data is canonical JSON; `n` varies the content.
inline new_event make_event(int n, std::string user = "gbr.delegate", std::string org = "GBR") {
  std::string id = "P" + std::to_string(n);
  return new_event{actor{std::move(user), std::move(org)}, "pledge.created", "pledge:" + id,
                   R"({"id":")" + id + R"(","output":{"indicator":"trained staff","target":)" +
                       std::to_string(100 + n) + R"(},"theme":"politics","title":"Pledge number )" +
                       std::to_string(n) + R"("})"};
}

inline append_request one(new_event e, std::string key = {}, std::string value = {}) {
  append_request r;
  r.events.push_back(std::move(e));
  r.idempotency_key = std::move(key);
  r.idempotency_value = std::move(value);
  return r;
}

}  // namespace a4p::storage::test
