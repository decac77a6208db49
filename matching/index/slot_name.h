// A teleoperator's name as the index keeps it in the slot's block: without the "teleoperators/"
// every resource name of a teleoperator starts with (14 of its ~22 bytes; a million slots), a flag
// saying it was there. Compares, hashes and prints as the full name.
#ifndef CALLMATCH_MATCHING_INDEX_SLOT_NAME_H_
#define CALLMATCH_MATCHING_INDEX_SLOT_NAME_H_

#include <cstddef>
#include <string>

#include "absl/hash/hash.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace callmatch::matching {

struct SlotName {
  static constexpr absl::string_view kPrefix = "teleoperators/";

  bool prefixed = false;   // the name is kPrefix + rest
  absl::string_view rest;  // else the whole name

  // `full` split (a view into it).
  static SlotName Of(absl::string_view full) {
    if (absl::StartsWith(full, kPrefix)) return {true, full.substr(kPrefix.size())};
    return {false, full};
  }
  std::string ToString() const {
    return prefixed ? absl::StrCat(kPrefix, rest) : std::string(rest);
  }

  // As the full names (Of splits a name one way only, so equal names have equal parts).
  friend bool operator==(const SlotName& a, const SlotName& b) {
    return a.prefixed == b.prefixed && a.rest == b.rest;
  }
  friend bool operator<(const SlotName& a, const SlotName& b) {
    if (a.prefixed == b.prefixed) return a.rest < b.rest;
    return a.ToString() < b.ToString();  // rare: a name without the prefix
  }
  template <typename H>
  friend H AbslHashValue(H h, const SlotName& n) {
    return H::combine(std::move(h), n.prefixed, n.rest);
  }
};

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_INDEX_SLOT_NAME_H_
