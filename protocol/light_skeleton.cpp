#include "protocol/light_skeleton.hpp"

#include <nlohmann/json.hpp>

#include "protocol/json_codec.hpp"
#include "protocol/rooms.hpp"
#include "protocol/visibility.hpp"

namespace a4p::protocol {
namespace {

using json = nlohmann::json;

bool restricted(const discussion* d) {
  return d && d->visibility == "restricted";
}

std::string member_text(const std::string& key, const json& value) {
  std::string out = canonical(json(key));
  out += ':';
  out += canonical(value);
  return out;
}

}  // namespace

light_skeleton::light_skeleton(const state& s, const state& now) : seq_(s.seq()) {
  // Built for a reader who sees everything; each member that not everyone may see is gated.
  const viewer all{"", "", role::secretariat};
  const json light = view_light_state(s, now, all);
  // A member about a restricted discussion is gated by it, judged as visibility.cpp judges:
  // by `now`'s discussion (a discussion `now` lacks, by `s`'s for the discussion itself; since
  // discussions are never removed this is only a guard, and write() then shows it to
  // privileged readers only).
  auto gate_of = [&](std::string_view id, const discussion* fallback) -> std::uint32_t {
    const discussion* d = now.discussions.get(id);
    if (!restricted(d ? d : fallback)) return 0;
    gates_.emplace_back(id);
    return static_cast<std::uint32_t>(gates_.size());
  };
  add_structure("{");
  bool first = true;
  for (const auto& [key, value] : light.items()) {
    add_structure(std::string(first ? "" : ",") + canonical(json(key)) + ":");
    first = false;
    if (key != "discussions" && key != "opinions") {
      add_structure(canonical(value));
      continue;
    }
    add_structure("{");
    for (const auto& [id, x] : value.items()) {
      std::uint32_t gate = 0;
      if (key == "discussions") {
        gate = gate_of(id, s.discussions.get(id));
      } else if (const auto& target = x["target"].get_ref<const std::string&>();
                 target.starts_with("discussion:")) {
        gate = gate_of(std::string_view(target).substr(11), nullptr);
      }
      add_member(member_text(id, x), gate);
    }
    add_structure("}");
  }
  add_structure("}");
  for (const auto& r : runs_) bytes_ += r.text.size();
  for (const auto& g : gates_) bytes_ += g.size() + sizeof(std::string);
}

void light_skeleton::add_structure(std::string_view text) {
  if (text.empty()) return;
  if (!runs_.empty() && runs_.back().structure) {
    runs_.back().text += text;
    return;
  }
  runs_.push_back({std::string(text), 0, true});
}

void light_skeleton::add_member(std::string member, std::uint32_t gate) {
  // Members of one gate 0 run are joined here; a gated member is a run of its own.
  if (gate == 0 && !runs_.empty() && !runs_.back().structure && runs_.back().gate == 0) {
    runs_.back().text += ',';
    runs_.back().text += member;
    return;
  }
  runs_.push_back({std::move(member), gate, false});
}

template <class Emit>
void light_skeleton::walk(const state& now, const viewer& v, Emit&& emit) const {
  std::vector<char> sees(gates_.size() + 1, 1);
  if (!privileged(v))
    for (std::size_t k = 0; k < gates_.size(); ++k) {
      const discussion* d = now.discussions.get(gates_[k]);
      sees[k + 1] = d && may_see_discussion(*d, v) ? 1 : 0;
    }
  // A ',' goes between two members of one object: after a member, before the next one taken.
  bool after_member = false;
  for (std::size_t i = 0; i < runs_.size(); ++i) {
    const auto& r = runs_[i];
    if (r.structure) {
      emit(i);
      after_member = false;
      continue;
    }
    if (!sees[r.gate]) continue;
    if (after_member) emit(comma);
    emit(i);
    after_member = true;
  }
}

void light_skeleton::write(std::string& out, const state& now, const viewer& v) const {
  walk(now, v, [&](std::size_t i) {
    if (i == comma) {
      out += ',';
    } else {
      out += runs_[i].text;
    }
  });
}

std::string light_skeleton::text(const state& now, const viewer& v) const {
  std::string out;
  out.reserve(bytes_);
  write(out, now, v);
  return out;
}

std::string light_skeleton::message(const state& now, const viewer& v) const {
  // As light_snapshot_message() writes it.
  std::string out = "{\"seq\":" + std::to_string(seq_) + ",\"state\":";
  out.reserve(bytes_ + 64);
  write(out, now, v);
  out += ",\"type\":\"snapshot\",\"view\":\"light\"}";
  return out;
}

}  // namespace a4p::protocol

namespace a4p::protocol {

std::string light_skeleton::message_gzip(const state& now, const viewer& v) const {
  std::call_once(deflated_once_, [this] {
    deflated_.reserve(runs_.size());
    for (const auto& r : runs_) deflated_.push_back(deflate_piece(r.text));
  });
  gzip_writer gz;
  gz.reserve(deflated_bytes() + 256);
  gz.add_stored("{\"seq\":" + std::to_string(seq_) + ",\"state\":");
  walk(now, v, [&](std::size_t i) {
    if (i == comma) {
      gz.add_stored(",");
    } else {
      gz.add(deflated_[i]);
    }
  });
  gz.add_stored(",\"type\":\"snapshot\",\"view\":\"light\"}");
  return std::move(gz).finish();
}

std::size_t light_skeleton::deflated_bytes() const {
  std::size_t n = 0;
  for (const auto& d : deflated_) n += d.data.size();
  return n;
}

}  // namespace a4p::protocol
