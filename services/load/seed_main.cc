// callmatch-seed: loads a generated dataset into a running platform through its gRPC API.
//
//   callmatch-generate --out=/tmp/data --teleoperators=20000
//   callmatch-seed --dir=/tmp/data --credential_file=var/operator.credential --concurrency=32
//
// Idempotent: every write carries a request_id derived from its record, so a second run replays
// the first. The credentials it issues (one per client company, and per teleoperator with
// contracts) are kept in --secrets for the next run and for callmatch-load. docs/load.md.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/cli/rpc.h"
#include "services/common/config.h"
#include "services/load/api_client.h"
#include "services/load/seed.h"

ABSL_FLAG(std::string, dir, "", "Dataset directory written by callmatch-generate (required)");
ABSL_FLAG(std::vector<std::string>, target, {},
          "Where the services are: HOST:PORT for all, or SERVICE=HOST:PORT, comma-separated; "
          "default CALLMATCH_<SERVICE>_ADDR or the local stack's ports");
ABSL_FLAG(std::string, credential_file, callmatch::EnvOr("CALLMATCH_CREDENTIAL_FILE", ""),
          "File holding the operator's bearer credential [CALLMATCH_CREDENTIAL_FILE]; "
          "CALLMATCH_CREDENTIAL holds it directly");
ABSL_FLAG(std::string, secrets, "",
          "File of the credentials issued for clients and teleoperators (read, then appended "
          "to; mode 0600); default <dir>/credentials.jsonl");
ABSL_FLAG(std::string, tls_ca, callmatch::EnvOr("CALLMATCH_TLS_CA", ""),
          "PEM root certificate: speak TLS and trust it [CALLMATCH_TLS_CA]");
ABSL_FLAG(int, concurrency, 32, "Calls in flight at once");
ABSL_FLAG(bool, contracts, false,
          "Also load contracts through ContractService (off until that service is served)");
ABSL_FLAG(bool, activity_logs, false, "With --contracts, also log each contract's days");
ABSL_FLAG(int, logs_per_contract, 0,
          "With --activity_logs, log only the first N days of each contract; 0: every day");
ABSL_FLAG(int, matching_wait_s, 600,
          "Seconds to wait at the end for the matching service to apply every write; 0: none");
ABSL_FLAG(bool, quiet, false, "No progress lines");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "callmatch-seed --dir=DIR [--target=...] [--credential_file=FILE] [--concurrency=N]\n"
      "Loads a callmatch-generate dataset into a running platform through its gRPC API.");
  absl::ParseCommandLine(argc, argv);
  callmatch::load::SeedOptions options;
  options.dir = absl::GetFlag(FLAGS_dir);
  absl::StatusOr<callmatch::load::ToolAccess> access = callmatch::load::ResolveToolAccess(
      options.dir, absl::GetFlag(FLAGS_credential_file), absl::GetFlag(FLAGS_secrets));
  if (!access.ok()) {
    std::cerr << "callmatch-seed: " << access.status().message() << std::endl;
    return 2;
  }
  options.operator_secret = access->operator_secret;
  options.secrets_file = access->secrets_file;
  options.concurrency = std::max(1, absl::GetFlag(FLAGS_concurrency));
  options.contracts = absl::GetFlag(FLAGS_contracts);
  options.activity_logs = absl::GetFlag(FLAGS_activity_logs);
  options.logs_per_contract = std::max(0, absl::GetFlag(FLAGS_logs_per_contract));
  options.matching_wait = absl::Seconds(absl::GetFlag(FLAGS_matching_wait_s));
  options.progress = !absl::GetFlag(FLAGS_quiet);

  auto api =
      callmatch::load::ApiClient::Connect(absl::GetFlag(FLAGS_target), absl::GetFlag(FLAGS_tls_ca),
                                          std::max(1, std::min(options.concurrency / 8, 8)));
  if (!api.ok()) {
    std::cerr << "callmatch-seed: " << api.status() << std::endl;
    return 2;
  }
  absl::StatusOr<callmatch::load::SeedReport> report = callmatch::load::Seed(**api, options);
  if (!report.ok()) {
    std::cerr << "callmatch-seed: " << report.status() << std::endl;
    return 1;
  }
  // One JSON object: the counts, and per risk band the contracts and an example (deploy/stack.sh
  // prints a risky one).
  std::vector<std::string> bands;
  for (const auto& [band, count] : report->contracts_by_band) {
    bands.push_back(absl::StrFormat("\"%s\":{\"contracts\":%d,\"example\":\"%s\"}",
                                    callmatch::v1::RiskBand_Name(band), count,
                                    report->contract_example.at(band)));
  }
  std::printf("%s\n",
              absl::StrFormat("{\"companies\":%d,\"campaigns\":%d,\"teleoperators\":%d,"
                              "\"employments\":%d,\"credentials_issued\":%d,\"contracts\":%d,"
                              "\"activity_logs\":%d,\"bands\":{%s},\"seconds\":%.1f}",
                              report->companies, report->campaigns, report->teleoperators,
                              report->employments, report->credentials_issued, report->contracts,
                              report->activity_logs, absl::StrJoin(bands, ","),
                              absl::ToDoubleSeconds(report->elapsed))
                  .c_str());
  for (const auto& [what, count] : report->contract_failures) {
    std::fprintf(stderr, "callmatch-seed: %lld contracts refused at %s\n",
                 static_cast<long long>(count), what.c_str());
  }
  return 0;
}
