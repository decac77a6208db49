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
  // this |= bits & mask.
  void OrMaskedWith(const Bitmap& bits, const Bitmap& mask) {
    const size_t n = std::min(bits.words_.size(), mask.words_.size());
    if (words_.size() < n) words_.resize(n, 0);
    for (size_t w = 0; w < n; ++w) words_[w] |= bits.words_[w] & mask.words_[w];
  }
  void ClearAll() { words_.clear(); }
  // The AND of `all` (at least one) less the members of `*taken`, which then gets them (no
  // taken: the AND). Block by block, so that each input is read once and the result written once
  // where a copy, ANDs, an AND NOT and an OR would each pass over the whole range.
  static Bitmap AndNotTaken(const std::vector<const Bitmap*>& all, Bitmap* taken) {
    size_t n = all.front()->words_.size();
    for (const Bitmap* b : all) n = std::min(n, b->words_.size());
    Bitmap out;
    out.words_.resize(n);
    if (taken != nullptr && taken->words_.size() < n) taken->words_.resize(n, 0);
    uint64_t* o = out.words_.data();
    constexpr size_t kBlock = 256;  // 2 KB of the result, kept in the first-level cache
    for (size_t begin = 0; begin < n; begin += kBlock) {
      const size_t end = std::min(n, begin + kBlock);
      std::copy(all.front()->words_.begin() + begin, all.front()->words_.begin() + end, o + begin);
      for (size_t k = 1; k < all.size(); ++k) {
        const uint64_t* in = all[k]->words_.data();
        for (size_t w = begin; w < end; ++w) o[w] &= in[w];
      }
      if (taken != nullptr) {
        uint64_t* t = taken->words_.data();
        for (size_t w = begin; w < end; ++w) {
          o[w] &= ~t[w];
          t[w] |= o[w];
        }
      }
    }
    return out;
  }
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
  uint64_t* mutable_words() { return words_.data(); }
  // To `n` words (new ones zero).
  void Resize(size_t n) { words_.resize(n, 0); }

 private:
  std::vector<uint64_t> words_;
};

// A bitmap with a summary of its words (bit w set when word w is not zero), for sets far smaller
// than the slot range: a pass over the members of two of them reads only the words both hold
// (ForEachWordOfBoth), not the whole range.
class SummarizedBitmap {
 public:
  SummarizedBitmap() = default;
  // a AND b AND c, in one pass that writes the words and their summary (a copy and two ANDs
  // took ten times as long at a million slots).
  static SummarizedBitmap And(const Bitmap& a, const Bitmap& b, const Bitmap& c) {
    SummarizedBitmap out;
    const size_t n = std::min({a.word_count(), b.word_count(), c.word_count()});
    out.bits_.Resize(n);
    out.summary_.Resize((n + 63) / 64);
    uint64_t* words = out.bits_.mutable_words();
    uint64_t* summary = out.summary_.mutable_words();
    const uint64_t* wa = a.words();
    const uint64_t* wb = b.words();
    const uint64_t* wc = c.words();
    for (size_t w = 0; w < n; ++w) {
      words[w] = wa[w] & wb[w] & wc[w];
      summary[w / 64] |= uint64_t{words[w] != 0} << (w % 64);
    }
    return out;
  }
  void Set(uint32_t i) {
    bits_.Set(i);
    summary_.Set(i / 64);
  }
  void Clear(uint32_t i) {
    bits_.Clear(i);
    if (i / 64 < bits_.word_count() && bits_.words()[i / 64] == 0) summary_.Clear(i / 64);
  }
  void ClearAll() {
    bits_.ClearAll();
    summary_.ClearAll();
  }

  // Calls fn(w, word of a, word of b) for every word w, ascending, where both a and b have a
  // member.
  template <typename F>
  static void ForEachWordOfBoth(const SummarizedBitmap& a, const SummarizedBitmap& b, F&& fn) {
    const size_t n = std::min(a.summary_.word_count(), b.summary_.word_count());
    const uint64_t* sa = a.summary_.words();
    const uint64_t* sb = b.summary_.words();
    for (size_t s = 0; s < n; ++s) {
      for (uint64_t both = sa[s] & sb[s]; both != 0; both &= both - 1) {
        const size_t w = s * 64 + static_cast<size_t>(std::countr_zero(both));
        fn(w, a.bits_.words()[w], b.bits_.words()[w]);
      }
    }
  }

 private:
  Bitmap bits_;
  Bitmap summary_;
};

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_INDEX_BITMAP_H_
