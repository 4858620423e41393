#include "nats/jetstream.hpp"

#include <algorithm>
#include <memory>
#include <utility>

#include <openssl/evp.h>
#include <nlohmann/json.hpp>

namespace a4p::nats {

using nlohmann::json;

namespace {

js_error transport(const std::string& why) {
  return js_error{0, 0, why};
}

// {"error":{"code","err_code","description"}} as a js_error, or nullopt when there is none.
std::optional<js_error> api_error(const json& j) {
  if (!j.is_object() || !j.contains("error")) return std::nullopt;
  const auto& e = j["error"];
  return js_error{e.value("code", 0), e.value("err_code", 0), e.value("description", "")};
}

// The stream seq, consumer seq and pending count of
// "$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>" (older servers) or of
// the same after a domain and account hash (newer); we read from the end.
bool ack_info(const std::string& reply, std::uint64_t& seq, std::uint64_t& cseq,
              std::uint64_t& pending) {
  std::vector<std::string_view> parts;
  std::string_view s(reply);
  while (!s.empty()) {
    auto dot = s.find('.');
    parts.push_back(s.substr(0, dot));
    if (dot == std::string_view::npos) break;
    s.remove_prefix(dot + 1);
  }
  if (parts.size() < 9 || parts[0] != "$JS" || parts[1] != "ACK") return false;
  const auto n = parts.size();
  auto num = [](std::string_view v, std::uint64_t& out) {
    out = 0;
    for (char c : v) {
      if (c < '0' || c > '9') return false;
      out = out * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return !v.empty();
  };
  return num(parts[n - 4], seq) && num(parts[n - 3], cseq) && num(parts[n - 1], pending);
}

// A KV delete or purge marker.
bool is_kv_delete(const headers& h) {
  for (const auto& [k, v] : h)
    if (k == "KV-Operation") return v == "DEL" || v == "PURGE";
  return false;
}

}  // namespace

std::optional<std::string> base64_decode(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  if (in.empty()) return std::string();
  std::string out(in.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  std::size_t len = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts the padding as output bytes.
  if (in.back() == '=') --len;
  if (in.size() >= 2 && in[in.size() - 2] == '=') --len;
  out.resize(len);
  return out;
}

void jetstream::api(const std::string& subject, const std::string& body,
                    std::function<void(js_result<json>)> done) {
  c_.request(subject, body, {}, timeout_,
             [done = std::move(done)](std::expected<message, std::string> r) {
               if (!r) return done(std::unexpected(transport(r.error())));
               auto j = json::parse(r->payload, nullptr, false);
               if (j.is_discarded()) return done(std::unexpected(transport("reply is not JSON")));
               if (auto e = api_error(j)) return done(std::unexpected(*e));
               done(std::move(j));
             });
}

void jetstream::create_stream(const json& config, std::function<void(js_result<json>)> done) {
  api("$JS.API.STREAM.CREATE." + config.at("name").get<std::string>(), config.dump(),
      std::move(done));
}

void jetstream::stream_info(const std::string& stream, std::function<void(js_result<json>)> done) {
  api("$JS.API.STREAM.INFO." + stream, "", std::move(done));
}

void jetstream::publish(const std::string& subject, const std::string& payload,
                        const publish_options& o, std::function<void(js_result<pub_ack>)> done) {
  headers h;
  if (!o.msg_id.empty()) h.emplace_back("Nats-Msg-Id", o.msg_id);
  if (o.expected_last_seq)
    h.emplace_back("Nats-Expected-Last-Sequence", std::to_string(*o.expected_last_seq));
  publish_with(subject, payload, h, std::move(done));
}

void jetstream::publish_with(const std::string& subject, const std::string& payload,
                             const headers& h, std::function<void(js_result<pub_ack>)> done) {
  c_.request(subject, payload, h, timeout_,
             [done = std::move(done)](std::expected<message, std::string> r) {
               if (!r) return done(std::unexpected(transport(r.error())));
               auto j = json::parse(r->payload, nullptr, false);
               if (j.is_discarded()) return done(std::unexpected(transport("ack is not JSON")));
               if (auto e = api_error(j)) return done(std::unexpected(*e));
               done(pub_ack{j.value("stream", ""), j.value("seq", std::uint64_t{0}),
                            j.value("duplicate", false)});
             });
}

void jetstream::msg_get(const std::string& stream, const std::string& body,
                        std::function<void(js_result<stored_message>)> done) {
  api("$JS.API.STREAM.MSG.GET." + stream, body, [done = std::move(done)](js_result<json> r) {
    if (!r) return done(std::unexpected(r.error()));
    const auto& m = (*r)["message"];
    stored_message out;
    out.subject = m.value("subject", "");
    out.seq = m.value("seq", std::uint64_t{0});
    auto data = base64_decode(m.value("data", ""));
    if (!data) return done(std::unexpected(transport("stored data is not base64")));
    out.data = std::move(*data);
    if (m.contains("hdrs")) {
      auto block = base64_decode(m.value("hdrs", ""));
      message parsed;
      if (!block || !parse_headers(*block, parsed))
        return done(std::unexpected(transport("stored headers do not parse")));
      out.hdrs = std::move(parsed.hdrs);
    }
    done(std::move(out));
  });
}

void jetstream::get_message(const std::string& stream, std::uint64_t seq,
                            std::function<void(js_result<stored_message>)> done) {
  msg_get(stream, json{{"seq", seq}}.dump(), std::move(done));
}

void jetstream::last_message(const std::string& stream, const std::string& subject,
                             std::function<void(js_result<stored_message>)> done) {
  msg_get(stream, json{{"last_by_subj", subject}}.dump(), std::move(done));
}

void jetstream::fetch(const std::string& stream, std::uint64_t start_seq, std::size_t batch,
                      std::chrono::milliseconds wait,
                      std::function<void(js_result<std::vector<stored_message>>)> done) {
  json config = {{"stream_name", stream},
                 {"config",
                  {{"ack_policy", "none"},
                   {"deliver_policy", "by_start_sequence"},
                   {"opt_start_seq", start_seq},
                   {"mem_storage", true},
                   {"inactive_threshold", std::int64_t{30'000'000'000}}}}};
  consumer_create(
      stream, config,
      [this, stream, batch, wait, done = std::move(done)](js_result<json> created) mutable {
        if (!created) return done(std::unexpected(created.error()));
        const std::string consumer = created->value("name", "");
        struct state {
          std::vector<stored_message> got;
          std::uint64_t sid = 0;
          bool finished = false;
          std::function<void(js_result<std::vector<stored_message>>)> done;
        };
        auto st = std::make_shared<state>();
        st->done = std::move(done);
        auto finish = [this, st, stream, consumer] {
          if (st->finished) return;
          st->finished = true;
          c_.unsubscribe(st->sid);
          consumer_delete(stream, consumer);
          st->done(std::move(st->got));
        };
        const auto inbox = c_.new_inbox();
        st->sid = c_.subscribe(inbox, [st, batch, finish](const message& m) {
          if (st->finished) return;
          if (m.status != 0) return finish();  // 404 no messages, 408 expired
          stored_message sm;
          sm.subject = m.subject;
          std::uint64_t cseq = 0, pending = 0;
          ack_info(m.reply, sm.seq, cseq, pending);
          sm.hdrs = m.hdrs;
          sm.data = m.payload;
          st->got.push_back(std::move(sm));
          if (st->got.size() >= batch || pending == 0) finish();
        });
        const auto expires_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
        c_.publish("$JS.API.CONSUMER.MSG.NEXT." + stream + "." + consumer,
                   json{{"batch", batch}, {"expires", expires_ns}}.dump(), {}, inbox);
        c_.after(wait + std::chrono::milliseconds(500), finish);
      });
}

void jetstream::kv_create(const std::string& bucket, int replicas,
                          std::function<void(js_result<json>)> done) {
  create_stream(json{{"name", "KV_" + bucket},
                     {"subjects", {"$KV." + bucket + ".>"}},
                     {"max_msgs_per_subject", 1},
                     {"discard", "new"},
                     {"storage", "file"},
                     {"num_replicas", replicas},
                     {"allow_rollup_hdrs", true},
                     {"deny_delete", true},
                     {"allow_direct", true}},
                std::move(done));
}

void jetstream::kv_put(const std::string& bucket, const std::string& key, const std::string& value,
                       std::function<void(js_result<std::uint64_t>)> done) {
  publish("$KV." + bucket + "." + key, value, {}, [done = std::move(done)](js_result<pub_ack> r) {
    if (!r) return done(std::unexpected(r.error()));
    done(r->seq);
  });
}

void jetstream::kv_delete(const std::string& bucket, const std::string& key,
                          std::function<void(js_result<std::uint64_t>)> done) {
  publish_with("$KV." + bucket + "." + key, "", {{"KV-Operation", "DEL"}},
               [done = std::move(done)](js_result<pub_ack> r) {
                 if (!r) return done(std::unexpected(r.error()));
                 done(r->seq);
               });
}

void jetstream::kv_get(const std::string& bucket, const std::string& key,
                       std::function<void(js_result<std::optional<std::string>>)> done) {
  last_message("KV_" + bucket, "$KV." + bucket + "." + key,
               [done = std::move(done)](js_result<stored_message> r) {
                 if (!r && r.error().err_code == err_no_message_found)
                   return done(std::optional<std::string>{});
                 if (!r) return done(std::unexpected(r.error()));
                 if (is_kv_delete(r->hdrs)) return done(std::optional<std::string>{});
                 done(std::optional<std::string>(std::move(r->data)));
               });
}

// ---- ordered watch (an ordered push consumer) ----

struct watcher::state : std::enable_shared_from_this<watcher::state> {
  jetstream* js = nullptr;
  client* c = nullptr;
  std::string stream;
  watch_options o;
  std::function<void(const stored_message&, std::uint64_t pending)> on_message;
  // On the client's strand:
  std::uint64_t last_seq = 0;   // the stream seq last delivered
  std::uint64_t last_cseq = 0;  // the current consumer's seq last seen
  std::uint64_t sid = 0;
  std::string consumer;
  std::chrono::steady_clock::time_point last_heard;
  bool creating = false;
  bool stopped = false;

  // (Re)creates the consumer to deliver from the seq after the last one delivered.
  void create() {
    if (stopped) return;
    drop();
    creating = true;
    last_cseq = 0;
    last_heard = std::chrono::steady_clock::now();
    const auto inbox = c->new_inbox();
    sid = c->subscribe(inbox, [w = weak_from_this()](const message& m) {
      if (auto self = w.lock()) self->on_delivery(m);
    });
    json config = {{"deliver_subject", inbox},
                   {"ack_policy", "none"},
                   {"flow_control", true},
                   {"idle_heartbeat",
                    std::chrono::duration_cast<std::chrono::nanoseconds>(o.idle_heartbeat).count()},
                   {"mem_storage", true},
                   {"inactive_threshold", std::int64_t{60'000'000'000}}};
    if (!o.filter_subject.empty()) config["filter_subject"] = o.filter_subject;
    if (last_seq == 0 && o.last_per_subject) {
      config["deliver_policy"] = "last_per_subject";
    } else {
      config["deliver_policy"] = "by_start_sequence";
      config["opt_start_seq"] = std::max<std::uint64_t>(1, std::max(last_seq + 1, o.start_seq));
    }
    js->consumer_create(stream, json{{"stream_name", stream}, {"config", config}},
                        [w = weak_from_this(), sid = sid](js_result<json> r) {
                          auto self = w.lock();
                          if (!self || self->stopped || self->sid != sid) return;
                          self->creating = false;
                          if (r) self->consumer = r->value("name", "");
                          // On failure the heartbeat check makes it again.
                        });
  }
  // Forgets the current consumer (its inbox; the server deletes it when idle).
  void drop() {
    if (sid != 0) c->unsubscribe(sid);
    sid = 0;
    if (!consumer.empty()) js->consumer_delete(stream, consumer);
    consumer.clear();
  }
  void on_delivery(const message& m) {
    if (stopped) return;
    last_heard = std::chrono::steady_clock::now();
    if (m.status == 100) {  // flow control (with a reply to answer) or an idle heartbeat
      if (!m.reply.empty()) c->publish(m.reply, "");
      return;
    }
    if (m.status != 0) return;
    std::uint64_t seq = 0, cseq = 0, pending = 0;
    if (!ack_info(m.reply, seq, cseq, pending)) return;
    // A consumer seq that skips one: a message was lost on the way (a slow consumer's drop).
    // Made again from the last one delivered, as nats.go's ordered consumer does.
    if (cseq != last_cseq + 1) return create();
    last_cseq = cseq;
    if (seq <= last_seq) return;  // a redelivery after a re-creation
    last_seq = seq;
    stored_message sm;
    sm.subject = m.subject;
    sm.seq = seq;
    sm.hdrs = m.hdrs;
    sm.data = m.payload;
    on_message(sm, pending);
  }
  // Every heartbeat period: no message and no heartbeat for three periods means the consumer
  // is gone (a lost connection, a restarted server): make it again.
  void check() {
    if (stopped) return;
    if (!creating && std::chrono::steady_clock::now() - last_heard > 3 * o.idle_heartbeat) create();
    c->after(o.idle_heartbeat, [w = weak_from_this()] {
      if (auto self = w.lock()) self->check();
    });
  }
};

void watcher::stop() {
  if (!s_) return;
  auto s = std::move(s_);
  s->c->after(std::chrono::milliseconds(0), [s] {
    s->stopped = true;
    s->drop();
  });
}

void jetstream::consumer_create(const std::string& stream, const json& request,
                                std::function<void(js_result<json>)> done) {
  api("$JS.API.CONSUMER.CREATE." + stream, request.dump(), std::move(done));
}

void jetstream::consumer_delete(const std::string& stream, const std::string& consumer) {
  api("$JS.API.CONSUMER.DELETE." + stream + "." + consumer, "", [](js_result<json>) {});
}

std::shared_ptr<watcher> jetstream::watch(
    const std::string& stream, const watch_options& o,
    std::function<void(const stored_message&, std::uint64_t pending)> on_message) {
  auto s = std::make_shared<watcher::state>();
  s->js = this;
  s->c = &c_;
  s->stream = stream;
  s->o = o;
  s->on_message = std::move(on_message);
  c_.after(std::chrono::milliseconds(0), [s] {
    s->create();
    s->check();
  });
  return std::make_shared<watcher>(s);
}

std::shared_ptr<watcher> jetstream::kv_watch(const std::string& bucket,
                                             std::function<void(const kv_entry&)> on_entry,
                                             std::chrono::milliseconds idle_heartbeat) {
  const std::string prefix = "$KV." + bucket + ".";
  watch_options o;
  o.filter_subject = prefix + ">";
  o.last_per_subject = true;
  o.idle_heartbeat = idle_heartbeat;
  return watch(
      "KV_" + bucket, o,
      [prefix, on_entry = std::move(on_entry)](const stored_message& m, std::uint64_t pending) {
        if (!m.subject.starts_with(prefix)) return;
        kv_entry e;
        e.pending = pending;
        e.key = m.subject.substr(prefix.size());
        e.value = m.data;
        e.revision = m.seq;
        e.deleted = is_kv_delete(m.hdrs);
        on_entry(e);
      });
}

}  // namespace a4p::nats
