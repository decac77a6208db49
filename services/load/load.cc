#include "services/load/load.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <random>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "matching/generator/dataset_io.h"
#include "services/load/jsonl.h"

namespace callmatch::load {
namespace {

constexpr const char* kOperationNames[kOperationCount] = {"match", "explain", "score", "update"};

// The window the update operation adds or removes: Sunday 10:00-11:00. Toggling it keeps every
// profile valid and its availability within one hour of what was seeded.
constexpr int kToggleStart = 6 * 24 * 60 + 10 * 60;
constexpr int kToggleEnd = kToggleStart + 60;
constexpr int kMaxWindows = 50;
constexpr int kUpdateAttempts = 5;

// What the operations draw from.
struct Workload {
  struct Campaign {
    std::string name;
    std::string client_secret;
    v1::MissionTerms terms;
    v1::Location client_location;
    std::optional<bool> calling_in_usual_business;
  };
  std::vector<Campaign> campaigns;  // the open ones whose client has a credential
  std::vector<std::string> teleoperators;
  std::vector<v1::Location> establishments;
};

absl::StatusOr<Workload> LoadWorkload(const LoadOptions& options) {
  absl::StatusOr<std::unique_ptr<SecretFile>> secrets = SecretFile::Open(options.secrets_file);
  if (!secrets.ok()) return secrets.status();
  auto companies_file =
      JsonLines<v1::Company>::Open(absl::StrCat(options.dir, "/", matching::kCompaniesFile));
  if (!companies_file.ok()) return companies_file.status();
  absl::StatusOr<std::vector<v1::Company>> companies = (*companies_file)->ReadAll();
  if (!companies.ok()) return companies.status();
  absl::flat_hash_map<std::string, const v1::Company*> by_name;
  for (const v1::Company& company : *companies) by_name[company.name()] = &company;

  Workload workload;
  auto campaigns =
      JsonLines<v1::Campaign>::Open(absl::StrCat(options.dir, "/", matching::kCampaignsFile));
  if (!campaigns.ok()) return campaigns.status();
  int without_secret = 0;
  while (true) {
    absl::StatusOr<const v1::Campaign*> next = (*campaigns)->Peek();
    if (!next.ok()) return next.status();
    if (*next == nullptr) break;
    const v1::Campaign& campaign = **next;
    if (campaign.state() == v1::CAMPAIGN_STATE_OPEN) {
      const std::string company = campaign.name().substr(0, campaign.name().find("/campaigns/"));
      const std::string id = company.substr(company.find('/') + 1);
      std::optional<std::string> secret = (*secrets)->Find(v1::Principal::KIND_CLIENT, id);
      auto found = by_name.find(company);
      if (!secret.has_value() || found == by_name.end()) {
        ++without_secret;
      } else {
        Workload::Campaign target{campaign.name(), *secret, campaign.terms(),
                                  found->second->location(), std::nullopt};
        if (found->second->has_calling_in_usual_business()) {
          target.calling_in_usual_business = found->second->calling_in_usual_business();
        }
        workload.campaigns.push_back(std::move(target));
      }
    }
    (*campaigns)->Pop();
  }
  if (workload.campaigns.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no open campaign of ", options.dir, " has its client's credential in ",
        options.secrets_file, " (", without_secret, " without): seed the platform first"));
  }
  auto teleoperators = JsonLines<v1::Teleoperator>::Open(
      absl::StrCat(options.dir, "/", matching::kTeleoperatorsFile));
  if (!teleoperators.ok()) return teleoperators.status();
  while (true) {
    absl::StatusOr<const v1::Teleoperator*> next = (*teleoperators)->Peek();
    if (!next.ok()) return next.status();
    if (*next == nullptr) break;
    workload.teleoperators.push_back((*next)->name());
    workload.establishments.push_back((*next)->establishment());
    (*teleoperators)->Pop();
  }
  if (workload.teleoperators.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("no teleoperator in ", options.dir));
  }
  return workload;
}

v1::Date Today() {
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  v1::Date date;
  date.set_year(static_cast<int>(today.year()));
  date.set_month(today.month());
  date.set_day(today.day());
  return date;
}

// One thread of the closed loop.
class Worker {
 public:
  Worker(ApiClient& api, const LoadOptions& options, const Workload& workload, int index)
      : api_(api),
        options_(options),
        workload_(workload),
        index_(index),
        rng_(options.seed * 1000003 + index),
        pick_(options.mix.weights.begin(), options.mix.weights.end()),
        today_(Today()) {}

  void Run(std::chrono::steady_clock::time_point end) {
    while (std::chrono::steady_clock::now() < end) {
      const int operation = pick_(rng_);
      ++operations_[operation];
      switch (operation) {
        case kMatch:
          Match();
          break;
        case kExplain:
          Explain();
          break;
        case kScore:
          Score();
          break;
        case kUpdate:
          Update();
          break;
      }
    }
  }

  const std::map<std::string, RpcStats>& rpcs() const { return rpcs_; }
  const std::array<int64_t, kOperationCount>& operations() const { return operations_; }

 private:
  template <typename Stub, typename Request, typename Response>
  absl::Status Timed(const char* rpc, Stub& stub,
                     grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                     const std::string& secret, const Request& request, Response* response) {
    const auto start = std::chrono::steady_clock::now();
    absl::Status status = Invoke(stub, method, secret, request, response);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    RpcStats& stats = rpcs_[rpc];
    stats.latencies_us.push_back(
        std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
    if (status.ok()) {
      ++stats.ok;
    } else {
      ++stats.errors[absl::StatusCodeToString(status.code())];
    }
    return status;
  }

  const Workload::Campaign& AnyCampaign() {
    return workload_.campaigns[rng_() % workload_.campaigns.size()];
  }
  size_t AnyTeleoperator() { return rng_() % workload_.teleoperators.size(); }

  void Match() {
    const Workload::Campaign& campaign = AnyCampaign();
    v1::MatchCampaignRequest request;
    request.set_campaign(campaign.name);
    request.set_top_k(options_.top_k);
    // Failures are counted by Timed; the loop goes on.
    (void)Timed("MatchCampaign", api_.matching(), &v1::MatchingService::Stub::MatchCampaign,
                campaign.client_secret, request, &match_response_);
  }

  void Explain() {
    v1::ExplainEligibilityRequest request;
    request.set_campaign(AnyCampaign().name);
    request.set_teleoperator(workload_.teleoperators[AnyTeleoperator()]);
    (void)Timed("ExplainEligibility", api_.matching(),
                &v1::MatchingService::Stub::ExplainEligibility, options_.operator_secret, request,
                &explanation_);
  }

  void Score() {
    const Workload::Campaign& campaign = AnyCampaign();
    v1::ScoreTermsRequest request;
    v1::ContractFacts* facts = request.mutable_facts();
    *facts->mutable_terms() = campaign.terms;
    *facts->mutable_client_location() = campaign.client_location;
    *facts->mutable_teleoperator_location() = workload_.establishments[AnyTeleoperator()];
    *facts->mutable_as_of() = today_;
    if (campaign.calling_in_usual_business.has_value()) {
      facts->set_calling_in_usual_business(*campaign.calling_in_usual_business);
    }
    // A history that varies from call to call, as a client's contracts would.
    facts->set_months_continuous(static_cast<int>(rng_() % 25));
    facts->set_revenue_share_permille(static_cast<int>(rng_() % 1001));
    v1::RiskAssessment response;
    (void)Timed("ScoreTerms", api_.scoring(), &v1::ScoringService::Stub::ScoreTerms,
                campaign.client_secret, request, &response);
  }

  // Read-modify-write of a profile's availability, from a fresh read after a concurrent change.
  void Update() {
    const std::string& name = workload_.teleoperators[AnyTeleoperator()];
    for (int attempt = 0; attempt < kUpdateAttempts; ++attempt) {
      v1::GetTeleoperatorRequest get;
      get.set_name(name);
      v1::Teleoperator current;
      if (!Timed("GetTeleoperator", api_.teleoperator(),
                 &v1::TeleoperatorService::Stub::GetTeleoperator, options_.operator_secret, get,
                 &current)
               .ok()) {
        return;
      }
      v1::UpdateTeleoperatorRequest update;
      v1::Teleoperator* changed = update.mutable_teleoperator();
      changed->set_name(name);
      changed->set_version(current.version());
      *changed->mutable_availability() = current.availability();
      auto* windows = changed->mutable_availability()->mutable_windows();
      if (!windows->empty() && windows->rbegin()->start_minute() == kToggleStart &&
          windows->rbegin()->end_minute() == kToggleEnd) {
        windows->RemoveLast();
      } else if (windows->size() < kMaxWindows) {
        v1::WeeklyWindow* window = windows->Add();
        window->set_start_minute(kToggleStart);
        window->set_end_minute(kToggleEnd);
      }
      update.mutable_update_mask()->add_paths("availability");
      update.set_request_id(absl::StrCat("load:", getpid(), ":", index_, ":", ++requests_, ":",
                                         absl::ToUnixMicros(absl::Now())));
      v1::Teleoperator updated;
      absl::Status status = Timed("UpdateTeleoperator", api_.teleoperator(),
                                  &v1::TeleoperatorService::Stub::UpdateTeleoperator,
                                  options_.operator_secret, update, &updated);
      if (!absl::IsAborted(status)) return;
    }
  }

  ApiClient& api_;
  const LoadOptions& options_;
  const Workload& workload_;
  const int index_;
  std::mt19937_64 rng_;
  std::discrete_distribution<int> pick_;
  const v1::Date today_;
  int64_t requests_ = 0;
  std::map<std::string, RpcStats> rpcs_;
  std::array<int64_t, kOperationCount> operations_ = {};
  // Responses parsed into again and again: a parse clears a message but keeps its repeated
  // fields' objects, so the generator's own allocations do not take CPU from the platform it
  // measures on the same machine.
  v1::MatchCampaignResponse match_response_;
  v1::EligibilityExplanation explanation_;
};

std::string FormatMs(double ms) { return absl::StrFormat("%.2f", ms); }

}  // namespace

absl::StatusOr<Mix> ParseMix(absl::string_view text) {
  Mix mix;
  mix.weights.fill(0);
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> pair = absl::StrSplit(part, '=');
    int weight = 0;
    const auto* name =
        std::find(std::begin(kOperationNames), std::end(kOperationNames), pair.first);
    if (name == std::end(kOperationNames) || !absl::SimpleAtoi(pair.second, &weight) ||
        weight < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--mix \"", text,
                       "\": want NAME=WEIGHT,... with NAME one of match, "
                       "explain, score, update and WEIGHT an integer >= 0"));
    }
    mix.weights[name - std::begin(kOperationNames)] = weight;
  }
  int sum = 0;
  for (int weight : mix.weights) sum += weight;
  if (sum <= 0) return absl::InvalidArgumentError("--mix: the weights sum to 0");
  return mix;
}

std::string MixToString(const Mix& mix) {
  std::vector<std::string> parts;
  for (int i = 0; i < kOperationCount; ++i) {
    parts.push_back(absl::StrCat(kOperationNames[i], "=", mix.weights[i]));
  }
  return absl::StrJoin(parts, ",");
}

void RpcStats::Merge(const RpcStats& other) {
  ok += other.ok;
  for (const auto& [code, count] : other.errors) errors[code] += count;
  latencies_us.insert(latencies_us.end(), other.latencies_us.begin(), other.latencies_us.end());
}

double RpcStats::QuantileMs(double q) const {
  if (latencies_us.empty()) return 0;
  std::vector<int64_t> sorted = latencies_us;
  const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  const size_t index = std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1);
  std::nth_element(sorted.begin(), sorted.begin() + index, sorted.end());
  return static_cast<double>(sorted[index]) / 1000.0;
}

RpcStats LoadReport::Overall() const {
  RpcStats all;
  for (const auto& [rpc, stats] : rpcs) all.Merge(stats);
  return all;
}

absl::StatusOr<LoadReport> RunLoad(ApiClient& api, const LoadOptions& options) {
  absl::StatusOr<Workload> workload = LoadWorkload(options);
  if (!workload.ok()) return workload.status();
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < options.concurrency; ++i) {
    workers.push_back(std::make_unique<Worker>(api, options, *workload, i));
  }
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + absl::ToChronoNanoseconds(options.duration);
  std::vector<std::thread> threads;
  for (auto& worker : workers) threads.emplace_back([&worker, end] { worker->Run(end); });
  for (std::thread& thread : threads) thread.join();

  LoadReport report;
  report.concurrency = options.concurrency;
  report.mix = options.mix;
  // The calls in flight at the deadline finish after it: they count, and so does their time.
  report.elapsed = absl::FromChrono(std::chrono::steady_clock::now() - start);
  for (const auto& worker : workers) {
    for (const auto& [rpc, stats] : worker->rpcs()) report.rpcs[rpc].Merge(stats);
    for (int i = 0; i < kOperationCount; ++i) report.operations[i] += worker->operations()[i];
  }
  return report;
}

std::string FormatTable(const LoadReport& report) {
  const double seconds = absl::ToDoubleSeconds(report.elapsed);
  std::string out = absl::StrFormat("callmatch-load: %d concurrent calls for %.1f s, mix %s\n",
                                    report.concurrency, seconds, MixToString(report.mix));
  absl::StrAppend(&out, absl::StrFormat("%-20s %9s %9s %9s %9s %9s %7s\n", "rpc", "calls",
                                        "calls/s", "p50 ms", "p99 ms", "p999 ms", "errors"));
  auto row = [&](const std::string& name, const RpcStats& stats) {
    int64_t errors = 0;
    for (const auto& [code, count] : stats.errors) errors += count;
    absl::StrAppend(
        &out, absl::StrFormat("%-20s %9d %9.1f %9s %9s %9s %7d\n", name, stats.calls(),
                              static_cast<double>(stats.calls()) / seconds,
                              FormatMs(stats.QuantileMs(0.5)), FormatMs(stats.QuantileMs(0.99)),
                              FormatMs(stats.QuantileMs(0.999)), errors));
  };
  for (const auto& [rpc, stats] : report.rpcs) row(rpc, stats);
  row("all", report.Overall());
  int64_t operations = 0;
  for (int64_t count : report.operations) operations += count;
  std::vector<std::string> shares;
  for (int i = 0; i < kOperationCount; ++i) {
    shares.push_back(absl::StrFormat("%s %d", kOperationNames[i], report.operations[i]));
  }
  absl::StrAppend(&out, absl::StrFormat("operations: %d (%.1f/s): %s\n", operations,
                                        static_cast<double>(operations) / seconds,
                                        absl::StrJoin(shares, ", ")));
  for (const auto& [rpc, stats] : report.rpcs) {
    for (const auto& [code, count] : stats.errors) {
      absl::StrAppend(&out, absl::StrFormat("errors: %s %s %d%s\n", rpc, code, count,
                                            rpc == "UpdateTeleoperator" && code == "ABORTED"
                                                ? " (a concurrent update; retried)"
                                                : ""));
    }
  }
  return out;
}

std::string FormatJson(const LoadReport& report) {
  const double seconds = absl::ToDoubleSeconds(report.elapsed);
  auto stats_json = [&](const std::string& name, const RpcStats& stats) {
    std::vector<std::string> errors;
    for (const auto& [code, count] : stats.errors) {
      errors.push_back(absl::StrFormat("\"%s\":%d", code, count));
    }
    return absl::StrFormat(
        "{\"rpc\":\"%s\",\"calls\":%d,\"ok\":%d,\"per_second\":%.1f,\"p50_ms\":%.3f,"
        "\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"errors\":{%s}}",
        name, stats.calls(), stats.ok, static_cast<double>(stats.calls()) / seconds,
        stats.QuantileMs(0.5), stats.QuantileMs(0.99), stats.QuantileMs(0.999),
        absl::StrJoin(errors, ","));
  };
  std::vector<std::string> rpcs;
  for (const auto& [rpc, stats] : report.rpcs) rpcs.push_back(stats_json(rpc, stats));
  std::vector<std::string> operations;
  for (int i = 0; i < kOperationCount; ++i) {
    operations.push_back(absl::StrFormat("\"%s\":%d", kOperationNames[i], report.operations[i]));
  }
  return absl::StrFormat(
      "{\"concurrency\":%d,\"seconds\":%.3f,\"mix\":\"%s\",\"operations\":{%s},\"rpcs\":[%s],"
      "\"all\":%s}",
      report.concurrency, seconds, MixToString(report.mix), absl::StrJoin(operations, ","),
      absl::StrJoin(rpcs, ","), stats_json("all", report.Overall()));
}

}  // namespace callmatch::load
