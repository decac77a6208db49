// Reading Redis streams: the change streams (the outbox and audit trail) and the audit seals.
//
// Thread safety: stateless functions; safe from any thread.
#ifndef CALLMATCH_SERVICES_STORE_STREAM_H_
#define CALLMATCH_SERVICES_STORE_STREAM_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "callmatch/v1/audit.pb.h"
#include "services/store/redis.h"

namespace callmatch::store {

// One stream entry as Redis holds it: its id and its field and value strings, in order
// (field, value, field, value, ...).
struct StreamEntry {
  std::string id;
  std::vector<std::string> fields;

  // The value of `field`, or nullopt.
  std::optional<absl::string_view> Field(absl::string_view field) const;
};

// Parses an array of entries, as XRANGE answers or as XREAD gives for one stream. A nil reply is
// an empty list.
absl::StatusOr<std::vector<StreamEntry>> ParseStreamEntries(const redisReply& reply);

// Up to `count` entries of `key` after `after` (exclusive; "" for the start), oldest first.
absl::StatusOr<std::vector<StreamEntry>> ReadStream(RedisPool& pool, absl::string_view key,
                                                    absl::string_view after, int count);

// The change event of a change-stream entry (its field "e"), with id and partition set; nullopt
// when the entry holds no parsable event.
std::optional<callmatch::v1::AuditEvent> ChangeEventOf(const StreamEntry& entry, int partition);

}  // namespace callmatch::store

#endif  // CALLMATCH_SERVICES_STORE_STREAM_H_
