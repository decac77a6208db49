#include "services/audit/audit_service.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
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

namespace {

class AuditModule final : public ServiceModule {
 public:
  AuditModule(store::Store* store, std::string key, std::string anchor_file, Edge* edge,
              const CredentialStore* credentials)
      : sealer_(&store->pool(), {.key = key, .anchor_file = std::move(anchor_file)}),
        audit_(edge, &store->pool(), key, &sealer_),
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
