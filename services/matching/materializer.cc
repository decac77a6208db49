#include "services/matching/materializer.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/common/resource_store.h"
#include "services/common/resources.h"

namespace callmatch {
namespace {

// Parents before children, so that every child finds its parent when loaded.
constexpr const char* kLoadOrder[] = {kCompanyKind,    kCampaignKind, kTeleoperatorKind,
                                      kEmploymentKind, kContractKind, kActivityLogKind};

template <typename M>
absl::Status UpsertParsed(matching::Dataset& dataset, const store::Record& record,
                          const std::string& name) {
  absl::StatusOr<M> message = ParseResource<M>(record, name);
  if (!message.ok()) return message.status();
  return dataset.Upsert(*message);
}

}  // namespace

DatasetMaterializer::DatasetMaterializer(store::Store* store)
    : store_(store), follower_(&store->pool(), store::FollowerOptions{}) {}

DatasetMaterializer::~DatasetMaterializer() { Stop(); }

absl::Status DatasetMaterializer::Put(matching::Dataset& dataset, absl::string_view kind,
                                      const std::string& name,
                                      const std::optional<store::Record>& record) {
  if (!record.has_value()) {
    if (kind == kTeleoperatorKind) dataset.RemoveTeleoperator(name);
    if (kind == kEmploymentKind) dataset.RemoveEmployment(name);
    if (kind == kContractKind) dataset.RemoveContract(name);
    return absl::OkStatus();  // companies and campaigns are closed, never deleted
  }
  if (kind == kCompanyKind) return UpsertParsed<v1::Company>(dataset, *record, name);
  if (kind == kCampaignKind) return UpsertParsed<v1::Campaign>(dataset, *record, name);
  if (kind == kTeleoperatorKind) return UpsertParsed<v1::Teleoperator>(dataset, *record, name);
  if (kind == kEmploymentKind) return UpsertParsed<v1::Employment>(dataset, *record, name);
  if (kind == kContractKind) return UpsertParsed<v1::Contract>(dataset, *record, name);
  if (kind == kActivityLogKind) return UpsertParsed<v1::ActivityLog>(dataset, *record, name);
  return absl::OkStatus();
}

absl::Status DatasetMaterializer::Load() {
  if (loaded_.load()) return absl::OkStatus();
  // Tails first: a write that lands during the load is applied again from the stream, which
  // re-reads the resource: harmless.
  absl::StatusOr<std::vector<std::string>> tails = store_->StreamTails();
  if (!tails.ok()) return tails.status();
  matching::Dataset fresh;
  int skipped = 0;
  for (const char* kind : kLoadOrder) {
    absl::Status loaded =
        store_->LoadAll(kind, [&](int, const std::string& name, const store::Record& record) {
          if (!Put(fresh, kind, name, record).ok()) ++skipped;
        });
    if (!loaded.ok()) return loaded;
  }
  {
    absl::MutexLock lock(&mu_);
    index_.Load(fresh);
    dataset_ = std::move(fresh);
  }
  if (skipped > 0) LogWarning("records skipped at load", {{"count", absl::StrCat(skipped)}});
  follower_.Start(*std::move(tails), [this](const v1::AuditEvent& event) { Apply(event); });
  loaded_.store(true);
  return absl::OkStatus();
}

void DatasetMaterializer::Stop() {
  stopping_.store(true);
  follower_.Stop();
}

void DatasetMaterializer::Apply(const v1::AuditEvent& event) {
  const absl::string_view kind = KindOf(event.resource());
  if (kind.empty()) return;
  // Re-read until Redis answers: the follower must not move past an event it has not applied,
  // or the view would differ from Redis until the resource changes again.
  absl::StatusOr<std::optional<store::Record>> record =
      store_->Get(event.partition(), kind, event.resource());
  while (!record.ok() && !stopping_.load()) {
    LogWarning("cannot re-read a changed resource; retrying",
               {{"resource", event.resource()}, {"error", record.status().ToString()}});
    absl::SleepFor(absl::Milliseconds(200));
    record = store_->Get(event.partition(), kind, event.resource());
  }
  if (!record.ok()) return;  // stopping
  absl::MutexLock lock(&mu_);
  if (absl::Status applied = Put(dataset_, kind, event.resource(), *record); !applied.ok()) {
    LogWarning("change not applied",
               {{"resource", event.resource()}, {"error", applied.ToString()}});
    return;
  }
  Reindex(kind, event.resource());
}

void DatasetMaterializer::Reindex(absl::string_view kind, const std::string& name) {
  if (kind == kCompanyKind) {
    if (const v1::Company* company = dataset_.company(name); company != nullptr) {
      (void)index_.Upsert(*company);  // valid: the Dataset took it
    }
    return;
  }
  if (kind == kCampaignKind) {
    if (const v1::Campaign* campaign = dataset_.campaign(name); campaign != nullptr) {
      (void)index_.Upsert(*campaign);
    }
    return;
  }
  if (kind != kTeleoperatorKind && kind != kEmploymentKind && kind != kContractKind &&
      kind != kActivityLogKind) {
    return;
  }
  // The rest lives under a teleoperator: "teleoperators/{id}/...".
  const std::string teleoperator = name.substr(0, name.find('/', name.find('/') + 1));
  if (const matching::TeleoperatorData* data = dataset_.teleoperator(teleoperator);
      data != nullptr) {
    // The index holds what every change of this teleoperator's records made of them (each one
    // reindexed here): it need read again only what the changed record affects.
    using Changed = matching::MatchingIndex::Changed;
    index_.PutTeleoperator(*data, kind == kTeleoperatorKind  ? Changed::kProfile
                                  : kind == kActivityLogKind ? Changed::kActivityLog
                                                             : Changed::kAny);
  } else {
    index_.RemoveTeleoperator(teleoperator);
  }
}

}  // namespace callmatch
