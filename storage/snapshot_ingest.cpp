#include "storage/snapshot_ingest.hpp"

#include <rocksdb/options.h>
#include <rocksdb/sst_file_writer.h>

#include <atomic>
#include <filesystem>
#include <system_error>

namespace a4p::storage {

std::string ingest_dir(const rocksdb::DB& db) {
  return db.GetName() + "/ingest";
}

void clear_ingest_dir(const rocksdb::DB& db) {
  std::error_code ec;
  std::filesystem::remove_all(ingest_dir(db), ec);  // only our own files waiting to be taken in
}

rocksdb::Status ingest_one(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* cf, std::string_view key,
                           std::string_view value,
                           const std::function<void(const std::function<void()>&)>& take_in) {
  static std::atomic<std::uint64_t> next{0};
  std::error_code ec;
  const std::string dir = ingest_dir(db);
  std::filesystem::create_directories(dir, ec);
  if (ec) return rocksdb::Status::IOError("create " + dir, ec.message());
  const std::string path = dir + "/" + std::to_string(next.fetch_add(1)) + ".sst";

  rocksdb::ColumnFamilyDescriptor desc;
  if (auto s = cf->GetDescriptor(&desc); !s.ok()) return s;
  const rocksdb::Options options(db.GetDBOptions(), desc.options);
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(options), options, cf);
  auto s = writer.Open(path);
  if (s.ok())
    s = writer.Put(rocksdb::Slice(key.data(), key.size()),
                   rocksdb::Slice(value.data(), value.size()));
  if (s.ok()) s = writer.Finish();  // synced
  if (s.ok()) {
    rocksdb::IngestExternalFileOptions io;
    io.move_files = true;             // a hard link: the bytes are not copied again
    io.allow_blocking_flush = false;  // never hold writes for a flush: fail instead
    auto step = [&] { s = db.IngestExternalFile(cf, {path}, io); };
    if (take_in)
      take_in(step);
    else
      step();
  }
  std::filesystem::remove(path, ec);  // gone already when moved; the leftover of a failure
  return s;
}

}  // namespace a4p::storage
