// ContractService: missions from proposal or application to their end, their activity and their
// risk (proto/callmatch/v1/contract.proto).
//
// Who may do what:
//   ProposeContract     the campaign's client.        ApplyToCampaign   the teleoperator itself.
//   Accept / Decline    the party that did not make the first move.
//   ActivateContract    the client; an operator only with override_reason (activates despite
//                       a band at or above the block level; audited).
//   TerminateContract   either party or an operator.
//   LogActivity         the teleoperator.             ValidateAppointments  the client.
//   Get / List*         the parties (each its own contracts) and operators.
// A contract lives in its teleoperator's partition. Eligibility is evaluated again, by the
// matching rules on records read from Redis inside the write's transaction (the teleoperator's
// contracts watched, so two proposals cannot book the same hours), at propose, apply and accept.
// Accepting reserves a seat in the campaign's partition first (released if the acceptance fails,
// on termination, and by a sweep at start for what a crash left). Every contract is scored
// through the ScoringService when created and when its history changes.
#ifndef CALLMATCH_SERVICES_CONTRACT_CONTRACT_SERVICE_H_
#define CALLMATCH_SERVICES_CONTRACT_CONTRACT_SERVICE_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "callmatch/v1/contract.grpc.pb.h"
#include "callmatch/v1/matching.pb.h"
#include "callmatch/v1/scoring.grpc.pb.h"
#include "grpcpp/channel.h"
#include "matching/dataset.h"
#include "services/common/auth.h"
#include "services/common/edge.h"
#include "services/common/executor.h"
#include "services/common/server.h"
#include "services/contract/contract_view.h"
#include "services/store/store.h"

namespace callmatch {

struct ContractOptions {
  // Activation is refused at or above this band unless an operator overrides.
  v1::RiskBand block_level = v1::RISK_BAND_CRITICAL;
  v1::MatchingPolicy policy;
  // Today, a UTC calendar day (accept and termination days, the as-of date of checks).
  std::function<absl::CivilDay()> today;
  // A seat reservation younger than this may belong to an acceptance still in flight: the sweep
  // leaves it alone.
  absl::Duration seat_grace = absl::Minutes(1);
  // Deadline of a call to the ScoringService.
  absl::Duration scoring_timeout = absl::Seconds(5);
};

class ContractServiceImpl final : public v1::ContractService::CallbackService {
 public:
  ContractServiceImpl(Edge* edge, store::Store* store, ContractView* view,
                      std::shared_ptr<grpc::Channel> scoring, ContractOptions options);

  grpc::ServerUnaryReactor* ProposeContract(grpc::CallbackServerContext* context,
                                            const v1::ProposeContractRequest* request,
                                            v1::Contract* response) override;
  grpc::ServerUnaryReactor* ApplyToCampaign(grpc::CallbackServerContext* context,
                                            const v1::ApplyToCampaignRequest* request,
                                            v1::Contract* response) override;
  grpc::ServerUnaryReactor* AcceptContract(grpc::CallbackServerContext* context,
                                           const v1::AcceptContractRequest* request,
                                           v1::Contract* response) override;
  grpc::ServerUnaryReactor* DeclineContract(grpc::CallbackServerContext* context,
                                            const v1::DeclineContractRequest* request,
                                            v1::Contract* response) override;
  grpc::ServerUnaryReactor* ActivateContract(grpc::CallbackServerContext* context,
                                             const v1::ActivateContractRequest* request,
                                             v1::Contract* response) override;
  grpc::ServerUnaryReactor* TerminateContract(grpc::CallbackServerContext* context,
                                              const v1::TerminateContractRequest* request,
                                              v1::Contract* response) override;
  grpc::ServerUnaryReactor* GetContract(grpc::CallbackServerContext* context,
                                        const v1::GetContractRequest* request,
                                        v1::Contract* response) override;
  grpc::ServerUnaryReactor* ListContracts(grpc::CallbackServerContext* context,
                                          const v1::ListContractsRequest* request,
                                          v1::ListContractsResponse* response) override;
  grpc::ServerUnaryReactor* LogActivity(grpc::CallbackServerContext* context,
                                        const v1::LogActivityRequest* request,
                                        v1::ActivityLog* response) override;
  grpc::ServerUnaryReactor* ValidateAppointments(grpc::CallbackServerContext* context,
                                                 const v1::ValidateAppointmentsRequest* request,
                                                 v1::ActivityLog* response) override;
  grpc::ServerUnaryReactor* ListActivityLogs(grpc::CallbackServerContext* context,
                                             const v1::ListActivityLogsRequest* request,
                                             v1::ListActivityLogsResponse* response) override;

  // Re-checks the ACCEPTED and ACTIVE contracts of `teleoperator` after `event` changed its
  // declarations, and appends an AUDIT_ACTION_ALERT event (resource: the contract; facts: the
  // failing rules and the change) for each one the rules now refuse. Idempotent per event.
  absl::Status CheckDeclarations(const v1::AuditEvent& event, const std::string& teleoperator);

  // Releases the seats whose contract is not ACCEPTED or ACTIVE: ended ones, and reservations
  // older than seat_grace whose acceptance never committed (a crash between the two writes).
  absl::Status SweepSeats();

 private:
  // FAILED_PRECONDITION unless the rules find the pair eligible; the failing rules are named
  // to the teleoperator and operators, never to a client.
  absl::Status CheckEligible(const Call& call, const matching::Dataset& dataset,
                             const std::string& campaign, const std::string& teleoperator);
  // The assessment of `contract` (in `dataset`'s context) by the ScoringService, called with
  // the caller's own credential.
  absl::StatusOr<v1::RiskAssessment> Score(const std::string& authorization,
                                           const matching::Dataset& dataset,
                                           const v1::Contract& contract);
  // ProposeContract and ApplyToCampaign.
  absl::Status Create(Call& call, const std::string& authorization, const std::string& campaign,
                      const std::string& teleoperator, v1::Initiator initiator,
                      const v1::MissionTerms* terms, const std::string& request_id,
                      const google::protobuf::Message& request, v1::Contract* response);
  // The stored contract `name` if `call` may read it (PERMISSION_DENIED for another
  // teleoperator's, NOT_FOUND for a contract of another client, as if it did not exist).
  absl::StatusOr<v1::Contract> ReadContract(const Call& call, const std::string& name,
                                            absl::string_view field);
  // A write of one stored contract: `change` moves it (its stored version checked first:
  // ABORTED when stale) and names the event's action and facts.
  struct Change {
    v1::AuditAction action = v1::AUDIT_ACTION_TRANSITION;
    std::map<std::string, std::string> facts;
  };
  absl::Status Mutate(
      Call& call, const std::string& name, int64_t version, const std::string& request_id,
      const google::protobuf::Message& request,
      const std::function<absl::StatusOr<Change>(store::Txn&, v1::Contract&)>& change,
      v1::Contract* response);
  // Seats, in the campaign's partition. Reserve returns whether this call took the seat (false
  // when the contract already holds one).
  absl::StatusOr<bool> ReserveSeat(Call& call, const v1::Contract& contract);
  absl::Status ReleaseSeat(const store::WriteContext& context, const std::string& contract,
                           const std::string& campaign, store::ConsistencyToken* token);
  // LogActivity and ValidateAppointments: writes `log` over the stored day (expected_version as
  // Txn::Put), updates the contract's totals and rescores it, in one transaction.
  absl::Status WriteLog(Call& call, const std::string& authorization,
                        const std::string& contract_name, const std::string& request_id,
                        const google::protobuf::Message& request, int64_t expected_version,
                        const std::function<absl::StatusOr<v1::ActivityLog>(
                            const v1::Contract&, const std::optional<v1::ActivityLog>&)>& next,
                        v1::ActivityLog* response);

  Edge* edge_;
  store::Store* store_;
  ContractView* view_;
  std::unique_ptr<v1::ScoringService::Stub> scoring_;
  const ContractOptions options_;
};

// The contract process: the view (loaded at warm-up, with the seat sweep), an edge that honours
// consistency tokens against it, and the service.
std::unique_ptr<ServiceModule> MakeContractModule(store::Store* store,
                                                  const CredentialStore* credentials,
                                                  Executor* executor, v1::RiskBand block_level);

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_CONTRACT_CONTRACT_SERVICE_H_
