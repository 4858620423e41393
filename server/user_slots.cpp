#include "server/user_slots.hpp"

namespace a4p::server {

user_slots::user_slots(std::size_t limit) : limit_(limit) {}

std::shared_ptr<void> user_slots::take(const std::string& user) {
  {
    std::lock_guard lock(s_->mu);
    auto& n = s_->held[user];
    if (n >= limit_) return nullptr;
    ++n;
  }
  // The handle owns nothing but its place: the deleter gives it back. (Its pointer is not null,
  // so that the handle tests true.)
  return {static_cast<void*>(s_.get()), [s = s_, user](void*) {
            std::lock_guard lock(s->mu);
            if (auto it = s->held.find(user); it != s->held.end() && --it->second == 0)
              s->held.erase(it);
          }};
}

}  // namespace a4p::server
