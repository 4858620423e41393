#include "server/past_states.hpp"

namespace a4p::server {

std::size_t past_states::bytes_of(const protocol::state& s) {
  return s.arena().bytes() + s.table_bytes();
}

storage::result<std::shared_ptr<const protocol::state>> past_states::get(std::uint64_t seq,
                                                                         const load_fn& load) {
  {
    std::lock_guard lock(mu_);
    if (auto it = by_seq_.find(seq); it != by_seq_.end()) {
      ++hits_;
      lru_.splice(lru_.begin(), lru_, it->second);
      return it->second->state;
    }
    ++misses_;
  }
  auto loaded = load(seq);
  if (!loaded) return std::unexpected(loaded.error());
  auto state = std::make_shared<const protocol::state>(std::move(*loaded));
  const std::size_t bytes = bytes_of(*state);
  if (bytes > max_bytes_) return state;
  std::lock_guard lock(mu_);
  if (auto it = by_seq_.find(seq); it != by_seq_.end()) return it->second->state;  // built twice
  lru_.push_front({seq, state, bytes});
  by_seq_[seq] = lru_.begin();
  bytes_ += bytes;
  while (bytes_ > max_bytes_) {
    bytes_ -= lru_.back().bytes;
    by_seq_.erase(lru_.back().seq);
    lru_.pop_back();
  }
  return state;
}

past_states::counts past_states::stats() const {
  std::lock_guard lock(mu_);
  return {lru_.size(), bytes_, hits_, misses_};
}

}  // namespace a4p::server
