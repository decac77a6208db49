#include "matching/bench/pg_export.h"

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "matching/context.h"
#include "matching/time_model.h"

namespace callmatch::matching::bench {
namespace {

// A CSV field, always quoted (an unquoted empty field is COPY's NULL).
std::string Text(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// A PostgreSQL array literal of strings, each element quoted, as one CSV field.
std::string TextArray(const std::vector<std::string>& values) {
  std::string literal = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) literal.push_back(',');
    literal.push_back('"');
    for (char c : values[i]) {
      if (c == '"' || c == '\\') literal.push_back('\\');
      literal.push_back(c);
    }
    literal.push_back('"');
  }
  literal.push_back('}');
  return Text(literal);
}

// A PostgreSQL array literal of integers, as one CSV field.
template <typename Ints>
std::string IntArray(const Ints& values) {
  return Text(absl::StrCat("{", absl::StrJoin(values, ","), "}"));
}

// Weekly windows as a flat array {start1,end1,start2,end2,...}.
std::string Windows(const v1::WeeklySchedule& schedule) {
  std::vector<int64_t> flat;
  for (const v1::WeeklyWindow& w : schedule.windows()) {
    flat.push_back(w.start_minute());
    flat.push_back(w.end_minute());
  }
  return IntArray(flat);
}

std::string Day(absl::CivilDay day) { return FormatDay(day); }
// Empty (NULL) for an unset date.
std::string MaybeDay(const v1::Date& date) {
  const std::optional<absl::CivilDay> day = ToCivilDay(date);
  return day.has_value() ? FormatDay(*day) : "";
}
const char* Bool(bool b) { return b ? "t" : "f"; }

// One CSV file; rows are written with Row(...).
class CsvFile {
 public:
  CsvFile(absl::string_view dir, absl::string_view table)
      : path_(absl::StrCat(dir, "/", table, ".csv")), file_(std::fopen(path_.c_str(), "w")) {}
  ~CsvFile() {
    if (file_ != nullptr) std::fclose(file_);
  }
  CsvFile(const CsvFile&) = delete;
  CsvFile& operator=(const CsvFile&) = delete;

  template <typename... Fields>
  void Row(const Fields&... fields) {
    if (file_ == nullptr) return;
    const std::string line = absl::StrCat(absl::StrJoin({absl::StrCat(fields)...}, ","), "\n");
    if (std::fwrite(line.data(), 1, line.size(), file_) != line.size()) failed_ = true;
  }
  absl::Status Close() {
    if (file_ == nullptr) return absl::UnavailableError(absl::StrCat("cannot write ", path_));
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!closed || failed_) return absl::DataLossError(absl::StrCat("cannot write ", path_));
    return absl::OkStatus();
  }

 private:
  std::string path_;
  std::FILE* file_;
  bool failed_ = false;
};

}  // namespace

absl::Status ExportForPostgres(const Dataset& dataset, absl::string_view dir) {
  CsvFile company(dir, "company");
  CsvFile company_key(dir, "company_key");
  for (const auto& [name, c] : dataset.companies()) {
    company.Row(Text(name), Text(absl::AsciiStrToUpper(c.location().country_code())));
    for (const std::string& key : CompanyGroupKeys(dataset, c)) {
      company_key.Row(Text(name), Text(key));
    }
  }

  // Campaigns: raw fields only (the query derives as-of date, zone, windows, countries...).
  CsvFile campaign(dir, "campaign");
  for (const auto& [name, k] : dataset.campaigns()) {
    std::vector<std::string> languages;
    std::vector<int> levels;
    for (const v1::LanguageLevel& l : k.languages()) {
      languages.push_back(l.language());
      levels.push_back(l.level());
    }
    const v1::MissionTerms& terms = k.terms();
    campaign.Row(Text(name), Text(ClientOf(k)), static_cast<int>(k.state()),
                 static_cast<int>(k.kind()), TextArray({k.segments().begin(), k.segments().end()}),
                 TextArray(languages), IntArray(levels), IntArray(k.skills()),
                 TextArray({k.countries().begin(), k.countries().end()}),
                 Text(k.calling_windows().time_zone()), Windows(k.calling_windows()),
                 k.weekly_minutes_per_seat(), MaybeDay(k.start_date()), MaybeDay(k.end_date()),
                 terms.has_imposed_schedule() ? Bool(terms.imposed_schedule()) : "",
                 k.min_validated_rate_permille(), k.min_quality_observations());
  }

  CsvFile teleoperator(dir, "teleoperator");
  CsvFile language(dir, "teleoperator_language");
  CsvFile sector(dir, "teleoperator_sector");
  CsvFile employment(dir, "employment");
  CsvFile employment_key(dir, "employment_key");
  CsvFile employer_segment(dir, "employer_segment");
  CsvFile non_compete_segment(dir, "non_compete_segment");
  CsvFile contract(dir, "contract");
  CsvFile contract_key(dir, "contract_key");
  CsvFile contract_segment(dir, "contract_segment");
  CsvFile contract_week(dir, "contract_week");
  CsvFile revenue(dir, "revenue");
  int64_t id = 0;
  for (const auto& [name, data] : dataset.teleoperators()) {
    ++id;
    const TeleoperatorFacts f = MakeTeleoperatorFacts(dataset, data);
    const v1::Teleoperator& p = data.profile;
    const v1::Registration& r = p.registration();
    teleoperator.Row(id, Text(name), Text(absl::AsciiStrToUpper(p.establishment().country_code())),
                     Bool(r.status() == v1::REGISTRATION_STATUS_VERIFIED),
                     MaybeDay(r.verify_date()), Bool(f.registration_number_status.ok()),
                     Text(p.availability().time_zone()), Bool(f.zone_status.ok()),
                     Bool(f.availability_status.ok()), Windows(p.availability()),
                     IntArray(p.skills()), f.logs.appointments_set, f.logs.appointments_validated);
    // The highest level listed per language, compared without case (LevelIn); a language listed
    // at UNSPECIFIED has a row at 0.
    std::vector<std::pair<std::string, int>> best;
    for (const v1::LanguageLevel& l : p.languages()) {
      const std::string lang = absl::AsciiStrToLower(l.language());
      auto it =
          std::find_if(best.begin(), best.end(), [&](const auto& b) { return b.first == lang; });
      if (it == best.end()) {
        best.emplace_back(lang, l.level());
      } else if (l.level() > it->second) {
        it->second = l.level();
      }
    }
    for (const auto& [lang, level] : best) language.Row(id, Text(lang), level);
    for (const std::string& code : p.sector_experience()) sector.Row(id, Text(code));

    for (size_t i = 0; i < f.employments.size(); ++i) {
      const EmploymentFacts& e = f.employments[i];
      const v1::Employment& emp = *e.employment;
      const bool nc = emp.has_non_compete();
      const absl::CivilDay nc_end =
          nc ? ToCivilDay(emp.non_compete().end_date()).value_or(kFarFuture) : kFarFuture;
      const std::string& zone = emp.schedule().time_zone().empty() ? p.availability().time_zone()
                                                                   : emp.schedule().time_zone();
      employment.Row(id, i, Day(e.period.first), Day(e.period.last), Bool(emp.exclusivity_clause()),
                     Bool(emp.employer_authorisation()), Bool(nc), Day(nc_end),
                     Bool(e.schedule_status.ok()), Text(zone), Windows(emp.schedule()),
                     e.nominal_week_minutes);
      for (const std::string& key : e.employer.group_keys) employment_key.Row(id, i, Text(key));
      for (const std::string& code : e.employer.segments) employer_segment.Row(id, i, Text(code));
      if (nc) {
        for (const std::string& code : emp.non_compete().segments()) {
          non_compete_segment.Row(id, i, Text(code));
        }
      }
    }

    for (size_t i = 0; i < f.contracts.size(); ++i) {
      const ContractFacts& k = f.contracts[i];
      const v1::Contract& c = k.data->contract;
      const bool known = k.campaign != nullptr;
      contract.Row(id, i, Text(c.campaign()), Bool(known), Text(k.client_name), Bool(k.holds_time),
                   Day(k.period.first), Day(k.period.last), Bool(k.period.first != kFarPast),
                   k.accepted.has_value() ? Day(*k.accepted) : std::string(), Bool(k.imposed),
                   Bool(known && k.schedule_status.ok()),
                   Text(known ? k.campaign->calling_windows().time_zone() : ""),
                   Windows(known ? k.campaign->calling_windows() : v1::WeeklySchedule()),
                   k.nominal_week_minutes);
      for (const std::string& key : k.client_group_keys) contract_key.Row(id, i, Text(key));
      if (known) {
        for (const std::string& code : k.campaign->segments()) {
          contract_segment.Row(id, i, Text(code));
        }
      }
      for (const auto& [monday, minutes] : k.minutes_by_week) {
        contract_week.Row(id, i, Day(monday), minutes);
      }
    }
    for (const LogTotals::Revenue& rv : f.logs.revenue) {
      revenue.Row(id, Day(FromDayNumber(rv.day)), Text(f.contracts[rv.contract].client_name),
                  rv.minor_units);
    }
  }

  for (CsvFile* file : {&company, &company_key, &campaign, &teleoperator, &language, &sector,
                        &employment, &employment_key, &employer_segment, &non_compete_segment,
                        &contract, &contract_key, &contract_segment, &contract_week, &revenue}) {
    if (absl::Status s = file->Close(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace callmatch::matching::bench
