// An in-memory stand-in for the event log, for protocol tests and benchmarks: it stamps seq,
// a deterministic ts and fake (but well-formed, 64 hex) hashes on drafts, applies them, and
// keeps both the decoded events and their stored bytes (encode_stored).
//
// Thread safety: none; one test uses one instance.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "protocol/json_codec.hpp"
#include "protocol/workspace.hpp"

namespace a4p::protocol::testing {

inline std::string fake_hash(std::string_view bytes, std::uint64_t salt) {
  // FNV-1a, widened to 64 hex chars: not a real hash, only the right shape.
  std::uint64_t h = 1469598103934665603ull ^ salt;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  char buf[65];
  for (int i = 0; i < 4; ++i) {
    std::snprintf(buf + 16 * i, 17, "%016llx", static_cast<unsigned long long>(h));
    h = (h ^ (h >> 29)) * 0xbf58476d1ce4e5b9ull;
  }
  return std::string(buf, 64);
}

inline std::string fake_ts(std::uint64_t seq) {
  // 2026-01-01T00:00:00.000Z plus seq seconds (wrapping within the day is fine for tests).
  std::uint64_t s = seq % 86400;
  char buf[32];
  std::snprintf(buf, sizeof buf, "2026-01-%02lluT%02llu:%02llu:%02llu.000Z",
                static_cast<unsigned long long>(1 + (seq / 86400) % 28),
                static_cast<unsigned long long>(s / 3600),
                static_cast<unsigned long long>(s / 60 % 60),
                static_cast<unsigned long long>(s % 60));
  return buf;
}

class test_log {
 public:
  state s;
  std::vector<event> events;
  std::vector<std::string> stored;
  bool keep_events = true;

  test_log() { append(system_principal(), genesis()); }

  void append(const principal& p, const std::vector<draft>& drafts) {
    for (const auto& d : drafts) {
      event e;
      e.seq = s.seq() + 1;
      e.ts = fake_ts(e.seq);
      e.who = actor{p.user, p.org};
      e.name = d.name;
      e.entity = d.entity;
      e.data = d.data;
      std::string data = canonical(e.data);
      e.data_hash = fake_hash(data, 0);
      e.hash = fake_hash(data, e.seq);
      if (auto applied = apply(s, e); !applied) {
        std::fprintf(stderr, "apply of %s failed: %s\n", e.name.c_str(),
                     applied.error().message.c_str());
        std::abort();
      }
      stored.push_back(encode_stored(e));
      if (keep_events) events.push_back(std::move(e));
    }
  }

  std::expected<decision, rejection> run(const principal& p, std::string name,
                                         nlohmann::json args) {
    command c{"c" + std::to_string(++commands_), std::move(name), std::move(args)};
    auto d = decide(s, p, c);
    if (d) append(p, d->events);
    return d;
  }

  // Runs a command that must succeed (admin setup); returns result.id.
  std::string must(const principal& p, std::string name, nlohmann::json args) {
    auto d = run(p, name, args);
    if (!d) {
      std::fprintf(stderr, "setup command %s failed: %s %s\n", name.c_str(),
                   std::string(to_string(d.error().code)).c_str(), d.error().message.c_str());
      std::abort();
    }
    auto it = d->result.find("id");
    return it != d->result.end() && it->is_string() ? it->get<std::string>() : std::string();
  }

 private:
  std::uint64_t commands_ = 0;
};

}  // namespace a4p::protocol::testing
