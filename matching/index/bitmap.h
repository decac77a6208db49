// A plain bitmap over the index's teleoperator slots, 64 slots a word, combined word by word
// (AND, OR, AND NOT). It grows on demand: a word past its end reads as zero.
//
// Not thread-safe for writes; const methods may run concurrently.
#ifndef CALLMATCH_MATCHING_INDEX_BITMAP_H_
#define CALLMATCH_MATCHING_INDEX_BITMAP_H_

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace callmatch::matching {

class Bitmap {
 public:
  void Set(uint32_t i) {
    if (i / 64 >= words_.size()) words_.resize(i / 64 + 1, 0);
    words_[i / 64] |= uint64_t{1} << (i % 64);
  }
  void Clear(uint32_t i) {
    if (i / 64 < words_.size()) words_[i / 64] &= ~(uint64_t{1} << (i % 64));
  }
  bool Test(uint32_t i) const {
    return i / 64 < words_.size() && (words_[i / 64] >> (i % 64) & 1) != 0;
  }
  void AndWith(const Bitmap& other) {
    if (words_.size() > other.words_.size()) words_.resize(other.words_.size());
    for (size_t w = 0; w < words_.size(); ++w) words_[w] &= other.words_[w];
  }
  void AndNotWith(const Bitmap& other) {
    const size_t n = std::min(words_.size(), other.words_.size());
    for (size_t w = 0; w < n; ++w) words_[w] &= ~other.words_[w];
  }
  void OrWith(const Bitmap& other) {
    if (words_.size() < other.words_.size()) words_.resize(other.words_.size(), 0);
    for (size_t w = 0; w < other.words_.size(); ++w) words_[w] |= other.words_[w];
  }
  void ClearAll() { words_.clear(); }
  size_t Count() const {
    size_t n = 0;
    for (uint64_t w : words_) n += std::popcount(w);
    return n;
  }
  // Calls fn(slot) for every set bit, in ascending order.
  template <typename F>
  void ForEach(F&& fn) const {
    for (size_t w = 0; w < words_.size(); ++w) {
      for (uint64_t bits = words_[w]; bits != 0; bits &= bits - 1) {
        fn(static_cast<uint32_t>(w * 64 + std::countr_zero(bits)));
      }
    }
  }
  size_t MemoryBytes() const { return words_.capacity() * sizeof(uint64_t); }
  // Word access, for loops that combine several bitmaps in one pass: words()[0, word_count()).
  size_t word_count() const { return words_.size(); }
  const uint64_t* words() const { return words_.data(); }

 private:
  std::vector<uint64_t> words_;
};

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_INDEX_BITMAP_H_
