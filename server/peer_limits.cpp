#include "server/peer_limits.hpp"

#include <utility>

namespace a4p::server {

connection_slot& connection_slot::operator=(connection_slot&& o) noexcept {
  if (this != &o) {
    reset();
    owner_ = std::exchange(o.owner_, nullptr);
    address_ = std::move(o.address_);
    unfinished_ = std::exchange(o.unfinished_, false);
  }
  return *this;
}

void connection_slot::handshake_done() {
  if (!owner_ || !unfinished_) return;
  unfinished_ = false;
  owner_->give_back(address_, true, false);
}

void connection_slot::reset() {
  if (!owner_) return;
  owner_->give_back(address_, std::exchange(unfinished_, false), true);
  owner_ = nullptr;
}

bool peer_limits::take(const std::string& address, bool exempt, connection_slot& slot) {
  if (exempt) return true;
  slot.reset();  // before the lock: it gives back its own places
  std::lock_guard lock(mu_);
  auto& c = by_address_[address];
  if (c.open >= max_connections_ || c.unfinished >= max_unfinished_) {
    if (c.open == 0) by_address_.erase(address);
    return false;
  }
  ++c.open;
  ++c.unfinished;
  slot.owner_ = this;
  slot.address_ = address;
  slot.unfinished_ = true;
  return true;
}

void peer_limits::give_back(const std::string& address, bool unfinished, bool open) {
  std::lock_guard lock(mu_);
  auto it = by_address_.find(address);
  if (it == by_address_.end()) return;
  if (unfinished) --it->second.unfinished;
  if (open) --it->second.open;
  if (it->second.open == 0) by_address_.erase(it);
}

}  // namespace a4p::server
