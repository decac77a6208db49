// The memory of the index's slot blocks (a million of ~130 bytes): sizes rounded up to 8 bytes,
// carved one after the other from 64 KB pages, a freed block kept on the free list of its size for
// the next block of that size. malloc put 8 bytes of header before each block and rounded it to 16
// (13 bytes a block on average at 1M); here the caller keeps the size (the block's own bytes say
// it) and the rounding costs 3.5 on average. Blocks past kLargest bytes (a teleoperator with
// thousands of records) come from operator new, each on its own.
//
// Pages are not given back but by Clear: a freed block waits for a block of its size (an update
// that keeps a teleoperator's size class, most of them, takes the block the one before freed).
//
// Not thread-safe.
#ifndef CALLMATCH_MATCHING_INDEX_BLOCK_POOL_H_
#define CALLMATCH_MATCHING_INDEX_BLOCK_POOL_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_set.h"

namespace callmatch::matching {

class BlockPool {
 public:
  static constexpr size_t kGrain = 8;  // sizes and alignment
  static constexpr size_t kLargest = 2048;
  static constexpr size_t kPage = 64 << 10;

  BlockPool() = default;
  BlockPool(const BlockPool&) = delete;
  BlockPool& operator=(const BlockPool&) = delete;
  ~BlockPool() { Clear(); }

  // `bytes` of memory aligned to kGrain; Free takes the same `bytes` back.
  std::byte* Allocate(size_t bytes) {
    const size_t size = Rounded(bytes);
    if (size > kLargest) {
      std::byte* block = new std::byte[size];
      large_.insert(block);
      return block;
    }
    std::byte*& head = free_[size / kGrain];
    if (head != nullptr) {
      std::byte* block = head;
      std::memcpy(&head, block, sizeof(head));  // the next free block of this size
      return block;
    }
    if (left_ < size) {
      // The rest of the page goes to the free list of its size (at least kGrain when not 0).
      if (left_ > 0) Free(cursor_, left_);
      pages_.push_back(std::make_unique_for_overwrite<std::byte[]>(kPage));
      cursor_ = pages_.back().get();
      left_ = kPage;
    }
    std::byte* block = cursor_;
    cursor_ += size;
    left_ -= size;
    return block;
  }
  void Free(std::byte* block, size_t bytes) {
    const size_t size = Rounded(bytes);
    if (size > kLargest) {
      large_.erase(block);
      delete[] block;
      return;
    }
    std::byte*& head = free_[size / kGrain];
    std::memcpy(block, &head, sizeof(head));
    head = block;
  }
  // Frees every block.
  void Clear() {
    for (std::byte* block : large_) delete[] block;
    large_.clear();
    pages_.clear();
    free_.fill(nullptr);
    cursor_ = nullptr;
    left_ = 0;
  }
  // Pages and large blocks.
  size_t MemoryBytes() const { return pages_.size() * kPage; }

 private:
  static size_t Rounded(size_t bytes) {
    return std::max(kGrain, (bytes + kGrain - 1) / kGrain * kGrain);
  }

  std::vector<std::unique_ptr<std::byte[]>> pages_;
  std::byte* cursor_ = nullptr;  // the last page's unused part
  size_t left_ = 0;
  std::array<std::byte*, kLargest / kGrain + 1> free_{};  // by size / kGrain: a list through them
  absl::flat_hash_set<std::byte*> large_;
};

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_INDEX_BLOCK_POOL_H_
