// a4pctl cluster import: an existing single-node log into a new JetStream stream, one message
// per event with identical seqs and bytes (so identical hashes), then read back and compared
// (docs/decisions/0313, nats/README.md).
#include <chrono>
#include <deque>
#include <future>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "nats/blocking.hpp"
#include "nats/jetstream.hpp"
#include "server/admin/ctl_commands.hpp"
#include "server/admin/ctl_progress.hpp"
#include "server/cluster/log_message.hpp"
#include "server/cluster/replica.hpp"

namespace a4p::ctl {

namespace {

using namespace std::chrono_literals;
namespace cl = server::cluster;

// A NATS connection on its own thread for the length of one subcommand; nullptr when no server
// answered within 10 s.
std::unique_ptr<nats::threaded_client> connect(const std::vector<std::string>& urls) {
  nats::options o;
  o.servers = urls;
  o.name = "a4pctl";
  auto c = std::make_unique<nats::threaded_client>(std::move(o));
  if (!c->wait_connected(10s)) return nullptr;
  return c;
}

std::string describe(const nats::js_error& e) {
  if (e.code == 0) return e.description;
  return e.description + " (" + std::to_string(e.code) + "/" + std::to_string(e.err_code) + ")";
}

// Pipelined publishes: up to `window` in flight, each expecting the previous seq.
constexpr std::size_t window = 256;

}  // namespace

int cmd_cluster_import(const std::string& dir, const std::vector<std::string>& urls, int replicas) {
  auto o = open_log(dir, false);
  if (!o.log) return o.code;
  const auto head = o.log->head();
  if (head == 0) return fail("the log in " + dir + " is empty: nothing to import");

  auto ns = connect(urls);
  if (!ns) return fail("no NATS server answered at the given --nats URLs");
  nats::jetstream js(**ns, 10s);

  const std::string stream(cl::stream_name);
  auto info = nats::await<nats::js_result<nlohmann::json>>(
      [&](auto cb) { js.stream_info(stream, std::move(cb)); });
  if (info) {
    const auto held = (*info)["state"].value("messages", std::uint64_t{0});
    if (held > 0)
      return fail("stream " + stream + " already holds " + std::to_string(held) +
                  " messages: import only into a new stream");
  } else if (info.error().err_code != nats::err_stream_not_found) {
    return fail("stream info: " + describe(info.error()));
  } else {
    const auto config = cl::stream_config(replicas);
    auto created = nats::await<nats::js_result<nlohmann::json>>(
        [&](auto cb) { js.create_stream(config, std::move(cb)); });
    if (!created) return fail("stream create: " + describe(created.error()));
  }

  const auto epoch = o.log->epoch();
  auto bar = server::ctl_progress::for_stderr("import");
  std::deque<std::pair<std::uint64_t, std::future<nats::js_result<nats::pub_ack>>>> in_flight;
  std::string err;
  auto settle_one = [&]() {
    auto [seq, f] = std::move(in_flight.front());
    in_flight.pop_front();
    auto ack = f.get();
    if (!ack) {
      if (err.empty()) err = "event " + std::to_string(seq) + ": " + describe(ack.error());
      return;
    }
    if (ack->seq != seq && err.empty())
      err = "event " + std::to_string(seq) + " became stream seq " + std::to_string(ack->seq);
  };
  auto st = o.log->scan_raw(0, head, [&](std::uint64_t seq, std::string_view bytes) {
    bar.update(seq, head);
    cl::log_message m;
    m.events.emplace_back(bytes);
    auto p = std::make_shared<std::promise<nats::js_result<nats::pub_ack>>>();
    in_flight.emplace_back(seq, p->get_future());
    js.publish(std::string(cl::stream_subject), cl::encode(m),
               {"import:" + epoch + ":" + std::to_string(seq), seq - 1},
               [p](nats::js_result<nats::pub_ack> r) { p->set_value(std::move(r)); });
    while (in_flight.size() >= window && err.empty()) settle_one();
    return err.empty();
  });
  while (!in_flight.empty()) settle_one();
  if (!st) return fail(st.error());
  if (!err.empty()) return fail(err);
  bar.finish(head, head);

  // Read everything back and compare byte for byte with the local log.
  std::uint64_t next = 1;
  std::string last_hash;
  std::vector<nats::stored_message> page;
  std::size_t at = 0;
  auto check = o.log->scan_raw(0, head, [&](std::uint64_t seq, std::string_view bytes) {
    if (at == page.size()) {
      auto got = nats::await<nats::js_result<std::vector<nats::stored_message>>>(
          [&](auto cb) { js.fetch(stream, next, 1000, 2s, std::move(cb)); });
      if (!got || got->empty()) {
        err = "reading the stream back at seq " + std::to_string(next) + ": " +
              (got ? std::string("no message") : describe(got.error()));
        return false;
      }
      page = std::move(*got);
      at = 0;
    }
    const auto& sm = page[at++];
    ++next;
    auto m = cl::decode(sm.data);
    if (sm.seq != seq || !m || m->events.size() != 1 || m->events[0] != bytes) {
      err = "stream seq " + std::to_string(sm.seq) + " differs from event " + std::to_string(seq);
      return false;
    }
    if (seq == head) {
      auto e = storage::event::from_json(bytes);
      if (e) last_hash = e->hash;
    }
    return true;
  });
  if (!check) return fail(check.error());
  if (!err.empty()) return fail(err);
  std::cout << "imported " << head << " events into stream " << stream << " (replicas " << replicas
            << "); read back: identical, head seq " << head << " hash " << last_hash << "\n";
  return exit_ok;
}

int cmd_cluster_replicate(const std::string& dir, const std::vector<std::string>& urls) {
  auto o = open_log(dir, true);
  if (!o.log) return o.code;
  auto ns = connect(urls);
  if (!ns) return fail("no NATS server answered at the given --nats URLs");
  nats::jetstream js(**ns, 10s);
  auto r = cl::catch_up(*o.log, js, 1s);
  if (!r) return fail(r.error());
  auto v = verify_with_progress(*o.log, "verify");
  if (!v) return fail(v.error());
  if (!v->ok)
    return fail("the replica does not verify at seq " + std::to_string(v->first_bad_seq) + ": " +
                v->problem);
  std::cout << "caught up: " << r->messages << " messages, " << r->events
            << " events appended; stream seq " << r->stream_seq << ", head " << o.log->head()
            << " hash " << o.log->head_hash() << "; verify: ok\n";
  return exit_ok;
}

}  // namespace a4p::ctl
