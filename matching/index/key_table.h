// The index's key names ("<p>:<body>", p one character: "g:<group key>", "k:<campaign>", ...)
// interned to dense ids, for a million keys and more: the bodies in one arena (a length and the
// bytes, no std::string of 32 bytes and a heap block each), the prefix a byte, and a hash set of
// ids that hashes and compares through the arena (no second copy of the names).
//
// Keys are never removed (but by Clear). Not thread-safe for writes; const methods may run
// concurrently.
#ifndef CALLMATCH_MATCHING_INDEX_KEY_TABLE_H_
#define CALLMATCH_MATCHING_INDEX_KEY_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

namespace callmatch::matching {

class KeyTable {
 public:
  KeyTable() = default;
  KeyTable(const KeyTable&) = delete;
  KeyTable& operator=(const KeyTable&) = delete;

  // The id of `name` ("<p>:<body>"), interned when new.
  uint32_t Intern(absl::string_view name) {
    const Probe probe = ProbeOf(name);
    if (auto it = ids_.find(probe); it != ids_.end()) return *it;
    const uint32_t id = static_cast<uint32_t>(body_.size());
    const uint32_t offset = static_cast<uint32_t>(arena_.size());
    PutLength(probe.body.size());
    arena_.append(probe.body.data(), probe.body.size());
    body_.push_back(offset);
    prefix_.push_back(probe.prefix);
    ids_.insert(id);
    return id;
  }
  // The id of `name`, if interned.
  std::optional<uint32_t> Find(absl::string_view name) const {
    if (name.size() < 2) return std::nullopt;
    auto it = ids_.find(ProbeOf(name));
    if (it == ids_.end()) return std::nullopt;
    return *it;
  }
  // The name of `id` less its "<p>:"; valid until the next Intern.
  absl::string_view Body(uint32_t id) const {
    const char* p = arena_.data() + body_[id];
    size_t n = 0;
    for (int shift = 0;; shift += 7) {
      const uint8_t b = static_cast<uint8_t>(*p++);
      n |= size_t{b & 0x7fu} << shift;
      if (b < 0x80) break;
    }
    return absl::string_view(p, n);
  }
  char Prefix(uint32_t id) const { return prefix_[id]; }
  // Ids are 0 to size() - 1.
  size_t size() const { return body_.size(); }
  void Clear() {
    ids_.clear();  // before the names its hash reads
    arena_.clear();
    body_.clear();
    prefix_.clear();
  }
  size_t MemoryBytes() const {
    return arena_.capacity() + body_.capacity() * sizeof(uint32_t) + prefix_.capacity() +
           ids_.capacity() * (sizeof(uint32_t) + 1);
  }

 private:
  // A name as the hash set sees it.
  struct Probe {
    char prefix;
    absl::string_view body;
  };
  static Probe ProbeOf(absl::string_view name) { return {name[0], name.substr(2)}; }
  void PutLength(size_t n) {
    while (n >= 0x80) {
      arena_.push_back(static_cast<char>(n | 0x80));
      n >>= 7;
    }
    arena_.push_back(static_cast<char>(n));
  }

  struct ByName {
    using is_transparent = void;
    const KeyTable* table;
    Probe Of(uint32_t id) const { return {table->prefix_[id], table->Body(id)}; }
    size_t operator()(uint32_t id) const { return (*this)(Of(id)); }
    size_t operator()(const Probe& p) const { return absl::HashOf(p.prefix, p.body); }
    bool operator()(uint32_t a, uint32_t b) const { return a == b; }
    bool operator()(uint32_t id, const Probe& p) const { return Same(Of(id), p); }
    bool operator()(const Probe& p, uint32_t id) const { return Same(Of(id), p); }
    static bool Same(const Probe& a, const Probe& b) {
      return a.prefix == b.prefix && a.body == b.body;
    }
  };

  std::string arena_;           // per name: its body's length (a varint), its bytes
  std::vector<uint32_t> body_;  // by id: where its body starts in arena_
  std::vector<char> prefix_;    // by id
  // The ids of the names.
  absl::flat_hash_set<uint32_t, ByName, ByName> ids_{0, ByName{this}, ByName{this}};
};

}  // namespace callmatch::matching

#endif  // CALLMATCH_MATCHING_INDEX_KEY_TABLE_H_
