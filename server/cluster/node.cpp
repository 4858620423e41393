#include "server/cluster/node.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace a4p::server::cluster {

namespace {

using namespace std::chrono_literals;

std::string describe(const nats::js_error& e) {
  if (e.code == 0) return e.description;
  return e.description + " (" + std::to_string(e.code) + "/" + std::to_string(e.err_code) + ")";
}

}  // namespace

node::node(node_options o) : o_(std::move(o)) {}

node::~node() {
  stop();
}

std::expected<std::uint64_t, std::string> node::open(storage::event_log& log,
                                                     std::vector<storage::new_event> genesis) {
  log_ = &log;
  nats::options no;
  no.servers = o_.urls;
  no.name = "a4pd " + o_.name;
  client_ = std::make_unique<nats::threaded_client>(std::move(no));
  if (!client_->wait_connected(30s)) return std::unexpected("no NATS server answered in 30 s");
  js_ = std::make_unique<nats::jetstream>(**client_, o_.publish_timeout);

  const std::string stream(stream_name);
  // The stream, made if missing (a cluster that has just formed may not answer at once).
  for (int attempt = 0;; ++attempt) {
    auto info = nats::await<nats::js_result<nlohmann::json>>(
        [&](auto cb) { js_->stream_info(stream, std::move(cb)); });
    if (info) break;
    if (info.error().err_code == nats::err_stream_not_found) {
      auto made = nats::await<nats::js_result<nlohmann::json>>(
          [&](auto cb) { js_->create_stream(stream_config(o_.replicas), std::move(cb)); });
      if (made) {
        spdlog::info("cluster: stream {} created ({} replicas)", stream, o_.replicas);
        break;
      }
      info = std::unexpected(made.error());
    }
    if (attempt == 60) return std::unexpected("stream " + stream + ": " + describe(info.error()));
    spdlog::info("cluster: stream {} not ready yet: {}", stream, describe(info.error()));
    std::this_thread::sleep_for(500ms);
  }

  auto caught = catch_up(log, *js_, 500ms);
  if (!caught) return std::unexpected("catching up: " + caught.error().message);
  if (caught->stream_seq == 0 && log.head() == 0) {
    // A new cluster: one node's genesis wins (expected last sequence 0), the others read it.
    auto sealed = storage::seal(std::move(genesis), 0, storage::genesis_hash, "");
    if (!sealed) return std::unexpected("genesis: " + sealed.error().message);
    log_message m;
    for (const auto& e : *sealed) m.events.push_back(e.to_json());
    auto ack = nats::await<nats::js_result<nats::pub_ack>>([&](auto cb) {
      js_->publish(std::string(stream_subject), encode(m), {"a4p-genesis", 0}, std::move(cb));
    });
    if (!ack && ack.error().err_code != nats::err_wrong_last_sequence)
      return std::unexpected("publishing the genesis: " + describe(ack.error()));
    caught = catch_up(log, *js_, 2s);
    if (!caught) return std::unexpected("catching up: " + caught.error().message);
    if (log.head() == 0) return std::unexpected("the stream holds no genesis");
  }
  stream_seq_.store(caught->stream_seq);
  spdlog::info("cluster: node {} caught up: stream seq {}, head {} ({} messages read)", o_.name,
               caught->stream_seq, log.head(), caught->messages);
  return caught->stream_seq;
}

void node::follow(std::function<void(applied)> on_applied) {
  on_applied_ = std::move(on_applied);
  applier_ = std::thread([this] { apply_loop(); });
  nats::watch_options w;
  w.start_seq = stream_seq_.load() + 1;
  w.idle_heartbeat = 1s;
  watch_ = js_->watch(std::string(stream_name), w,
                      [this](const nats::stored_message& m, std::uint64_t pending) {
                        {
                          std::lock_guard lk(mu_);
                          queue_.emplace_back(m, pending);
                          lag_.store(pending + queue_.size());
                        }
                        cv_.notify_one();
                      });
}

void node::stop() {
  if (watch_) watch_->stop();
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (applier_.joinable()) applier_.join();
  watch_.reset();
}

std::string node::failure() const {
  std::lock_guard lk(mu_);
  return failure_;
}

void node::publish(const log_message& m, const std::string& msg_id, std::uint64_t expected_last_seq,
                   std::function<void(nats::js_result<nats::pub_ack>)> done) {
  js_->publish(std::string(stream_subject), encode(m), {msg_id, expected_last_seq},
               std::move(done));
}

void node::apply_loop() {
  for (;;) {
    nats::stored_message sm;
    std::uint64_t pending = 0;
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      sm = std::move(queue_.front().first);
      pending = queue_.front().second;
      queue_.pop_front();
    }
    const auto next = stream_seq_.load() + 1;
    if (sm.seq < next) continue;
    // The watch delivers every seq in order; one missing (never seen so far) is read directly.
    std::vector<nats::stored_message> todo;
    for (auto s = next; s < sm.seq; ++s) {
      for (;;) {  // until it is read (NATS may be unreachable for a while) or the node stops
        auto got = nats::await<nats::js_result<nats::stored_message>>(
            [&](auto cb) { js_->get_message(std::string(stream_name), s, std::move(cb)); });
        if (got) {
          todo.push_back(std::move(*got));
          break;
        }
        spdlog::warn("cluster: stream seq {} missing here, read again: {}", s,
                     describe(got.error()));
        std::unique_lock lk(mu_);
        if (cv_.wait_for(lk, 500ms, [this] { return stopping_; })) return;
      }
    }
    todo.push_back(std::move(sm));
    for (auto& m : todo) {
      auto a = apply_message(*log_, m.seq, m.data);
      if (!a) {
        std::lock_guard lk(mu_);
        failure_ = a.error().message;
        spdlog::critical(
            "cluster: the stream's message {} does not follow the local log: {}; this node "
            "stops applying (a diverged replica: rebuild it from the stream)",
            m.seq, failure_);
        return;
      }
      stream_seq_.store(m.seq);
      on_applied_(std::move(*a));
    }
    {
      std::lock_guard lk(mu_);
      lag_.store(pending + queue_.size());
    }
  }
}

}  // namespace a4p::server::cluster
