// A set of the index's teleoperator slots that stays compact whatever its size: its one member
// inline (most keys have one: an employer that is not on the platform is one teleoperator's), a
// B-tree of slots past one (about 5 bytes a member), a Bitmap once it holds more than a threshold
// the caller gives (a bit per slot of the whole range). 8 bytes and no allocation while it holds
// at most one member: one tagged word (the member, or a pointer to the tree or the bitmap), as a
// million keys hold one set each. An insert never rehashes a large set (the flat_hash_sets this
// replaces did, a spike in the update time at 1M teleoperators) nor moves thousands of members (a
// sorted vector did), and a set that became a tree or a bitmap stays one.
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
  SlotSet(SlotSet&& other) noexcept : word_(std::exchange(other.word_, 0)) {}
  SlotSet& operator=(SlotSet&& other) noexcept {
    if (this != &other) {
      Free();
      word_ = std::exchange(other.word_, 0);
    }
    return *this;
  }
  SlotSet(const SlotSet&) = delete;
  SlotSet& operator=(const SlotSet&) = delete;
  ~SlotSet() { Free(); }

  // Adds `slot` (no-op when present); past `large_above` members the set becomes a bitmap.
  void Insert(uint32_t slot, size_t large_above) {
    if (word_ == 0) {
      word_ = uint64_t{slot} << 1 | kOne;
      return;
    }
    if ((word_ & kOne) != 0) {
      if (One() == slot) return;
      auto* tree = new Tree{One()};
      word_ = reinterpret_cast<uintptr_t>(tree);
    }
    if (Tree* tree = AsTree(); tree != nullptr) {
      if (tree->size() < large_above || tree->contains(slot)) {
        tree->insert(slot);
        return;
      }
      auto* bits = new Bits;
      for (uint32_t s : *tree) bits->bits.Set(s);
      bits->size = tree->size();
      delete tree;
      word_ = reinterpret_cast<uintptr_t>(bits) | kBits;
    }
    Bits* bits = AsBits();
    if (!bits->bits.Test(slot)) {
      bits->bits.Set(slot);
      ++bits->size;
    }
  }
  // Removes `slot` (no-op when absent).
  void Erase(uint32_t slot) {
    if (word_ == 0) return;
    if ((word_ & kOne) != 0) {
      if (One() == slot) word_ = 0;
    } else if (Tree* tree = AsTree(); tree != nullptr) {
      tree->erase(slot);
    } else if (Bits* bits = AsBits(); bits->bits.Test(slot)) {
      bits->bits.Clear(slot);
      --bits->size;
    }
  }
  size_t size() const {
    if (word_ == 0) return 0;
    if ((word_ & kOne) != 0) return 1;
    if (const Tree* tree = AsTree(); tree != nullptr) return tree->size();
    return AsBits()->size;
  }
  bool Contains(uint32_t slot) const {
    if (word_ == 0) return false;
    if ((word_ & kOne) != 0) return One() == slot;
    if (const Tree* tree = AsTree(); tree != nullptr) return tree->contains(slot);
    return AsBits()->bits.Test(slot);
  }
  // out |= this & mask: word by word once the set is a bitmap.
  void OrMaskedInto(const Bitmap& mask, Bitmap& out) const {
    if (word_ != 0 && (word_ & (kOne | kBits)) == kBits) {
      out.OrMaskedWith(AsBits()->bits, mask);
      return;
    }
    ForEach([&](uint32_t s) {
      if (mask.Test(s)) out.Set(s);
    });
  }
  // Calls fn(slot) for every member, in ascending order.
  template <typename F>
  void ForEach(F&& fn) const {
    if (word_ == 0) return;
    if ((word_ & kOne) != 0) {
      fn(One());
    } else if (const Tree* tree = AsTree(); tree != nullptr) {
      for (uint32_t s : *tree) fn(s);
    } else {
      AsBits()->bits.ForEach(fn);
    }
  }

 private:
  using Tree = absl::btree_set<uint32_t>;
  struct Bits {
    Bitmap bits;
    size_t size = 0;
  };
  // word_: 0 when empty; the member << 1 | kOne; else a pointer to a Tree, or to Bits | kBits
  // (both aligned to 8 bytes: their low bits are free).
  static constexpr uint64_t kOne = 1;
  static constexpr uint64_t kBits = 2;
  static_assert(alignof(Tree) >= 4 && alignof(Bits) >= 4);

  uint32_t One() const { return static_cast<uint32_t>(word_ >> 1); }
  // Null unless the set is a tree (or a bitmap).
  Tree* AsTree() const {
    return (word_ & (kOne | kBits)) == 0 ? reinterpret_cast<Tree*>(word_) : nullptr;
  }
  Bits* AsBits() const { return reinterpret_cast<Bits*>(word_ & ~kBits); }
  void Free() {
    if (word_ == 0 || (word_ & kOne) != 0) return;
    if (Tree* tree = AsTree(); tree != nullptr) {
      delete tree;
    } else {
      delete AsBits();
    }
    word_ = 0;
  }

  uint64_t word_ = 0;
};
static_assert(sizeof(SlotSet) == 8);

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_INDEX_SLOT_SET_H_
