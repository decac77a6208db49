// What the contract service keeps materialized from the change streams (design.md, "Readers
// materialize"): the companies (the rules resolve employers and groups through them) and, per
// client, the names of its contracts (a client's contracts live in many teleoperators'
// partitions). It also tells the service when a teleoperator's declarations changed, so that
// its contracts are re-checked.
//
// Thread safety: Load/Stop from one thread; the rest from any thread.
#ifndef CALLMATCH_SERVICES_CONTRACT_CONTRACT_VIEW_H_
#define CALLMATCH_SERVICES_CONTRACT_CONTRACT_VIEW_H_

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "callmatch/v1/audit.pb.h"
#include "matching/dataset.h"
#include "services/store/follower.h"
#include "services/store/store.h"

namespace callmatch {

class ContractView {
 public:
  // Called on the follower's thread after an event of a teleoperator's profile or employments,
  // with the teleoperator's name ("teleoperators/t1").
  using DeclarationsChanged =
      std::function<void(const v1::AuditEvent& event, const std::string& teleoperator)>;

  ContractView(store::Store* store, DeclarationsChanged on_change);
  ~ContractView();

  // Reads the stream tails, loads companies and contracts, then follows the streams.
  absl::Status Load();
  void Stop();
  store::ChangeFollower* follower() { return &follower_; }

  // A dataset holding every company (a copy: the caller adds the records of one check).
  matching::Dataset Companies() const;
  // The names of a client's contracts ("companies/acme"), sorted.
  std::vector<std::string> ContractsOf(const std::string& client) const;

 private:
  void Apply(const v1::AuditEvent& event);

  store::Store* store_;
  DeclarationsChanged on_change_;
  store::ChangeFollower follower_;
  mutable absl::Mutex mu_;
  matching::Dataset companies_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::set<std::string>> by_client_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> client_of_ ABSL_GUARDED_BY(mu_);
};

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_CONTRACT_CONTRACT_VIEW_H_
