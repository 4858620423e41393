// The stored-event codec: decode_stored and encode_stored (storage/FORMAT.md).
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/json_codec.hpp"
#include "protocol/json_reader.hpp"
#include "protocol/workspace.hpp"

namespace a4p::protocol {

using json = nlohmann::json;

namespace {

// The stored actor object {"org","user"[,...]} read in place. Same acceptance as parsing it
// into a json object (duplicate keys, depth and grammar are checked alike).
bool read_actor(detail::json_reader& r, actor& who) {
  r.skip_ws();
  if (!r.peek('{')) return false;
  (void)r.expect('{');
  unsigned got = 0;
  std::vector<std::string> others;  // only for the duplicate check of unknown members
  if (r.peek('}')) return r.expect('}') && false;
  for (;;) {
    std::string key;
    if (!r.string(key) || !r.expect(':')) return false;
    if (key == "user" || key == "org") {
      unsigned bit = key == "user" ? 1 : 2;
      std::string& dst = bit == 1 ? who.user : who.org;
      if (r.peek('"')) {
        if (!r.string(dst)) return false;
      } else {
        json v;  // any other value type: parsed (for its errors), then refused
        if (!r.value(v, 2)) return false;
        got |= 4;
      }
      if (got & bit) return r.fail("duplicate key \"" + key + "\"");
      got |= bit;
    } else {
      json ignored;
      if (!r.value(ignored, 2)) return false;
      if (std::find(others.begin(), others.end(), key) != others.end())
        return r.fail("duplicate key \"" + key.substr(0, 40) + "\"");
      others.push_back(std::move(key));
    }
    if (r.peek(',')) {
      (void)r.expect(',');
      continue;
    }
    if (!r.expect('}')) return false;
    return (got & 3) == 3 && !(got & 4);
  }
}

}  // namespace

result<event> decode_stored(std::string_view stored) {
  // One pass straight into the event: only `data` becomes a nlohmann::json.
  detail::json_reader r(stored, 64);
  event e;
  auto fail = [&](const char* what) {
    std::string m = r.message().empty() ? std::string("stored event: bad ") + what
                                        : "stored event: " + r.message();
    return std::unexpected(error{"corruption", std::move(m), what});
  };
  if (!r.expect('{')) return fail("object");
  unsigned seen = 0;
  if (!r.peek('}')) {
    for (;;) {
      std::string key;
      if (!r.string(key) || !r.expect(':')) return fail("object");
      if (key == "seq") {
        std::int64_t n;
        if (!r.integer(n) || n < 0) return fail("seq");
        e.seq = static_cast<std::uint64_t>(n);
        seen |= 1;
      } else if (key == "ts") {
        if (!r.string(e.ts)) return fail("ts");
        seen |= 2;
      } else if (key == "name") {
        if (!r.string(e.name)) return fail("name");
        seen |= 4;
      } else if (key == "entity") {
        if (!r.string(e.entity)) return fail("entity");
        seen |= 8;
      } else if (key == "data_hash") {
        if (!r.string(e.data_hash)) return fail("data_hash");
        seen |= 16;
      } else if (key == "hash") {
        if (!r.string(e.hash)) return fail("hash");
        seen |= 32;
      } else if (key == "data") {
        if (!r.value(e.data, 1) || !e.data.is_object()) return fail("data");
        seen |= 64;
      } else if (key == "actor") {
        // Read straight into e.who (no DOM): the same rules as value(a, 1) on an object, then
        // "user" and "org" must be strings; other members are checked and ignored.
        if (!read_actor(r, e.who)) return fail("actor");
        seen |= 128;
      } else {
        json ignored;  // a field from a later format version
        if (!r.value(ignored, 1)) return fail("object");
      }
      if (r.peek(',')) {
        (void)r.expect(',');
        continue;
      }
      break;
    }
  }
  if (!r.expect('}') || !r.at_end()) return fail("object");
  if (seen != 255) return fail("missing fields");
  return e;
}

std::string encode_stored(const event& e) {
  return canonical({{"seq", e.seq},
                    {"ts", e.ts},
                    {"actor", {{"user", e.who.user}, {"org", e.who.org}}},
                    {"name", e.name},
                    {"entity", e.entity},
                    {"data", e.data},
                    {"data_hash", e.data_hash},
                    {"hash", e.hash}});
}

}  // namespace a4p::protocol
