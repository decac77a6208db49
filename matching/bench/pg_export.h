// The PostgreSQL side's input (deploy/bench/schema.sql): per-teleoperator and per-company columns
// that do not depend on any campaign, as CSV files for COPY. They are what an index precomputes
// per update (MakeTeleoperatorFacts, CompanyGroupKeys): employers and clients resolved to their
// group keys, zones and windows checked, log aggregates summed. Campaigns are exported as their
// raw fields: everything that depends on the campaign is computed by the SQL query.
#ifndef CALLMATCH_MATCHING_BENCH_PG_EXPORT_H_
#define CALLMATCH_MATCHING_BENCH_PG_EXPORT_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "matching/dataset.h"

namespace callmatch::matching::bench {

// Writes one CSV file per table of deploy/bench/schema.sql into `dir` (which must exist).
absl::Status ExportForPostgres(const Dataset& dataset, absl::string_view dir);

}  // namespace callmatch::matching::bench

#endif  // CALLMATCH_MATCHING_BENCH_PG_EXPORT_H_
