// Partitioning of the keyspace (docs/store.md).
//
// Every entity belongs to an owner: a company owns itself and its campaigns; a teleoperator owns
// itself, its declarations and its contracts. The owner's partition is FNV-1a-64 of the owner's id
// modulo 64, written "{p00}" to "{p63}" inside every key of the entity, so that one partition is
// one Redis Cluster hash slot and one MULTI/EXEC never spans two slots.
#ifndef CALLMATCH_SERVICES_STORE_PARTITION_H_
#define CALLMATCH_SERVICES_STORE_PARTITION_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

namespace callmatch::store {

inline constexpr int kPartitionCount = 64;

// FNV-1a, 64 bits, over the bytes of `data`.
uint64_t Fnv1a64(absl::string_view data);

// The partition (0..63) of an owner id.
int PartitionOf(absl::string_view owner_id);

// "cm:{p07}:" for partition 7: the prefix of every key of that partition.
std::string PartitionPrefix(int partition);

// "cm:{p07}:changes": the partition's change stream (the outbox and audit trail).
std::string ChangeStreamKey(int partition);

}  // namespace callmatch::store

#endif  // CALLMATCH_SERVICES_STORE_PARTITION_H_
