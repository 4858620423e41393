// Fuzz target: one client frame through the command decoder and decide, as every role of the
// test world (tests/protocol/world.hpp), and an accepted decision folded into a copy of the
// state. Properties: no crash, no exception, no sanitizer report, whatever the frame; decide()
// never answers `internal` (its catch-all: a bug); every event it decides applies.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "protocol/messages.hpp"
#include "protocol/workspace.hpp"
#include "tests/fuzz/fuzz_world.hpp"

using namespace a4p::protocol;

using a4p::fuzz::the_world;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  auto msg = parse_client_message(frame);
  if (!msg) return 0;
  const auto* c = std::get_if<command>(&*msg);
  if (!c) return 0;
  const auto& w = the_world();
  for (const principal* p :
       {&w.sec, &w.owner, &w.other, &w.champ, &w.champ_other, &w.g10, &w.auditor}) {
    auto d = decide(w.log.s, *p, *c);
    if (!d && d.error().code == reject_code::internal) std::abort();  // decide() has a bug
    if (!d || d->events.empty()) continue;
    state s = w.log.s;
    for (const auto& dr : d->events) {
      event e;
      e.seq = s.seq() + 1;
      e.ts = testing::fake_ts(e.seq);
      e.who = {p->user, p->org};
      e.name = dr.name;
      e.entity = dr.entity;
      e.data = dr.data;
      e.data_hash = testing::fake_hash(canonical(e.data), 0);
      e.hash = testing::fake_hash(e.data_hash, e.seq);
      if (!apply(s, e)) std::abort();  // what decide() produced must apply
    }
  }
  return 0;
}
