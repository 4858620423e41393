#include "server/cluster_presence.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <utility>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "nats/client.hpp"
#include "server/hub.hpp"

namespace a4p::server {

namespace {
using namespace std::chrono_literals;
using json = nlohmann::json;
using steady = std::chrono::steady_clock;
constexpr std::size_t max_report_bytes = 256 * 1024;

json members_json(const hub::presence_list& members) {
  json out = json::array();
  for (const auto& m : members) out.push_back({{"user", m.user}, {"org", m.org}});
  return out;
}

// A report's member list; members without a string user or org are skipped.
hub::presence_list members_of(const json& j) {
  hub::presence_list out;
  if (!j.is_array()) return out;
  for (const auto& m : j)
    if (m.is_object() && m.contains("user") && m["user"].is_string() && m.contains("org") &&
        m["org"].is_string())
      out.push_back({m["user"].get<std::string>(), m["org"].get<std::string>()});
  return out;
}
}  // namespace

struct cluster_presence::state {
  nats::client& c;
  hub& clients;
  options o;
  std::atomic<bool> alive{true};
  // Held by whatever runs on the strand and by stop(): once stop() returns, nothing here
  // reaches the hub.
  std::mutex running;
  std::uint64_t sid = 0;
  // When each other node's list of each room came last (on the strand).
  std::map<std::pair<std::string, std::string>, steady::time_point> heard;
  std::set<std::string> nodes;  // the other nodes heard from (for the logs)
  // Rooms whose local members changed since the last flush (any thread). GUARDED_BY(dirty_mu)
  std::mutex dirty_mu;
  std::set<std::string> dirty;

  state(nats::client& cl, hub& h, options opts) : c(cl), clients(h), o(std::move(opts)) {}

  // The rooms in messages of at most about max_report_bytes (NATS refuses a payload over its
  // max_payload, 1 MiB by default, and drops the connection).
  void publish(const std::map<std::string, hub::presence_list>& rooms) {
    json r = json::object();
    std::size_t bytes = 0;
    auto send = [&] {
      c.publish(subject(o.node), json{{"node", o.node}, {"rooms", r}}.dump());
      r = json::object();
      bytes = 0;
    };
    for (const auto& [room, members] : rooms) {
      auto list = members_json(members);
      const auto size = room.size() + list.dump().size();
      if (bytes > 0 && bytes + size > max_report_bytes) send();
      r[room] = std::move(list);
      bytes += size;
    }
    if (bytes > 0) send();
  }

  void take(const nats::message& m) {
    std::lock_guard lock(running);
    if (!alive) return;
    json j = json::parse(m.payload, nullptr, false);
    if (!j.is_object() || !j.contains("node") || !j["node"].is_string() || !j.contains("rooms") ||
        !j["rooms"].is_object())
      return;
    const auto node = j["node"].get<std::string>();
    if (node == o.node) return;
    if (nodes.insert(node).second) spdlog::info("cluster: presence from node {}", node);
    const auto now = steady::now();
    for (const auto& [room, list] : j["rooms"].items()) {
      auto members = members_of(list);
      if (members.empty())
        heard.erase({node, room});
      else
        heard[{node, room}] = now;
      clients.set_remote(node, room, std::move(members));
    }
  }

  // A local change: the room is published by one flush on the strand, which reads every
  // changed room's list as it is then (a burst of joins, as in a restart storm, goes out in
  // a few messages, and the last of quick changes publishes the latest list).
  static void changed(const std::shared_ptr<state>& self, const std::string& room) {
    {
      std::lock_guard lock(self->dirty_mu);
      const bool first = self->dirty.empty();
      self->dirty.insert(room);
      if (!first) return;  // a flush is already on its way
    }
    self->c.after(0ms, [self] { flush(self); });
  }

  static void flush(const std::shared_ptr<state>& self) {
    std::set<std::string> rooms;
    {
      std::lock_guard lock(self->dirty_mu);
      rooms.swap(self->dirty);
    }
    std::lock_guard lock(self->running);
    if (!self->alive) return;
    std::map<std::string, hub::presence_list> lists;
    for (const auto& r : rooms) lists.emplace(r, self->clients.local_presence(r));
    self->publish(lists);
  }

  static void beat(const std::shared_ptr<state>& self) {
    std::lock_guard lock(self->running);
    if (!self->alive) return;
    self->publish(self->clients.local_presence());
    self->c.after(self->o.heartbeat, [self] { beat(self); });
  }

  // A room not repeated for the expiry: the node died, lost NATS, or its last change (an
  // empty list) was lost. Looked at every quarter heartbeat, so that a dead node's members go
  // at most that long after the expiry.
  static void sweep(const std::shared_ptr<state>& self) {
    std::lock_guard lock(self->running);
    if (!self->alive) return;
    const auto now = steady::now();
    std::set<std::string> silent;
    for (auto it = self->heard.begin(); it != self->heard.end();) {
      if (now - it->second <= self->o.expiry) {
        ++it;
        continue;
      }
      silent.insert(it->first.first);
      self->clients.set_remote(it->first.first, it->first.second, {});
      it = self->heard.erase(it);
    }
    for (const auto& node : silent)
      spdlog::warn("cluster: rooms of node {} not repeated for {} ms: their members are gone here",
                   node, self->o.expiry.count());
    self->c.after(self->o.heartbeat / 4, [self] { sweep(self); });
  }
};

cluster_presence::cluster_presence(nats::client& c, hub& clients, options o)
    : st_(std::make_shared<state>(c, clients, std::move(o))) {}

cluster_presence::~cluster_presence() {
  stop();
}

std::string cluster_presence::subject(const std::string& node) {
  return "a4p.presence." + node;
}

void cluster_presence::start() {
  std::weak_ptr<state> weak = st_;
  st_->clients.on_local_change([weak](const std::string& room) {
    auto self = weak.lock();
    if (self && self->alive) state::changed(self, room);
  });
  st_->sid =
      st_->c.subscribe("a4p.presence.*", [self = st_](const nats::message& m) { self->take(m); });
  st_->c.after(0ms, [self = st_] { state::beat(self); });
  st_->c.after(st_->o.heartbeat / 4, [self = st_] { state::sweep(self); });
}

void cluster_presence::stop() {
  {
    std::lock_guard lock(st_->running);
    if (!st_->alive.exchange(false)) return;
  }
  if (st_->sid != 0) st_->c.unsubscribe(st_->sid);
}

}  // namespace a4p::server
