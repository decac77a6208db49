#include "services/load/jsonl.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace callmatch::load {

absl::Status ParseJsonLine(const std::string& line, const std::string& where,
                           google::protobuf::Message* message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto parsed = google::protobuf::util::JsonStringToMessage(line, message, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": not a ", message->GetDescriptor()->full_name(), ": ", parsed.ToString()));
  }
  return absl::OkStatus();
}

std::string ToJsonLine(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

absl::StatusOr<std::unique_ptr<SecretFile>> SecretFile::Open(const std::string& path) {
  auto file = std::unique_ptr<SecretFile>(new SecretFile(path));
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return file;  // nothing issued yet
  absl::StatusOr<std::unique_ptr<JsonLines<v1::IssueCredentialResponse>>> lines =
      JsonLines<v1::IssueCredentialResponse>::Open(path);
  if (!lines.ok()) return lines.status();
  absl::StatusOr<std::vector<v1::IssueCredentialResponse>> issued = (*lines)->ReadAll();
  if (!issued.ok()) return issued.status();
  for (const auto& one : *issued) {
    const v1::Principal& principal = one.credential().principal();
    file->secrets_[Key(principal.kind(), principal.id())] = one.secret();
  }
  return file;
}

std::string SecretFile::Key(int kind, const std::string& id) { return absl::StrCat(kind, "/", id); }

std::optional<std::string> SecretFile::Find(int kind, const std::string& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = secrets_.find(Key(kind, id));
  if (it == secrets_.end()) return std::nullopt;
  return it->second;
}

absl::Status SecretFile::Add(const v1::IssueCredentialResponse& issued) {
  const std::string line = ToJsonLine(issued) + "\n";
  std::lock_guard<std::mutex> lock(mu_);
  // Secrets: readable by their owner only, from the first byte.
  const int fd = open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  std::FILE* out = fd < 0 ? nullptr : fdopen(fd, "a");
  if (out == nullptr) {
    if (fd >= 0) close(fd);
    return absl::PermissionDeniedError(absl::StrCat("cannot write ", path_));
  }
  const bool written = std::fwrite(line.data(), 1, line.size(), out) == line.size();
  const bool closed = std::fclose(out) == 0;
  if (!written || !closed) return absl::DataLossError(absl::StrCat("cannot write ", path_));
  const v1::Principal& principal = issued.credential().principal();
  secrets_[Key(principal.kind(), principal.id())] = issued.secret();
  return absl::OkStatus();
}

size_t SecretFile::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return secrets_.size();
}

}  // namespace callmatch::load
