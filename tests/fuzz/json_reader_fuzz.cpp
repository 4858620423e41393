// Fuzz target: the strict JSON reader behind every untrusted text (frames, bodies, stored
// events). Property: it never crashes or throws, and what it accepts prints canonically and
// reads back to the same value.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/json_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto j = a4p::protocol::parse_untrusted(text, {64 * 1024, 32});
  if (!j) return 0;
  const auto printed = a4p::protocol::canonical(*j);
  auto again = a4p::protocol::parse_untrusted(printed, {1 << 20, 32});
  if (!again || *again != *j) std::abort();  // canonical output must read back as itself
  return 0;
}
