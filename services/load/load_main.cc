// callmatch-load: a closed-loop load generator against a running platform seeded by
// callmatch-seed. docs/load.md.
//
//   callmatch-load --dir=/tmp/data --credential_file=var/operator.credential --concurrency=16
//       --duration=30s [--mix=match=70,explain=10,score=10,update=10] [--json]
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/time.h"
#include "services/cli/rpc.h"
#include "services/common/config.h"
#include "services/load/api_client.h"
#include "services/load/load.h"

ABSL_FLAG(std::string, dir, "", "Dataset directory the platform was seeded from (required)");
ABSL_FLAG(std::vector<std::string>, target, {},
          "Where the services are: HOST:PORT for all, or SERVICE=HOST:PORT, comma-separated; "
          "default CALLMATCH_<SERVICE>_ADDR or the local stack's ports");
ABSL_FLAG(std::string, credential_file, callmatch::EnvOr("CALLMATCH_CREDENTIAL_FILE", ""),
          "File holding the operator's bearer credential [CALLMATCH_CREDENTIAL_FILE]; "
          "CALLMATCH_CREDENTIAL holds it directly");
ABSL_FLAG(std::string, secrets, "",
          "The credentials callmatch-seed issued (its --secrets); default <dir>/credentials.jsonl");
ABSL_FLAG(std::string, tls_ca, callmatch::EnvOr("CALLMATCH_TLS_CA", ""),
          "PEM root certificate: speak TLS and trust it [CALLMATCH_TLS_CA]");
ABSL_FLAG(int, concurrency, 16, "Calls in flight at once (one thread each)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(30), "How long to run, e.g. 30s");
ABSL_FLAG(std::string, mix, "match=70,explain=10,score=10,update=10",
          "Weights of the operations: match, explain, score, update");
ABSL_FLAG(int, top_k, 50, "top_k of MatchCampaign");
ABSL_FLAG(int, channels, 0, "Connections per service; 0: one per 8 concurrent calls, at most 8");
ABSL_FLAG(uint64_t, seed, 1, "Seed of the random draws");
ABSL_FLAG(bool, json, false, "Print the report as one JSON object instead of a table");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "callmatch-load --dir=DIR [--concurrency=16] [--duration=30s] [--mix=...] [--json]\n"
      "Closed-loop load against a running platform seeded with callmatch-seed.");
  absl::ParseCommandLine(argc, argv);
  callmatch::load::LoadOptions options;
  options.dir = absl::GetFlag(FLAGS_dir);
  absl::StatusOr<callmatch::load::ToolAccess> access = callmatch::load::ResolveToolAccess(
      options.dir, absl::GetFlag(FLAGS_credential_file), absl::GetFlag(FLAGS_secrets));
  if (!access.ok()) {
    std::cerr << "callmatch-load: " << access.status().message() << std::endl;
    return 2;
  }
  options.operator_secret = access->operator_secret;
  options.secrets_file = access->secrets_file;
  options.concurrency = std::max(1, absl::GetFlag(FLAGS_concurrency));
  options.duration = absl::GetFlag(FLAGS_duration);
  options.top_k = absl::GetFlag(FLAGS_top_k);
  options.seed = absl::GetFlag(FLAGS_seed);
  absl::StatusOr<callmatch::load::Mix> mix = callmatch::load::ParseMix(absl::GetFlag(FLAGS_mix));
  if (!mix.ok()) {
    std::cerr << "callmatch-load: " << mix.status().message() << std::endl;
    return 2;
  }
  options.mix = *mix;

  int channels = absl::GetFlag(FLAGS_channels);
  if (channels <= 0) channels = std::clamp((options.concurrency + 7) / 8, 1, 8);
  auto api = callmatch::load::ApiClient::Connect(absl::GetFlag(FLAGS_target),
                                                 absl::GetFlag(FLAGS_tls_ca), channels);
  if (!api.ok()) {
    std::cerr << "callmatch-load: " << api.status() << std::endl;
    return 2;
  }
  absl::StatusOr<callmatch::load::LoadReport> report = callmatch::load::RunLoad(**api, options);
  if (!report.ok()) {
    std::cerr << "callmatch-load: " << report.status() << std::endl;
    return 1;
  }
  if (absl::GetFlag(FLAGS_json)) {
    std::cout << callmatch::load::FormatJson(*report) << std::endl;
  } else {
    std::cout << callmatch::load::FormatTable(*report);
  }
  return 0;
}
