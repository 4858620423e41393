// nats/client and nats/jetstream against a real nats-server (Debian's), started on a loopback
// port by each test: publish/subscribe, request-reply, no responders, a server killed and
// restarted under a live client, JetStream's de-duplication and expected last sequence, reads
// by seq, a pull fetch, KV (a delete included), and a KV watch across a server restart.
#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "nats/client.hpp"
#include "nats/jetstream.hpp"
#include "tests/nats/connected_client.hpp"
#include "tests/nats/nats_server.hpp"

namespace a4p::nats {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::connected_client;
using testing::nats_server;

// The callback's value, waited for.
template <class T>
struct promised {
  std::promise<T> p;
  std::future<T> f = p.get_future();
  auto cb() {
    return [this](T v) { p.set_value(std::move(v)); };
  }
  T get() {
    EXPECT_EQ(f.wait_for(15s), std::future_status::ready);
    return f.get();
  }
};

TEST(nats_client, publish_subscribe_and_request_reply) {
  nats_server server;
  connected_client a(server.url()), b(server.url());
  std::promise<message> got;
  b->subscribe("a4p.test", [&](const message& m) { got.set_value(m); });
  // The subscription must reach the server before the publish: a request round-trips first.
  promised<std::expected<message, std::string>> none;
  b->request("nobody.listens", "", {}, 2s, none.cb());
  EXPECT_EQ(none.get().error(), "no responders");
  a->publish("a4p.test", "hello\r\nworld", {{"X-Seq", "42"}});
  auto f = got.get_future();
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
  auto m = f.get();
  EXPECT_EQ(m.payload, "hello\r\nworld");
  EXPECT_EQ(m.header("X-Seq"), "42");

  b->subscribe("a4p.echo", [&](const message& req) { b->publish(req.reply, "re:" + req.payload); });
  promised<std::expected<message, std::string>> sync;
  b->request("nobody.listens", "", {}, 2s, sync.cb());
  (void)sync.get();
  promised<std::expected<message, std::string>> reply;
  a->request("a4p.echo", "ping", {}, 5s, reply.cb());
  auto r = reply.get();
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->payload, "re:ping");
}

TEST(nats_client, a_killed_and_restarted_server_gets_the_subscriptions_back) {
  nats_server server;
  connected_client sub(server.url()), pub(server.url());
  std::atomic<int> n{0};
  sub->subscribe("a4p.after", [&](const message&) { ++n; });
  server.kill9();
  ASSERT_TRUE(connected_client::wait_for([&] { return !sub->connected(); }, 10s));
  // Published while the server is down: buffered, sent on reconnect.
  EXPECT_TRUE(pub->publish("a4p.after", "buffered"));
  server.start();
  ASSERT_TRUE(
      connected_client::wait_for([&] { return sub->connected() && pub->connected(); }, 15s));
  EXPECT_GE(sub.ups(), 2);
  // The buffered message may have reached the server before sub subscribed again; publish until
  // one arrives, which shows the subscription came back.
  ASSERT_TRUE(connected_client::wait_for(
      [&] {
        pub->publish("a4p.after", "live");
        return n.load() > 0;
      },
      10s));
}

TEST(nats_jetstream, dedup_expected_last_sequence_reads_fetch_and_kv) {
  nats_server server;
  connected_client c(server.url());
  jetstream js(*c);
  promised<js_result<json>> created;
  js.create_stream(json{{"name", "A4P"},
                        {"subjects", {"a4p.log"}},
                        {"storage", "file"},
                        {"num_replicas", 1},
                        {"deny_delete", true},
                        {"deny_purge", true}},
                   created.cb());
  auto info = created.get();
  ASSERT_TRUE(info) << info.error().description;

  // seq 1, then a resend with the same id is a duplicate of seq 1.
  promised<js_result<pub_ack>> first, again, second, stale;
  js.publish("a4p.log", R"({"n":1})", {"user\ncmd-1", 0}, first.cb());
  auto a1 = first.get();
  ASSERT_TRUE(a1) << a1.error().description;
  EXPECT_EQ(a1->seq, 1u);
  EXPECT_FALSE(a1->duplicate);
  js.publish("a4p.log", R"({"n":1})", {"user\ncmd-1", std::nullopt}, again.cb());
  auto a2 = again.get();
  ASSERT_TRUE(a2);
  EXPECT_EQ(a2->seq, 1u);
  EXPECT_TRUE(a2->duplicate);
  // Expected last sequence: 1 is right, then 1 again is stale.
  js.publish("a4p.log", R"({"n":2})", {"k2", 1}, second.cb());
  auto a3 = second.get();
  ASSERT_TRUE(a3) << a3.error().description;
  EXPECT_EQ(a3->seq, 2u);
  js.publish("a4p.log", R"({"n":3})", {"k3", 1}, stale.cb());
  auto a4 = stale.get();
  ASSERT_FALSE(a4);
  EXPECT_EQ(a4.error().err_code, err_wrong_last_sequence) << a4.error().description;

  promised<js_result<stored_message>> read;
  js.get_message("A4P", 2, read.cb());
  auto m = read.get();
  ASSERT_TRUE(m) << m.error().description;
  EXPECT_EQ(m->data, R"({"n":2})");
  EXPECT_EQ(m->seq, 2u);
  bool has_id = false;
  for (const auto& [k, v] : m->hdrs) has_id = has_id || (k == "Nats-Msg-Id" && v == "k2");
  EXPECT_TRUE(has_id);

  for (int i = 3; i <= 10; ++i) {
    promised<js_result<pub_ack>> p;
    js.publish("a4p.log", "{\"n\":" + std::to_string(i) + "}",
               {"k" + std::to_string(i + 10), std::nullopt}, p.cb());
    ASSERT_TRUE(p.get());
  }
  promised<js_result<std::vector<stored_message>>> batch;
  js.fetch("A4P", 4, 100, 2s, batch.cb());
  auto got = batch.get();
  ASSERT_TRUE(got) << got.error().description;
  ASSERT_EQ(got->size(), 7u);  // 4..10
  for (std::size_t i = 0; i < got->size(); ++i) EXPECT_EQ((*got)[i].seq, 4 + i);
  EXPECT_EQ(got->back().data, R"({"n":10})");

  promised<js_result<json>> bucket;
  js.kv_create("sessions", 1, bucket.cb());
  ASSERT_TRUE(bucket.get());
  promised<js_result<std::uint64_t>> put1, put2;
  js.kv_put("sessions", "abc", "user-1", put1.cb());
  ASSERT_TRUE(put1.get());
  js.kv_put("sessions", "abc", "user-2", put2.cb());
  ASSERT_TRUE(put2.get());
  promised<js_result<std::optional<std::string>>> v, absent;
  js.kv_get("sessions", "abc", v.cb());
  auto value = v.get();
  ASSERT_TRUE(value);
  EXPECT_EQ(value->value_or("<none>"), "user-2");
  js.kv_get("sessions", "nope", absent.cb());
  auto none = absent.get();
  ASSERT_TRUE(none) << none.error().description;
  EXPECT_FALSE(none->has_value());
  // A delete marker: the key reads as absent again.
  promised<js_result<std::uint64_t>> del;
  js.kv_delete("sessions", "abc", del.cb());
  auto deleted = del.get();
  ASSERT_TRUE(deleted) << deleted.error().description;
  promised<js_result<std::optional<std::string>>> after_delete;
  js.kv_get("sessions", "abc", after_delete.cb());
  auto gone = after_delete.get();
  ASSERT_TRUE(gone) << gone.error().description;
  EXPECT_FALSE(gone->has_value());
}

TEST(nats_jetstream, kv_watch_gives_current_values_then_every_change_across_a_server_restart) {
  nats_server server;
  connected_client c(server.url());
  jetstream js(*c);
  promised<js_result<json>> bucket;
  js.kv_create("sessions", 1, bucket.cb());
  ASSERT_TRUE(bucket.get());
  const auto put = [&](const std::string& key, const std::string& value) {
    return connected_client::wait_for(
        [&] {
          return await<js_result<std::uint64_t>>(
                     [&](auto cb) { js.kv_put("sessions", key, value, cb); })
              .has_value();
        },
        20s);
  };
  ASSERT_TRUE(put("a", "1"));
  ASSERT_TRUE(put("a", "2"));  // only the latest of a key is a current value
  ASSERT_TRUE(put("b", "1"));

  std::mutex mu;
  std::vector<kv_entry> seen;
  const auto got = [&](std::size_t n) {
    return connected_client::wait_for(
        [&] {
          std::lock_guard lock(mu);
          return seen.size() >= n;
        },
        20s);
  };
  auto watch = js.kv_watch(
      "sessions",
      [&](const kv_entry& e) {
        std::lock_guard lock(mu);
        seen.push_back(e);
      },
      500ms);
  ASSERT_TRUE(got(2));
  {
    // The current values end with nothing pending: how a node knows it has them all.
    std::lock_guard lock(mu);
    EXPECT_EQ(seen[1].pending, 0u);
  }
  ASSERT_TRUE(put("a", "3"));
  ASSERT_TRUE(got(3));

  // The server is killed and comes back: the watch is made again and misses nothing.
  server.kill9();
  server.start();
  ASSERT_TRUE(put("b", "2"));
  ASSERT_TRUE(put("c", "1"));
  ASSERT_TRUE(got(5));
  {
    std::lock_guard lock(mu);
    std::vector<std::pair<std::string, std::string>> values;
    for (const auto& e : seen) values.emplace_back(e.key, e.value);
    const std::vector<std::pair<std::string, std::string>> want = {
        {"a", "2"}, {"b", "1"}, {"a", "3"}, {"b", "2"}, {"c", "1"}};
    EXPECT_EQ(values, want);
    for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_LT(seen[i - 1].revision, seen[i].revision);
    for (const auto& e : seen) EXPECT_FALSE(e.deleted);
  }
  // Stopped: nothing more is delivered.
  watch->stop();
  std::this_thread::sleep_for(200ms);
  ASSERT_TRUE(put("d", "1"));
  std::this_thread::sleep_for(1500ms);
  std::lock_guard lock(mu);
  EXPECT_EQ(seen.size(), 5u);
}

TEST(nats_jetstream, base64_decodes_with_and_without_padding) {
  EXPECT_EQ(base64_decode("aGVsbG8="), "hello");
  EXPECT_EQ(base64_decode("aGk="), "hi");
  EXPECT_EQ(base64_decode("aGV5"), "hey");
  EXPECT_EQ(base64_decode(""), "");
  EXPECT_FALSE(base64_decode("abc"));
}

}  // namespace
}  // namespace a4p::nats
