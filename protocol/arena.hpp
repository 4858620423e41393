// The string storage of a workspace state: immutable texts in an append-only arena.
//
// Every string of the state (ids, names, comment bodies, timestamps, ...) is a `text`: a
// pointer and a length into bytes that its state's `arena` keeps alive. Texts never change in
// place; apply() replaces a field with a new text. This is what makes the state cheap to build
// (a bump of a pointer and a memcpy per string, no malloc) and a snapshot cheap to load: a
// deserialised state adopts the snapshot's bytes and its texts point straight into them (see
// docs/decisions/0203-state-arena-and-tables.md).
//
// Rules for holders of texts:
//  - a text is valid while the arena that made it, or any copy of that arena, lives;
//  - copying a state copies its arena's ownership (shared, immutable bytes), so the copy's
//    texts stay valid when the original goes; moving a state moves it;
//  - never put a text made by one state's arena into another state: go through that state's
//    keep() (apply.cpp's appliers do).
//
// Bytes replaced by an edit stay in the arena until the state is rebuilt (for instance from a
// snapshot): the garbage is bounded by the text of all edits ever applied, which the log
// holds anyway.
//
// Thread safety: a const arena (and its texts) may be read from many threads; writes need
// exclusive access. Copies share bytes that no one writes any more, so they are independent.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace a4p::protocol {

class arena;

// An immutable string held by an arena (or a literal of static storage).
class text {
 public:
  constexpr text() noexcept = default;
  // A text of static storage duration, such as a string literal.
  static constexpr text literal(std::string_view s) noexcept { return {s.data(), s.size()}; }

  [[nodiscard]] constexpr std::string_view view() const noexcept { return {p_, n_}; }
  constexpr operator std::string_view() const noexcept { return view(); }  // NOLINT
  [[nodiscard]] std::string str() const { return std::string(view()); }
  [[nodiscard]] constexpr const char* data() const noexcept { return p_; }
  [[nodiscard]] constexpr std::size_t size() const noexcept { return n_; }
  [[nodiscard]] constexpr bool empty() const noexcept { return n_ == 0; }

  friend constexpr bool operator==(text a, text b) noexcept { return a.view() == b.view(); }
  friend constexpr bool operator==(text a, std::string_view b) noexcept { return a.view() == b; }
  friend constexpr std::strong_ordering operator<=>(text a, text b) noexcept {
    return a.view() <=> b.view();
  }
  friend constexpr std::strong_ordering operator<=>(text a, std::string_view b) noexcept {
    return a.view() <=> b;
  }

 private:
  friend class arena;
  constexpr text(const char* p, std::size_t n) noexcept
      : p_(p), n_(static_cast<std::uint32_t>(n)) {}
  const char* p_ = "";
  std::uint32_t n_ = 0;
};

std::ostream& operator<<(std::ostream& os, text t);
// Owned strings built from texts, for messages: "the discussion is " + d.state.
inline std::string operator+(const std::string& a, text b) {
  std::string r;
  r.reserve(a.size() + b.size());
  return r.append(a).append(b.view());
}
inline std::string operator+(const char* a, text b) {
  return std::string(a) + b;
}
void to_json(nlohmann::json& j, text t);

// A read-only array held by an arena (texts, field versions). Built by arena::array().
template <class T>
class frozen_array {
 public:
  constexpr frozen_array() noexcept = default;
  [[nodiscard]] const T* begin() const noexcept { return p_; }
  [[nodiscard]] const T* end() const noexcept { return p_ + n_; }
  [[nodiscard]] std::size_t size() const noexcept { return n_; }
  [[nodiscard]] bool empty() const noexcept { return n_ == 0; }
  [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return p_[i]; }
  [[nodiscard]] const T& back() const noexcept { return p_[n_ - 1]; }
  friend bool operator==(const frozen_array& a, const frozen_array& b) {
    if (a.n_ != b.n_) return false;
    for (std::size_t i = 0; i < a.n_; ++i)
      if (!(a.p_[i] == b.p_[i])) return false;
    return true;
  }

 private:
  friend class arena;
  const T* p_ = nullptr;
  std::uint32_t n_ = 0;
};

// A list of strings (groups, invitees, evidence, ...).
class text_list : public frozen_array<text> {
 public:
  [[nodiscard]] bool contains(std::string_view s) const noexcept {
    for (const auto& t : *this)
      if (t == s) return true;
    return false;
  }
  [[nodiscard]] std::vector<std::string> strings() const { return {begin(), end()}; }
};
void to_json(nlohmann::json& j, const text_list& l);

struct field_version {
  text field;
  std::int64_t version = 0;
  bool operator==(const field_version&) const = default;
};

// Per-field last-changed version, for base_version merges; sorted by field.
class field_versions : public frozen_array<field_version> {
 public:
  // The version that last changed `field`, or nullopt.
  [[nodiscard]] std::optional<std::int64_t> of(std::string_view field) const noexcept {
    for (const auto& f : *this)
      if (f.field == field) return f.version;
    return std::nullopt;
  }
};

// A growing array held by an arena (a pledge's reports). It grows in place, with room
// doubling, only in the arena that made its block; a copy of the state (a new arena) moves
// it to a block of its own on its first append, so the two never write the same bytes.
template <class T>
class arena_vector : public frozen_array<T> {
 private:
  friend class arena;
  std::uint32_t cap_ = 0;
  std::uint64_t owner_ = 0;  // the id of the arena whose block this is
};

class arena {
 public:
  arena() : id_(new_id()) {}
  ~arena() = default;
  // A copy shares the bytes (they never change) and writes its own new texts elsewhere.
  arena(const arena& o) : keep_(o.keep_), bytes_(o.bytes_), id_(new_id()) {}
  arena& operator=(const arena& o);
  arena(arena&& o) noexcept;
  arena& operator=(arena&& o) noexcept;

  // A text holding a copy of `s`.
  [[nodiscard]] text keep(std::string_view s);
  // `l` with `s` appended (a new list; `l` is unchanged).
  [[nodiscard]] text_list with(const text_list& l, std::string_view s);
  // `v` with `field` set to `version` (a new array; `v` is unchanged).
  [[nodiscard]] field_versions with(const field_versions& v, std::string_view field,
                                    std::int64_t version);

  // Keeps `bytes` alive as long as this arena or a copy of it; texts may point into it
  // through adopted().
  void adopt(std::shared_ptr<const void> bytes, std::size_t size);
  // A text for bytes inside a buffer given to adopt() (unchecked).
  [[nodiscard]] static text adopted(const char* p, std::size_t n) noexcept { return {p, n}; }
  // Uninitialised room for `n` trivially copyable T, and the finished array over it.
  template <class T>
  [[nodiscard]] T* alloc_array(std::size_t n) {
    return static_cast<T*>(allocate(n * sizeof(T), alignof(T)));
  }
  [[nodiscard]] static text_list make_list(const text* p, std::size_t n) noexcept {
    text_list l;
    l.p_ = p;
    l.n_ = static_cast<std::uint32_t>(n);
    return l;
  }
  [[nodiscard]] static field_versions make_versions(const field_version* p,
                                                    std::size_t n) noexcept {
    field_versions v;
    v.p_ = p;
    v.n_ = static_cast<std::uint32_t>(n);
    return v;
  }

  // Appends `x` to `v` (trivially copyable T), in place when `v`'s block is this arena's and
  // has room.
  template <class T>
  void push_back(arena_vector<T>& v, const T& x) {
    if (v.owner_ != id_ || v.n_ == v.cap_) {
      std::size_t cap = v.n_ < 2 ? 4 : std::size_t{v.n_} * 2;
      T* p = alloc_array<T>(cap);
      for (std::size_t i = 0; i < v.n_; ++i) p[i] = v.p_[i];
      v.p_ = p;
      v.cap_ = static_cast<std::uint32_t>(cap);
      v.owner_ = id_;
    }
    // This arena's own block, which no copy reads beyond its own size: writable.
    const_cast<T*>(v.p_)[v.n_++] = x;
  }
  // `n` default-constructed T in a new block of this arena.
  template <class T>
  [[nodiscard]] arena_vector<T> make_vector(std::size_t n) {
    arena_vector<T> v;
    if (n == 0) return v;
    T* p = alloc_array<T>(n);
    for (std::size_t i = 0; i < n; ++i) new (p + i) T();
    v.p_ = p;
    v.n_ = v.cap_ = static_cast<std::uint32_t>(n);
    v.owner_ = id_;
    return v;
  }
  template <class T>
  [[nodiscard]] static T* data(arena_vector<T>& v) noexcept {
    return const_cast<T*>(v.p_);
  }

  // Bytes held (own chunks and adopted buffers), for metrics and tests.
  [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }

 private:
  void* allocate(std::size_t n, std::size_t align);
  char* new_block(std::size_t n);

  std::vector<std::shared_ptr<const void>> keep_;
  std::size_t bytes_ = 0;
  char* cur_ = nullptr;  // free room at the end of the last chunk this arena made
  std::size_t left_ = 0;
  std::uint64_t id_;  // unique per arena object: a copy or a moved-from arena gets a new one

  static std::uint64_t new_id() noexcept;
};

}  // namespace a4p::protocol
