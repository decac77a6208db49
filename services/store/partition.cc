#include "services/store/partition.h"

#include "absl/strings/str_format.h"

namespace callmatch::store {

uint64_t Fnv1a64(absl::string_view data) {
  constexpr uint64_t kOffsetBasis = 14695981039346656037ULL;
  constexpr uint64_t kPrime = 1099511628211ULL;
  uint64_t hash = kOffsetBasis;
  for (unsigned char byte : data) {
    hash ^= byte;
    hash *= kPrime;
  }
  return hash;
}

int PartitionOf(absl::string_view owner_id) {
  return static_cast<int>(Fnv1a64(owner_id) % kPartitionCount);
}

std::string PartitionPrefix(int partition) { return absl::StrFormat("cm:{p%02d}:", partition); }

std::string ChangeStreamKey(int partition) { return PartitionPrefix(partition) + "changes"; }

}  // namespace callmatch::store
