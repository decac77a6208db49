// A set of the index's teleoperator slots that stays compact whatever its size: a B-tree of slots
// while it is small (about 5 bytes a member), a Bitmap once it holds more than a threshold the
// caller gives (a bit per slot of the whole range). An insert never rehashes a large set (the
// flat_hash_sets this replaces did, a spike in the update time at 1M teleoperators) nor moves
// thousands of members (a sorted vector did), and a set that became a bitmap stays one.
//
// Not thread-safe for writes; const methods may run concurrently.
#ifndef CALLMATCH_MATCHING_INDEX_SLOT_SET_H_
#define CALLMATCH_MATCHING_INDEX_SLOT_SET_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/container/btree_set.h"
#include "matching/index/bitmap.h"

namespace callmatch::matching {

class SlotSet {
 public:
  // Adds `slot` (no-op when present); past `large_above` members the set becomes a bitmap.
  void Insert(uint32_t slot, size_t large_above) {
    if (large_ != nullptr) {
      if (!large_->bits.Test(slot)) {
        large_->bits.Set(slot);
        ++large_->size;
      }
      return;
    }
    if (small_.size() < large_above || small_.contains(slot)) {
      small_.insert(slot);
      return;
    }
    large_ = std::make_unique<Large>();
    for (uint32_t s : small_) large_->bits.Set(s);
    large_->bits.Set(slot);
    large_->size = small_.size() + 1;
    small_ = absl::btree_set<uint32_t>();
  }
  // Removes `slot` (no-op when absent).
  void Erase(uint32_t slot) {
    if (large_ == nullptr) {
      small_.erase(slot);
    } else if (large_->bits.Test(slot)) {
      large_->bits.Clear(slot);
      --large_->size;
    }
  }
  size_t size() const { return large_ != nullptr ? large_->size : small_.size(); }
  bool Contains(uint32_t slot) const {
    return large_ != nullptr ? large_->bits.Test(slot) : small_.contains(slot);
  }
  // out |= this & mask: word by word once the set is a bitmap.
  void OrMaskedInto(const Bitmap& mask, Bitmap& out) const {
    if (large_ != nullptr) {
      out.OrMaskedWith(large_->bits, mask);
      return;
    }
    for (uint32_t s : small_) {
      if (mask.Test(s)) out.Set(s);
    }
  }
  // Calls fn(slot) for every member, in ascending order.
  template <typename F>
  void ForEach(F&& fn) const {
    if (large_ != nullptr) {
      large_->bits.ForEach(fn);
      return;
    }
    for (uint32_t s : small_) fn(s);
  }

 private:
  struct Large {
    Bitmap bits;
    size_t size = 0;
  };
  absl::btree_set<uint32_t> small_;  // empty once large
  std::unique_ptr<Large> large_;     // nullptr while small
};

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_INDEX_SLOT_SET_H_
