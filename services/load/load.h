// The load generator's work: a closed loop of gRPC calls against a running platform. `concurrency`
// threads each make one call at a time and start the next when it returns, for `duration`; each
// call is drawn from a mix of operations over a seeded dataset (docs/load.md):
//
//   match    MatchCampaign as the campaign's client, top_k 50, over every open campaign of the
//            dataset (so the whole selectivity range)
//   explain  ExplainEligibility as an operator, a random open campaign and teleoperator
//   score    ScoreTerms as a client: a campaign's terms, its client's and a teleoperator's places
//   update   GetTeleoperator then UpdateTeleoperator (FieldMask "availability", the version read)
//            as an operator, again from the read when ABORTED (a concurrent update)
//
// The report gives, per RPC and overall, calls, throughput, p50/p99/p999 latency and errors by
// code.
#ifndef CALLMATCH_SERVICES_LOAD_LOAD_H_
#define CALLMATCH_SERVICES_LOAD_LOAD_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/load/api_client.h"

namespace callmatch::load {

enum Operation { kMatch = 0, kExplain, kScore, kUpdate, kOperationCount };

// Relative weights of the operations, e.g. "match=70,explain=10,score=10,update=10" (the
// default). Weights are integers >= 0 with a positive sum; an operation left out weighs 0.
struct Mix {
  std::array<int, kOperationCount> weights = {70, 10, 10, 10};
};
absl::StatusOr<Mix> ParseMix(absl::string_view text);
std::string MixToString(const Mix& mix);

struct LoadOptions {
  // The dataset the platform was seeded with (callmatch-seed --dir).
  std::string dir;
  std::string operator_secret;
  // The credentials callmatch-seed issued (its --secrets): each client's for its campaigns.
  std::string secrets_file;
  int concurrency = 16;
  absl::Duration duration = absl::Seconds(30);
  Mix mix;
  int top_k = 50;
  uint64_t seed = 1;
};

// What one RPC got.
struct RpcStats {
  int64_t ok = 0;
  // Failed calls by canonical code name ("ABORTED").
  std::map<std::string, int64_t> errors;
  // Every call's latency (failed ones included), in microseconds.
  std::vector<int64_t> latencies_us;

  int64_t calls() const { return static_cast<int64_t>(latencies_us.size()); }
  void Merge(const RpcStats& other);
  // The q-quantile of the latencies (0 < q <= 1), nearest rank; 0 when there are none.
  double QuantileMs(double q) const;
};

struct LoadReport {
  int concurrency = 0;
  absl::Duration elapsed;
  Mix mix;
  // By RPC name ("MatchCampaign").
  std::map<std::string, RpcStats> rpcs;
  std::array<int64_t, kOperationCount> operations = {};

  RpcStats Overall() const;
};

absl::StatusOr<LoadReport> RunLoad(ApiClient& api, const LoadOptions& options);

// The report as a table for people, and as one JSON object for scripts and tests.
std::string FormatTable(const LoadReport& report);
std::string FormatJson(const LoadReport& report);

}  // namespace callmatch::load

#endif  // CALLMATCH_SERVICES_LOAD_LOAD_H_
