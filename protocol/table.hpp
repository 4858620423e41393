// table<T, P>: the entities of one kind in a state, by id.
//
// Rows live in the order they were added, in chunks of 16 that copies of the table share until
// one of them writes there (chunked_rows.hpp; decision 0331): a state copy costs a pointer per
// chunk. Ids made by decide() are a prefix of
// P characters and a counter ("C1", "C2", ...; "CM1" for P = 2): a row whose id is the prefix
// and its own 1-based position is found by arithmetic and needs no index entry. Every other
// row (ids of other shapes, tables with P = 0 such as orgs and opinions, rows loaded out of
// order) is found through an open-addressing hash index of row numbers, which compares the
// rows' own ids. So a log written by decide() keeps its hundreds of thousands of comments in
// chunks with no per-row allocation, and a snapshot loads them by appending.
//
// The interface is the part of std::map's that the state's readers use: find() returns an
// iterator whose value is a (string_view id, const T&) pair, so `for (const auto& [id, x] : t)`
// and `it->second` read as before; rows are written through get(), at() and put() only. Iteration
// follows insertion order, which replay and a snapshot round trip both preserve; == compares as
// maps (order does not matter).
//
// Errors: at() throws std::out_of_range for an id that is not there, as std::map::at does
// (tests use it; the library's own code uses get() and find(), which do not throw). put()
// throws std::length_error past 2^32 - 1 rows.
//
// Thread safety: as for the state.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/arena.hpp"
#include "protocol/chunked_rows.hpp"

namespace a4p::protocol {

template <class T, std::size_t P = 0>
class table {
 public:
  // Iteration and find() are read-only (a row is written through get(), at() and put(), which
  // copy its chunk first if another copy of the table shares it: chunked_rows.hpp).
  class const_iterator {
   public:
    using value_type = std::pair<std::string_view, const T&>;
    using difference_type = std::ptrdiff_t;
    struct arrow {
      value_type v;
      const value_type* operator->() const { return &v; }
    };
    const_iterator() = default;
    explicit const_iterator(typename chunked_rows<T>::const_iterator i) : i_(i) {}
    value_type operator*() const { return {std::string_view(i_->id), *i_}; }
    arrow operator->() const { return arrow{**this}; }
    const_iterator& operator++() {
      ++i_;
      return *this;
    }
    const_iterator operator++(int) {
      auto old = *this;
      ++i_;
      return old;
    }
    bool operator==(const const_iterator&) const = default;

   private:
    typename chunked_rows<T>::const_iterator i_;
  };
  using iterator = const_iterator;
  using mapped_type = T;

  [[nodiscard]] const_iterator begin() const { return const_iterator(rows_.begin()); }
  [[nodiscard]] const_iterator end() const { return const_iterator(rows_.end()); }
  [[nodiscard]] std::size_t size() const { return rows_.size(); }
  [[nodiscard]] bool empty() const { return rows_.empty(); }
  void reserve(std::size_t n) { rows_.reserve(n); }
  // The rows in insertion order.
  [[nodiscard]] const chunked_rows<T>& rows() const { return rows_; }

  [[nodiscard]] T* get(std::string_view id) {
    auto i = locate(id);
    return i < rows_.size() ? &rows_.mut(i) : nullptr;
  }
  [[nodiscard]] const T* get(std::string_view id) const {
    auto i = locate(id);
    return i < rows_.size() ? &rows_[i] : nullptr;
  }
  [[nodiscard]] const_iterator find(std::string_view id) const {
    auto i = locate(id);
    return i < rows_.size() ? const_iterator(typename chunked_rows<T>::const_iterator(&rows_, i))
                            : end();
  }
  [[nodiscard]] bool contains(std::string_view id) const { return locate(id) < rows_.size(); }
  [[nodiscard]] const T& at(std::string_view id) const {
    const T* x = get(id);
    if (!x) throw std::out_of_range("table::at: no such id");
    return *x;
  }
  [[nodiscard]] T& at(std::string_view id) {
    T* x = get(id);
    if (!x) throw std::out_of_range("table::at: no such id");
    return *x;
  }

  // Bytes held (rows, whole chunks, and the index), and those `older` does not share with this
  // table (what keeping both costs beyond `older`).
  [[nodiscard]] std::size_t bytes() const {
    return rows_.bytes() + slots_.capacity() * sizeof(std::uint32_t);
  }
  [[nodiscard]] std::size_t bytes_beyond(const table& older) const {
    return rows_.bytes_beyond(older.rows_) + slots_.capacity() * sizeof(std::uint32_t);
  }

  // Adds `x`, or replaces the row with x's id (keeping its place). Returns the row.
  T& put(T x) {
    if (T* old = get(std::string_view(x.id))) {
      *old = std::move(x);
      return *old;
    }
    return append(std::move(x));
  }

  // Adds `x` unless a row has its id already; nullptr then (the table is unchanged).
  T* insert(T x) {
    if (contains(std::string_view(x.id))) return nullptr;
    return &append(std::move(x));
  }

  // Removes the row with this id, if any; later rows move up one place. O(size): used for
  // champions only, which are few.
  bool erase(std::string_view id) {
    auto i = locate(id);
    if (i >= rows_.size()) return false;
    chunked_rows<T> kept;
    for (std::size_t k = 0; k < rows_.size(); ++k)
      if (k != i) kept.push_back(rows_[k]);
    rows_ = std::move(kept);
    slots_.clear();
    indexed_ = 0;
    for (std::size_t k = 0; k < rows_.size(); ++k)
      if (!canonical(rows_[k].id, k)) index_row(k);
    return true;
  }

  friend bool operator==(const table& a, const table& b) {
    if (a.size() != b.size()) return false;
    for (const auto& x : a.rows_) {
      const T* y = b.get(std::string_view(x.id));
      if (!y || !(*y == x)) return false;
    }
    return true;
  }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  // The 1-based number after the prefix, or 0 when the id is not prefix + plain number.
  static std::size_t number_of(std::string_view id) {
    if constexpr (P == 0) {
      return 0;
    } else {
      if (id.size() <= P || id.size() > P + 9 || id[P] == '0') return 0;
      std::size_t n = 0;
      for (std::size_t k = P; k < id.size(); ++k) {
        char c = id[k];
        if (c < '0' || c > '9') return 0;
        n = n * 10 + static_cast<std::size_t>(c - '0');
      }
      return n;
    }
  }
  static bool canonical(std::string_view id, std::size_t i) { return number_of(id) == i + 1; }

  std::size_t locate(std::string_view id) const {
    if constexpr (P != 0) {
      std::size_t n = number_of(id);
      if (n != 0 && n <= rows_.size() && std::string_view(rows_[n - 1].id) == id) return n - 1;
    }
    if (indexed_ == 0) return npos;
    std::size_t mask = slots_.size() - 1;
    for (std::size_t k = hash(id) & mask;; k = (k + 1) & mask) {
      std::uint32_t slot = slots_[k];
      if (slot == 0) return npos;
      if (std::string_view(rows_[slot - 1].id) == id) return slot - 1;
    }
  }

  // Adds a row whose id is not in the table.
  T& append(T x) {
    std::size_t i = rows_.size();
    if (i >= 0xFFFFFFFFu) throw std::length_error("table: too many rows");
    T& row = rows_.push_back(std::move(x));
    if (!canonical(row.id, i)) index_row(i);
    return row;
  }

  static std::size_t hash(std::string_view id) { return std::hash<std::string_view>{}(id); }

  // Index row i under its id (open addressing, linear probing; at most half full).
  void index_row(std::size_t i) {
    if ((indexed_ + 1) * 2 > slots_.size()) {
      std::vector<std::uint32_t> old(std::max<std::size_t>(16, slots_.size() * 2), 0);
      old.swap(slots_);
      std::size_t mask = slots_.size() - 1;
      for (std::uint32_t slot : old) {
        if (slot == 0) continue;
        std::size_t k = hash(std::string_view(rows_[slot - 1].id)) & mask;
        while (slots_[k] != 0) k = (k + 1) & mask;
        slots_[k] = slot;
      }
    }
    std::size_t mask = slots_.size() - 1;
    std::size_t k = hash(std::string_view(rows_[i].id)) & mask;
    while (slots_[k] != 0) k = (k + 1) & mask;
    slots_[k] = static_cast<std::uint32_t>(i + 1);
    ++indexed_;
  }

  chunked_rows<T> rows_;
  // The hash index of the rows that are not found by their number: row index + 1, 0 = empty.
  std::vector<std::uint32_t> slots_;
  std::size_t indexed_ = 0;
};

}  // namespace a4p::protocol
