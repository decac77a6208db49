// TeleoperatorService: teleoperator profiles and their declarations of salaried employment
// (proto/callmatch/v1/teleoperator.proto).
//
// Who may do what:
//   profiles:     operators create, list and verify registrations; a teleoperator reads, updates
//                 and erases its own profile; clients never read profiles here (they see the
//                 public score components of a match).
//   declarations: the teleoperator itself and operators; every operator read of a declaration
//                 is an audit event (AUDIT_ACTION_READ) on the teleoperator's partition.
// A teleoperator and its declarations live in the teleoperator's partition.
#ifndef CALLMATCH_SERVICES_TELEOPERATOR_TELEOPERATOR_SERVICE_H_
#define CALLMATCH_SERVICES_TELEOPERATOR_TELEOPERATOR_SERVICE_H_

#include "callmatch/v1/teleoperator.grpc.pb.h"
#include "services/common/edge.h"
#include "services/common/resources.h"
#include "services/store/store.h"

namespace callmatch {

// Field checks, INVALID_ARGUMENT naming the field.
absl::Status ValidateTeleoperator(const v1::Teleoperator& teleoperator);
absl::Status ValidateEmployment(const v1::Employment& employment);

class TeleoperatorServiceImpl final : public v1::TeleoperatorService::CallbackService {
 public:
  TeleoperatorServiceImpl(Edge* edge, store::Store* store) : edge_(edge), store_(store) {}

  grpc::ServerUnaryReactor* CreateTeleoperator(grpc::CallbackServerContext* context,
                                               const v1::CreateTeleoperatorRequest* request,
                                               v1::Teleoperator* response) override;
  grpc::ServerUnaryReactor* GetTeleoperator(grpc::CallbackServerContext* context,
                                            const v1::GetTeleoperatorRequest* request,
                                            v1::Teleoperator* response) override;
  grpc::ServerUnaryReactor* ListTeleoperators(grpc::CallbackServerContext* context,
                                              const v1::ListTeleoperatorsRequest* request,
                                              v1::ListTeleoperatorsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateTeleoperator(grpc::CallbackServerContext* context,
                                               const v1::UpdateTeleoperatorRequest* request,
                                               v1::Teleoperator* response) override;
  grpc::ServerUnaryReactor* DeleteTeleoperator(grpc::CallbackServerContext* context,
                                               const v1::DeleteTeleoperatorRequest* request,
                                               v1::DeleteTeleoperatorResponse* response) override;
  grpc::ServerUnaryReactor* VerifyRegistration(grpc::CallbackServerContext* context,
                                               const v1::VerifyRegistrationRequest* request,
                                               v1::Teleoperator* response) override;

  grpc::ServerUnaryReactor* CreateEmployment(grpc::CallbackServerContext* context,
                                             const v1::CreateEmploymentRequest* request,
                                             v1::Employment* response) override;
  grpc::ServerUnaryReactor* GetEmployment(grpc::CallbackServerContext* context,
                                          const v1::GetEmploymentRequest* request,
                                          v1::Employment* response) override;
  grpc::ServerUnaryReactor* ListEmployments(grpc::CallbackServerContext* context,
                                            const v1::ListEmploymentsRequest* request,
                                            v1::ListEmploymentsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateEmployment(grpc::CallbackServerContext* context,
                                             const v1::UpdateEmploymentRequest* request,
                                             v1::Employment* response) override;
  grpc::ServerUnaryReactor* DeleteEmployment(grpc::CallbackServerContext* context,
                                             const v1::DeleteEmploymentRequest* request,
                                             v1::DeleteEmploymentResponse* response) override;

 private:
  Edge* edge_;
  store::Store* store_;
};

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_TELEOPERATOR_TELEOPERATOR_SERVICE_H_
