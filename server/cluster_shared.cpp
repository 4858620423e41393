#include "server/cluster_shared.hpp"

#include <spdlog/spdlog.h>

#include "server/admin/credentials.hpp"
#include "server/admin/session_store.hpp"
#include "server/cluster/node.hpp"
#include "server/hub.hpp"
#include "storage/event_log.hpp"

namespace a4p::server {

namespace {
using namespace std::chrono_literals;
constexpr auto sync_limit = 30s;
}  // namespace

cluster_shared::cluster_shared(cluster::node& n, storage::event_log& log, session_store& sessions,
                               hub& clients)
    : log_(log),
      sessions_(sessions),
      clients_(clients),
      sessions_bucket_(n.js(), n.client(), "A4P_SESSIONS"),
      credentials_bucket_(n.js(), n.client(), "A4P_CREDENTIALS") {}

std::expected<void, std::string> cluster_shared::open(int replicas) {
  auto creds = credentials_bucket_.open(
      replicas,
      [this](const nats::kv_entry& e) {
        const auto user = cluster::from_hex_key(e.key);
        if (user.empty()) return;
        auto st = e.deleted ? log_.delete_aux(password_key(user))
                            : log_.put_aux(password_key(user), e.value);
        if (!st)
          spdlog::error("cluster: the password of {} not written here: {}", user,
                        st.error().message);
      },
      sync_limit);
  if (!creds) return creds;
  // Without a quorum a sign-in still answers (reads go on): its session works on this node at
  // once, and on the others once the put, sent again in the background, is stored.
  sessions_.share({[this](const std::string& h, const std::string& v) {
                     if (!sessions_bucket_.put(h, v))
                       sessions_bucket_.put_later(h, v,
                                                  [this, h] { return sessions_.valid_hash(h); });
                     return true;
                   },
                   [this](const std::string& h) { sessions_bucket_.remove(h); }});
  return sessions_bucket_.open(
      replicas,
      [this](const nats::kv_entry& e) {
        if (!e.deleted) return sessions_.adopt(e.key, e.value);
        // Ended on another node (or here: then it is already gone, and so are its sockets).
        if (sessions_.forget(e.key)) clients_.close_token(e.key, 4001);
      },
      sync_limit);
}

bool cluster_shared::share_password(const std::string& user) {
  auto hash = log_.get_aux(password_key(user));
  if (!hash || !*hash) return false;
  return credentials_bucket_.put(cluster::hex_key(user), **hash);
}

void cluster_shared::stop() {
  sessions_bucket_.stop();
  credentials_bucket_.stop();
}

}  // namespace a4p::server
