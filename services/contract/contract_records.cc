#include "services/contract/contract_records.h"

#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/resource_store.h"
#include "services/common/resources.h"
#include "services/store/partition.h"

namespace callmatch {
absl::StatusOr<std::vector<std::string>> ChildNames(store::Txn& txn, absl::string_view kind,
                                                    absl::string_view parent) {
  absl::StatusOr<std::vector<std::string>> ids = txn.ListIds(kind);
  if (!ids.ok()) return ids.status();
  std::vector<std::string> names;
  const std::string prefix = absl::StrCat(parent, "/");
  for (std::string& id : *ids) {
    if (absl::StartsWith(id, prefix)) names.push_back(std::move(id));
  }
  return names;
}

absl::StatusOr<matching::Dataset> LoadCompanies(store::Store& store) {
  matching::Dataset companies;
  absl::Status loaded =
      store.LoadAll(kCompanyKind, [&](int, const std::string& name, const store::Record& record) {
        absl::StatusOr<v1::Company> company = ParseResource<v1::Company>(record, name);
        if (company.ok()) (void)companies.Upsert(*company);
      });
  if (!loaded.ok()) return loaded;
  return companies;
}

absl::StatusOr<v1::Campaign> ReadCampaign(store::Store& store, const std::string& name) {
  absl::StatusOr<int> partition = OwnerPartition(name, "campaign");
  if (!partition.ok()) return partition.status();
  auto campaign = ReadResource<v1::Campaign>(store, *partition, kCampaignKind, name);
  if (!campaign.ok()) return campaign.status();
  if (!campaign->has_value()) return absl::NotFoundError(absl::StrCat("no ", name));
  return **std::move(campaign);
}

absl::StatusOr<matching::Dataset> LoadForCheck(store::Store& store, store::Txn& txn,
                                               matching::Dataset companies,
                                               const std::string& teleoperator,
                                               const v1::Campaign& campaign, bool book_pending) {
  matching::Dataset dataset = std::move(companies);
  const std::string client = matching::ParentName(campaign.name());
  absl::StatusOr<int> client_partition = OwnerPartition(client, "campaign");
  if (!client_partition.ok()) return client_partition.status();
  auto company = ReadResource<v1::Company>(store, *client_partition, kCompanyKind, client);
  if (!company.ok()) return company.status();
  if (company->has_value()) (void)dataset.Upsert(**company);
  if (absl::Status s = dataset.Upsert(campaign); !s.ok()) return s;

  auto profile = ReadResource<v1::Teleoperator>(txn, kTeleoperatorKind, teleoperator);
  if (!profile.ok()) return profile.status();
  if (!profile->has_value()) return absl::NotFoundError(absl::StrCat("no ", teleoperator));
  if (absl::Status s = dataset.Upsert(**profile); !s.ok()) return s;
  absl::StatusOr<std::vector<std::string>> employments =
      ChildNames(txn, kEmploymentKind, teleoperator);
  if (!employments.ok()) return employments.status();
  for (const std::string& name : *employments) {
    auto employment = ReadResource<v1::Employment>(txn, kEmploymentKind, name);
    if (!employment.ok()) return employment.status();
    if (employment->has_value()) (void)dataset.Upsert(**employment);
  }
  absl::StatusOr<std::vector<std::string>> contracts = ChildNames(txn, kContractKind, teleoperator);
  if (!contracts.ok()) return contracts.status();
  for (const std::string& name : *contracts) {
    auto contract = ReadResource<v1::Contract>(txn, kContractKind, name);
    if (!contract.ok()) return contract.status();
    if (!contract->has_value()) continue;
    v1::Contract& k = **contract;
    if (dataset.campaign(k.campaign()) == nullptr) {
      absl::StatusOr<v1::Campaign> other = ReadCampaign(store, k.campaign());
      if (other.ok()) (void)dataset.Upsert(*other);
    }
    if (book_pending && k.state() == v1::CONTRACT_STATE_PROPOSED) {
      k.set_state(v1::CONTRACT_STATE_ACCEPTED);
    }
    (void)dataset.Upsert(k);
  }
  absl::StatusOr<std::vector<std::string>> logs = ChildNames(txn, kActivityLogKind, teleoperator);
  if (!logs.ok()) return logs.status();
  for (const std::string& name : *logs) {
    auto log = ReadResource<v1::ActivityLog>(txn, kActivityLogKind, name);
    if (!log.ok()) return log.status();
    if (log->has_value()) (void)dataset.Upsert(**log);
  }
  return dataset;
}

}  // namespace callmatch
