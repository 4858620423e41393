// One large value written beside the log's write path (decision 0103): into an SST file of its
// own, which RocksDB then takes in (IngestExternalFile).
//
// A state snapshot (up to ~134 MB at 1,000,000 events) written with Put goes through the one
// write queue that the log's group commit uses: its WAL record, its sync and its memtable copy
// hold up every event appended behind it, for as long as the (low-priority) thread writing it
// takes. Here the file is written and synced by the calling thread alone; the ingestion holds
// writes only while RocksDB links the file and records it in its MANIFEST.
//
// Thread safety: may be called from any thread, concurrently with the log's writes (calls for
// one column family may also run at once: each writes its own file).
#pragma once

#include <rocksdb/db.h>

#include <functional>
#include <string>
#include <string_view>

namespace a4p::storage {

// The db_id in the table properties of a file written by SstFileWriter (RocksDB 7.8).
inline constexpr std::string_view ingested_file_db_id = "SST Writer";

// The directory (inside the RocksDB directory) where files wait to be taken in; left-over files
// of a crash there are removed by clear_ingest_dir.
[[nodiscard]] std::string ingest_dir(const rocksdb::DB& db);
void clear_ingest_dir(const rocksdb::DB& db);

// Writes {key: value} to `cf` as a file of its own and takes it in. The key must not be in the
// column family's memtable (the snapshots' column family never has one written). The taking
// in (IngestExternalFile, which holds the database's writes while it runs) is run by
// `take_in(step)` when given (it returns once step has run), else here.
[[nodiscard]] rocksdb::Status ingest_one(
    rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf, std::string_view key, std::string_view value,
    const std::function<void(const std::function<void()>&)>& take_in = {});

}  // namespace a4p::storage
