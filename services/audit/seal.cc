#include "services/audit/seal.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/log.h"
#include "services/store/store.h"
#include "services/store/stream.h"

namespace callmatch::audit {
namespace {

constexpr size_t kMacSize = 32;
constexpr size_t kMinKeySize = 32;
constexpr int kPage = 1000;

std::string SealKey(int partition) { return store::PartitionPrefix(partition) + "seal"; }

using store::StreamEntry;

void AppendLengthPrefixed(std::string& out, absl::string_view part) {
  uint64_t size = part.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((size >> (8 * i)) & 0xff));
  out.append(part.data(), part.size());
}

// seal_n = HMAC-SHA256(key, seal_{n-1} || len(id) id || len(f1) f1 || ...).
std::string Mac(absl::string_view key, absl::string_view previous, const StreamEntry& event) {
  std::string input = previous.empty() ? std::string(kMacSize, '\0') : std::string(previous);
  AppendLengthPrefixed(input, event.id);
  for (const std::string& field : event.fields) AppendLengthPrefixed(input, field);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length);
  return std::string(reinterpret_cast<const char*>(mac), length);
}

bool SameMac(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// The MAC a seal entry holds (field "mac", hex), empty if malformed.
std::string SealMac(const StreamEntry& seal) {
  std::optional<absl::string_view> mac = seal.Field("mac");
  return mac.has_value() ? absl::HexStringToBytes(*mac) : "";
}

// Reads a stream from its start, a page at a time.
class StreamCursor {
 public:
  StreamCursor(store::RedisPool& pool, std::string key) : pool_(pool), key_(std::move(key)) {}

  // The next entry, nullopt at the end.
  absl::StatusOr<std::optional<StreamEntry>> Next() {
    if (next_ == page_.size()) {
      if (done_) return std::nullopt;
      absl::StatusOr<std::vector<StreamEntry>> page =
          store::ReadStream(pool_, key_, last_id_, kPage);
      if (!page.ok()) return page.status();
      page_ = *std::move(page);
      next_ = 0;
      done_ = page_.size() < static_cast<size_t>(kPage);
      if (page_.empty()) return std::nullopt;
      last_id_ = page_.back().id;
    }
    return page_[next_++];
  }

 private:
  store::RedisPool& pool_;
  std::string key_;
  std::vector<StreamEntry> page_;
  size_t next_ = 0;
  bool done_ = false;
  std::string last_id_;
};

}  // namespace

absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read the audit key file ", path));
  std::stringstream content;
  content << in.rdbuf();
  std::string key(absl::StripAsciiWhitespace(content.str()));
  const bool hex = key.size() % 2 == 0 && std::all_of(key.begin(), key.end(), [](char c) {
                     return absl::ascii_isxdigit(c);
                   });
  if (hex) key = absl::HexStringToBytes(key);
  if (key.size() < kMinKeySize) {
    return absl::InvalidArgumentError(absl::StrCat("the audit key in ", path, " has ", key.size(),
                                                   " bytes; at least ", kMinKeySize,
                                                   " are needed"));
  }
  return key;
}

absl::StatusOr<Anchors> ReadAnchors(const std::string& path) {
  Anchors anchors;
  std::ifstream in(path);
  if (!in) return anchors;  // nothing anchored yet
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> parts = absl::StrSplit(line, ' ', absl::SkipEmpty());
    int partition = 0;
    if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &partition) || partition < 0 ||
        partition >= store::kPartitionCount) {
      return absl::DataLossError(absl::StrCat("malformed line in anchor file ", path, ": ", line));
    }
    anchors[partition] = {.event_id = parts[1], .mac = absl::HexStringToBytes(parts[2])};
  }
  return anchors;
}

absl::Status WriteAnchors(const std::string& path, const Anchors& anchors) {
  std::string content;
  for (int p = 0; p < store::kPartitionCount; ++p) {
    if (anchors[p].mac.empty()) continue;
    absl::StrAppend(&content, p, " ", anchors[p].event_id, " ",
                    absl::BytesToHexString(anchors[p].mac), "\n");
  }
  const std::string temporary = path + ".tmp";
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(absl::StrCat("cannot write ", temporary));
  const bool written =
      write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
      fsync(fd) == 0;
  close(fd);
  if (!written || std::rename(temporary.c_str(), path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot write the anchor file ", path));
  }
  return absl::OkStatus();
}

absl::StatusOr<PartitionCheck> VerifyPartition(store::RedisPool& pool, absl::string_view key,
                                               int partition, const SealPosition& anchor) {
  PartitionCheck check;
  check.partition = partition;
  auto fail = [&](absl::string_view id, absl::string_view problem) {
    check.ok = false;
    check.first_bad_event_id = std::string(id);
    check.problem = std::string(problem);
    return check;
  };
  // The seals' end first: every event they seal was written before them, so what is read up to
  // here is complete even while events and seals keep being appended.
  absl::StatusOr<store::Reply> tail_reply =
      pool.Command({"XREVRANGE", SealKey(partition), "+", "-", "COUNT", "1"});
  if (!tail_reply.ok()) return tail_reply.status();
  absl::StatusOr<std::vector<StreamEntry>> tail = store::ParseStreamEntries(**tail_reply);
  if (!tail.ok()) return tail.status();
  const std::string last_seal = tail->empty() ? "0-0" : tail->front().id;
  StreamCursor events(pool, store::ChangeStreamKey(partition));
  StreamCursor seals(pool, SealKey(partition));
  std::string previous;
  bool anchor_seen = anchor.mac.empty();
  absl::StatusOr<std::optional<StreamEntry>> event = events.Next();
  absl::StatusOr<std::optional<StreamEntry>> seal = seals.Next();
  while (true) {
    if (!event.ok()) return event.status();
    if (!seal.ok()) return seal.status();
    // What follows the last seal is not sealed yet.
    if (!seal->has_value() || store::CompareStreamIds((*seal)->id, last_seal) > 0) break;
    const StreamEntry& s = **seal;
    if (!event->has_value() || store::CompareStreamIds(s.id, (*event)->id) < 0) {
      return fail(s.id, "removed");  // sealed, and no longer there
    }
    const StreamEntry& e = **event;
    if (store::CompareStreamIds(e.id, s.id) < 0) return fail(e.id, "inserted");  // never sealed
    if (!SameMac(Mac(key, previous, e), SealMac(s))) return fail(e.id, "altered");
    previous = SealMac(s);
    ++check.events_checked;
    if (s.id == anchor.event_id) anchor_seen = SameMac(previous, anchor.mac);
    event = events.Next();
    seal = seals.Next();
  }
  if (!anchor_seen) return fail(anchor.event_id, "truncated");
  while (event.ok() && event->has_value()) {
    ++check.unsealed;
    event = events.Next();
  }
  if (!event.ok()) return event.status();
  return check;
}

Sealer::Sealer(store::RedisPool* pool, SealerOptions options)
    : pool_(pool), options_(std::move(options)) {}

Sealer::~Sealer() { Stop(); }

absl::Status Sealer::LoadPositions() {
  absl::StatusOr<Anchors> anchors = ReadAnchors(options_.anchor_file);
  if (!anchors.ok()) return anchors.status();
  absl::StatusOr<store::Lease> lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  std::vector<std::vector<std::string>> commands;
  for (int p = 0; p < store::kPartitionCount; ++p) {
    commands.push_back({"XREVRANGE", SealKey(p), "+", "-", "COUNT", "1"});
  }
  absl::StatusOr<std::vector<store::Reply>> replies = lease->Pipeline(commands);
  if (!replies.ok()) return replies.status();
  absl::MutexLock lock(&mu_);
  anchors_ = *anchors;
  for (int p = 0; p < store::kPartitionCount; ++p) {
    absl::StatusOr<std::vector<StreamEntry>> tail = store::ParseStreamEntries(*(*replies)[p]);
    if (!tail.ok()) return tail.status();
    positions_[p] = tail->empty()
                        ? SealPosition{}
                        : SealPosition{.event_id = tail->front().id, .mac = SealMac(tail->front())};
    const SealPosition& anchor = anchors_[p];
    truncated_[p] =
        !anchor.mac.empty() &&
        (store::CompareStreamIds(positions_[p].event_id, anchor.event_id) < 0 ||
         (positions_[p].event_id == anchor.event_id && !SameMac(positions_[p].mac, anchor.mac)));
    if (truncated_[p]) {
      LogError("audit chain cut short: not sealing this partition until it is investigated",
               {{"partition", absl::StrCat(p)},
                {"anchor", anchor.event_id},
                {"seal_tail", positions_[p].event_id}});
    }
  }
  return absl::OkStatus();
}

absl::Status Sealer::Start() {
  if (absl::Status status = LoadPositions(); !status.ok()) return status;
  {
    absl::MutexLock lock(&mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
  return absl::OkStatus();
}

void Sealer::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

Anchors Sealer::anchors() const {
  absl::MutexLock lock(&mu_);
  return anchors_;
}

void Sealer::Loop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stop_) return;
    }
    absl::Status status = SealOnce(options_.block);
    if (!status.ok()) {
      LogWarning("sealing failed; retrying", {{"error", status.ToString()}});
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(&stop_), absl::Milliseconds(500));
    }
  }
}

absl::Status Sealer::SealOnce(absl::Duration block) {
  std::vector<int> partitions;
  std::vector<std::string> command = {"XREAD",
                                      "COUNT",
                                      absl::StrCat(options_.batch),
                                      "BLOCK",
                                      absl::StrCat(absl::ToInt64Milliseconds(block)),
                                      "STREAMS"};
  std::array<SealPosition, store::kPartitionCount> positions;
  {
    absl::MutexLock lock(&mu_);
    positions = positions_;
    for (int p = 0; p < store::kPartitionCount; ++p) {
      if (!truncated_[p]) partitions.push_back(p);
    }
  }
  if (partitions.empty()) return absl::OkStatus();
  for (int p : partitions) command.push_back(store::ChangeStreamKey(p));
  for (int p : partitions) command.push_back(positions[p].event_id);

  absl::StatusOr<store::Lease> lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  if (absl::Status status = lease->SetTimeout(block + pool_->options().command_timeout);
      !status.ok()) {
    return status;
  }
  absl::StatusOr<store::Reply> reply = lease->Command(command);
  if (!reply.ok()) return reply.status();
  if (absl::Status error = store::ReplyError(**reply); !error.ok()) return error;
  if ((*reply)->type == REDIS_REPLY_NIL) return absl::OkStatus();  // nothing new

  // One MULTI/EXEC of seals per partition, all sent at once.
  std::vector<std::vector<std::string>> commands;
  std::vector<std::pair<int, SealPosition>> advanced;
  for (size_t i = 0; i < (*reply)->elements; ++i) {
    const redisReply& stream = *(*reply)->element[i];
    if (stream.type != REDIS_REPLY_ARRAY || stream.elements != 2) {
      return absl::InternalError("malformed XREAD reply");
    }
    const std::string key(stream.element[0]->str, stream.element[0]->len);
    int partition = -1;
    for (int p : partitions) {
      if (store::ChangeStreamKey(p) == key) partition = p;
    }
    absl::StatusOr<std::vector<StreamEntry>> entries =
        store::ParseStreamEntries(*stream.element[1]);
    if (!entries.ok()) return entries.status();
    if (partition < 0 || entries->empty()) continue;
    SealPosition position = positions[partition];
    commands.push_back({"MULTI"});
    for (const StreamEntry& entry : *entries) {
      position.mac = Mac(options_.key, position.mac, entry);
      position.event_id = entry.id;
      commands.push_back(
          {"XADD", SealKey(partition), entry.id, "mac", absl::BytesToHexString(position.mac)});
    }
    commands.push_back({"EXEC"});
    advanced.emplace_back(partition, std::move(position));
  }
  if (commands.empty()) return absl::OkStatus();
  absl::StatusOr<std::vector<store::Reply>> replies = lease->Pipeline(commands);
  if (!replies.ok()) return replies.status();

  // An EXEC whose XADD failed means another sealer got there first: reload from the seals.
  bool conflict = false;
  Anchors anchors;
  {
    absl::MutexLock lock(&mu_);
    size_t index = 0;
    for (const auto& [partition, position] : advanced) {
      while (commands[index][0] != "EXEC") ++index;
      const redisReply& exec = *(*replies)[index++];
      bool ok = exec.type == REDIS_REPLY_ARRAY;
      for (size_t k = 0; ok && k < exec.elements; ++k) {
        ok = exec.element[k]->type != REDIS_REPLY_ERROR;
      }
      if (ok) {
        positions_[partition] = position;
        anchors_[partition] = position;
      } else {
        conflict = true;
      }
    }
    anchors = anchors_;
  }
  if (absl::Status status = WriteAnchors(options_.anchor_file, anchors); !status.ok()) {
    return status;
  }
  if (conflict) return LoadPositions();
  return absl::OkStatus();
}

}  // namespace callmatch::audit
