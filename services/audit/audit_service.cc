#include "services/audit/audit_service.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "callmatch/v1/contract.pb.h"
#include "services/common/errors.h"
#include "services/common/resource_store.h"
#include "services/common/resources.h"
#include "services/common/validation.h"
#include "services/store/stream.h"

namespace callmatch {
namespace {

constexpr char kService[] = "/callmatch.v1.AuditService/";
// Entries one ListAuditEvents call scans at most when it filters by resource.
constexpr int kMaxScan = 10000;
constexpr int kScanChunk = 500;

std::string Method(absl::string_view name) { return absl::StrCat(kService, name); }

bool IsAbout(const v1::AuditEvent& event, absl::string_view resource) {
  return event.resource() == resource ||
         absl::StartsWith(event.resource(), absl::StrCat(resource, "/"));
}

}  // namespace

grpc::ServerUnaryReactor* AuditServiceImpl::ListAuditEvents(
    grpc::CallbackServerContext* context, const v1::ListAuditEventsRequest* request,
    v1::ListAuditEventsResponse* response) {
  return edge_->Serve(context, Method("ListAuditEvents"), [=, this](Call& call) -> absl::Status {
    if (!call.is_operator()) return PermissionDenied("platform operators");
    absl::StatusOr<int> page_size = PageSize(request->page_size());
    if (!page_size.ok()) return page_size.status();
    int partition = request->partition();
    if (!request->resource().empty()) {
      absl::StatusOr<int> owner = OwnerPartition(request->resource(), "resource");
      if (!owner.ok()) return owner.status();
      partition = *owner;
    } else if (partition < 0 || partition >= store::kPartitionCount) {
      return InvalidField("partition", "must be 0 to 63");
    }
    if (!request->page_token().empty() &&
        !store::ConsistencyToken::Parse(absl::StrCat(partition, "/", request->page_token())).ok()) {
      return InvalidField("page_token", "not a token this service returned");
    }
    std::string after = request->page_token();
    int scanned = 0;
    bool more = true;
    while (response->events_size() < *page_size && scanned < kMaxScan && more) {
      const int chunk =
          request->resource().empty() ? *page_size - response->events_size() : kScanChunk;
      absl::StatusOr<std::vector<store::StreamEntry>> entries =
          store::ReadStream(*pool_, store::ChangeStreamKey(partition), after, chunk);
      if (!entries.ok()) return entries.status();
      more = static_cast<int>(entries->size()) == chunk;
      for (const store::StreamEntry& entry : *entries) {
        ++scanned;
        after = entry.id;
        std::optional<v1::AuditEvent> event = store::ChangeEventOf(entry, partition);
        if (!event.has_value()) continue;
        if (!request->resource().empty() && !IsAbout(*event, request->resource())) continue;
        *response->add_events() = *std::move(event);
        if (response->events_size() == *page_size) {
          more = true;
          break;
        }
      }
    }
    if (more) response->set_next_page_token(after);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AuditServiceImpl::VerifyChain(grpc::CallbackServerContext* context,
                                                        const v1::VerifyChainRequest* request,
                                                        v1::VerifyChainResponse* response) {
  return edge_->Serve(context, Method("VerifyChain"), [=, this](Call& call) -> absl::Status {
    if (!call.is_operator()) return PermissionDenied("platform operators");
    std::vector<int> partitions(request->partitions().begin(), request->partitions().end());
    for (int i = 0; i < static_cast<int>(partitions.size()); ++i) {
      if (partitions[i] < 0 || partitions[i] >= store::kPartitionCount) {
        return InvalidField(absl::StrCat("partitions[", i, "]"), "must be 0 to 63");
      }
    }
    if (partitions.empty()) {
      for (int p = 0; p < store::kPartitionCount; ++p) partitions.push_back(p);
    }
    const audit::Anchors anchors = sealer_->anchors();
    bool ok = true;
    for (int partition : partitions) {
      absl::StatusOr<audit::PartitionCheck> check =
          audit::VerifyPartition(*pool_, key_, partition, anchors[partition]);
      if (!check.ok()) return check.status();
      auto* result = response->add_partitions();
      result->set_partition(partition);
      result->set_ok(check->ok);
      result->set_events_checked(check->events_checked);
      result->set_first_bad_event_id(check->first_bad_event_id);
      result->set_problem(check->problem);
      ok = ok && check->ok;
    }
    response->set_ok(ok);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AuditServiceImpl::GetClientRiskReport(
    grpc::CallbackServerContext* context, const v1::GetClientRiskReportRequest* request,
    v1::ClientRiskReport* response) {
  return edge_->Serve(
      context, Method("GetClientRiskReport"), [=, this](Call& call) -> absl::Status {
        absl::StatusOr<std::string> id = ParseName(request->company(), "companies", "company");
        if (!id.ok()) return id.status();
        if (!call.is_operator() && !call.is_client(*id)) {
          return PermissionDenied("the client itself or a platform operator");
        }
        // The current contracts: proposed, accepted or active. A client's contracts live in its
        // teleoperators' partitions: a report reads them all.
        std::map<v1::RiskBand, int64_t> bands = {{v1::RISK_BAND_LOW, 0},
                                                 {v1::RISK_BAND_MEDIUM, 0},
                                                 {v1::RISK_BAND_HIGH, 0},
                                                 {v1::RISK_BAND_CRITICAL, 0}};
        std::vector<std::string> risky;
        absl::Status loaded = store_->LoadAll(
            kContractKind, [&](int, const std::string& name, const store::Record& record) {
              absl::StatusOr<v1::Contract> contract = ParseResource<v1::Contract>(record, name);
              if (!contract.ok() || contract->client() != request->company()) return;
              const v1::ContractState state = contract->state();
              if (state != v1::CONTRACT_STATE_PROPOSED && state != v1::CONTRACT_STATE_ACCEPTED &&
                  state != v1::CONTRACT_STATE_ACTIVE) {
                return;
              }
              ++bands[contract->risk().band()];
              if (contract->risk().band() >= v1::RISK_BAND_HIGH) risky.push_back(name);
            });
        if (!loaded.ok()) return loaded;
        response->set_company(request->company());
        for (const auto& [band, count] : bands) {
          auto* row = response->add_bands();
          row->set_band(band);
          row->set_contracts(count);
        }
        std::sort(risky.begin(), risky.end());
        for (std::string& name : risky) response->add_risky_contracts(std::move(name));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AuditServiceImpl::GetDependenceReport(
    grpc::CallbackServerContext* context, const v1::GetDependenceReportRequest* request,
    v1::DependenceReport* response) {
  return edge_->Serve(
      context, Method("GetDependenceReport"), [=, this](Call& call) -> absl::Status {
        absl::StatusOr<std::string> id =
            ParseName(request->teleoperator(), "teleoperators", "teleoperator");
        if (!id.ok()) return id.status();
        if (!call.is_operator() && !call.is_teleoperator(*id)) {
          return PermissionDenied("the teleoperator itself or a platform operator");
        }
        const int partition = store::PartitionOf(*id);
        const std::string prefix = absl::StrCat(request->teleoperator(), "/");
        // Each contract's client, then each logged day's revenue.
        std::map<std::string, std::string> client_of;
        absl::StatusOr<std::vector<std::string>> contracts =
            store_->ListIds(partition, kContractKind);
        if (!contracts.ok()) return contracts.status();
        for (const std::string& name : *contracts) {
          if (!absl::StartsWith(name, prefix)) continue;
          auto contract = ReadResource<v1::Contract>(*store_, partition, kContractKind, name);
          if (!contract.ok()) return contract.status();
          if (contract->has_value()) client_of[name] = (*contract)->client();
        }
        absl::StatusOr<std::vector<std::string>> names =
            store_->ListIds(partition, kActivityLogKind);
        if (!names.ok()) return names.status();
        std::vector<v1::ActivityLog> logs;
        absl::CivilDay end = today_();
        for (const std::string& name : *names) {
          if (!absl::StartsWith(name, prefix)) continue;
          auto log = ReadResource<v1::ActivityLog>(*store_, partition, kActivityLogKind, name);
          if (!log.ok()) return log.status();
          if (!log->has_value()) continue;
          const v1::Date& day = (*log)->day();
          end = std::max(end, absl::CivilDay(day.year(), day.month(), day.day()));
          logs.push_back(**std::move(log));
        }
        // The 12 months that end today, or on the last logged day when activity is dated later
        // (planned campaigns, demo data).
        std::map<std::string, int64_t> by_client;
        int64_t total = 0;
        std::string currency;
        for (const v1::ActivityLog& log : logs) {
          const absl::CivilDay day(log.day().year(), log.day().month(), log.day().day());
          if (day <= end - 365 || day > end) continue;
          const std::string contract = log.name().substr(0, log.name().find("/activityLogs/"));
          by_client[client_of[contract]] += log.revenue().minor_units();
          total += log.revenue().minor_units();
          if (currency.empty()) currency = log.revenue().currency_code();
        }
        response->set_teleoperator(request->teleoperator());
        response->mutable_total_revenue()->set_currency_code(currency.empty() ? "EUR" : currency);
        response->mutable_total_revenue()->set_minor_units(total);
        for (const auto& [client, revenue] : by_client) {
          auto* row = response->add_clients();
          row->set_company(client);
          *row->mutable_revenue() = response->total_revenue();
          row->mutable_revenue()->set_minor_units(revenue);
          row->set_share_permille(total > 0 ? static_cast<int32_t>(revenue * 1000 / total) : 0);
        }
        return absl::OkStatus();
      });
}

namespace {

class AuditModule final : public ServiceModule {
 public:
  AuditModule(store::Store* store, std::string key, std::string anchor_file, Edge* edge,
              const CredentialStore* credentials)
      : sealer_(&store->pool(), {.key = key, .anchor_file = std::move(anchor_file)}),
        audit_(edge, store, key, &sealer_,
               [] { return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()); }),
        credentials_(edge, credentials) {}

  absl::string_view name() const override { return "audit"; }
  std::vector<grpc::Service*> services() override { return {&audit_, &credentials_}; }
  std::vector<std::string> health_names() const override {
    return {v1::AuditService::service_full_name(), v1::CredentialService::service_full_name()};
  }
  absl::Status WarmUp() override { return sealer_.Start(); }
  void Stop() override { sealer_.Stop(); }

 private:
  audit::Sealer sealer_;
  AuditServiceImpl audit_;
  CredentialServiceImpl credentials_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceModule>> MakeAuditModule(const AuditModuleOptions& options,
                                                               store::Store* store, Edge* edge,
                                                               const CredentialStore* credentials) {
  if (options.key_file.empty()) {
    return absl::InvalidArgumentError("the audit service needs --audit_key_file");
  }
  if (options.anchor_file.empty()) {
    return absl::InvalidArgumentError("the audit service needs --audit_anchor_file");
  }
  absl::StatusOr<std::string> key = audit::ReadKeyFile(options.key_file);
  if (!key.ok()) return key.status();
  return std::make_unique<AuditModule>(store, *std::move(key), options.anchor_file, edge,
                                       credentials);
}

}  // namespace callmatch
