// Fuzz target: bytes as the event log stores them (a forged or damaged data directory) through
// decode_stored, then folded into a copy of the test world's state and viewed by a member and
// by the Secretariat. Properties: no crash or sanitizer report; an accepted event encodes and
// decodes back to itself; an event that does not apply leaves the state as it was.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocol/snapshot.hpp"
#include "protocol/visibility.hpp"
#include "protocol/workspace.hpp"
#include "tests/fuzz/fuzz_world.hpp"

using namespace a4p::protocol;

using a4p::fuzz::the_world;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto e = decode_stored(bytes);
  if (!e) return 0;
  auto again = decode_stored(encode_stored(*e));
  if (!again || again->data != e->data || again->seq != e->seq || again->name != e->name ||
      again->entity != e->entity || again->hash != e->hash || again->who != e->who)
    std::abort();  // what decodes must re-encode to the same event
  const auto& w = the_world();
  state s = w.log.s;
  e->seq = s.seq() + 1;
  // A known event that does not fit the state is an error that leaves the state as it was.
  if (!apply(s, *e) && serialize(s) != serialize(w.log.s)) std::abort();
  (void)view_event(s, w.other, *e);
  (void)view_event(s, w.sec, *e);
  (void)audience_of(s, *e);
  (void)users_whose_view_changes(s, *e);
  return 0;
}
