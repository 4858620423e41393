#include "protocol/snapshot.hpp"

#include <cstring>
#include <vector>

#include "protocol/workspace.hpp"

namespace a4p::protocol {
namespace {

constexpr char magic[4] = {'A', '4', 'P', 'S'};
// 2: users carry `disabled`. Version 1 snapshots still load (every user enabled).
// 3: language tags (`lang` of users, reports, pledges, discussions with `outcome_lang`, comments,
// opinions), each at the end of its entity. Older snapshots load with every tag unknown.
// 4: pledges carry `published` and `published_ts`, the state `public_off` (at the end).
// 5: comments carry `seq`, the seq of their comment.posted event (at the end): the cursor of a
// thread's pages. Older snapshots load with every comment's seq 0; state_at does not use them.
constexpr std::uint32_t format_version = 5;
constexpr std::uint32_t oldest_readable_version = 1;

// Little-endian base-128 varints and length-prefixed strings.
class writer {
 public:
  std::string out;
  void u(std::uint64_t v) {
    while (v >= 0x80) {
      out.push_back(static_cast<char>((v & 0x7F) | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<char>(v));
  }
  void i(std::int64_t v) {
    u((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  void b(bool v) { out.push_back(v ? 1 : 0); }
  void s(std::string_view v) {
    u(v.size());
    out.append(v);
  }
  void list(const text_list& v) {
    u(v.size());
    for (const auto& x : v) s(x);
  }
  void opt(const std::optional<text>& v) {
    b(v.has_value());
    if (v) s(*v);
  }
  void fv(const field_versions& v) {
    u(v.size());
    for (const auto& f : v) {
      s(f.field);
      i(f.version);
    }
  }
};

// Texts are not copied: they point into the snapshot's bytes, which the state's arena adopts
// (arena.hpp); lists and field versions are built in the arena.
class reader {
 public:
  reader(std::string_view in, arena& a) : a_(a), p_(in.data()), end_(in.data() + in.size()) {}
  bool ok = true;
  std::uint32_t version = format_version;  // of the snapshot being read
  std::uint64_t u() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return fail(), 0;
      auto c = static_cast<unsigned char>(*p_++);
      v |= static_cast<std::uint64_t>(c & 0x7F) << shift;
      if (!(c & 0x80)) return v;
    }
    return fail(), 0;
  }
  std::int64_t i() {
    std::uint64_t z = u();
    return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  bool b() {
    if (p_ == end_) return fail(), false;
    char c = *p_++;
    if (c != 0 && c != 1) fail();
    return c == 1;
  }
  text s() {
    std::uint64_t n = u();
    if (!ok || n > max_text || !have(n)) return fail(), text();
    text v = arena::adopted(p_, n);
    p_ += n;
    return v;
  }
  // A count of items, each at least `min_bytes` long: a bound against hostile lengths.
  std::uint64_t count(std::uint64_t min_bytes = 1) {
    std::uint64_t n = u();
    if (n > static_cast<std::uint64_t>(end_ - p_) / min_bytes) return fail(), 0;
    return n;
  }
  text_list list() {
    std::uint64_t n = count();
    if (n > max_list) return fail(), text_list();
    if (n == 0) return {};
    text* v = a_.alloc_array<text>(n);
    for (std::uint64_t k = 0; k < n; ++k) v[k] = s();
    return arena::make_list(v, ok ? n : 0);
  }
  std::optional<text> opt() {
    if (!b()) return std::nullopt;
    return s();
  }
  // Field versions, which serialize() writes sorted by field and without repeats.
  field_versions fv() {
    std::uint64_t n = count();
    if (n > max_list) return fail(), field_versions();
    if (n == 0) return {};
    auto* v = a_.alloc_array<field_version>(n);
    for (std::uint64_t k = 0; k < n; ++k) {
      v[k].field = s();
      v[k].version = i();
      if (k > 0 && !(v[k - 1].field < v[k].field)) fail();
    }
    return arena::make_versions(v, ok ? n : 0);
  }
  protocol::arena& store() { return a_; }
  bool raw(const char* bytes, std::size_t n) {
    if (!have(n) || std::memcmp(p_, bytes, n) != 0) return false;
    p_ += n;
    return true;
  }
  bool at_end() const { return p_ == end_; }
  void fail() {
    ok = false;
    p_ = end_;
  }

 private:
  static constexpr std::uint64_t max_text = 0xFFFFFFFFu;
  // Lists are far shorter (workspace.hpp's limits); this bounds what a damaged count costs.
  static constexpr std::uint64_t max_list = 1u << 16;
  // Whether the next n bytes are there.
  bool have(std::uint64_t n) const { return n <= static_cast<std::uint64_t>(end_ - p_); }

  arena& a_;
  const char* p_;
  const char* end_;
};

// The fewest bytes a serialised report takes (seq, ts, by, round, status, progress, note,
// evidence, impact_note flag, attribution flag: one byte each at least).
constexpr std::uint64_t min_report_bytes = 10;

// Each entity's fields in a fixed order; `io` is a writer or a reader (read via assignment).
void put(writer& w, const theme& x) {
  w.s(x.id), w.s(x.name), w.s(x.note);
}
void get(reader& r, theme& x) {
  x.id = r.s(), x.name = r.s(), x.note = r.s();
}
void put(writer& w, const org& x) {
  w.s(x.id), w.s(x.name), w.s(x.kind), w.s(x.region), w.list(x.groups), w.b(x.endorsed),
      w.i(x.version);
}
void get(reader& r, org& x) {
  x.id = r.s(), x.name = r.s(), x.kind = r.s(), x.region = r.s(), x.groups = r.list();
  x.endorsed = r.b(), x.version = r.i();
}
void put(writer& w, const user& x) {
  w.s(x.id), w.s(x.name), w.s(x.org), w.u(static_cast<std::uint64_t>(x.r)), w.b(x.disabled);
  w.i(x.version), w.s(x.lang);
}
void get(reader& r, user& x) {
  x.id = r.s(), x.name = r.s(), x.org = r.s();
  auto k = r.u();
  if (k > 2) r.fail();
  x.r = static_cast<role>(k);
  if (r.version >= 2) x.disabled = r.b();
  x.version = r.i();
  if (r.version >= 3) x.lang = r.s();
}
void put(writer& w, const commitment& x) {
  w.s(x.id), w.s(x.theme), w.i(x.number), w.s(x.title), w.s(x.responsibility), w.i(x.version);
  w.fv(x.changed);
}
void get(reader& r, commitment& x) {
  x.id = r.s(), x.theme = r.s(), x.number = r.i(), x.title = r.s(), x.responsibility = r.s();
  x.version = r.i(), x.changed = r.fv();
}
void put(writer& w, const indicator_target& x) {
  w.s(x.indicator), w.s(x.target);
}
void get(reader& r, indicator_target& x) {
  x.indicator = r.s(), x.target = r.s();
}
void put(writer& w, const report& x) {
  w.u(x.seq), w.s(x.ts), w.s(x.by), w.s(x.round), w.s(x.status), w.i(x.progress), w.s(x.note);
  w.list(x.evidence), w.opt(x.impact_note);
  w.b(x.attrib.has_value());
  if (x.attrib) w.s(x.attrib->statement), w.b(x.attrib->preexisting), w.s(x.attrib->confidence);
  w.s(x.lang);
}
void get(reader& r, report& x) {
  x.seq = r.u(), x.ts = r.s(), x.by = r.s(), x.round = r.s(), x.status = r.s();
  x.progress = r.i(), x.note = r.s(), x.evidence = r.list(), x.impact_note = r.opt();
  if (r.b()) {
    attribution a;
    a.statement = r.s(), a.preexisting = r.b(), a.confidence = r.s();
    x.attrib = std::move(a);
  }
  if (r.version >= 3) x.lang = r.s();
}
void put(writer& w, const pledge& x) {
  w.s(x.id), w.s(x.org), w.s(x.theme), w.s(x.title), w.s(x.description);
  put(w, x.output);
  w.b(x.impact.has_value());
  if (x.impact) put(w, *x.impact);
  w.s(x.commitment), w.list(x.actions), w.s(x.due), w.i(x.version), w.s(x.status);
  w.i(x.progress);
  w.u(x.reports.size());
  for (const auto& rp : x.reports) put(w, rp);
  w.s(x.created_ts), w.s(x.updated_ts), w.fv(x.changed), w.s(x.lang);
  w.b(x.published), w.s(x.published_ts);
}
void get(reader& r, pledge& x) {
  x.id = r.s(), x.org = r.s(), x.theme = r.s(), x.title = r.s(), x.description = r.s();
  get(r, x.output);
  if (r.b()) {
    indicator_target i;
    get(r, i);
    x.impact = std::move(i);
  }
  x.commitment = r.s(), x.actions = r.list(), x.due = r.s(), x.version = r.i(), x.status = r.s();
  x.progress = r.i();
  x.reports = r.store().make_vector<report>(r.count(min_report_bytes));
  report* rp = arena::data(x.reports);
  for (std::size_t k = 0; k < x.reports.size(); ++k) get(r, rp[k]);
  x.created_ts = r.s(), x.updated_ts = r.s(), x.changed = r.fv();
  if (r.version >= 3) x.lang = r.s();
  if (r.version >= 4) x.published = r.b(), x.published_ts = r.s();
}
void put(writer& w, const gap& x) {
  w.s(x.id), w.s(x.theme), w.s(x.title), w.s(x.description), w.i(x.version), w.fv(x.changed);
}
void get(reader& r, gap& x) {
  x.id = r.s(), x.theme = r.s(), x.title = r.s(), x.description = r.s(), x.version = r.i();
  x.changed = r.fv();
}
void put(writer& w, const action& x) {
  w.s(x.id), w.s(x.theme), w.s(x.title), w.s(x.kind), w.s(x.gap), w.s(x.due);
  w.list(x.taken_up_by), w.i(x.version), w.fv(x.changed);
}
void get(reader& r, action& x) {
  x.id = r.s(), x.theme = r.s(), x.title = r.s(), x.kind = r.s(), x.gap = r.s(), x.due = r.s();
  x.taken_up_by = r.list(), x.version = r.i(), x.changed = r.fv();
}
void put(writer& w, const discussion& x) {
  w.s(x.id), w.s(x.theme), w.s(x.title), w.s(x.agenda), w.s(x.visibility), w.list(x.invitees);
  w.s(x.convener), w.s(x.state), w.s(x.outcome), w.s(x.created_ts), w.i(x.version);
  w.s(x.lang), w.s(x.outcome_lang);
}
void get(reader& r, discussion& x) {
  x.id = r.s(), x.theme = r.s(), x.title = r.s(), x.agenda = r.s(), x.visibility = r.s();
  x.invitees = r.list(), x.convener = r.s(), x.state = r.s(), x.outcome = r.s();
  x.created_ts = r.s(), x.version = r.i();
  if (r.version >= 3) x.lang = r.s(), x.outcome_lang = r.s();
}
void put(writer& w, const comment& x) {
  w.s(x.id), w.s(x.target), w.s(x.author), w.s(x.org), w.s(x.body), w.s(x.reply_to);
  w.b(x.hidden), w.s(x.hidden_reason), w.b(x.edited), w.s(x.ts), w.i(x.version), w.s(x.lang);
  w.u(x.seq);
}
void get(reader& r, comment& x) {
  x.id = r.s(), x.target = r.s(), x.author = r.s(), x.org = r.s(), x.body = r.s();
  x.reply_to = r.s(), x.hidden = r.b(), x.hidden_reason = r.s(), x.edited = r.b();
  x.ts = r.s(), x.version = r.i();
  if (r.version >= 3) x.lang = r.s();
  if (r.version >= 5) x.seq = r.u();
}
void put(writer& w, const round& x) {
  w.s(x.id), w.s(x.name), w.s(x.closes), w.s(x.state), w.s(x.opened_ts);
}
void get(reader& r, round& x) {
  x.id = r.s(), x.name = r.s(), x.closes = r.s(), x.state = r.s(), x.opened_ts = r.s();
}
void put(writer& w, const opinion& x) {
  w.s(x.id), w.s(x.org), w.s(x.target), w.s(x.position), w.s(x.text), w.s(x.by), w.s(x.ts);
  w.s(x.lang);
}
void get(reader& r, opinion& x) {
  x.id = r.s(), x.org = r.s(), x.target = r.s(), x.position = r.s(), x.text = r.s();
  x.by = r.s(), x.ts = r.s();
  if (r.version >= 3) x.lang = r.s();
}
void put(writer& w, const champion& x) {
  w.s(x.id), w.s(x.org), w.s(x.theme), w.s(x.offer);
}
void get(reader& r, champion& x) {
  x.id = r.s(), x.org = r.s(), x.theme = r.s(), x.offer = r.s();
}

template <class Map>
void put_map(writer& w, const Map& m) {
  w.u(m.size());
  for (const auto& [id, x] : m) put(w, x);
}

template <class Map>
void get_map(reader& r, Map& m) {
  std::uint64_t n = r.count();
  m.reserve(n + n / 8 + 16);  // room for the events replayed after the snapshot
  for (; n > 0 && r.ok; --n) {
    typename Map::mapped_type x;
    get(r, x);
    if (!m.insert(std::move(x))) return r.fail();  // each id once
  }
}

}  // namespace

std::string serialize(const state& s) {
  writer w;
  w.out.append(magic, 4);
  w.u(format_version);
  w.u(s.seq());
  const auto& c = s.counters;
  for (auto n : {c.commitment, c.pledge, c.gap, c.action, c.discussion, c.comment, c.round}) w.u(n);
  put_map(w, s.themes);
  put_map(w, s.commitments);
  put_map(w, s.orgs);
  put_map(w, s.users);
  put_map(w, s.pledges);
  put_map(w, s.gaps);
  put_map(w, s.actions);
  put_map(w, s.discussions);
  put_map(w, s.comments);
  put_map(w, s.rounds);
  put_map(w, s.opinions);
  put_map(w, s.champions);
  w.u(s.public_off);
  return std::move(w.out);
}

std::uint32_t snapshot_format(std::string_view bytes) {
  if (bytes.size() < 5 || std::memcmp(bytes.data(), magic, 4) != 0) return 0;
  std::uint64_t v = 0;
  for (std::size_t k = 4, shift = 0; k < bytes.size() && shift < 35; ++k, shift += 7) {
    const auto c = static_cast<unsigned char>(bytes[k]);
    v |= static_cast<std::uint64_t>(c & 0x7F) << shift;
    if (!(c & 0x80)) return v <= format_version ? static_cast<std::uint32_t>(v) : 0;
  }
  return 0;
}

snapshot_bytes::snapshot_bytes(std::size_t size)
    : p_(std::make_unique_for_overwrite<char[]>(size)), n_(size) {}

std::shared_ptr<const snapshot_bytes> copy_snapshot_bytes(std::string_view bytes) {
  auto out = std::make_shared<snapshot_bytes>(bytes.size());
  if (!bytes.empty()) std::memcpy(out->data(), bytes.data(), bytes.size());
  return out;
}

result<state> deserialize(std::string_view bytes) {
  return deserialize(copy_snapshot_bytes(bytes));
}

result<state> deserialize(std::shared_ptr<const snapshot_bytes> held) {
  if (!held) return std::unexpected(error{"corruption", "snapshot: no bytes", ""});
  state s;
  s.arena().adopt(held, held->size());
  reader r(held->view(), s.arena());
  auto corrupt = [](std::string m) {
    return std::unexpected(error{"corruption", std::move(m), ""});
  };
  if (!r.raw(magic, 4)) return corrupt("snapshot: bad magic");
  const auto version = r.u();
  if (version < oldest_readable_version || version > format_version || !r.ok)
    return corrupt("snapshot: unknown format version");
  r.version = static_cast<std::uint32_t>(version);
  s.set_seq(r.u());
  auto& c = s.counters;
  for (auto* n : {&c.commitment, &c.pledge, &c.gap, &c.action, &c.discussion, &c.comment, &c.round})
    *n = r.u();
  get_map(r, s.themes);
  get_map(r, s.commitments);
  get_map(r, s.orgs);
  get_map(r, s.users);
  get_map(r, s.pledges);
  get_map(r, s.gaps);
  get_map(r, s.actions);
  get_map(r, s.discussions);
  get_map(r, s.comments);
  get_map(r, s.rounds);
  get_map(r, s.opinions);
  get_map(r, s.champions);
  if (r.version >= 4) s.public_off = static_cast<std::uint32_t>(r.u());
  if (!r.ok) return corrupt("snapshot: truncated or malformed");
  if (!r.at_end()) return corrupt("snapshot: trailing bytes");
  s.threads.rebuild(s.comments);
  return s;
}

}  // namespace a4p::protocol
