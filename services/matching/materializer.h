// Keeps a matching::Dataset equal to what Redis holds (design.md, "Readers materialize"): reads
// the stream tails, loads every company, campaign, teleoperator, declaration, contract and
// activity log, then follows the 64 change streams and re-reads each changed resource.
//
// Beside the Dataset it keeps a matching::MatchingIndex (matching/index/index.h) that the
// queries read: every change applied to the Dataset is applied to the index in place (a company
// or campaign as it is, anything under a teleoperator as that teleoperator's new records). The
// Dataset stays because explanations need a teleoperator's full records, which the index does
// not keep.
//
// Readers take a shared lock for a whole query; the follower takes the exclusive lock for each
// change it applies (the index has its own reader/writer lock inside, taken after this one).
//
// Thread safety: Read() from any thread; Load()/Stop() from one thread.
#ifndef CALLMATCH_SERVICES_MATCHING_MATERIALIZER_H_
#define CALLMATCH_SERVICES_MATCHING_MATERIALIZER_H_

#include <atomic>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "matching/dataset.h"
#include "matching/index/index.h"
#include "services/store/follower.h"
#include "services/store/store.h"

namespace callmatch {

class DatasetMaterializer {
 public:
  explicit DatasetMaterializer(store::Store* store);
  ~DatasetMaterializer();

  // Loads everything into a fresh dataset, swaps it in, and starts following. Idempotent once it
  // has succeeded; a failed load leaves nothing half-loaded behind.
  absl::Status Load();
  void Stop();

  bool loaded() const { return loaded_.load(); }
  store::ChangeFollower* follower() { return &follower_; }

  // The index, always as up to date as the Dataset (it is loaded with it). It locks itself.
  const matching::MatchingIndex& index() const { return index_; }

  // Calls fn(const matching::Dataset&) under the shared lock and returns what it returns.
  template <typename F>
  auto Read(F&& fn) const {
    absl::ReaderMutexLock lock(&mu_);
    return fn(dataset_);
  }

 private:
  // Applies one change event (on the follower's thread): re-reads the resource it names.
  void Apply(const v1::AuditEvent& event);
  // Upserts or removes one resource given its stored record (nullopt when gone).
  static absl::Status Put(matching::Dataset& dataset, absl::string_view kind,
                          const std::string& name, const std::optional<store::Record>& record);
  // Applies to the index what Put changed in the Dataset for resource `name` of `kind`.
  void Reindex(absl::string_view kind, const std::string& name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  store::Store* store_;
  store::ChangeFollower follower_;
  std::atomic<bool> loaded_{false};
  std::atomic<bool> stopping_{false};
  mutable absl::Mutex mu_;
  matching::Dataset dataset_ ABSL_GUARDED_BY(mu_);
  matching::MatchingIndex index_;
};

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_MATCHING_MATERIALIZER_H_
