// Values that many slots share (a teleoperator's availability hours, say), each stored once with
// the count of the slots that hold it: Intern gives the same id to equal values, Release drops one
// reference and frees the id at the last. Ids are small and reused, so a slot holds 4 bytes where
// the value may take dozens.
//
// Not thread-safe for writes; const methods may run concurrently.
#ifndef CALLMATCH_MATCHING_INDEX_INTERN_TABLE_H_
#define CALLMATCH_MATCHING_INDEX_INTERN_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace callmatch::matching {

template <typename T>
class InternTable {
 public:
  uint32_t Intern(const T& value) {
    auto [it, inserted] = id_.try_emplace(value, 0);
    if (inserted) {
      if (free_.empty()) {
        it->second = static_cast<uint32_t>(entries_.size());
        entries_.push_back({value, 0});
      } else {
        it->second = free_.back();
        free_.pop_back();
        entries_[it->second].value = value;
      }
    }
    ++entries_[it->second].references;
    return it->second;
  }
  void Release(uint32_t id) {
    if (--entries_[id].references > 0) return;
    id_.erase(entries_[id].value);
    entries_[id].value = T();  // its memory back until the id is reused
    free_.push_back(id);
  }
  const T& operator[](uint32_t id) const { return entries_[id].value; }
  void Clear() {
    entries_.clear();
    free_.clear();
    id_.clear();
  }
  // Values held by at least one slot.
  size_t size() const { return id_.size(); }

 private:
  struct Entry {
    T value;
    uint32_t references = 0;
  };
  std::vector<Entry> entries_;
  std::vector<uint32_t> free_;
  absl::flat_hash_map<T, uint32_t> id_;
};

// Strings of a small vocabulary (the country and segment codes the records hold, as written)
// given small ids, each stored once, never removed: a slot's bytes hold the id (a byte) where the
// code as written took its length and its bytes.
//
// Not thread-safe for writes; const methods may run concurrently.
class Vocabulary {
 public:
  uint32_t Intern(absl::string_view word) {
    auto [it, inserted] = id_.try_emplace(word, static_cast<uint32_t>(words_.size()));
    if (inserted) words_.emplace_back(word);
    return it->second;
  }
  const std::string& operator[](uint32_t id) const { return words_[id]; }
  size_t size() const { return words_.size(); }
  void Clear() {
    words_.clear();
    id_.clear();
  }

 private:
  std::vector<std::string> words_;
  absl::flat_hash_map<std::string, uint32_t> id_;
};

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_INDEX_INTERN_TABLE_H_
