// server/admin/credentials: argon2id hashes in the aux space, checks for known and unknown users.
#include "server/admin/credentials.hpp"

#include <gtest/gtest.h>

#include "tests/tools/tools_test_util.hpp"

namespace a4p::server {
namespace {

using tools_test::temp_dir;

TEST(credentials, hash_is_argon2id_and_verifies) {
  std::string h = hash_password("correct horse");
  ASSERT_EQ(h.rfind("$argon2id$", 0), 0u) << h;
  EXPECT_TRUE(verify_password_hash(h, "correct horse"));
  EXPECT_FALSE(verify_password_hash(h, "correct horse "));
  EXPECT_FALSE(verify_password_hash("", "correct horse"));
  EXPECT_FALSE(verify_password_hash("not a hash", "correct horse"));
  // Salted: the same password hashes differently each time.
  EXPECT_NE(h, hash_password("correct horse"));
}

TEST(credentials, set_and_check_password_in_the_aux_space) {
  temp_dir dir;
  auto log = storage::event_log::open(dir / "data");
  ASSERT_TRUE(log) << log.error().message;
  ASSERT_TRUE(set_password(**log, "gha.delegate", "s3cret-pw"));

  auto stored = (*log)->get_aux("password/gha.delegate");
  ASSERT_TRUE(stored && stored->has_value());
  EXPECT_EQ((*stored)->find("s3cret-pw"), std::string::npos) << "stored in clear";
  EXPECT_EQ((*stored)->rfind("$argon2id$", 0), 0u);
  EXPECT_EQ((*log)->head(), 0u) << "a password must never be an event";

  EXPECT_TRUE(check_password(**log, "gha.delegate", "s3cret-pw"));
  EXPECT_FALSE(check_password(**log, "gha.delegate", "wrong"));
  EXPECT_FALSE(check_password(**log, "gha.delegate", ""));
  EXPECT_FALSE(check_password(**log, "nobody", "s3cret-pw"));
  EXPECT_FALSE(check_password(**log, "", "s3cret-pw"));

  // Replacing the password invalidates the old one.
  ASSERT_TRUE(set_password(**log, "gha.delegate", "new-pw"));
  EXPECT_TRUE(check_password(**log, "gha.delegate", "new-pw"));
  EXPECT_FALSE(check_password(**log, "gha.delegate", "s3cret-pw"));
}

TEST(credentials, refuses_empty_user_or_password) {
  temp_dir dir;
  auto log = storage::event_log::open(dir / "data");
  ASSERT_TRUE(log);
  auto st = set_password(**log, "x", "");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, storage::status_code::invalid_argument);
  EXPECT_FALSE(set_password(**log, "", "pw"));
}

TEST(credentials, random_passwords_differ_and_use_the_alphabet) {
  std::string a = random_password(16), b = random_password(16);
  EXPECT_EQ(a.size(), 16u);
  EXPECT_NE(a, b);
  for (char c : a) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << c;
    EXPECT_EQ(std::string("0O1lI").find(c), std::string::npos) << c;
  }
}

}  // namespace
}  // namespace a4p::server
