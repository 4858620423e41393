// Concurrent work per user, bounded (issue 11 item 3): at most `limit` at once for one user,
// each held by a handle that gives its place back when the handle's last copy goes. a4pd keeps
// two: REST reads in flight per user (--max-user-reads) and WebSocket resumes still catching
// up from the log per user (--max-user-catch-ups).
//
// Thread safety: take() may be called from any thread, and a handle released on any thread;
// handles may outlive this object.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace a4p::server {

class user_slots {
 public:
  explicit user_slots(std::size_t limit);
  // A place for `user`; null when the user already holds `limit`.
  [[nodiscard]] std::shared_ptr<void> take(const std::string& user);

 private:
  struct shared {
    std::mutex mu;
    std::unordered_map<std::string, std::size_t> held;  // GUARDED_BY(mu)
  };
  std::size_t limit_;
  std::shared_ptr<shared> s_ = std::make_shared<shared>();
};

}  // namespace a4p::server
