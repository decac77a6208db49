// Reading the generator's JSON-lines files (docs/generator.md) one record at a time, and the file
// of credentials the seeding tool issued (one IssueCredentialResponse per line, the same format).
//
// Example:
//   auto teleoperators = JsonLines<v1::Teleoperator>::Open(dir + "/teleoperators.jsonl");
//   while (true) {
//     absl::StatusOr<const v1::Teleoperator*> next = teleoperators->Peek();
//     if (!next.ok()) return next.status();
//     if (*next == nullptr) break;  // end of file
//     Use(**next);
//     teleoperators->Pop();
//   }
//
// Thread safety: none; one reader per thread (or behind a mutex).
#ifndef CALLMATCH_SERVICES_LOAD_JSONL_H_
#define CALLMATCH_SERVICES_LOAD_JSONL_H_

#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "callmatch/v1/credential.pb.h"
#include "google/protobuf/message.h"

namespace callmatch::load {

// Parses one line of protobuf JSON into `message`; INVALID_ARGUMENT naming `where` (file:line).
absl::Status ParseJsonLine(const std::string& line, const std::string& where,
                           google::protobuf::Message* message);

// One line of protobuf JSON (field names as in the .proto files), without the newline.
std::string ToJsonLine(const google::protobuf::Message& message);

// A file of records of type M, read in order with one record of look-ahead.
template <typename M>
class JsonLines {
 public:
  // NOT_FOUND if the file cannot be opened.
  static absl::StatusOr<std::unique_ptr<JsonLines>> Open(const std::string& path) {
    auto lines = std::unique_ptr<JsonLines>(new JsonLines(path));
    if (!lines->in_) return absl::NotFoundError("cannot read " + path);
    return lines;
  }

  // The next record, or nullptr at the end of the file; it stays next until Pop().
  absl::StatusOr<const M*> Peek() {
    if (!pending_.has_value()) {
      std::string line;
      if (!std::getline(in_, line)) return nullptr;
      ++line_number_;
      M record;
      if (absl::Status s = ParseJsonLine(line, path_ + ":" + std::to_string(line_number_), &record);
          !s.ok()) {
        return s;
      }
      pending_ = std::move(record);
    }
    return &*pending_;
  }
  void Pop() { pending_.reset(); }

  // Every remaining record.
  absl::StatusOr<std::vector<M>> ReadAll() {
    std::vector<M> records;
    while (true) {
      absl::StatusOr<const M*> next = Peek();
      if (!next.ok()) return next.status();
      if (*next == nullptr) return records;
      records.push_back(std::move(*pending_));
      Pop();
    }
  }

 private:
  explicit JsonLines(std::string path) : path_(std::move(path)), in_(path_) {}

  std::string path_;
  std::ifstream in_;
  int64_t line_number_ = 0;
  std::optional<M> pending_;
};

// The secrets the seeding tool issued, by principal, kept in a file of IssueCredentialResponse
// lines (mode 0600) that later runs and the load generator read.
//
// Thread safety: safe for concurrent use.
class SecretFile {
 public:
  // Reads `path` if it exists (an absent file is an empty book).
  static absl::StatusOr<std::unique_ptr<SecretFile>> Open(const std::string& path);

  // The secret issued for (kind, id), e.g. (KIND_CLIENT, "c00001"), if any.
  std::optional<std::string> Find(int kind, const std::string& id) const;

  // Records an issued credential: kept in memory and appended to the file (flushed).
  absl::Status Add(const v1::IssueCredentialResponse& issued);

  size_t size() const;

 private:
  explicit SecretFile(std::string path) : path_(std::move(path)) {}
  static std::string Key(int kind, const std::string& id);

  const std::string path_;
  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, std::string> secrets_;  // guarded by mu_
};

}  // namespace callmatch::load

#endif  // CALLMATCH_SERVICES_LOAD_JSONL_H_
