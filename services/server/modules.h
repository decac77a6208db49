// The six services of the platform, as modules the server binary can run (one per process in
// deployment, chosen by --service).
#ifndef CALLMATCH_SERVICES_SERVER_MODULES_H_
#define CALLMATCH_SERVICES_SERVER_MODULES_H_

#include <memory>
#include <string>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "callmatch/v1/common.pb.h"
#include "services/audit/audit_service.h"
#include "services/common/auth.h"
#include "services/common/edge.h"
#include "services/common/executor.h"
#include "services/common/server.h"
#include "services/store/store.h"

namespace callmatch {

// What the modules share in one process.
struct Dependencies {
  store::Store* store = nullptr;
  const CredentialStore* credentials = nullptr;
  Edge* edge = nullptr;
  Executor* executor = nullptr;
  AuditModuleOptions audit;
  // Where the scoring service reads its rulebooks (*.textproto).
  std::string rulebook_dir;
  // The contract service refuses activation at or above this band without an operator override.
  v1::RiskBand contract_block_level = v1::RISK_BAND_CRITICAL;
};

// The modules of one service name (an Endpoints() name: campaign, teleoperator, matching,
// contract, scoring, audit); INVALID_ARGUMENT for an unknown name.
absl::StatusOr<std::vector<std::unique_ptr<ServiceModule>>> MakeModules(absl::string_view service,
                                                                        const Dependencies& deps);

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_SERVER_MODULES_H_
