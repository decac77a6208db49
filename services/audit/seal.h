// The seal of the audit trail (docs/audit.md).
//
// Every event of a partition's change stream "cm:{pNN}:changes" gets a seal on "cm:{pNN}:seal",
// stored under the same stream id: seal_n = HMAC-SHA256(key, seal_{n-1} || the event's id and
// fields), with 32 zero bytes before the first. The key is a secret only the AuditService holds,
// outside Redis, so whoever can write to Redis cannot forge a seal. The Sealer also anchors the
// latest seal of each partition in a file on its own volume, so that cutting the end off both
// streams is caught too. VerifyPartition recomputes a partition's chain and names the first
// altered, inserted or removed event.
//
// Thread safety: a Sealer runs on its own thread; Verify* may be called from any thread.
#ifndef CALLMATCH_SERVICES_AUDIT_SEAL_H_
#define CALLMATCH_SERVICES_AUDIT_SEAL_H_

#include <array>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/store/partition.h"
#include "services/store/redis.h"

namespace callmatch::audit {

// The last seal of a partition: the id of the event it seals and its MAC (raw bytes).
struct SealPosition {
  std::string event_id = "0-0";
  std::string mac;  // empty before the first seal
};

// Where each partition's chain ended when last sealed (the anchor file's content).
using Anchors = std::array<SealPosition, store::kPartitionCount>;

// Reads the HMAC key (at least 32 bytes, hex or raw) from a file.
absl::StatusOr<std::string> ReadKeyFile(const std::string& path);

// Reads an anchor file; all partitions at "0-0" if it does not exist yet.
absl::StatusOr<Anchors> ReadAnchors(const std::string& path);
// Writes it atomically (temporary file, fsync, rename).
absl::Status WriteAnchors(const std::string& path, const Anchors& anchors);

// The outcome of checking one partition.
struct PartitionCheck {
  int partition = 0;
  bool ok = true;
  int64_t events_checked = 0;
  // Events after the last seal (not yet sealed; not an error).
  int64_t unsealed = 0;
  std::string first_bad_event_id;
  // "altered", "inserted", "removed" or "truncated".
  std::string problem;
};

// Recomputes the chain of `partition` against `key` and its anchor.
absl::StatusOr<PartitionCheck> VerifyPartition(store::RedisPool& pool, absl::string_view key,
                                               int partition, const SealPosition& anchor);

struct SealerOptions {
  std::string key;
  std::string anchor_file;
  // How long one XREAD waits for new events.
  absl::Duration block = absl::Milliseconds(500);
  int batch = 1000;
};

// Seals every new event of every partition, and keeps the anchor file up to date.
class Sealer {
 public:
  Sealer(store::RedisPool* pool, SealerOptions options);
  ~Sealer();  // stops

  // Loads where each partition's seal chain ends and checks it against the anchors; a partition
  // whose chain ends before its anchor was truncated: it is left unsealed (VerifyChain names it)
  // rather than sealed over.
  absl::Status Start();
  void Stop();

  // Seals what is there now, once (Start's thread does this in a loop). For tests and tools.
  absl::Status SealOnce(absl::Duration block);

  // The anchors as last written.
  Anchors anchors() const;

 private:
  absl::Status LoadPositions();
  void Loop();

  store::RedisPool* pool_;
  const SealerOptions options_;
  mutable absl::Mutex mu_;
  std::array<SealPosition, store::kPartitionCount> positions_ ABSL_GUARDED_BY(mu_);
  std::array<bool, store::kPartitionCount> truncated_ ABSL_GUARDED_BY(mu_) = {};
  Anchors anchors_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace callmatch::audit

#endif  // CALLMATCH_SERVICES_AUDIT_SEAL_H_
