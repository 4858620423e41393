// What an attacker with write access to the data directory can do (RocksDB's own API, as its
// `ldb` tool would): open the database behind event_log's back and rewrite a value. Used by the
// tests of SECURITY.md section 7. The data directory must not be open elsewhere.
#pragma once

#include <rocksdb/db.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace a4p::test {

// Rewrites the value under `key` in column family `cf` with edit(value); with no key, the last
// key of the column family. Returns the key rewritten, or nullopt when there was none or
// RocksDB refused.
inline std::optional<std::string> rewrite_raw(const std::string& dir, const std::string& cf,
                                              std::optional<std::string> key,
                                              const std::function<void(std::string&)>& edit) {
  std::vector<std::string> names;
  if (!rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names).ok()) return std::nullopt;
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const auto& n : names) descs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(rocksdb::DBOptions(), dir, descs, &handles, &raw).ok())
    return std::nullopt;
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ColumnFamilyHandle* h = nullptr;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == cf) h = handles[i];
  std::optional<std::string> done;
  if (h) {
    if (!key) {
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), h));
      it->SeekToLast();
      if (it->Valid()) key = it->key().ToString();
    }
    std::string value;
    if (key && db->Get(rocksdb::ReadOptions(), h, *key, &value).ok()) {
      edit(value);
      rocksdb::WriteOptions wo;
      wo.sync = true;
      if (db->Put(wo, h, *key, value).ok()) done = key;
    }
  }
  for (auto* x : handles) (void)db->DestroyColumnFamilyHandle(x);  // ignored: closing anyway
  (void)db->Close();
  return done;
}

// Replaces the first `from` in `s` with `to` (same length keeps every offset); false if absent.
inline bool replace_once(std::string& s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  if (at == std::string::npos) return false;
  s.replace(at, from.size(), to);
  return true;
}

}  // namespace a4p::test
