#include "services/store/stream.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace callmatch::store {
namespace {

absl::string_view Text(const redisReply& reply) { return {reply.str, reply.len}; }

}  // namespace

std::optional<absl::string_view> StreamEntry::Field(absl::string_view field) const {
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    if (fields[i] == field) return absl::string_view(fields[i + 1]);
  }
  return std::nullopt;
}

absl::StatusOr<std::vector<StreamEntry>> ParseStreamEntries(const redisReply& reply) {
  std::vector<StreamEntry> entries;
  if (reply.type == REDIS_REPLY_NIL) return entries;
  if (reply.type == REDIS_REPLY_ERROR) return ReplyError(reply);
  if (reply.type != REDIS_REPLY_ARRAY) {
    return absl::InternalError(absl::StrCat("stream reply of type ", reply.type));
  }
  entries.reserve(reply.elements);
  for (size_t i = 0; i < reply.elements; ++i) {
    const redisReply& item = *reply.element[i];
    if (item.type != REDIS_REPLY_ARRAY || item.elements != 2 ||
        item.element[0]->type != REDIS_REPLY_STRING || item.element[1]->type != REDIS_REPLY_ARRAY) {
      return absl::InternalError("malformed stream entry");
    }
    StreamEntry entry{.id = std::string(Text(*item.element[0])), .fields = {}};
    const redisReply& fields = *item.element[1];
    entry.fields.reserve(fields.elements);
    for (size_t k = 0; k < fields.elements; ++k) {
      entry.fields.emplace_back(Text(*fields.element[k]));
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

absl::StatusOr<std::vector<StreamEntry>> ReadStream(RedisPool& pool, absl::string_view key,
                                                    absl::string_view after, int count) {
  const std::string from = after.empty() ? "-" : absl::StrCat("(", after);
  absl::StatusOr<Reply> reply =
      pool.Command({"XRANGE", std::string(key), from, "+", "COUNT", absl::StrCat(count)});
  if (!reply.ok()) return reply.status();
  return ParseStreamEntries(**reply);
}

std::optional<callmatch::v1::AuditEvent> ChangeEventOf(const StreamEntry& entry, int partition) {
  std::optional<absl::string_view> bytes = entry.Field("e");
  callmatch::v1::AuditEvent event;
  if (!bytes.has_value() || !event.ParseFromArray(bytes->data(), static_cast<int>(bytes->size()))) {
    return std::nullopt;
  }
  event.set_id(entry.id);
  event.set_partition(partition);
  return event;
}

}  // namespace callmatch::store
