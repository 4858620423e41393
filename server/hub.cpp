#include "server/hub.hpp"

#include <algorithm>

#include "protocol/messages.hpp"
#include "server/websocket_session.hpp"

namespace a4p::server {

bool hub::reserve(const std::string& user) {
  std::lock_guard lock(mu_);
  auto& n = per_user_[user];
  if (n >= max_per_user_) return false;
  ++n;
  return true;
}

void hub::release(const std::string& user) {
  std::lock_guard lock(mu_);
  auto it = per_user_.find(user);
  if (it == per_user_.end()) return;
  if (--it->second == 0) per_user_.erase(it);
}

void hub::enroll(std::uint64_t id, const std::weak_ptr<websocket_session>& s,
                 const std::string& user, const std::string& token_hash) {
  std::lock_guard lock(mu_);
  members_[id] = member{s, user, token_hash, false, false, false, {}, {}, {}};
}

void hub::prepare(std::uint64_t id, const protocol::principal& v, bool light) {
  std::lock_guard lock(mu_);
  auto it = members_.find(id);
  if (it == members_.end()) return;
  it->second.v = v;
  it->second.prepared = true;
  it->second.light = light;
}

bool hub::add(std::uint64_t id, const protocol::principal& v) {
  std::lock_guard lock(mu_);
  auto it = members_.find(id);
  if (it == members_.end()) return false;
  it->second.v = v;
  it->second.prepared = true;
  it->second.live = true;
  it->second.catching_up.reset();
  return true;
}

void hub::hold(std::uint64_t id, std::shared_ptr<void> h) {
  std::lock_guard lock(mu_);
  if (auto it = members_.find(id); it != members_.end()) it->second.catching_up = std::move(h);
}

std::set<std::string> hub::erase_locked(std::uint64_t id) {
  auto it = members_.find(id);
  if (it == members_.end()) return {};
  auto rooms = std::move(it->second.rooms);
  members_.erase(it);
  for (const auto& r : rooms) {
    auto rit = rooms_.find(r);
    if (rit == rooms_.end()) continue;
    rit->second.erase(id);
    if (rit->second.empty()) rooms_.erase(rit);
  }
  return rooms;
}

void hub::remove(std::uint64_t id) {
  std::set<std::string> rooms;
  {
    std::lock_guard lock(mu_);
    rooms = erase_locked(id);
  }
  for (const auto& r : rooms) local_changed(r);
}

void hub::broadcast(const fanout& f) {
  // Copy the recipients under the lock, send outside it.
  std::vector<std::pair<std::shared_ptr<websocket_session>, feed_item>> out;
  {
    std::lock_guard lock(mu_);
    out.reserve(members_.size());
    for (const auto& [id, m] : members_) {
      if (!m.live) continue;
      auto item = f.item_for(m.v, m.light ? &m.rooms : nullptr);
      if (!item) continue;
      if (auto s = m.s.lock()) out.emplace_back(std::move(s), std::move(*item));
    }
  }
  for (auto& [s, item] : out) s->deliver_events({std::move(item)});
}

void hub::broadcast(const std::vector<std::shared_ptr<const fanout>>& events) {
  if (events.size() == 1) return broadcast(*events.front());
  struct recipient {
    std::shared_ptr<websocket_session> s;
    protocol::principal v;
    std::optional<std::set<std::string>> rooms;  // a light session's, when the batch has ticks
  };
  bool ticks = false;
  for (const auto& f : events) ticks = ticks || f->tick;
  std::vector<recipient> out;
  {
    std::lock_guard lock(mu_);
    out.reserve(members_.size());
    for (const auto& [id, m] : members_)
      if (m.live)
        if (auto s = m.s.lock())
          out.push_back(
              {std::move(s), m.v, m.light && ticks ? std::optional(m.rooms) : std::nullopt});
  }
  for (auto& r : out) {
    std::vector<feed_item> mine;
    mine.reserve(events.size());
    for (const auto& f : events)
      if (auto item = f->item_for(r.v, r.rooms ? &*r.rooms : nullptr))
        mine.push_back(std::move(*item));
    r.s->deliver_events(std::move(mine));
  }
}

void hub::close_token(const std::string& token_hash, int code) {
  std::vector<std::shared_ptr<websocket_session>> out;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, m] : members_)
      if (m.token_hash == token_hash)
        if (auto s = m.s.lock()) out.push_back(std::move(s));
  }
  for (auto& s : out) s->close(code);
}

void hub::close_users(const std::vector<std::string>& users, int code) {
  std::vector<std::shared_ptr<websocket_session>> out;
  std::set<std::string> rooms;
  {
    std::lock_guard lock(mu_);
    std::vector<std::uint64_t> ids;
    for (const auto& [id, m] : members_)
      if (std::find(users.begin(), users.end(), m.user) != users.end()) {
        ids.push_back(id);
        if (auto s = m.s.lock()) out.push_back(std::move(s));
      }
    for (auto id : ids) rooms.merge(erase_locked(id));
  }
  for (const auto& r : rooms) local_changed(r);
  for (auto& s : out) s->close(code);
}

std::unordered_map<std::string, std::size_t> hub::connections_per_user() const {
  std::lock_guard lock(mu_);
  return per_user_;
}

void hub::close_all(int code) {
  std::vector<std::shared_ptr<websocket_session>> out;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, m] : members_)
      if (auto s = m.s.lock()) out.push_back(std::move(s));
  }
  for (auto& s : out) s->close(code);
}

std::size_t hub::size() const {
  std::lock_guard lock(mu_);
  return members_.size();
}

std::optional<protocol::principal> hub::viewer_of(std::uint64_t id) const {
  std::lock_guard lock(mu_);
  auto it = members_.find(id);
  if (it == members_.end() || !it->second.prepared) return std::nullopt;
  return it->second.v;
}

std::optional<std::set<std::string>> hub::feed_rooms(std::uint64_t id) const {
  std::lock_guard lock(mu_);
  auto it = members_.find(id);
  if (it == members_.end() || !it->second.light) return std::nullopt;
  return it->second.rooms;
}

bool hub::in_room(std::uint64_t id, const std::string& room) const {
  std::lock_guard lock(mu_);
  auto it = members_.find(id);
  return it != members_.end() && it->second.rooms.contains(room);
}

hub::join_result hub::join(std::uint64_t id, const std::string& room) {
  {
    std::lock_guard lock(mu_);
    auto it = members_.find(id);
    if (it == members_.end() || !it->second.prepared) return join_result::gone;
    if (it->second.rooms.contains(room)) return join_result::already;
    if (it->second.rooms.size() >= max_rooms_) return join_result::too_many;
    it->second.rooms.insert(room);
    rooms_[room].insert(id);
  }
  local_changed(room);
  return join_result::joined;
}

void hub::leave(std::uint64_t id, const std::string& room) {
  {
    std::lock_guard lock(mu_);
    auto it = members_.find(id);
    if (it == members_.end() || it->second.rooms.erase(room) == 0) return;
    auto rit = rooms_.find(room);
    if (rit != rooms_.end()) {
      rit->second.erase(id);
      if (rit->second.empty()) rooms_.erase(rit);
    }
  }
  local_changed(room);
}

void hub::announce(const std::string& room) {
  std::vector<std::shared_ptr<websocket_session>> out;
  presence_list present;
  {
    std::lock_guard lock(mu_);
    auto rit = rooms_.find(room);
    if (rit == rooms_.end()) return;
    for (auto id : rit->second)
      if (auto it = members_.find(id); it != members_.end())
        if (auto s = it->second.s.lock()) out.push_back(std::move(s));
    present = union_locked(room);
  }
  auto msg = std::make_shared<const std::string>(protocol::presence_message(room, present));
  for (auto& s : out) s->send(msg);
}

void hub::local_changed(const std::string& room) {
  announce(room);
  if (on_local_change_) on_local_change_(room);
}

namespace {
// Appends (user, org) to `out` unless `seen` has it (a user with two tabs counts once).
void add_once(hub::presence_list& out, std::set<std::pair<std::string, std::string>>& seen,
              const std::string& user, const std::string& org) {
  if (seen.emplace(user, org).second) out.push_back({user, org});
}
}  // namespace

hub::presence_list hub::local_locked(const std::string& room) const {
  presence_list out;
  std::set<std::pair<std::string, std::string>> seen;
  if (auto rit = rooms_.find(room); rit != rooms_.end())
    for (auto id : rit->second)
      if (auto it = members_.find(id); it != members_.end())
        add_once(out, seen, it->second.v.user, it->second.v.org);
  return out;
}

hub::presence_list hub::union_locked(const std::string& room) const {
  auto out = local_locked(room);
  auto rit = remote_.find(room);
  if (rit == remote_.end()) return out;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& m : out) seen.emplace(m.user, m.org);
  for (const auto& [node, members] : rit->second)
    for (const auto& m : members) add_once(out, seen, m.user, m.org);
  return out;
}

hub::presence_list hub::local_presence(const std::string& room) const {
  std::lock_guard lock(mu_);
  return local_locked(room);
}

std::map<std::string, hub::presence_list> hub::local_presence() const {
  std::lock_guard lock(mu_);
  std::map<std::string, presence_list> out;
  for (const auto& [room, ids] : rooms_) out.emplace(room, local_locked(room));
  return out;
}

bool hub::replace_remote_locked(const std::string& node, const std::string& room,
                                presence_list members) {
  // Only a room with local sessions is announced; the others just keep the list.
  const bool watched = rooms_.contains(room);
  presence_list before;
  if (watched) before = union_locked(room);
  auto& nodes = remote_[room];
  if (members.empty())
    nodes.erase(node);
  else
    nodes[node] = std::move(members);
  if (nodes.empty()) remote_.erase(room);
  if (!watched) return false;
  const auto after = union_locked(room);
  return !std::ranges::equal(before, after, [](const auto& a, const auto& b) {
    return a.user == b.user && a.org == b.org;
  });
}

void hub::set_remote(const std::string& node, const std::string& room, presence_list members) {
  bool changed = false;
  {
    std::lock_guard lock(mu_);
    changed = replace_remote_locked(node, room, std::move(members));
  }
  if (changed) announce(room);
}

}  // namespace a4p::server
