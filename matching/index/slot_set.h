// A set of the index's teleoperator slots that stays compact whatever its size: its one member
// inline (most keys have one: an employer that is not on the platform is one teleoperator's), a
// B-tree of slots past one (about 5 bytes a member), a Bitmap once it holds more than a threshold
// the caller gives (a bit per slot of the whole range). 16 bytes and no allocation while it holds
// at most one member (a B-tree's first node took 32 more, a std::unique_ptr of the bitmap 8). An
// insert never rehashes a large set (the flat_hash_sets this replaces did, a spike in the update
// time at 1M teleoperators) nor moves thousands of members (a sorted vector did), and a set that
// became a tree or a bitmap stays one.
//
// Not thread-safe for writes; const methods may run concurrently.
#ifndef CALLMATCH_MATCHING_INDEX_SLOT_SET_H_
#define CALLMATCH_MATCHING_INDEX_SLOT_SET_H_

#include <cstddef>
#include <cstdint>
#include <utility>

#include "absl/container/btree_set.h"
#include "matching/index/bitmap.h"

namespace callmatch::matching {

class SlotSet {
 public:
  SlotSet() = default;
  SlotSet(SlotSet&& other) noexcept
      : size_(std::exchange(other.size_, 0)),
        one_(std::exchange(other.one_, 0)),
        more_(std::exchange(other.more_, nullptr)) {}
  SlotSet& operator=(SlotSet&& other) noexcept {
    if (this != &other) {
      Free();
      size_ = std::exchange(other.size_, 0);
      one_ = std::exchange(other.one_, 0);
      more_ = std::exchange(other.more_, nullptr);
    }
    return *this;
  }
  SlotSet(const SlotSet&) = delete;
  SlotSet& operator=(const SlotSet&) = delete;
  ~SlotSet() { Free(); }

  // Adds `slot` (no-op when present); past `large_above` members the set becomes a bitmap.
  void Insert(uint32_t slot, size_t large_above) {
    if (more_ == nullptr) {
      if (size_ == 0) {
        one_ = slot;
        size_ = 1;
        return;
      }
      if (one_ == slot) return;
      auto* tree = new absl::btree_set<uint32_t>{one_};
      more_ = tree;
      one_ = kTree;
    }
    if (one_ == kTree) {
      auto* tree = static_cast<absl::btree_set<uint32_t>*>(more_);
      if (tree->size() < large_above || tree->contains(slot)) {
        size_ += tree->insert(slot).second ? 1 : 0;
        return;
      }
      auto* bits = new Bitmap;
      for (uint32_t s : *tree) bits->Set(s);
      delete tree;
      more_ = bits;
      one_ = kBits;
    }
    Bitmap* bits = static_cast<Bitmap*>(more_);
    if (!bits->Test(slot)) {
      bits->Set(slot);
      ++size_;
    }
  }
  // Removes `slot` (no-op when absent).
  void Erase(uint32_t slot) {
    if (more_ == nullptr) {
      if (size_ == 1 && one_ == slot) size_ = 0;
    } else if (one_ == kTree) {
      size_ -= static_cast<uint32_t>(static_cast<absl::btree_set<uint32_t>*>(more_)->erase(slot));
    } else if (Bitmap* bits = static_cast<Bitmap*>(more_); bits->Test(slot)) {
      bits->Clear(slot);
      --size_;
    }
  }
  size_t size() const { return size_; }
  bool Contains(uint32_t slot) const {
    if (more_ == nullptr) return size_ == 1 && one_ == slot;
    if (one_ == kTree) return static_cast<const absl::btree_set<uint32_t>*>(more_)->contains(slot);
    return static_cast<const Bitmap*>(more_)->Test(slot);
  }
  // out |= this & mask: word by word once the set is a bitmap.
  void OrMaskedInto(const Bitmap& mask, Bitmap& out) const {
    if (more_ != nullptr && one_ == kBits) {
      out.OrMaskedWith(*static_cast<const Bitmap*>(more_), mask);
      return;
    }
    ForEach([&](uint32_t s) {
      if (mask.Test(s)) out.Set(s);
    });
  }
  // Calls fn(slot) for every member, in ascending order.
  template <typename F>
  void ForEach(F&& fn) const {
    if (more_ == nullptr) {
      if (size_ == 1) fn(one_);
    } else if (one_ == kTree) {
      for (uint32_t s : *static_cast<const absl::btree_set<uint32_t>*>(more_)) fn(s);
    } else {
      static_cast<const Bitmap*>(more_)->ForEach(fn);
    }
  }

 private:
  // With more_ set, one_ says what it points to.
  static constexpr uint32_t kTree = 0;  // an absl::btree_set<uint32_t>
  static constexpr uint32_t kBits = 1;  // a Bitmap
  void Free() {
    if (more_ == nullptr) return;
    if (one_ == kTree) {
      delete static_cast<absl::btree_set<uint32_t>*>(more_);
    } else {
      delete static_cast<Bitmap*>(more_);
    }
    more_ = nullptr;
  }

  uint32_t size_ = 0;
  uint32_t one_ = 0;      // the member while more_ is null and size_ is 1; else kTree or kBits
  void* more_ = nullptr;  // null while it holds at most one member
};

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_INDEX_SLOT_SET_H_
