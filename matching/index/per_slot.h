// A short list of values per slot (an employment's loads, assignment start days), for lists that
// are mostly empty or short: per slot a pointer to a block of exactly its size and a 32-bit count
// side by side (16 bytes: a reader finds both in one cache line) where a std::vector costs 24
// bytes even when empty, and keeps spare capacity.
//
// Not thread-safe for writes; const methods may run concurrently.
#ifndef CALLMATCH_MATCHING_INDEX_PER_SLOT_H_
#define CALLMATCH_MATCHING_INDEX_PER_SLOT_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/types/span.h"

namespace callmatch::matching {

template <typename T>
class PerSlot {
 public:
  // Slots [0, n) (new ones empty).
  void Resize(size_t n) { lists_.resize(n); }
  void Clear() { lists_.clear(); }
  // Replaces `slot`'s list by `values`.
  void Assign(uint32_t slot, const std::vector<T>& values) {
    List& list = lists_[slot];
    if (values.size() != list.size) {
      list.values = values.empty() ? nullptr : std::make_unique<T[]>(values.size());
      list.size = static_cast<uint32_t>(values.size());
    }
    std::copy(values.begin(), values.end(), list.values.get());
  }
  absl::Span<const T> operator[](uint32_t slot) const {
    return absl::Span<const T>(lists_[slot].values.get(), lists_[slot].size);
  }

 private:
  struct List {
    std::unique_ptr<T[]> values;
    uint32_t size = 0;
  };
  std::vector<List> lists_;
};

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_INDEX_PER_SLOT_H_
