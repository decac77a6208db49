#include "services/contract/contract_view.h"

#include <utility>

#include "services/common/log.h"
#include "services/common/resource_store.h"
#include "services/common/resources.h"
#include "services/contract/contract_records.h"

namespace callmatch {

ContractView::ContractView(store::Store* store, DeclarationsChanged on_change)
    : store_(store),
      on_change_(std::move(on_change)),
      follower_(&store->pool(), store::FollowerOptions{}) {}

ContractView::~ContractView() { Stop(); }

void ContractView::Stop() { follower_.Stop(); }

absl::Status ContractView::Load() {
  // Tails first: what lands during the load is applied again from the stream (a re-read).
  absl::StatusOr<std::vector<std::string>> tails = store_->StreamTails();
  if (!tails.ok()) return tails.status();
  absl::StatusOr<matching::Dataset> companies = LoadCompanies(*store_);
  if (!companies.ok()) return companies.status();
  std::map<std::string, std::set<std::string>> by_client;
  std::map<std::string, std::string> client_of;
  absl::Status loaded = store_->LoadAll(
      kContractKind, [&](int, const std::string& name, const store::Record& record) {
        absl::StatusOr<v1::Contract> contract = ParseResource<v1::Contract>(record, name);
        if (!contract.ok()) return;
        by_client[contract->client()].insert(name);
        client_of[name] = contract->client();
      });
  if (!loaded.ok()) return loaded;
  {
    absl::MutexLock lock(&mu_);
    companies_ = *std::move(companies);
    by_client_ = std::move(by_client);
    client_of_ = std::move(client_of);
  }
  follower_.Start(*std::move(tails), [this](const v1::AuditEvent& event) { Apply(event); });
  return absl::OkStatus();
}

void ContractView::Apply(const v1::AuditEvent& event) {
  const absl::string_view kind = KindOf(event.resource());
  if (kind == kCompanyKind || kind == kContractKind) {
    absl::StatusOr<int> partition = OwnerPartition(event.resource(), "resource");
    if (!partition.ok()) return;
    absl::StatusOr<std::optional<store::Record>> record =
        store_->Get(*partition, kind, event.resource());
    if (!record.ok()) {
      LogError("contract view: cannot re-read a changed resource",
               {{"resource", event.resource()}, {"error", record.status().ToString()}});
      return;
    }
    absl::MutexLock lock(&mu_);
    if (kind == kCompanyKind) {
      if (!record->has_value()) return;  // companies are never deleted
      absl::StatusOr<v1::Company> company = ParseResource<v1::Company>(**record, event.resource());
      if (company.ok()) (void)companies_.Upsert(*company);
      return;
    }
    if (!record->has_value()) {  // an erased teleoperator's contract
      auto it = client_of_.find(event.resource());
      if (it != client_of_.end()) {
        by_client_[it->second].erase(event.resource());
        client_of_.erase(it);
      }
      return;
    }
    absl::StatusOr<v1::Contract> contract = ParseResource<v1::Contract>(**record, event.resource());
    if (!contract.ok()) return;
    by_client_[contract->client()].insert(event.resource());
    client_of_[event.resource()] = contract->client();
    return;
  }
  // A change of a teleoperator's declarations or of its profile (availability, registration).
  const bool declarations =
      kind == kEmploymentKind ||
      (kind == kTeleoperatorKind && (event.action() == v1::AUDIT_ACTION_UPDATE ||
                                     event.action() == v1::AUDIT_ACTION_TRANSITION));
  if (declarations && on_change_) {
    on_change_(event, kind == kTeleoperatorKind ? event.resource()
                                                : matching::ParentName(event.resource()));
  }
}

matching::Dataset ContractView::Companies() const {
  absl::MutexLock lock(&mu_);
  return companies_;
}

std::vector<std::string> ContractView::ContractsOf(const std::string& client) const {
  absl::MutexLock lock(&mu_);
  auto it = by_client_.find(client);
  if (it == by_client_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

}  // namespace callmatch
