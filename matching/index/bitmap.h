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
#include <initializer_list>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace callmatch::matching {

// std::allocator, but an element a vector adds without a value is left default-initialized
// (indeterminate, for a word) instead of zeroed: a pass that writes every word it will read
// then pays no memset of the whole slot range first (125 KB at 1M slots, per class of a match).
template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
  DefaultInitAllocator() = default;
  template <typename U>
  DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

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
  // where a copy, ANDs, an AND NOT and an OR would each pass over the whole range. With
  // `summary`, bit w of it is set when word w of the result is not zero.
  static Bitmap AndNotTaken(const std::vector<const Bitmap*>& all, Bitmap* taken,
                            Bitmap* summary = nullptr) {
    size_t n = all.front()->words_.size();
    for (const Bitmap* b : all) n = std::min(n, b->words_.size());
    Bitmap out;
    out.words_.resize(n);
    if (taken != nullptr && taken->words_.size() < n) taken->words_.resize(n, 0);
    if (summary != nullptr) summary->words_.assign((n + 63) / 64, 0);
    uint64_t* o = out.words_.data();
    uint64_t any = 0;
    constexpr size_t kBlock = 256;  // 2 KB of the result, kept in the first-level cache
    for (size_t begin = 0; begin < n; begin += kBlock) {
      const size_t end = std::min(n, begin + kBlock);
      std::copy(all.front()->words_.begin() + begin, all.front()->words_.begin() + end, o + begin);
      // A block the first input has no member in stays zero (its summary bits too): the others
      // are not read (the first is the candidates, often sparse).
      uint64_t block_any = 0;
      for (size_t w = begin; w < end; ++w) block_any |= o[w];
      if (block_any == 0) continue;
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
      for (size_t w = begin; w < end; ++w) {
        any |= o[w];
        if (summary != nullptr) summary->words_[w / 64] |= uint64_t{o[w] != 0} << (w % 64);
      }
    }
    if (any == 0) {  // so that Any() answers at once
      out.words_.clear();
      if (summary != nullptr) summary->words_.clear();
    }
    return out;
  }
  // Whether a bit is set: stops at the first word that holds one.
  bool Any() const {
    return std::any_of(words_.begin(), words_.end(), [](uint64_t w) { return w != 0; });
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
  // To `n` words, new ones indeterminate: for a writer that sets every word it lets be read.
  void ResizeUninitialized(size_t n) { words_.resize(n); }

 private:
  std::vector<uint64_t, DefaultInitAllocator<uint64_t>> words_;
};

// A bitmap with a summary of its words (bit w set when word w is not zero), for sets far smaller
// than the slot range: a pass over the members of two of them reads only the words both hold
// (ForEachWordOfBoth), not the whole range.
class SummarizedBitmap {
 public:
  SummarizedBitmap() = default;
  // Bitmap::AndNotTaken with the summary made in the same pass.
  static SummarizedBitmap AndNotTaken(const std::vector<const Bitmap*>& all, Bitmap* taken) {
    SummarizedBitmap out;
    out.bits_ = Bitmap::AndNotTaken(all, taken, &out.summary_);
    out.MakeTop();
    return out;
  }
  // The AND of `all` (at least one), reading only the words every summary holds (a sparse
  // input skips most of the range), and writing the words and their summary in the same pass.
  static SummarizedBitmap And(std::initializer_list<const SummarizedBitmap*> all) {
    SummarizedBitmap out;
    size_t n = (*all.begin())->bits_.word_count();
    for (const SummarizedBitmap* b : all) n = std::min(n, b->bits_.word_count());
    // Only the words the summary holds are written, and only they are ever read (every reader
    // goes through the summary): the others are left indeterminate rather than zeroed.
    out.bits_.ResizeUninitialized(n);
    out.summary_.Resize((n + 63) / 64);
    out.top_.Resize((out.summary_.word_count() + 63) / 64);
    uint64_t* words = out.bits_.mutable_words();
    uint64_t* summary = out.summary_.mutable_words();
    // Each summary holds bits only below its bitmap's length, so their AND only below n.
    ForEachSummaryWordOfAll(all, [&](size_t s) {
      uint64_t candidates = ~uint64_t{0};
      for (const SummarizedBitmap* b : all) candidates &= b->summary_.words()[s];
      uint64_t kept = 0;
      for (; candidates != 0; candidates &= candidates - 1) {
        const int bit = std::countr_zero(candidates);
        const size_t w = s * 64 + static_cast<size_t>(bit);
        uint64_t word = ~uint64_t{0};
        for (const SummarizedBitmap* b : all) word &= b->bits_.words()[w];
        words[w] = word;
        kept |= uint64_t{word != 0} << bit;
      }
      summary[s] = kept;
      if (kept != 0) out.top_.mutable_words()[s / 64] |= uint64_t{1} << (s % 64);
    });
    return out;
  }
  void Set(uint32_t i) {
    bits_.Set(i);
    summary_.Set(i / 64);
    top_.Set(i / 4096);
  }
  void Clear(uint32_t i) {
    bits_.Clear(i);
    if (i / 64 < bits_.word_count() && bits_.words()[i / 64] == 0) {
      summary_.Clear(i / 64);
      if (summary_.words()[i / 4096] == 0) top_.Clear(i / 4096);
    }
  }
  void ClearAll() {
    bits_.ClearAll();
    summary_.ClearAll();
    top_.ClearAll();
  }
  bool Any() const { return top_.Any(); }

  // Whether this AND `mask` holds a member: stops at the first.
  bool Intersects(const Bitmap& mask) const {
    bool found = false;
    ForEachWordAnd(mask, [&found](size_t, uint64_t) {
      found = true;
      return false;
    });
    return found;
  }

  // Calls fn(w, word) for every word w, ascending, where this AND `mask` is not zero, with that
  // AND; stops when fn returns false. Reads only the words the summary holds.
  template <typename F>
  void ForEachWordAnd(const Bitmap& mask, F&& fn) const {
    const size_t n = std::min(bits_.word_count(), mask.word_count());
    for (size_t t = 0; t < top_.word_count(); ++t) {
      for (uint64_t words = top_.words()[t]; words != 0; words &= words - 1) {
        const size_t s = t * 64 + static_cast<size_t>(std::countr_zero(words));
        for (uint64_t held = summary_.words()[s]; held != 0; held &= held - 1) {
          const size_t w = s * 64 + static_cast<size_t>(std::countr_zero(held));
          if (w >= n) return;
          const uint64_t word = bits_.words()[w] & mask.words()[w];
          if (word != 0 && !fn(w, word)) return;
        }
      }
    }
  }

  // Calls fn(w, word of a, word of b) for every word w, ascending, where both a and b have a
  // member.
  template <typename F>
  static void ForEachWordOfBoth(const SummarizedBitmap& a, const SummarizedBitmap& b, F&& fn) {
    ForEachSummaryWordOfAll({&a, &b}, [&](size_t s) {
      for (uint64_t both = a.summary_.words()[s] & b.summary_.words()[s]; both != 0;
           both &= both - 1) {
        const size_t w = s * 64 + static_cast<size_t>(std::countr_zero(both));
        fn(w, a.bits_.words()[w], b.bits_.words()[w]);
      }
    });
  }

 private:
  // Calls fn(s) for every summary word s, ascending, that is not zero in each of `all` (by the
  // tops: a pass over a sparse bitmap skips the empty stretches 4,096 slots at a time).
  template <typename F>
  static void ForEachSummaryWordOfAll(std::initializer_list<const SummarizedBitmap*> all, F&& fn) {
    size_t n = (*all.begin())->top_.word_count();
    for (const SummarizedBitmap* b : all) n = std::min(n, b->top_.word_count());
    for (size_t t = 0; t < n; ++t) {
      uint64_t in_all = ~uint64_t{0};
      for (const SummarizedBitmap* b : all) in_all &= b->top_.words()[t];
      for (; in_all != 0; in_all &= in_all - 1) {
        fn(t * 64 + static_cast<size_t>(std::countr_zero(in_all)));
      }
    }
  }
  void MakeTop() {
    top_.Resize((summary_.word_count() + 63) / 64);
    for (size_t s = 0; s < summary_.word_count(); ++s) {
      if (summary_.words()[s] != 0) top_.mutable_words()[s / 64] |= uint64_t{1} << (s % 64);
    }
  }

  Bitmap bits_;
  Bitmap summary_;  // bit w: word w of bits_ is not zero
  Bitmap top_;      // bit s: word s of summary_ is not zero
};

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_INDEX_BITMAP_H_
