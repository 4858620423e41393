#include "server/admin/credentials.hpp"

#include <sodium.h>

#include <mutex>
#include <string>

namespace a4p::server {

namespace {

// A hash computed once, per process, of a password nobody knows: check_password() verifies
// against it when the user has no stored hash, so that both paths cost one argon2id run.
const std::string& dummy_hash() {
  static const std::string hash = [] {
    std::string pw = random_password(24);
    return hash_password(pw);
  }();
  return hash;
}

}  // namespace

std::string password_key(std::string_view user) {
  std::string key = "password/";
  key.append(user);
  return key;
}

bool crypto_ready() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] { ok = sodium_init() >= 0; });
  return ok;
}

std::string hash_password(std::string_view password) {
  if (!crypto_ready()) return {};
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return {};
  }
  return std::string(out);
}

bool verify_password_hash(std::string_view hash, std::string_view password) {
  if (!crypto_ready()) return false;
  // crypto_pwhash_str_verify wants a NUL-terminated string of at most STRBYTES - 1 chars.
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string h(hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

std::string password_policy_problem(std::string_view password, std::size_t min) {
  if (password.size() >= min) return {};
  return "the password is shorter than " + std::to_string(min) + " characters";
}

storage::status set_password(storage::event_log& log, std::string_view user,
                             std::string_view password) {
  if (user.empty() || password.empty()) {
    return std::unexpected(storage::error{storage::status_code::invalid_argument,
                                          "user name and password must not be empty"});
  }
  std::string hash = hash_password(password);
  if (hash.empty()) {
    return std::unexpected(
        storage::error{storage::status_code::io_error, "argon2id hashing failed (out of memory?)"});
  }
  return log.put_aux(password_key(user), hash);
}

bool check_password(const storage::event_log& log, std::string_view user,
                    std::string_view password) {
  // Built before the lookup, so that the first call costs the same for every user.
  const std::string& dummy = dummy_hash();
  std::string stored;
  bool known = false;
  if (!user.empty()) {
    auto got = log.get_aux(password_key(user));
    if (got && got->has_value()) {
      stored = std::move(**got);
      known = true;
    }
  }
  if (!known) {
    // Same work as a real check, same answer as a wrong password.
    (void)verify_password_hash(dummy, password);
    return false;
  }
  bool ok = verify_password_hash(stored, password);
  return ok && !password.empty();
}

std::string random_password(std::size_t length) {
  static constexpr std::string_view alphabet =
      "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  if (!crypto_ready()) return out;
  out.reserve(length);
  for (std::size_t i = 0; i < length; ++i) {
    out.push_back(alphabet[randombytes_uniform(static_cast<std::uint32_t>(alphabet.size()))]);
  }
  return out;
}

}  // namespace a4p::server
