// A set of slot ids found by the names their blocks hold (slot_name.h), without a second copy of
// the names: open addressing with linear probing over a capacity of 5/4 of the ids (not a power
// of two), a byte of each id's name hash beside it to skip most other names without reading
// their blocks, and backward-shift deletion (no tombstones). 5 bytes an entry at 4/5 load: 6.3 MB
// for a million names, where absl::flat_hash_set, at 7/8 load of a power of two, took 10.5.
#ifndef CALLMATCH_MATCHING_INDEX_NAME_TABLE_H_
#define CALLMATCH_MATCHING_INDEX_NAME_TABLE_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/hash/hash.h"
#include "matching/index/slot_name.h"

namespace callmatch::matching {

// NameOf: a functor, SlotName operator()(uint32_t id) const, the name of an id in the table.
template <typename NameOf>
class NameTable {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  explicit NameTable(NameOf name_of) : name_of_(std::move(name_of)) {}

  size_t size() const { return size_; }

  // The id named `name`, or kNone.
  uint32_t Find(const SlotName& name) const {
    if (size_ == 0) return kNone;
    const uint64_t h = Hash(name);
    const uint8_t tag = Tag(h);
    for (size_t i = Home(h);; i = Next(i)) {
      if (tags_[i] == kEmpty) return kNone;
      if (tags_[i] == tag && name_of_(ids_[i]) == name) return ids_[i];
    }
  }

  // Adds `id`, whose name is not in the table yet.
  void Insert(uint32_t id) {
    if ((size_ + 1) * 5 > tags_.size() * 4) Rehash(std::max<size_t>(16, tags_.size() * 3 / 2));
    Place(id, Hash(name_of_(id)));
    ++size_;
  }

  // Removes `id`, which is in the table (its name still readable).
  void Erase(uint32_t id) {
    const uint64_t h = Hash(name_of_(id));
    size_t hole = Home(h);
    while (!(tags_[hole] != kEmpty && ids_[hole] == id)) hole = Next(hole);
    // Shift back each entry after the hole that may sit there, up to the first empty one.
    for (size_t j = Next(hole); tags_[j] != kEmpty; j = Next(j)) {
      const size_t home = Home(Hash(name_of_(ids_[j])));
      const bool stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (stays) continue;
      tags_[hole] = tags_[j];
      ids_[hole] = ids_[j];
      hole = j;
    }
    tags_[hole] = kEmpty;
    --size_;
  }

  // Room for `n` ids without rehashing.
  void Reserve(size_t n) {
    if (n * 5 > tags_.size() * 4) Rehash(n * 5 / 4 + 1);
  }

  void Clear() {
    tags_.clear();
    tags_.shrink_to_fit();
    ids_.clear();
    ids_.shrink_to_fit();
    size_ = 0;
  }

 private:
  static constexpr uint8_t kEmpty = 0;

  static uint64_t Hash(const SlotName& name) { return absl::HashOf(name); }
  // 1 to 128, from the hash's low bits (Home reads its high ones).
  static uint8_t Tag(uint64_t h) { return static_cast<uint8_t>(1 + (h & 0x7f)); }
  size_t Home(uint64_t h) const {
    return static_cast<size_t>((static_cast<unsigned __int128>(h) * tags_.size()) >> 64);
  }
  size_t Next(size_t i) const { return i + 1 == tags_.size() ? 0 : i + 1; }

  void Place(uint32_t id, uint64_t h) {
    size_t i = Home(h);
    while (tags_[i] != kEmpty) i = Next(i);
    tags_[i] = Tag(h);
    ids_[i] = id;
  }

  void Rehash(size_t capacity) {
    std::vector<uint8_t> tags(capacity, kEmpty);
    std::vector<uint32_t> ids(capacity);
    tags.swap(tags_);
    ids.swap(ids_);
    for (size_t i = 0; i < tags.size(); ++i) {
      if (tags[i] != kEmpty) Place(ids[i], Hash(name_of_(ids[i])));
    }
  }

  NameOf name_of_;
  std::vector<uint8_t> tags_;  // kEmpty or the tag of ids_[i]'s name
  std::vector<uint32_t> ids_;
  size_t size_ = 0;
};

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_INDEX_NAME_TABLE_H_
