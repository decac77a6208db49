#include "services/load/seed.h"

#include <cstdio>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "matching/generator/dataset_io.h"
#include "matching/policy.h"
#include "services/load/jsonl.h"
#include "services/load/parallel.h"
#include "services/store/store.h"

namespace callmatch::load {
namespace {

using v1::Principal;

// The error of one record's write, naming the record; keeps the field violations.
absl::Status About(const absl::Status& status, absl::string_view what) {
  if (status.ok()) return status;
  absl::Status annotated(status.code(), absl::StrCat(what, ": ", status.message()));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    annotated.SetPayload(url, payload);
  });
  return annotated;
}

// The last path segment of a resource name: "companies/c00001" -> "c00001".
std::string LastSegment(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

// "teleoperators/t1/contracts/m1" -> "teleoperators/t1".
std::string OwnerOf(absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() < 2) return std::string(name);
  return absl::StrCat(parts[0], "/", parts[1]);
}

absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view text) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) {
    return absl::InvalidArgumentError(absl::StrCat("manifest today \"", text, "\" is not a date"));
  }
  return day;
}

// The highest consistency token seen in each partition: what the matching service must have
// applied before the data counts as loaded.
class TokenTracker {
 public:
  void Add(const std::string& text) {
    if (text.empty()) return;
    absl::StatusOr<std::vector<store::ConsistencyToken>> tokens =
        store::ConsistencyToken::ParseList(text);
    if (!tokens.ok()) return;
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& token : *tokens) {
      std::string& newest = newest_[token.partition];
      if (newest.empty() || store::CompareStreamIds(token.stream_id, newest) > 0) {
        newest = token.stream_id;
      }
    }
  }
  std::string ToString() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> parts;
    for (const auto& [partition, stream_id] : newest_) {
      parts.push_back(store::ConsistencyToken{partition, stream_id}.ToString());
    }
    return absl::StrJoin(parts, ",");
  }

 private:
  mutable std::mutex mu_;
  std::map<int, std::string> newest_;
};

class Seeder {
 public:
  Seeder(ApiClient& api, const SeedOptions& options, SecretFile& secrets, absl::CivilDay today)
      : api_(api), options_(options), secrets_(secrets), today_(today) {
    max_age_days_ = matching::DefaultPolicy().registration_max_age_days();
  }

  absl::Status Run(const matching::DatasetManifest& manifest);
  SeedReport& report() { return report_; }

 private:
  // One write, retried while transient, its token kept.
  template <typename Stub, typename Request, typename Response>
  absl::Status Write(Stub& (ApiClient::*stub)(),
                     grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                     const std::string& secret, const Request& request, Response* response) {
    std::string token;
    absl::Status status = WithRetries(
        [&] { return Invoke((api_.*stub)(), method, secret, request, response, &token); });
    if (status.ok()) tokens_.Add(token);
    return status;
  }

  // The secret of (kind, id): from the secrets file, else issued now (and recorded).
  absl::StatusOr<std::string> SecretFor(Principal::Kind kind, const std::string& id);

  absl::Status SeedCompany(const v1::Company& record);
  absl::Status SeedCampaign(const v1::Campaign& record);
  absl::Status SetCampaignState(const v1::Campaign& created, v1::CampaignState state,
                                const std::string& secret);
  absl::Status SeedTeleoperator(const v1::Teleoperator& record,
                                const std::vector<v1::Employment>& employments);
  absl::Status Verify(const std::string& name, const v1::Registration& registration, bool company);
  // One teleoperator's contracts with their logs; refusals are counted, not fatal.
  void SeedContracts(const std::vector<std::pair<v1::Contract, std::vector<v1::ActivityLog>>>&);
  absl::Status SeedContract(const v1::Contract& record, const std::vector<v1::ActivityLog>& logs);
  void CountFailure(absl::string_view method, const absl::Status& status);
  absl::Status WaitForMatching();

  ApiClient& api_;
  const SeedOptions& options_;
  SecretFile& secrets_;
  const absl::CivilDay today_;
  int max_age_days_ = 183;
  TokenTracker tokens_;
  std::mutex mu_;
  SeedReport report_;  // counters guarded by mu_
};

absl::StatusOr<std::string> Seeder::SecretFor(Principal::Kind kind, const std::string& id) {
  if (std::optional<std::string> known = secrets_.Find(kind, id); known.has_value()) return *known;
  v1::IssueCredentialRequest request;
  request.mutable_principal()->set_kind(kind);
  request.mutable_principal()->set_id(id);
  request.set_description("issued by callmatch-seed");
  request.set_request_id(SeedRequestId("IssueCredential", absl::StrCat(kind, "/", id)));
  v1::IssueCredentialResponse issued;
  absl::Status status = Write(&ApiClient::credential, &v1::CredentialService::Stub::IssueCredential,
                              options_.operator_secret, request, &issued);
  if (status.ok() && issued.secret().empty()) {
    // Issued by an earlier run whose secrets file is gone: a retry never shows the secret again,
    // so issue another one under a request_id of its own.
    request.set_request_id(absl::StrCat(request.request_id(), ":", absl::ToUnixNanos(absl::Now())));
    status = Write(&ApiClient::credential, &v1::CredentialService::Stub::IssueCredential,
                   options_.operator_secret, request, &issued);
  }
  if (!status.ok()) return About(status, absl::StrCat("credential for ", id));
  if (absl::Status s = secrets_.Add(issued); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  ++report_.credentials_issued;
  return issued.secret();
}

absl::Status Seeder::Verify(const std::string& name, const v1::Registration& registration,
                            bool company) {
  const v1::RegistrationStatus status = VerificationToRecord(registration, today_, max_age_days_);
  if (status == v1::REGISTRATION_STATUS_UNSPECIFIED) return absl::OkStatus();
  if (company) {
    v1::VerifyCompanyRegistrationRequest request;
    request.set_name(name);
    request.set_status(status);
    request.set_request_id(SeedRequestId("VerifyCompanyRegistration", name));
    v1::Company response;
    return Write(&ApiClient::campaign, &v1::CampaignService::Stub::VerifyCompanyRegistration,
                 options_.operator_secret, request, &response);
  }
  v1::VerifyRegistrationRequest request;
  request.set_name(name);
  request.set_status(status);
  request.set_request_id(SeedRequestId("VerifyRegistration", name));
  v1::Teleoperator response;
  return Write(&ApiClient::teleoperator, &v1::TeleoperatorService::Stub::VerifyRegistration,
               options_.operator_secret, request, &response);
}

absl::Status Seeder::SeedCompany(const v1::Company& record) {
  absl::StatusOr<v1::CreateCompanyRequest> request = CreateCompanyRequestFor(record);
  if (!request.ok()) return request.status();
  v1::Company created;
  absl::Status status = Write(&ApiClient::campaign, &v1::CampaignService::Stub::CreateCompany,
                              options_.operator_secret, *request, &created);
  // The request record of an earlier run has expired (docs/store.md): the company is there.
  if (!status.ok() && !absl::IsAlreadyExists(status)) return About(status, record.name());
  if (absl::Status s = Verify(record.name(), record.registration(), /*company=*/true); !s.ok()) {
    return About(s, record.name());
  }
  std::lock_guard<std::mutex> lock(mu_);
  ++report_.companies;
  return absl::OkStatus();
}

absl::Status Seeder::SetCampaignState(const v1::Campaign& created, v1::CampaignState state,
                                      const std::string& secret) {
  if (created.state() == state) return absl::OkStatus();
  v1::Campaign response;
  absl::Status status;
  if (state == v1::CAMPAIGN_STATE_OPEN) {
    v1::OpenCampaignRequest request;
    request.set_name(created.name());
    request.set_version(created.version());
    request.set_request_id(SeedRequestId("OpenCampaign", created.name()));
    status = Write(&ApiClient::campaign, &v1::CampaignService::Stub::OpenCampaign, secret, request,
                   &response);
  } else {
    v1::CloseCampaignRequest request;
    request.set_name(created.name());
    request.set_version(created.version());
    request.set_request_id(SeedRequestId("CloseCampaign", created.name()));
    status = Write(&ApiClient::campaign, &v1::CampaignService::Stub::CloseCampaign, secret, request,
                   &response);
  }
  if (absl::IsFailedPrecondition(status) || absl::IsAborted(status)) {
    // Moved on since (an expired request record, or an earlier run went further): fine if it is
    // where we want it.
    v1::GetCampaignRequest get;
    get.set_name(created.name());
    if (Invoke(api_.campaign(), &v1::CampaignService::Stub::GetCampaign, secret, get, &response)
            .ok() &&
        (response.state() == state || response.state() == v1::CAMPAIGN_STATE_CLOSED)) {
      return absl::OkStatus();
    }
  }
  return About(status, created.name());
}

absl::Status Seeder::SeedCampaign(const v1::Campaign& record) {
  absl::StatusOr<v1::CreateCampaignRequest> request = CreateCampaignRequestFor(record);
  if (!request.ok()) return request.status();
  absl::StatusOr<std::string> secret =
      SecretFor(Principal::KIND_CLIENT, LastSegment(request->parent()));
  if (!secret.ok()) return secret.status();
  v1::Campaign created;
  absl::Status status = Write(&ApiClient::campaign, &v1::CampaignService::Stub::CreateCampaign,
                              *secret, *request, &created);
  if (absl::IsAlreadyExists(status)) {
    v1::GetCampaignRequest get;
    get.set_name(record.name());
    status =
        Invoke(api_.campaign(), &v1::CampaignService::Stub::GetCampaign, *secret, get, &created);
  }
  if (!status.ok()) return About(status, record.name());
  // Closed campaigns are opened first (their past missions were made while open), then closed
  // once the contracts are in.
  if (record.state() == v1::CAMPAIGN_STATE_OPEN || record.state() == v1::CAMPAIGN_STATE_CLOSED) {
    if (absl::Status s = SetCampaignState(created, v1::CAMPAIGN_STATE_OPEN, *secret); !s.ok()) {
      return s;
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  ++report_.campaigns;
  return absl::OkStatus();
}

absl::Status Seeder::SeedTeleoperator(const v1::Teleoperator& record,
                                      const std::vector<v1::Employment>& employments) {
  absl::StatusOr<v1::CreateTeleoperatorRequest> request = CreateTeleoperatorRequestFor(record);
  if (!request.ok()) return request.status();
  v1::Teleoperator created;
  absl::Status status =
      Write(&ApiClient::teleoperator, &v1::TeleoperatorService::Stub::CreateTeleoperator,
            options_.operator_secret, *request, &created);
  if (!status.ok() && !absl::IsAlreadyExists(status)) return About(status, record.name());
  if (absl::Status s = Verify(record.name(), record.registration(), /*company=*/false); !s.ok()) {
    return About(s, record.name());
  }
  for (const v1::Employment& employment : employments) {
    absl::StatusOr<v1::CreateEmploymentRequest> create = CreateEmploymentRequestFor(employment);
    if (!create.ok()) return create.status();
    v1::Employment response;
    status = Write(&ApiClient::teleoperator, &v1::TeleoperatorService::Stub::CreateEmployment,
                   options_.operator_secret, *create, &response);
    if (!status.ok() && !absl::IsAlreadyExists(status)) return About(status, employment.name());
  }
  std::lock_guard<std::mutex> lock(mu_);
  ++report_.teleoperators;
  report_.employments += static_cast<int64_t>(employments.size());
  return absl::OkStatus();
}

void Seeder::CountFailure(absl::string_view method, const absl::Status& status) {
  std::lock_guard<std::mutex> lock(mu_);
  ++report_.contract_failures[absl::StrCat(method, " ", absl::StatusCodeToString(status.code()))];
}

// A generated contract replayed through its lifecycle (proto/callmatch/v1/contract.proto): the
// client proposes, the teleoperator accepts, the client activates (an operator overrides the risk
// block: demo data must reach every band), the teleoperator logs its days and the client
// validates them, and a finished mission is terminated.
absl::Status Seeder::SeedContract(const v1::Contract& record,
                                  const std::vector<v1::ActivityLog>& logs) {
  const std::string teleoperator = OwnerOf(record.name());
  absl::StatusOr<std::string> client =
      SecretFor(Principal::KIND_CLIENT, LastSegment(record.client()));
  if (!client.ok()) return client.status();
  absl::StatusOr<std::string> own =
      SecretFor(Principal::KIND_TELEOPERATOR, LastSegment(teleoperator));
  if (!own.ok()) return own.status();
  const auto fail = [&](absl::string_view method, const absl::Status& status) {
    CountFailure(method, status);
    return absl::OkStatus();  // counted; the next contract goes on
  };

  v1::ProposeContractRequest propose;
  propose.set_campaign(record.campaign());
  propose.set_teleoperator(teleoperator);
  *propose.mutable_terms() = record.terms();
  propose.set_request_id(SeedRequestId("ProposeContract", record.name()));
  v1::Contract contract;
  absl::Status status = Write(&ApiClient::contract, &v1::ContractService::Stub::ProposeContract,
                              *client, propose, &contract);
  if (!status.ok()) return fail("ProposeContract", status);

  const bool accepted = record.has_accept_date();
  if (accepted && contract.state() == v1::CONTRACT_STATE_PROPOSED) {
    v1::AcceptContractRequest accept;
    accept.set_name(contract.name());
    accept.set_version(contract.version());
    accept.set_request_id(SeedRequestId("AcceptContract", record.name()));
    status = Write(&ApiClient::contract, &v1::ContractService::Stub::AcceptContract, *own, accept,
                   &contract);
    if (!status.ok()) return fail("AcceptContract", status);
  }
  const bool worked = record.state() == v1::CONTRACT_STATE_ACTIVE ||
                      (record.state() == v1::CONTRACT_STATE_TERMINATED && accepted);
  if (worked && contract.state() == v1::CONTRACT_STATE_ACCEPTED) {
    v1::ActivateContractRequest activate;
    activate.set_name(contract.name());
    activate.set_version(contract.version());
    activate.set_request_id(SeedRequestId("ActivateContract", record.name()));
    status = Write(&ApiClient::contract, &v1::ContractService::Stub::ActivateContract, *client,
                   activate, &contract);
    if (absl::IsFailedPrecondition(status)) {
      // Blocked by its risk band: the operator overrides, as the platform allows (audited).
      activate.set_override_reason("demo data: the generated mission was active");
      activate.set_request_id(SeedRequestId("ActivateContract/override", record.name()));
      status = Write(&ApiClient::contract, &v1::ContractService::Stub::ActivateContract,
                     options_.operator_secret, activate, &contract);
    }
    if (!status.ok()) return fail("ActivateContract", status);
  }
  for (const v1::ActivityLog& log : logs) {
    v1::LogActivityRequest request;
    request.set_parent(contract.name());
    v1::ActivityLog* day = request.mutable_activity_log();
    *day = log;
    day->clear_name();
    day->clear_version();
    day->clear_appointments_validated();
    request.set_request_id(SeedRequestId("LogActivity", log.name()));
    v1::ActivityLog logged;
    status = Write(&ApiClient::contract, &v1::ContractService::Stub::LogActivity, *own, request,
                   &logged);
    if (!status.ok()) return fail("LogActivity", status);
    if (log.appointments_validated() > 0) {
      v1::ValidateAppointmentsRequest validate;
      validate.set_name(logged.name());
      validate.set_appointments_validated(log.appointments_validated());
      validate.set_version(logged.version());
      validate.set_request_id(SeedRequestId("ValidateAppointments", log.name()));
      status = Write(&ApiClient::contract, &v1::ContractService::Stub::ValidateAppointments,
                     *client, validate, &logged);
      if (!status.ok()) return fail("ValidateAppointments", status);
    }
    std::lock_guard<std::mutex> lock(mu_);
    ++report_.activity_logs;
  }
  if (record.state() == v1::CONTRACT_STATE_TERMINATED &&
      contract.state() != v1::CONTRACT_STATE_TERMINATED) {
    v1::GetContractRequest get;
    get.set_name(contract.name());
    status =
        Invoke(api_.contract(), &v1::ContractService::Stub::GetContract, *client, get, &contract);
    if (!status.ok()) return fail("GetContract", status);
    v1::TerminateContractRequest terminate;
    terminate.set_name(contract.name());
    terminate.set_version(contract.version());
    terminate.set_reason("demo data: the generated mission ended");
    terminate.set_request_id(SeedRequestId("TerminateContract", record.name()));
    status = Write(&ApiClient::contract, &v1::ContractService::Stub::TerminateContract, *client,
                   terminate, &contract);
    if (!status.ok()) return fail("TerminateContract", status);
  }
  std::lock_guard<std::mutex> lock(mu_);
  ++report_.contracts;
  ++report_.contracts_by_band[contract.risk().band()];
  report_.contract_example.emplace(contract.risk().band(), contract.name());
  return absl::OkStatus();
}

absl::Status Seeder::WaitForMatching() {
  const std::string tokens = tokens_.ToString();
  const absl::Time deadline = absl::Now() + options_.matching_wait;
  absl::Status status;
  while (absl::Now() < deadline) {
    // The matching service waits (up to its own bound) until it has applied the tokens sent.
    v1::GetIndexStatusRequest request;
    v1::IndexStatus index;
    status = Invoke(api_.matching(), &v1::MatchingService::Stub::GetIndexStatus,
                    options_.operator_secret, request, &index, nullptr, tokens, absl::Seconds(15));
    if (status.ok() && index.loaded()) {
      if (options_.progress) {
        std::fprintf(stderr,
                     "seed: matching has applied every write (%lld teleoperators, %lld "
                     "campaigns)\n",
                     static_cast<long long>(index.teleoperators()),
                     static_cast<long long>(index.campaigns()));
      }
      return absl::OkStatus();
    }
    absl::SleepFor(absl::Milliseconds(500));
  }
  return About(status.ok() ? absl::DeadlineExceededError("index not loaded") : status,
               "waiting for the matching service to apply the seeded writes");
}

absl::Status Seeder::Run(const matching::DatasetManifest& manifest) {
  const std::string& dir = options_.dir;
  const int threads = options_.concurrency;
  const bool progress = options_.progress;

  auto companies_file =
      JsonLines<v1::Company>::Open(absl::StrCat(dir, "/", matching::kCompaniesFile));
  if (!companies_file.ok()) return companies_file.status();
  absl::StatusOr<std::vector<v1::Company>> companies = (*companies_file)->ReadAll();
  if (!companies.ok()) return companies.status();
  auto campaigns_file =
      JsonLines<v1::Campaign>::Open(absl::StrCat(dir, "/", matching::kCampaignsFile));
  if (!campaigns_file.ok()) return campaigns_file.status();
  absl::StatusOr<std::vector<v1::Campaign>> campaigns = (*campaigns_file)->ReadAll();
  if (!campaigns.ok()) return campaigns.status();

  if (absl::Status s = ParallelFor(threads, companies->size(), "companies", progress,
                                   [&](int64_t i) { return SeedCompany((*companies)[i]); });
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ParallelFor(threads, campaigns->size(), "campaigns", progress,
                                   [&](int64_t i) { return SeedCampaign((*campaigns)[i]); });
      !s.ok()) {
    return s;
  }

  // Teleoperators with their employments, streamed: both files are in name order, so a
  // teleoperator's employments follow one another.
  auto teleoperators =
      JsonLines<v1::Teleoperator>::Open(absl::StrCat(dir, "/", matching::kTeleoperatorsFile));
  if (!teleoperators.ok()) return teleoperators.status();
  auto employments =
      JsonLines<v1::Employment>::Open(absl::StrCat(dir, "/", matching::kEmploymentsFile));
  if (!employments.ok()) return employments.status();
  std::mutex files_mu;
  auto next_teleoperator = [&](v1::Teleoperator* teleoperator,
                               std::vector<v1::Employment>* declared) -> absl::StatusOr<bool> {
    std::lock_guard<std::mutex> lock(files_mu);
    absl::StatusOr<const v1::Teleoperator*> next = (*teleoperators)->Peek();
    if (!next.ok()) return next.status();
    if (*next == nullptr) return false;
    *teleoperator = **next;
    (*teleoperators)->Pop();
    const std::string prefix = absl::StrCat(teleoperator->name(), "/");
    while (true) {
      absl::StatusOr<const v1::Employment*> employment = (*employments)->Peek();
      if (!employment.ok()) return employment.status();
      if (*employment == nullptr || (*employment)->name() > prefix + "\xff") break;
      if (absl::StartsWith((*employment)->name(), prefix)) declared->push_back(**employment);
      (*employments)->Pop();
    }
    return true;
  };
  if (absl::Status s = ParallelFor(threads, manifest.teleoperators(), "teleoperators", progress,
                                   [&](int64_t) -> absl::Status {
                                     v1::Teleoperator teleoperator;
                                     std::vector<v1::Employment> declared;
                                     absl::StatusOr<bool> got =
                                         next_teleoperator(&teleoperator, &declared);
                                     if (!got.ok()) return got.status();
                                     if (!*got) return absl::OkStatus();
                                     return SeedTeleoperator(teleoperator, declared);
                                   });
      !s.ok()) {
    return s;
  }

  if (options_.contracts) {
    // Each teleoperator's contracts in order (a proposal checks its other contracts' hours),
    // teleoperators in parallel; each contract followed by its logs, both files in name order.
    auto contracts =
        JsonLines<v1::Contract>::Open(absl::StrCat(dir, "/", matching::kContractsFile));
    if (!contracts.ok()) return contracts.status();
    std::unique_ptr<JsonLines<v1::ActivityLog>> logs;
    if (options_.activity_logs) {
      auto opened =
          JsonLines<v1::ActivityLog>::Open(absl::StrCat(dir, "/", matching::kActivityLogsFile));
      if (!opened.ok()) return opened.status();
      logs = *std::move(opened);
    }
    using Group = std::vector<std::pair<v1::Contract, std::vector<v1::ActivityLog>>>;
    auto next_group = [&](Group* group) -> absl::Status {
      std::lock_guard<std::mutex> lock(files_mu);
      std::string owner;
      while (true) {
        absl::StatusOr<const v1::Contract*> next = (*contracts)->Peek();
        if (!next.ok()) return next.status();
        if (*next == nullptr) return absl::OkStatus();
        if (!owner.empty() && OwnerOf((*next)->name()) != owner) return absl::OkStatus();
        owner = OwnerOf((*next)->name());
        group->emplace_back(**next, std::vector<v1::ActivityLog>());
        (*contracts)->Pop();
        const std::string prefix = absl::StrCat(group->back().first.name(), "/");
        while (logs != nullptr) {
          absl::StatusOr<const v1::ActivityLog*> log = logs->Peek();
          if (!log.ok()) return log.status();
          if (*log == nullptr || (*log)->name() > prefix + "\xff") break;
          std::vector<v1::ActivityLog>& days = group->back().second;
          const bool wanted = options_.logs_per_contract <= 0 ||
                              static_cast<int>(days.size()) < options_.logs_per_contract;
          if (absl::StartsWith((*log)->name(), prefix) && wanted) days.push_back(**log);
          logs->Pop();
        }
      }
    };
    if (absl::Status s = ParallelFor(threads, manifest.contracts(), "contracts", progress,
                                     [&](int64_t) -> absl::Status {
                                       Group group;
                                       if (absl::Status s = next_group(&group); !s.ok()) return s;
                                       for (const auto& [contract, days] : group) {
                                         if (absl::Status s = SeedContract(contract, days);
                                             !s.ok()) {
                                           return s;
                                         }
                                       }
                                       return absl::OkStatus();
                                     });
        !s.ok()) {
      return s;
    }
  }

  // Campaigns generated as closed: closed now that their missions are in.
  std::vector<const v1::Campaign*> closed;
  for (const v1::Campaign& campaign : *campaigns) {
    if (campaign.state() == v1::CAMPAIGN_STATE_CLOSED) closed.push_back(&campaign);
  }
  if (absl::Status s = ParallelFor(
          threads, closed.size(), "closed campaigns", progress,
          [&](int64_t i) -> absl::Status {
            const v1::Campaign& record = *closed[i];
            absl::StatusOr<std::string> secret =
                SecretFor(Principal::KIND_CLIENT, LastSegment(OwnerOf(record.name())));
            if (!secret.ok()) return secret.status();
            v1::GetCampaignRequest get;
            get.set_name(record.name());
            v1::Campaign current;
            if (absl::Status s = Invoke(api_.campaign(), &v1::CampaignService::Stub::GetCampaign,
                                        *secret, get, &current);
                !s.ok()) {
              return About(s, record.name());
            }
            return SetCampaignState(current, v1::CAMPAIGN_STATE_CLOSED, *secret);
          });
      !s.ok()) {
    return s;
  }

  if (options_.matching_wait > absl::ZeroDuration()) return WaitForMatching();
  return absl::OkStatus();
}

// Copies `record` without the fields the API sets itself.
template <typename M>
M WithoutOutputOnly(const M& record) {
  M copy = record;
  copy.clear_name();
  copy.clear_version();
  copy.clear_create_time();
  copy.clear_update_time();
  return copy;
}

absl::StatusOr<std::vector<absl::string_view>> SplitName(absl::string_view name, size_t parts,
                                                         absl::string_view first) {
  std::vector<absl::string_view> split = absl::StrSplit(name, '/');
  if (split.size() != parts || split[0] != first) {
    return absl::InvalidArgumentError(absl::StrCat("\"", name, "\" is not a ", first, " name"));
  }
  return split;
}

}  // namespace

std::string SeedRequestId(absl::string_view method, absl::string_view resource) {
  return absl::StrCat("seed:", method, ":", resource);
}

v1::RegistrationStatus VerificationToRecord(const v1::Registration& registration,
                                            absl::CivilDay today, int max_age_days) {
  switch (registration.status()) {
    case v1::REGISTRATION_STATUS_REJECTED:
      return v1::REGISTRATION_STATUS_REJECTED;
    case v1::REGISTRATION_STATUS_VERIFIED: {
      const v1::Date& date = registration.verify_date();
      const absl::CivilDay verified(date.year(), date.month(), date.day());
      return today - verified <= max_age_days ? v1::REGISTRATION_STATUS_VERIFIED
                                              : v1::REGISTRATION_STATUS_UNSPECIFIED;
    }
    default:
      return v1::REGISTRATION_STATUS_UNSPECIFIED;
  }
}

absl::StatusOr<v1::CreateCompanyRequest> CreateCompanyRequestFor(const v1::Company& record) {
  absl::StatusOr<std::vector<absl::string_view>> name = SplitName(record.name(), 2, "companies");
  if (!name.ok()) return name.status();
  v1::CreateCompanyRequest request;
  request.set_company_id(std::string((*name)[1]));
  *request.mutable_company() = WithoutOutputOnly(record);
  // Only the number is the caller's: status and verification are an operator's acts.
  v1::Registration* registration = request.mutable_company()->mutable_registration();
  const std::string number = registration->number();
  registration->Clear();
  registration->set_number(number);
  request.set_request_id(SeedRequestId("CreateCompany", record.name()));
  return request;
}

absl::StatusOr<v1::CreateCampaignRequest> CreateCampaignRequestFor(const v1::Campaign& record) {
  absl::StatusOr<std::vector<absl::string_view>> name = SplitName(record.name(), 4, "companies");
  if (!name.ok()) return name.status();
  v1::CreateCampaignRequest request;
  request.set_parent(absl::StrCat("companies/", (*name)[1]));
  request.set_campaign_id(std::string((*name)[3]));
  *request.mutable_campaign() = WithoutOutputOnly(record);
  request.mutable_campaign()->clear_state();        // OpenCampaign, CloseCampaign
  request.mutable_campaign()->clear_seats_taken();  // counted from contracts
  request.set_request_id(SeedRequestId("CreateCampaign", record.name()));
  return request;
}

absl::StatusOr<v1::CreateTeleoperatorRequest> CreateTeleoperatorRequestFor(
    const v1::Teleoperator& record) {
  absl::StatusOr<std::vector<absl::string_view>> name =
      SplitName(record.name(), 2, "teleoperators");
  if (!name.ok()) return name.status();
  v1::CreateTeleoperatorRequest request;
  request.set_teleoperator_id(std::string((*name)[1]));
  *request.mutable_teleoperator() = WithoutOutputOnly(record);
  v1::Registration* registration = request.mutable_teleoperator()->mutable_registration();
  const std::string number = registration->number();
  registration->Clear();
  registration->set_number(number);
  request.set_request_id(SeedRequestId("CreateTeleoperator", record.name()));
  return request;
}

absl::StatusOr<v1::CreateEmploymentRequest> CreateEmploymentRequestFor(
    const v1::Employment& record) {
  absl::StatusOr<std::vector<absl::string_view>> name =
      SplitName(record.name(), 4, "teleoperators");
  if (!name.ok()) return name.status();
  v1::CreateEmploymentRequest request;
  request.set_parent(absl::StrCat("teleoperators/", (*name)[1]));
  request.set_employment_id(std::string((*name)[3]));
  *request.mutable_employment() = WithoutOutputOnly(record);
  request.set_request_id(SeedRequestId("CreateEmployment", record.name()));
  return request;
}

absl::StatusOr<SeedReport> Seed(ApiClient& api, const SeedOptions& options) {
  const absl::Time start = absl::Now();
  absl::StatusOr<matching::DatasetManifest> manifest = matching::ReadManifest(options.dir);
  if (!manifest.ok()) return manifest.status();
  absl::StatusOr<absl::CivilDay> today = ParseDay(manifest->today());
  if (!today.ok()) return today.status();
  absl::StatusOr<std::unique_ptr<SecretFile>> secrets = SecretFile::Open(options.secrets_file);
  if (!secrets.ok()) return secrets.status();
  Seeder seeder(api, options, **secrets, *today);
  if (absl::Status s = seeder.Run(*manifest); !s.ok()) return s;
  seeder.report().elapsed = absl::Now() - start;
  return seeder.report();
}

}  // namespace callmatch::load
