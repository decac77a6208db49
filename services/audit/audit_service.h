// AuditService: the sealed audit trail for platform operators. ListAuditEvents reads a
// partition's change stream (or one resource's events); VerifyChain recomputes every seal
// (services/audit/seal.h). GetClientRiskReport counts a client's current contracts by band (the
// client itself or operators); GetDependenceReport splits a teleoperator's trailing 12-month
// logged revenue by client (the teleoperator itself or operators).
#ifndef CALLMATCH_SERVICES_AUDIT_AUDIT_SERVICE_H_
#define CALLMATCH_SERVICES_AUDIT_AUDIT_SERVICE_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "callmatch/v1/audit.grpc.pb.h"
#include "services/audit/credential_service.h"
#include "services/audit/seal.h"
#include "services/common/edge.h"
#include "services/common/server.h"

namespace callmatch {

class AuditServiceImpl final : public v1::AuditService::CallbackService {
 public:
  AuditServiceImpl(Edge* edge, store::Store* store, std::string key, const audit::Sealer* sealer,
                   std::function<absl::CivilDay()> today)
      : edge_(edge),
        store_(store),
        pool_(&store->pool()),
        key_(std::move(key)),
        sealer_(sealer),
        today_(std::move(today)) {}

  grpc::ServerUnaryReactor* ListAuditEvents(grpc::CallbackServerContext* context,
                                            const v1::ListAuditEventsRequest* request,
                                            v1::ListAuditEventsResponse* response) override;
  grpc::ServerUnaryReactor* VerifyChain(grpc::CallbackServerContext* context,
                                        const v1::VerifyChainRequest* request,
                                        v1::VerifyChainResponse* response) override;
  grpc::ServerUnaryReactor* GetClientRiskReport(grpc::CallbackServerContext* context,
                                                const v1::GetClientRiskReportRequest* request,
                                                v1::ClientRiskReport* response) override;
  grpc::ServerUnaryReactor* GetDependenceReport(grpc::CallbackServerContext* context,
                                                const v1::GetDependenceReportRequest* request,
                                                v1::DependenceReport* response) override;

 private:
  Edge* edge_;
  store::Store* store_;
  store::RedisPool* pool_;
  const std::string key_;
  const audit::Sealer* sealer_;
  // Today, a UTC calendar day.
  const std::function<absl::CivilDay()> today_;
};

struct AuditModuleOptions {
  // File holding the HMAC key (at least 32 bytes, hex or raw), outside Redis.
  std::string key_file;
  // File where the latest seal of each partition is anchored, on the audit service's volume.
  std::string anchor_file;
};

// The audit process: AuditService and CredentialService; the sealer runs from warm-up to stop.
// INVALID_ARGUMENT or NOT_FOUND when the key file is missing or too short.
absl::StatusOr<std::unique_ptr<ServiceModule>> MakeAuditModule(const AuditModuleOptions& options,
                                                               store::Store* store, Edge* edge,
                                                               const CredentialStore* credentials);

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_AUDIT_AUDIT_SERVICE_H_
