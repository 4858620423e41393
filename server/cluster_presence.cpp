#include "server/cluster_presence.hpp"

#include <atomic>
#include <map>
#include <mutex>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "nats/client.hpp"
#include "server/hub.hpp"

namespace a4p::server {

namespace {
using namespace std::chrono_literals;
using json = nlohmann::json;
using steady = std::chrono::steady_clock;

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
  std::map<std::string, steady::time_point> heard;  // other nodes, on the strand

  state(nats::client& cl, hub& h, options opts) : c(cl), clients(h), o(std::move(opts)) {}

  void publish(bool full, const std::map<std::string, hub::presence_list>& rooms) {
    json r = json::object();
    for (const auto& [room, members] : rooms) r[room] = members_json(members);
    c.publish(subject(o.node), json{{"node", o.node}, {"full", full}, {"rooms", r}}.dump());
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
    if (!heard.contains(node)) spdlog::info("cluster: presence from node {}", node);
    heard[node] = steady::now();
    std::map<std::string, hub::presence_list> rooms;
    for (const auto& [room, members] : j["rooms"].items()) rooms.emplace(room, members_of(members));
    if (j.value("full", false)) return clients.set_remote_all(node, std::move(rooms));
    for (auto& [room, members] : rooms) clients.set_remote(node, room, std::move(members));
  }

  static void beat(const std::shared_ptr<state>& self) {
    std::lock_guard lock(self->running);
    if (!self->alive) return;
    self->publish(true, self->clients.local_presence());
    const auto now = steady::now();
    for (auto it = self->heard.begin(); it != self->heard.end();) {
      if (now - it->second <= self->o.expiry) {
        ++it;
        continue;
      }
      spdlog::warn("cluster: no presence from node {} for {} ms: its members are gone here",
                   it->first, self->o.expiry.count());
      self->clients.set_remote_all(it->first, {});
      it = self->heard.erase(it);
    }
    self->c.after(self->o.heartbeat, [self] { beat(self); });
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
    if (!self || !self->alive) return;
    // Read on the strand, so that the last of several quick changes publishes the last list.
    self->c.after(0ms, [self, room] {
      std::lock_guard lock(self->running);
      if (self->alive) self->publish(false, {{room, self->clients.local_presence(room)}});
    });
  });
  st_->sid =
      st_->c.subscribe("a4p.presence.*", [self = st_](const nats::message& m) { self->take(m); });
  st_->c.after(0ms, [self = st_] { state::beat(self); });
}

void cluster_presence::stop() {
  {
    std::lock_guard lock(st_->running);
    if (!st_->alive.exchange(false)) return;
  }
  if (st_->sid != 0) st_->c.unsubscribe(st_->sid);
}

}  // namespace a4p::server
