// Passwords of A4P Workspace accounts: argon2id hashes (libsodium) kept in the event log's aux
// space under "password/<user>", never in the log itself (PROTOCOL.md section 7).
//
// check_password() spends about the same time whether the user exists or not: for an unknown
// user (or one without a password) it verifies against a fixed dummy hash and answers false, so
// that a timing probe cannot tell "no such user" from "wrong password" (PROTOCOL.md section 1).
// Each hash costs crypto_pwhash OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE (about 64 MiB and
// some 50-150 ms here); callers on an io_context should run it off the network threads.
//
// Thread safety: every function may be called from any thread (sodium_init runs once, guarded
// by std::call_once; the event_log is itself thread-safe).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "storage/event_log.hpp"

namespace a4p::server {

// The aux key of a user's password hash: "password/<user>".
[[nodiscard]] std::string password_key(std::string_view user);

// Initialises libsodium once per process. Returns false if libsodium cannot be used (then
// every hash and check below fails closed). Called by the functions below; cheap to repeat.
[[nodiscard]] bool crypto_ready();

// The argon2id hash string of `password` (crypto_pwhash_str_alg, "$argon2id$v=19$...").
// Empty on failure (out of memory).
[[nodiscard]] std::string hash_password(std::string_view password);

// True when `password` matches the argon2id hash string `hash`.
[[nodiscard]] bool verify_password_hash(std::string_view hash, std::string_view password);

// The shortest password a4pd --demo-password, a4pctl user add / user password and a4pctl demo
// set, unless their --min-password says otherwise. set_password() itself does not judge.
inline constexpr std::size_t default_min_password_length = 10;
// Why `password` is refused under a minimum of `min` characters (bytes), or empty when it is not.
[[nodiscard]] std::string password_policy_problem(std::string_view password, std::size_t min);

// Hashes `password` and stores it (synced) under password_key(user), replacing any earlier one.
// REQUIRES: user and password are non-empty (an empty one is refused with invalid_argument).
[[nodiscard]] storage::status set_password(storage::event_log& log, std::string_view user,
                                           std::string_view password);

// True only when `user` has a stored hash and `password` matches it. Unknown users, users
// without a password, storage errors and empty passwords all answer false after about the same
// work as a real check.
[[nodiscard]] bool check_password(const storage::event_log& log, std::string_view user,
                                  std::string_view password);

// A random password of `length` characters from an unambiguous alphabet (no 0/O, 1/l/I),
// from libsodium's CSPRNG. For demo accounts and tests.
// REQUIRES: length > 0.
[[nodiscard]] std::string random_password(std::size_t length = 16);

}  // namespace a4p::server
