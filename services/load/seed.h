// The seeding tool's work: loads a generated dataset (docs/generator.md) into a running platform
// through its public gRPC API, as the platform's own users would write it (docs/load.md).
//
// Operators register companies and teleoperators and verify registrations; each client company
// gets its own credential (issued through CredentialService) and creates and opens its
// campaigns; teleoperators' declarations are written by the operator. Every write carries a
// request_id derived from the record ("seed:CreateTeleoperator:teleoperators/t0000001"), so a
// second run replays the first instead of writing twice. Records the API does not take as they
// are are converted: names become ids, output-only fields are left out, registrations are
// verified (or rejected) by an operator call. Contracts go through ContractService when
// `contracts` is set.
//
// Thread safety: Seed() runs `concurrency` calls at once on its own threads.
#ifndef CALLMATCH_SERVICES_LOAD_SEED_H_
#define CALLMATCH_SERVICES_LOAD_SEED_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "callmatch/v1/campaign.pb.h"
#include "callmatch/v1/common.pb.h"
#include "callmatch/v1/teleoperator.pb.h"
#include "services/load/api_client.h"

namespace callmatch::load {

struct SeedOptions {
  // The dataset directory (callmatch-generate --out).
  std::string dir;
  // The operator's bearer secret: registrations, verifications, credentials.
  std::string operator_secret;
  // Where the credentials issued for clients (and teleoperators) are kept, one
  // IssueCredentialResponse per line: read first (a rerun reuses them), appended to.
  std::string secrets_file;
  // Calls in flight at once.
  int concurrency = 32;
  // Contracts (and, with activity_logs, their daily logs) through ContractService.
  bool contracts = false;
  bool activity_logs = false;
  // With activity_logs, the first this many days of each contract only; 0 logs every day. Each
  // day logged rescores its contract over the teleoperator's whole history: a few days per
  // contract give a demo its history in a fraction of the time.
  int logs_per_contract = 0;
  // How long to wait at the end for the matching service to have applied every write; 0 skips.
  absl::Duration matching_wait = absl::Minutes(10);
  // Progress lines on stderr every few seconds.
  bool progress = true;
};

struct SeedReport {
  int64_t companies = 0;
  int64_t campaigns = 0;
  int64_t teleoperators = 0;
  int64_t employments = 0;
  int64_t credentials_issued = 0;
  int64_t contracts = 0;
  int64_t activity_logs = 0;
  // Contracts the platform refused, by "Method CODE" (contracts are best effort: eligibility is
  // checked again when proposed, against the platform's today).
  std::map<std::string, int64_t> contract_failures;
  // Contracts by risk band (the band the platform scored), and the first of each: the demo's
  // examples.
  std::map<v1::RiskBand, int64_t> contracts_by_band;
  std::map<v1::RiskBand, std::string> contract_example;
  absl::Duration elapsed;
};

absl::StatusOr<SeedReport> Seed(ApiClient& api, const SeedOptions& options);

// The conversions from the generator's records to the API's requests (tested on their own).
// The registration status an operator should record for a generated registration: VERIFIED for
// one verified within `max_age_days` before `today`, REJECTED for a rejected one, and
// UNSPECIFIED (leave it PENDING) for a pending or stale one: the API records verifications as
// of the day they are made, and a stale one is as invalid as a pending one.
v1::RegistrationStatus VerificationToRecord(const v1::Registration& registration,
                                            absl::CivilDay today, int max_age_days);
absl::StatusOr<v1::CreateCompanyRequest> CreateCompanyRequestFor(const v1::Company& record);
absl::StatusOr<v1::CreateCampaignRequest> CreateCampaignRequestFor(const v1::Campaign& record);
absl::StatusOr<v1::CreateTeleoperatorRequest> CreateTeleoperatorRequestFor(
    const v1::Teleoperator& record);
absl::StatusOr<v1::CreateEmploymentRequest> CreateEmploymentRequestFor(
    const v1::Employment& record);

// "seed:<method>:<resource name>": the request_id of the seeding write of `resource`.
std::string SeedRequestId(absl::string_view method, absl::string_view resource);

}  // namespace callmatch::load

#endif  // CALLMATCH_SERVICES_LOAD_SEED_H_
