#include "services/contract/contract_service.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "grpcpp/client_context.h"
#include "matching/explain.h"
#include "matching/policy.h"
#include "matching/time_model.h"
#include "services/common/endpoints.h"
#include "services/common/errors.h"
#include "services/common/log.h"
#include "services/common/resource_store.h"
#include "services/common/resources.h"
#include "services/common/validation.h"
#include "services/contract/contract_facts.h"
#include "services/contract/contract_records.h"
#include "services/contract/seat.pb.h"
#include "services/store/partition.h"

namespace callmatch {
namespace {

constexpr char kService[] = "/callmatch.v1.ContractService/";
// Seats taken by contracts, in the campaign's partition, under the contract's name.
constexpr char kSeatKind[] = "seat";
constexpr size_t kMaxReason = 2000;
constexpr int kMaxDayMinutes = 24 * 60;
constexpr int kMaxDayCount = 100000;
constexpr int64_t kMaxDayRevenue = 100'000'000;

std::string Method(absl::string_view name) { return absl::StrCat(kService, name); }

// The caller's "authorization" header, passed on to the services this one calls.
std::string Authorization(grpc::CallbackServerContext* context) {
  auto it = context->client_metadata().find("authorization");
  if (it == context->client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

std::string CompanyId(const std::string& company_name) {
  return company_name.substr(company_name.find('/') + 1);
}

bool IsClientOf(const Call& call, const v1::Contract& contract) {
  return call.is_client(CompanyId(contract.client()));
}

// The party that did not make the first move: the one that accepts or declines.
bool IsResponder(const Call& call, const v1::Contract& contract, const std::string& teleoperator) {
  return contract.initiator() == v1::INITIATOR_CLIENT ? call.is_teleoperator(teleoperator)
                                                      : IsClientOf(call, contract);
}

bool IsOpen(v1::ContractState state) {
  return state == v1::CONTRACT_STATE_PROPOSED || state == v1::CONTRACT_STATE_ACCEPTED ||
         state == v1::CONTRACT_STATE_ACTIVE;
}

bool HoldsSeat(v1::ContractState state) {
  return state == v1::CONTRACT_STATE_ACCEPTED || state == v1::CONTRACT_STATE_ACTIVE;
}

absl::Status WrongState(const v1::Contract& contract, absl::string_view action) {
  return absl::FailedPreconditionError(absl::StrCat(
      contract.name(), " is ", v1::ContractState_Name(contract.state()), "; cannot ", action));
}

absl::Status ValidateMoney(const v1::Money& money, absl::string_view field) {
  const std::string& currency = money.currency_code();
  if (currency.size() != 3 ||
      !std::all_of(currency.begin(), currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return InvalidField(absl::StrCat(field, ".currency_code"), "an ISO 4217 code, e.g. EUR");
  }
  if (money.minor_units() < 0 || money.minor_units() > kMaxDayRevenue) {
    return InvalidField(absl::StrCat(field, ".minor_units"), "0 to 100000000");
  }
  return absl::OkStatus();
}

// The caller's write without a request_id, for the seat steps around a contract's write: the
// seat records themselves make those steps idempotent.
store::WriteContext UnkeyedWrite(const Call& call) {
  store::WriteContext context;
  context.actor = call.principal();
  context.method = call.method();
  return context;
}

absl::Status ValidateCount(int value, int max, absl::string_view field) {
  if (value < 0 || value > max) return InvalidField(field, absl::StrCat("0 to ", max));
  return absl::OkStatus();
}

}  // namespace

ContractServiceImpl::ContractServiceImpl(Edge* edge, store::Store* store, ContractView* view,
                                         std::shared_ptr<grpc::Channel> scoring,
                                         ContractOptions options)
    : edge_(edge),
      store_(store),
      view_(view),
      scoring_(v1::ScoringService::NewStub(std::move(scoring))),
      options_(std::move(options)) {}

// ---- Shared steps ----

absl::Status ContractServiceImpl::CheckEligible(const Call& call, const matching::Dataset& dataset,
                                                const std::string& campaign,
                                                const std::string& teleoperator) {
  absl::StatusOr<v1::EligibilityExplanation> explanation = matching::ExplainEligibility(
      dataset, campaign, teleoperator, options_.policy, options_.today());
  if (!explanation.ok()) return explanation.status();
  if (explanation->eligible()) return absl::OkStatus();
  const std::string refused = absl::StrCat(teleoperator, " is not eligible for ", campaign);
  // A client never learns why (it could tell who works for a competitor).
  if (call.principal().kind() == v1::Principal::KIND_CLIENT) {
    return absl::FailedPreconditionError(refused);
  }
  std::vector<v1::ExclusionReason> failing;
  for (const v1::RuleOutcome& outcome : explanation->outcomes()) {
    if (!outcome.passed()) failing.push_back(outcome.rule());
  }
  return absl::FailedPreconditionError(absl::StrCat(refused, ": ", ReasonList(failing)));
}

absl::StatusOr<v1::RiskAssessment> ContractServiceImpl::Score(const std::string& authorization,
                                                              const matching::Dataset& dataset,
                                                              const v1::Contract& contract) {
  v1::ScoreTermsRequest request;
  *request.mutable_facts() = ScoringFacts(dataset, contract, options_.today(),
                                          options_.policy.registration_max_age_days());
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.scoring_timeout));
  if (!authorization.empty()) context.AddMetadata("authorization", authorization);
  v1::RiskAssessment assessment;
  grpc::Status status = scoring_->ScoreTerms(&context, request, &assessment);
  if (!status.ok()) {
    absl::Status error = FromGrpcStatus(status);
    return absl::Status(error.code(), absl::StrCat("scoring: ", error.message()));
  }
  return assessment;
}

absl::StatusOr<v1::Contract> ContractServiceImpl::ReadContract(const Call& call,
                                                               const std::string& name,
                                                               absl::string_view field) {
  absl::StatusOr<std::pair<std::string, std::string>> ids =
      ParseChildName(name, "teleoperators", "contracts", field);
  if (!ids.ok()) return ids.status();
  const bool client = call.principal().kind() == v1::Principal::KIND_CLIENT;
  if (!call.is_operator() && !client && !call.is_teleoperator(ids->first)) {
    return PermissionDenied("the contract's teleoperator or client, or a platform operator");
  }
  auto contract =
      ReadResource<v1::Contract>(*store_, store::PartitionOf(ids->first), kContractKind, name);
  if (!contract.ok()) return contract.status();
  if (!contract->has_value() || (client && !IsClientOf(call, **contract))) {
    return absl::NotFoundError(absl::StrCat("no ", name));
  }
  return **std::move(contract);
}

absl::Status ContractServiceImpl::Mutate(
    Call& call, const std::string& name, int64_t version, const std::string& request_id,
    const google::protobuf::Message& request,
    const std::function<absl::StatusOr<Change>(store::Txn&, v1::Contract&)>& change,
    v1::Contract* response) {
  if (version <= 0)
    return InvalidField("version", "required: the version the contract was read at");
  absl::StatusOr<std::pair<std::string, std::string>> ids =
      ParseChildName(name, "teleoperators", "contracts", "name");
  if (!ids.ok()) return ids.status();
  return CommitWrite<v1::Contract>(
      call, *store_, store::PartitionOf(ids->first), request_id, request,
      [&](store::Txn& txn) -> absl::StatusOr<v1::Contract> {
        auto stored = ReadResource<v1::Contract>(txn, kContractKind, name);
        if (!stored.ok()) return stored.status();
        if (!stored->has_value()) return absl::NotFoundError(absl::StrCat("no ", name));
        if ((*stored)->version() != version) {
          return absl::AbortedError(absl::StrCat(name, " is at version ", (*stored)->version(),
                                                 ", not ", version, ": read it again"));
        }
        v1::Contract contract = **stored;
        absl::StatusOr<Change> changed = change(txn, contract);
        if (!changed.ok()) return changed.status();
        changed->facts["state"] = v1::ContractState_Name(contract.state());
        absl::StatusOr<int64_t> written =
            PutResource(txn, kContractKind, contract, version, changed->action, changed->facts);
        if (!written.ok()) return written.status();
        return contract;
      },
      response);
}

// ---- Seats ----

absl::StatusOr<bool> ContractServiceImpl::ReserveSeat(Call& call, const v1::Contract& contract) {
  absl::StatusOr<int> partition = OwnerPartition(contract.campaign(), "campaign");
  if (!partition.ok()) return partition.status();
  store::WriteContext context = UnkeyedWrite(call);
  absl::StatusOr<store::CommitResult> result =
      store_->Write(*partition, context, [&](store::Txn& txn) -> absl::StatusOr<std::string> {
        absl::StatusOr<std::optional<store::Record>> seat = txn.Get(kSeatKind, contract.name());
        if (!seat.ok()) return seat.status();
        if (seat->has_value()) return std::string("held");
        auto campaign = ReadResource<v1::Campaign>(txn, kCampaignKind, contract.campaign());
        if (!campaign.ok()) return campaign.status();
        if (!campaign->has_value()) {
          return absl::NotFoundError(absl::StrCat("no ", contract.campaign()));
        }
        v1::Campaign updated = **campaign;
        if (updated.state() != v1::CAMPAIGN_STATE_OPEN) {
          return absl::FailedPreconditionError(absl::StrCat(contract.campaign(), " is not open"));
        }
        if (updated.seats_taken() >= updated.seats()) {
          return absl::FailedPreconditionError(
              absl::StrCat(contract.campaign(), " has no seat left (", updated.seats(), ")"));
        }
        updated.set_seats_taken(updated.seats_taken() + 1);
        absl::StatusOr<int64_t> version =
            PutResource(txn, kCampaignKind, updated, updated.version(), v1::AUDIT_ACTION_UPDATE,
                        {{"seat", "reserved"},
                         {"contract", contract.name()},
                         {"seats_taken", absl::StrCat(updated.seats_taken())}});
        if (!version.ok()) return version.status();
        contract::SeatReservation reservation;
        reservation.set_contract(contract.name());
        reservation.set_campaign(contract.campaign());
        reservation.set_create_time_ms(absl::ToUnixMillis(absl::Now()));
        absl::StatusOr<int64_t> put = txn.Put(kSeatKind, contract.name(), reservation, 0);
        if (!put.ok()) return put.status();
        return std::string("reserved");
      });
  if (!result.ok()) return result.status();
  call.AddToken(result->token);
  return result->response == "reserved";
}

absl::Status ContractServiceImpl::ReleaseSeat(const store::WriteContext& context,
                                              const std::string& contract,
                                              const std::string& campaign,
                                              store::ConsistencyToken* token) {
  absl::StatusOr<int> partition = OwnerPartition(campaign, "campaign");
  if (!partition.ok()) return partition.status();
  absl::StatusOr<store::CommitResult> result =
      store_->Write(*partition, context, [&](store::Txn& txn) -> absl::StatusOr<std::string> {
        absl::StatusOr<std::optional<store::Record>> seat = txn.Get(kSeatKind, contract);
        if (!seat.ok()) return seat.status();
        if (!seat->has_value()) return std::string();  // released already
        auto stored = ReadResource<v1::Campaign>(txn, kCampaignKind, campaign);
        if (!stored.ok()) return stored.status();
        if (stored->has_value()) {
          v1::Campaign updated = **stored;
          updated.set_seats_taken(std::max(0, updated.seats_taken() - 1));
          absl::StatusOr<int64_t> version =
              PutResource(txn, kCampaignKind, updated, updated.version(), v1::AUDIT_ACTION_UPDATE,
                          {{"seat", "released"},
                           {"contract", contract},
                           {"seats_taken", absl::StrCat(updated.seats_taken())}});
          if (!version.ok()) return version.status();
        }
        if (absl::Status s = txn.Delete(kSeatKind, contract, -1); !s.ok()) return s;
        if (!stored->has_value()) {
          v1::AuditEvent event;
          event.set_action(v1::AUDIT_ACTION_UPDATE);
          event.set_resource(campaign);
          (*event.mutable_facts())["seat"] = "released";
          (*event.mutable_facts())["contract"] = contract;
          txn.AddEvent(std::move(event));
        }
        return std::string("released");
      });
  if (!result.ok()) return result.status();
  if (token != nullptr) *token = result->token;
  return absl::OkStatus();
}

absl::Status ContractServiceImpl::SweepSeats() {
  store::WriteContext context;
  context.actor.set_kind(v1::Principal::KIND_SYSTEM);
  context.actor.set_id("contract-seat-sweep");
  context.method = "contract-seat-sweep";
  int released = 0;
  for (int partition = 0; partition < store::kPartitionCount; ++partition) {
    absl::StatusOr<std::vector<std::string>> seats = store_->ListIds(partition, kSeatKind);
    if (!seats.ok()) return seats.status();
    for (const std::string& name : *seats) {
      absl::StatusOr<std::optional<store::Record>> record = store_->Get(partition, kSeatKind, name);
      if (!record.ok()) return record.status();
      contract::SeatReservation seat;
      if (!record->has_value() || !seat.ParseFromString((*record)->data)) continue;
      absl::StatusOr<int> owner = OwnerPartition(seat.contract(), "contract");
      if (!owner.ok()) continue;
      auto contract = ReadResource<v1::Contract>(*store_, *owner, kContractKind, seat.contract());
      if (!contract.ok()) return contract.status();
      if (contract->has_value() && HoldsSeat((*contract)->state())) continue;
      // A proposal whose acceptance may still be in flight keeps its fresh reservation.
      const bool may_be_in_flight =
          contract->has_value() && (*contract)->state() == v1::CONTRACT_STATE_PROPOSED &&
          absl::Now() - absl::FromUnixMillis(seat.create_time_ms()) < options_.seat_grace;
      if (may_be_in_flight) continue;
      if (absl::Status s = ReleaseSeat(context, seat.contract(), seat.campaign(), nullptr);
          !s.ok()) {
        return s;
      }
      ++released;
    }
  }
  LogInfo("seat sweep done", {{"released", absl::StrCat(released)}});
  return absl::OkStatus();
}

// ---- Creating a contract ----

absl::Status ContractServiceImpl::Create(Call& call, const std::string& authorization,
                                         const std::string& campaign_name,
                                         const std::string& teleoperator, v1::Initiator initiator,
                                         const v1::MissionTerms* terms,
                                         const std::string& request_id,
                                         const google::protobuf::Message& request,
                                         v1::Contract* response) {
  // The request_id names the contract: check it before anything else.
  if (absl::StatusOr<store::WriteContext> write = call.WriteContext(request_id, request);
      !write.ok()) {
    return write.status();
  }
  absl::StatusOr<v1::Campaign> campaign = ReadCampaign(*store_, campaign_name);
  if (!campaign.ok()) return campaign.status();
  if (campaign->state() != v1::CAMPAIGN_STATE_OPEN) {
    // A teleoperator learns nothing of a campaign that is not open (as in GetCampaign).
    if (initiator == v1::INITIATOR_TELEOPERATOR) {
      return absl::NotFoundError(absl::StrCat("no open campaign ", campaign_name));
    }
    return absl::FailedPreconditionError(absl::StrCat(campaign_name, " is not open"));
  }
  v1::Contract contract;
  contract.set_name(
      absl::StrCat(teleoperator, "/contracts/", ResourceIdFor(call.principal(), request_id)));
  contract.set_campaign(campaign_name);
  contract.set_client(matching::ParentName(campaign_name));
  contract.set_state(v1::CONTRACT_STATE_PROPOSED);
  contract.set_initiator(initiator);
  *contract.mutable_terms() =
      terms != nullptr ? MergeTerms(campaign->terms(), *terms) : campaign->terms();
  if (absl::Status s = ValidateMissionTerms(contract.terms(), "terms"); !s.ok()) return s;
  *contract.mutable_start_date() = campaign->start_date();
  *contract.mutable_end_date() = campaign->end_date();
  const std::string teleoperator_id = teleoperator.substr(teleoperator.find('/') + 1);
  return CommitWrite<v1::Contract>(
      call, *store_, store::PartitionOf(teleoperator_id), request_id, request,
      [&](store::Txn& txn) -> absl::StatusOr<v1::Contract> {
        absl::StatusOr<matching::Dataset> dataset = LoadForCheck(
            *store_, txn, view_->Companies(), teleoperator, *campaign, /*book_pending=*/true);
        if (!dataset.ok()) return dataset.status();
        for (const matching::ContractData& other : dataset->teleoperator(teleoperator)->contracts) {
          if (other.contract.campaign() == campaign_name && IsOpen(other.contract.state())) {
            return absl::FailedPreconditionError(
                absl::StrCat(teleoperator, " already has a contract on ", campaign_name, ": ",
                             other.contract.name()));
          }
        }
        if (absl::Status s = CheckEligible(call, *dataset, campaign_name, teleoperator); !s.ok()) {
          return s;
        }
        v1::Contract created = contract;
        absl::StatusOr<v1::RiskAssessment> risk = Score(authorization, *dataset, created);
        if (!risk.ok()) return risk.status();
        *created.mutable_risk() = *std::move(risk);
        absl::StatusOr<int64_t> version =
            PutResource(txn, kContractKind, created, 0, v1::AUDIT_ACTION_CREATE,
                        {{"state", v1::ContractState_Name(created.state())},
                         {"campaign", campaign_name},
                         {"initiator", v1::Initiator_Name(initiator)},
                         {"band", v1::RiskBand_Name(created.risk().band())}});
        if (!version.ok()) return version.status();
        return created;
      },
      response);
}

grpc::ServerUnaryReactor* ContractServiceImpl::ProposeContract(
    grpc::CallbackServerContext* context, const v1::ProposeContractRequest* request,
    v1::Contract* response) {
  return edge_->Serve(context, Method("ProposeContract"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<std::pair<std::string, std::string>> ids =
        ParseChildName(request->campaign(), "companies", "campaigns", "campaign");
    if (!ids.ok()) return ids.status();
    absl::StatusOr<std::string> teleoperator =
        ParseName(request->teleoperator(), "teleoperators", "teleoperator");
    if (!teleoperator.ok()) return teleoperator.status();
    if (!call.is_client(ids->first)) return PermissionDenied("the campaign's client");
    return Create(call, Authorization(context), request->campaign(), request->teleoperator(),
                  v1::INITIATOR_CLIENT, request->has_terms() ? &request->terms() : nullptr,
                  request->request_id(), *request, response);
  });
}

grpc::ServerUnaryReactor* ContractServiceImpl::ApplyToCampaign(
    grpc::CallbackServerContext* context, const v1::ApplyToCampaignRequest* request,
    v1::Contract* response) {
  return edge_->Serve(context, Method("ApplyToCampaign"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<std::pair<std::string, std::string>> ids =
        ParseChildName(request->campaign(), "companies", "campaigns", "campaign");
    if (!ids.ok()) return ids.status();
    absl::StatusOr<std::string> teleoperator =
        ParseName(request->teleoperator(), "teleoperators", "teleoperator");
    if (!teleoperator.ok()) return teleoperator.status();
    if (!call.is_teleoperator(*teleoperator)) return PermissionDenied("the teleoperator itself");
    return Create(call, Authorization(context), request->campaign(), request->teleoperator(),
                  v1::INITIATOR_TELEOPERATOR, nullptr, request->request_id(), *request, response);
  });
}

// ---- Moves ----

grpc::ServerUnaryReactor* ContractServiceImpl::AcceptContract(
    grpc::CallbackServerContext* context, const v1::AcceptContractRequest* request,
    v1::Contract* response) {
  return edge_->Serve(context, Method("AcceptContract"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<v1::Contract> contract = ReadContract(call, request->name(), "name");
    if (!contract.ok()) return contract.status();
    const std::string teleoperator = matching::ParentName(request->name());
    if (!IsResponder(call, *contract, teleoperator.substr(teleoperator.find('/') + 1))) {
      return PermissionDenied("the party that did not propose");
    }
    if (absl::StatusOr<store::WriteContext> write =
            call.WriteContext(request->request_id(), *request);
        !write.ok()) {
      return write.status();
    }
    if (request->version() <= 0) {
      return InvalidField("version", "required: the version the contract was read at");
    }
    // The seat first, in the campaign's partition; then the acceptance; the seat goes back if
    // the acceptance fails. (A retry of an accepted request finds the seat held and replays.)
    bool reserved = false;
    if (contract->state() == v1::CONTRACT_STATE_PROPOSED) {
      absl::StatusOr<bool> seat = ReserveSeat(call, *contract);
      if (!seat.ok()) return seat.status();
      reserved = *seat;
    }
    absl::Status accepted = Mutate(
        call, request->name(), request->version(), request->request_id(), *request,
        [&](store::Txn& txn, v1::Contract& stored) -> absl::StatusOr<Change> {
          if (stored.state() != v1::CONTRACT_STATE_PROPOSED) return WrongState(stored, "accept");
          // Eligibility again, on the records as they are now; the other pending proposals
          // book their hours (this one is on the campaign itself, which the rules skip).
          absl::StatusOr<v1::Campaign> campaign = ReadCampaign(*store_, stored.campaign());
          if (!campaign.ok()) return campaign.status();
          absl::StatusOr<matching::Dataset> dataset = LoadForCheck(
              *store_, txn, view_->Companies(), teleoperator, *campaign, /*book_pending=*/true);
          if (!dataset.ok()) return dataset.status();
          if (absl::Status s = CheckEligible(call, *dataset, stored.campaign(), teleoperator);
              !s.ok()) {
            return s;
          }
          stored.set_state(v1::CONTRACT_STATE_ACCEPTED);
          *stored.mutable_accept_date() = matching::ToDate(options_.today());
          return Change{};
        },
        response);
    if (!accepted.ok()) {
      if (reserved) {
        store::WriteContext undo = UnkeyedWrite(call);
        if (absl::Status s = ReleaseSeat(undo, contract->name(), contract->campaign(), nullptr);
            !s.ok()) {
          LogError("cannot release a seat; the sweep will",
                   {{"contract", contract->name()}, {"error", s.ToString()}});
        }
      }
      return accepted;
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ContractServiceImpl::DeclineContract(
    grpc::CallbackServerContext* context, const v1::DeclineContractRequest* request,
    v1::Contract* response) {
  return edge_->Serve(context, Method("DeclineContract"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<v1::Contract> contract = ReadContract(call, request->name(), "name");
    if (!contract.ok()) return contract.status();
    const std::string teleoperator = matching::ParentName(request->name());
    if (!IsResponder(call, *contract, teleoperator.substr(teleoperator.find('/') + 1))) {
      return PermissionDenied("the party that did not propose");
    }
    return Mutate(
        call, request->name(), request->version(), request->request_id(), *request,
        [&](store::Txn&, v1::Contract& stored) -> absl::StatusOr<Change> {
          if (stored.state() != v1::CONTRACT_STATE_PROPOSED) return WrongState(stored, "decline");
          stored.set_state(v1::CONTRACT_STATE_DECLINED);
          return Change{};
        },
        response);
  });
}

grpc::ServerUnaryReactor* ContractServiceImpl::ActivateContract(
    grpc::CallbackServerContext* context, const v1::ActivateContractRequest* request,
    v1::Contract* response) {
  return edge_->Serve(context, Method("ActivateContract"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<v1::Contract> contract = ReadContract(call, request->name(), "name");
    if (!contract.ok()) return contract.status();
    const bool overriding = !request->override_reason().empty();
    if (call.is_operator()) {
      if (!overriding) {
        return InvalidField("override_reason",
                            "required when an operator activates: the written reason");
      }
    } else if (!IsClientOf(call, *contract)) {
      return PermissionDenied("the contract's client, or an operator with override_reason");
    } else if (overriding) {
      return PermissionDenied("only platform operators override the risk block");
    }
    if (absl::Status s = ValidateText(request->override_reason(), kMaxReason, "override_reason");
        !s.ok()) {
      return s;
    }
    return Mutate(
        call, request->name(), request->version(), request->request_id(), *request,
        [&](store::Txn&, v1::Contract& stored) -> absl::StatusOr<Change> {
          if (stored.state() != v1::CONTRACT_STATE_ACCEPTED) return WrongState(stored, "activate");
          const v1::RiskBand band = stored.risk().band();
          Change change;
          change.facts["band"] = v1::RiskBand_Name(band);
          if (BlocksActivation(band, options_.block_level)) {
            if (!call.is_operator()) {
              return absl::FailedPreconditionError(absl::StrCat(
                  stored.name(), " is at risk band ", v1::RiskBand_Name(band),
                  ", at or above the block level ", v1::RiskBand_Name(options_.block_level),
                  ": apply the remediations of its risk assessment, or ask a platform operator "
                  "to override with a written reason"));
            }
            v1::ActivationOverride* record = stored.mutable_activation_override();
            record->set_operator_id(call.principal().id());
            record->set_reason(request->override_reason());
            store::SetTimestamp(absl::Now(), record->mutable_time());
            change.action = v1::AUDIT_ACTION_OVERRIDE;
            change.facts["operator"] = call.principal().id();
          }
          if (overriding) change.facts["reason"] = request->override_reason();
          stored.set_state(v1::CONTRACT_STATE_ACTIVE);
          return change;
        },
        response);
  });
}

grpc::ServerUnaryReactor* ContractServiceImpl::TerminateContract(
    grpc::CallbackServerContext* context, const v1::TerminateContractRequest* request,
    v1::Contract* response) {
  return edge_->Serve(context, Method("TerminateContract"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<v1::Contract> contract = ReadContract(call, request->name(), "name");
    if (!contract.ok()) return contract.status();
    // ReadContract let through the teleoperator itself, the client and operators: all may.
    if (absl::Status s = ValidateText(request->reason(), kMaxReason, "reason"); !s.ok()) return s;
    absl::Status terminated = Mutate(
        call, request->name(), request->version(), request->request_id(), *request,
        [&](store::Txn&, v1::Contract& stored) -> absl::StatusOr<Change> {
          if (!IsOpen(stored.state())) return WrongState(stored, "terminate");
          stored.set_state(v1::CONTRACT_STATE_TERMINATED);
          stored.set_termination_reason(request->reason());
          const absl::CivilDay today = options_.today();
          const std::optional<absl::CivilDay> end = matching::ToCivilDay(stored.end_date());
          if (!end.has_value() || today < *end) {
            *stored.mutable_end_date() = matching::ToDate(today);
          }
          return Change{};
        },
        response);
    if (!terminated.ok()) return terminated;
    // An accepted contract held a seat: give it back (a no-op when already given back).
    if (response->has_accept_date()) {
      store::WriteContext release = UnkeyedWrite(call);
      store::ConsistencyToken token;
      if (absl::Status s = ReleaseSeat(release, response->name(), response->campaign(), &token);
          !s.ok()) {
        LogError("cannot release a seat; the sweep will",
                 {{"contract", response->name()}, {"error", s.ToString()}});
      } else {
        call.AddToken(token);
      }
    }
    return absl::OkStatus();
  });
}

// ---- Reads ----

grpc::ServerUnaryReactor* ContractServiceImpl::GetContract(grpc::CallbackServerContext* context,
                                                           const v1::GetContractRequest* request,
                                                           v1::Contract* response) {
  return edge_->Serve(context, Method("GetContract"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<v1::Contract> contract = ReadContract(call, request->name(), "name");
    if (!contract.ok()) return contract.status();
    *response = *std::move(contract);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* ContractServiceImpl::ListContracts(
    grpc::CallbackServerContext* context, const v1::ListContractsRequest* request,
    v1::ListContractsResponse* response) {
  return edge_->Serve(context, Method("ListContracts"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<int> page_size = PageSize(request->page_size());
    if (!page_size.ok()) return page_size.status();
    if (!v1::ContractState_IsValid(request->state())) {
      return InvalidField("state", "unknown contract state");
    }
    std::string client = request->client();
    if (!client.empty()) {
      if (absl::StatusOr<std::string> id = ParseName(client, "companies", "client"); !id.ok()) {
        return id.status();
      }
    }
    const v1::Principal& principal = call.principal();
    if (principal.kind() == v1::Principal::KIND_CLIENT) {
      // A client lists its own contracts only.
      const std::string own = absl::StrCat("companies/", principal.id());
      if (!client.empty() && client != own) return PermissionDenied("the client itself");
      client = own;
    }
    std::string teleoperator;
    if (request->parent() == "teleoperators/-") {
      if (principal.kind() == v1::Principal::KIND_TELEOPERATOR) {
        teleoperator = absl::StrCat("teleoperators/", principal.id());
      }
    } else {
      absl::StatusOr<std::string> id = ParseName(request->parent(), "teleoperators", "parent");
      if (!id.ok()) return id.status();
      if (principal.kind() == v1::Principal::KIND_TELEOPERATOR && !call.is_teleoperator(*id)) {
        return PermissionDenied("the teleoperator itself");
      }
      teleoperator = request->parent();
    }
    if (teleoperator.empty() && client.empty() && !call.is_operator()) {
      return InvalidField("client", "required with parent \"teleoperators/-\"");
    }
    std::vector<v1::Contract> contracts;
    auto keep = [&](const v1::Contract& contract) {
      if (!client.empty() && contract.client() != client) return;
      if (request->state() != v1::CONTRACT_STATE_UNSPECIFIED &&
          contract.state() != request->state()) {
        return;
      }
      contracts.push_back(contract);
    };
    auto read = [&](int partition, const std::string& name) -> absl::Status {
      auto contract = ReadResource<v1::Contract>(*store_, partition, kContractKind, name);
      if (!contract.ok()) return contract.status();
      if (contract->has_value()) keep(**contract);
      return absl::OkStatus();
    };
    if (!teleoperator.empty()) {
      const int partition = store::PartitionOf(teleoperator.substr(teleoperator.find('/') + 1));
      absl::StatusOr<std::vector<std::string>> ids = store_->ListIds(partition, kContractKind);
      if (!ids.ok()) return ids.status();
      for (const std::string& name : *ids) {
        if (!absl::StartsWith(name, absl::StrCat(teleoperator, "/"))) continue;
        if (absl::Status s = read(partition, name); !s.ok()) return s;
      }
    } else if (!client.empty()) {
      // Across teleoperators: the names come from the view materialized from the streams.
      for (const std::string& name : view_->ContractsOf(client)) {
        absl::StatusOr<int> partition = OwnerPartition(name, "name");
        if (!partition.ok()) continue;
        if (absl::Status s = read(*partition, name); !s.ok()) return s;
      }
    } else {
      absl::Status loaded = store_->LoadAll(
          kContractKind, [&](int, const std::string& name, const store::Record& record) {
            absl::StatusOr<v1::Contract> contract = ParseResource<v1::Contract>(record, name);
            if (contract.ok()) keep(*contract);
          });
      if (!loaded.ok()) return loaded;
    }
    return PageByName(std::move(contracts), *page_size, request->page_token(),
                      response->mutable_contracts(), response->mutable_next_page_token());
  });
}

grpc::ServerUnaryReactor* ContractServiceImpl::ListActivityLogs(
    grpc::CallbackServerContext* context, const v1::ListActivityLogsRequest* request,
    v1::ListActivityLogsResponse* response) {
  return edge_->Serve(context, Method("ListActivityLogs"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<int> page_size = PageSize(request->page_size());
    if (!page_size.ok()) return page_size.status();
    absl::StatusOr<v1::Contract> contract = ReadContract(call, request->parent(), "parent");
    if (!contract.ok()) return contract.status();
    absl::StatusOr<int> partition = OwnerPartition(request->parent(), "parent");
    if (!partition.ok()) return partition.status();
    absl::StatusOr<std::vector<std::string>> ids = store_->ListIds(*partition, kActivityLogKind);
    if (!ids.ok()) return ids.status();
    std::vector<v1::ActivityLog> logs;
    const std::string prefix = absl::StrCat(request->parent(), "/activityLogs/");
    for (const std::string& name : *ids) {
      if (!absl::StartsWith(name, prefix)) continue;
      auto log = ReadResource<v1::ActivityLog>(*store_, *partition, kActivityLogKind, name);
      if (!log.ok()) return log.status();
      if (log->has_value()) logs.push_back(**std::move(log));
    }
    return PageByName(std::move(logs), *page_size, request->page_token(),
                      response->mutable_activity_logs(), response->mutable_next_page_token());
  });
}

// ---- Activity ----

absl::Status ContractServiceImpl::WriteLog(
    Call& call, const std::string& authorization, const std::string& contract_name,
    const std::string& request_id, const google::protobuf::Message& request,
    int64_t expected_version,
    const std::function<absl::StatusOr<v1::ActivityLog>(
        const v1::Contract&, const std::optional<v1::ActivityLog>&)>& next,
    v1::ActivityLog* response) {
  absl::StatusOr<std::pair<std::string, std::string>> ids =
      ParseChildName(contract_name, "teleoperators", "contracts", "parent");
  if (!ids.ok()) return ids.status();
  const std::string teleoperator = absl::StrCat("teleoperators/", ids->first);
  return CommitWrite<v1::ActivityLog>(
      call, *store_, store::PartitionOf(ids->first), request_id, request,
      [&](store::Txn& txn) -> absl::StatusOr<v1::ActivityLog> {
        auto stored = ReadResource<v1::Contract>(txn, kContractKind, contract_name);
        if (!stored.ok()) return stored.status();
        if (!stored->has_value()) return absl::NotFoundError(absl::StrCat("no ", contract_name));
        v1::Contract contract = **stored;
        if (contract.state() != v1::CONTRACT_STATE_ACTIVE &&
            !(contract.state() == v1::CONTRACT_STATE_TERMINATED && contract.has_accept_date())) {
          return WrongState(contract, "record activity");
        }
        absl::StatusOr<v1::ActivityLog> log = next(contract, std::nullopt);
        if (!log.ok()) return log.status();
        auto previous = ReadResource<v1::ActivityLog>(txn, kActivityLogKind, log->name());
        if (!previous.ok()) return previous.status();
        if (previous->has_value()) {
          log = next(contract, **previous);
          if (!log.ok()) return log.status();
        }
        if (absl::Status s = ApplyLog(previous->has_value() ? &**previous : nullptr, *log,
                                      contract.mutable_totals());
            !s.ok()) {
          return s;
        }
        // An activity log has no times of its own: PutResource's steps without them.
        v1::ActivityLog written = *log;
        written.set_version(previous->has_value() ? (*previous)->version() + 1 : 1);
        absl::StatusOr<int64_t> version =
            txn.Put(kActivityLogKind, written.name(), written, expected_version);
        if (!version.ok()) return version.status();
        v1::AuditEvent event;
        event.set_action(previous->has_value() ? v1::AUDIT_ACTION_UPDATE : v1::AUDIT_ACTION_CREATE);
        event.set_resource(written.name());
        event.set_version(*version);
        txn.AddEvent(std::move(event));
        // The history changed: rescore, with this day as it is now.
        absl::StatusOr<v1::Campaign> campaign = ReadCampaign(*store_, contract.campaign());
        if (!campaign.ok()) return campaign.status();
        absl::StatusOr<matching::Dataset> dataset = LoadForCheck(
            *store_, txn, view_->Companies(), teleoperator, *campaign, /*book_pending=*/false);
        if (!dataset.ok()) return dataset.status();
        (void)dataset->Upsert(contract);
        (void)dataset->Upsert(written);
        absl::StatusOr<v1::RiskAssessment> risk = Score(authorization, *dataset, contract);
        if (!risk.ok()) return risk.status();
        *contract.mutable_risk() = *std::move(risk);
        absl::StatusOr<int64_t> rescored =
            PutResource(txn, kContractKind, contract, contract.version(), v1::AUDIT_ACTION_UPDATE,
                        {{"activity_log", written.name()},
                         {"band", v1::RiskBand_Name(contract.risk().band())}});
        if (!rescored.ok()) return rescored.status();
        // The teleoperator's other open contracts read the day's revenue too (each client's
        // share of it): when it changed, they are rescored in the same transaction and rewritten
        // when their assessment changes. Nothing else of a day reaches their facts.
        const int64_t revenue_before =
            previous->has_value() ? (*previous)->revenue().minor_units() : 0;
        if (written.revenue().minor_units() == revenue_before) return written;
        for (const matching::ContractData& other : dataset->teleoperator(teleoperator)->contracts) {
          if (other.contract.name() == contract.name() || !IsOpen(other.contract.state())) {
            continue;
          }
          absl::StatusOr<v1::RiskAssessment> other_risk =
              Score(authorization, *dataset, other.contract);
          if (!other_risk.ok()) return other_risk.status();
          if (other_risk->SerializeAsString() == other.contract.risk().SerializeAsString()) {
            continue;
          }
          v1::Contract changed = other.contract;
          *changed.mutable_risk() = *std::move(other_risk);
          absl::StatusOr<int64_t> version =
              PutResource(txn, kContractKind, changed, changed.version(), v1::AUDIT_ACTION_UPDATE,
                          {{"activity_log", written.name()},
                           {"band", v1::RiskBand_Name(changed.risk().band())}});
          if (!version.ok()) return version.status();
        }
        return written;
      },
      response);
}

grpc::ServerUnaryReactor* ContractServiceImpl::LogActivity(grpc::CallbackServerContext* context,
                                                           const v1::LogActivityRequest* request,
                                                           v1::ActivityLog* response) {
  return edge_->Serve(context, Method("LogActivity"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<std::pair<std::string, std::string>> ids =
        ParseChildName(request->parent(), "teleoperators", "contracts", "parent");
    if (!ids.ok()) return ids.status();
    if (!call.is_teleoperator(ids->first)) return PermissionDenied("the teleoperator itself");
    const v1::ActivityLog& log = request->activity_log();
    if (absl::Status s = ValidateDate(log.day(), "activity_log.day", true); !s.ok()) return s;
    if (absl::Status s =
            ValidateCount(log.minutes_worked(), kMaxDayMinutes, "activity_log.minutes_worked");
        !s.ok()) {
      return s;
    }
    if (absl::Status s = ValidateCount(log.calls(), kMaxDayCount, "activity_log.calls"); !s.ok()) {
      return s;
    }
    if (absl::Status s =
            ValidateCount(log.appointments_set(), kMaxDayCount, "activity_log.appointments_set");
        !s.ok()) {
      return s;
    }
    if (log.appointments_validated() != 0) {
      return InvalidField("activity_log.appointments_validated",
                          "set by the client through ValidateAppointments");
    }
    if (log.has_revenue()) {
      if (absl::Status s = ValidateMoney(log.revenue(), "activity_log.revenue"); !s.ok()) return s;
    }
    if (log.version() < 0) return InvalidField("activity_log.version", "0 to create a day");
    const absl::CivilDay day(log.day().year(), log.day().month(), log.day().day());
    const std::string name =
        absl::StrCat(request->parent(), "/activityLogs/", absl::FormatCivilTime(day));
    return WriteLog(
        call, Authorization(context), request->parent(), request->request_id(), *request,
        log.version() == 0 ? 0 : log.version(),
        [&](const v1::Contract& contract,
            const std::optional<v1::ActivityLog>& previous) -> absl::StatusOr<v1::ActivityLog> {
          const std::optional<absl::CivilDay> start = matching::ToCivilDay(contract.start_date());
          const std::optional<absl::CivilDay> end = matching::ToCivilDay(contract.end_date());
          if (!start.has_value() || !end.has_value() || day < *start || day > *end) {
            return InvalidField("activity_log.day", "outside the contract's period");
          }
          v1::ActivityLog next = log;
          next.set_name(name);
          next.clear_version();
          if (previous.has_value()) {
            // A corrected day keeps what the client validated, which cannot exceed what was set.
            next.set_appointments_validated(previous->appointments_validated());
            if (next.appointments_set() < next.appointments_validated()) {
              return InvalidField("activity_log.appointments_set",
                                  absl::StrCat("below the ", next.appointments_validated(),
                                               " appointments the client validated"));
            }
          }
          return next;
        },
        response);
  });
}

grpc::ServerUnaryReactor* ContractServiceImpl::ValidateAppointments(
    grpc::CallbackServerContext* context, const v1::ValidateAppointmentsRequest* request,
    v1::ActivityLog* response) {
  return edge_->Serve(
      context, Method("ValidateAppointments"), [=, this](Call& call) -> absl::Status {
        const std::string contract_name = matching::ParentName(request->name());
        if (KindOf(request->name()) != kActivityLogKind) {
          return InvalidField("name",
                              "an activity log: teleoperators/{t}/contracts/{c}/"
                              "activityLogs/{yyyy-mm-dd}");
        }
        absl::StatusOr<v1::Contract> contract = ReadContract(call, contract_name, "name");
        if (!contract.ok()) return contract.status();
        if (!IsClientOf(call, *contract)) return PermissionDenied("the contract's client");
        if (request->version() <= 0) {
          return InvalidField("version", "required: the version the activity log was read at");
        }
        if (request->appointments_validated() < 0) {
          return InvalidField("appointments_validated", "0 or more");
        }
        return WriteLog(
            call, Authorization(context), contract_name, request->request_id(), *request,
            request->version(),
            [&](const v1::Contract&,
                const std::optional<v1::ActivityLog>& previous) -> absl::StatusOr<v1::ActivityLog> {
              if (!previous.has_value()) {
                // First pass: only the name is needed to read the stored day.
                v1::ActivityLog probe;
                probe.set_name(request->name());
                return probe;
              }
              if (request->appointments_validated() > previous->appointments_set()) {
                return InvalidField("appointments_validated",
                                    absl::StrCat("at most the ", previous->appointments_set(),
                                                 " appointments set that day"));
              }
              v1::ActivityLog next = *previous;
              next.set_appointments_validated(request->appointments_validated());
              return next;
            },
            response);
      });
}

// ---- Alerts ----

absl::Status ContractServiceImpl::CheckDeclarations(const v1::AuditEvent& event,
                                                    const std::string& teleoperator) {
  absl::StatusOr<std::string> id = ParseName(teleoperator, "teleoperators", "teleoperator");
  if (!id.ok()) return id.status();
  store::WriteContext context;
  context.actor.set_kind(v1::Principal::KIND_SYSTEM);
  context.actor.set_id("contract-alerts");
  context.method = "contract-alerts";
  // One check per change event, whichever replica runs it first.
  context.request_id = absl::StrCat("alert-", event.partition(), "-", event.id());
  context.request_bytes = event.SerializeAsString();
  int alerts = 0;
  absl::StatusOr<store::CommitResult> result = store_->Write(
      store::PartitionOf(*id), context, [&](store::Txn& txn) -> absl::StatusOr<std::string> {
        alerts = 0;
        absl::StatusOr<std::vector<std::string>> names =
            ChildNames(txn, kContractKind, teleoperator);
        if (!names.ok()) return names.status();
        for (const std::string& name : *names) {
          auto contract = ReadResource<v1::Contract>(txn, kContractKind, name);
          if (!contract.ok()) return contract.status();
          if (!contract->has_value() || !HoldsSeat((*contract)->state())) continue;
          absl::StatusOr<v1::Campaign> campaign = ReadCampaign(*store_, (*contract)->campaign());
          if (!campaign.ok()) continue;  // campaigns are never deleted: bad data only
          absl::StatusOr<matching::Dataset> dataset = LoadForCheck(
              *store_, txn, view_->Companies(), teleoperator, *campaign, /*book_pending=*/false);
          if (absl::IsNotFound(dataset.status())) return std::string();  // erased since
          if (!dataset.ok()) return dataset.status();
          absl::StatusOr<v1::EligibilityExplanation> explanation = matching::ExplainEligibility(
              *dataset, campaign->name(), teleoperator, options_.policy, options_.today());
          if (!explanation.ok()) continue;
          const std::vector<v1::ExclusionReason> reasons = UnlawfulReasons(*explanation);
          if (reasons.empty()) continue;
          v1::AuditEvent alert;
          alert.set_action(v1::AUDIT_ACTION_ALERT);
          alert.set_resource(name);
          alert.set_version((*contract)->version());
          (*alert.mutable_facts())["state"] = v1::ContractState_Name((*contract)->state());
          (*alert.mutable_facts())["rules"] = ReasonList(reasons);
          (*alert.mutable_facts())["change"] = event.resource();
          (*alert.mutable_facts())["change_event"] =
              absl::StrCat(event.partition(), "/", event.id());
          txn.AddEvent(std::move(alert));
          ++alerts;
        }
        return absl::StrCat(alerts);
      });
  if (!result.ok()) return result.status();
  if (!result->replayed && alerts > 0) {
    LogInfo("contracts became unlawful",
            {{"teleoperator", teleoperator}, {"alerts", absl::StrCat(alerts)}});
  }
  return absl::OkStatus();
}

// ---- The module ----

namespace {

class ContractModule final : public ServiceModule {
 public:
  ContractModule(store::Store* store, const CredentialStore* credentials, Executor* executor,
                 v1::RiskBand block_level)
      : view_(store,
              [this](const v1::AuditEvent& event, const std::string& teleoperator) {
                if (absl::Status s = service_.CheckDeclarations(event, teleoperator); !s.ok()) {
                  LogError("cannot re-check contracts after a change of declarations",
                           {{"teleoperator", teleoperator}, {"error", s.ToString()}});
                }
              }),
        edge_(credentials, executor, view_.follower(), store),
        service_(&edge_, store, &view_, MakeServiceChannel(*FindEndpoint("scoring")),
                 ContractOptions{
                     .block_level = block_level, .policy = matching::DefaultPolicy(), .today = [] {
                       return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
                     }}) {}

  absl::string_view name() const override { return "contract"; }
  std::vector<grpc::Service*> services() override { return {&service_}; }
  std::vector<std::string> health_names() const override {
    return {v1::ContractService::service_full_name()};
  }
  absl::Status WarmUp() override {
    if (absl::Status s = service_.SweepSeats(); !s.ok()) return s;
    return view_.Load();
  }
  void Stop() override { view_.Stop(); }

 private:
  ContractView view_;
  Edge edge_;
  ContractServiceImpl service_;
};

}  // namespace

std::unique_ptr<ServiceModule> MakeContractModule(store::Store* store,
                                                  const CredentialStore* credentials,
                                                  Executor* executor, v1::RiskBand block_level) {
  return std::make_unique<ContractModule>(store, credentials, executor, block_level);
}

}  // namespace callmatch
