// What a contract's checks and its scoring read from the store about one teleoperator: shared by
// the contract service (eligibility and scoring at each write) and the scoring service
// (RescoreAll), so that both build a contract's facts from the same records in the same way.
//
// Example (inside Store::Write's body, on the teleoperator's partition):
//   auto campaign = ReadCampaign(store, contract.campaign());
//   auto dataset = LoadForCheck(store, txn, companies, "teleoperators/t1", *campaign, false);
//   v1::ContractFacts facts = ScoringFacts(*dataset, contract, today, max_age_days);
//
// Thread-safe as the store is.
#ifndef CALLMATCH_SERVICES_CONTRACT_CONTRACT_RECORDS_H_
#define CALLMATCH_SERVICES_CONTRACT_CONTRACT_RECORDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "callmatch/v1/campaign.pb.h"
#include "matching/dataset.h"
#include "services/store/store.h"

namespace callmatch {

// The names of `kind` in the transaction's partition under "<parent>/" (watched), sorted.
absl::StatusOr<std::vector<std::string>> ChildNames(store::Txn& txn, absl::string_view kind,
                                                    absl::string_view parent);

// Every company of the store, as a dataset: the base that one check adds its records to.
absl::StatusOr<matching::Dataset> LoadCompanies(store::Store& store);

// The campaign `name`, read outside any transaction. NOT_FOUND when it does not exist.
absl::StatusOr<v1::Campaign> ReadCampaign(store::Store& store, const std::string& name);

// A dataset for the rules and the scoring facts: `companies`, the campaign's client as stored
// now (`companies` may lag behind a write just made), `campaign`, and the teleoperator's profile,
// employments, contracts (with their campaigns) and logs read in `txn` (watched: a concurrent
// change of any of them makes the write retry). With `book_pending`, the teleoperator's other
// PROPOSED contracts count as accepted: a pending proposal books its hours. NOT_FOUND when the
// teleoperator does not exist.
absl::StatusOr<matching::Dataset> LoadForCheck(store::Store& store, store::Txn& txn,
                                               matching::Dataset companies,
                                               const std::string& teleoperator,
                                               const v1::Campaign& campaign, bool book_pending);

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_CONTRACT_CONTRACT_RECORDS_H_
