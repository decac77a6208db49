#include "scoring/rulebook.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/io/tokenizer.h"

namespace callmatch::scoring {
namespace {

namespace pb = google::protobuf;
using Tree = pb::TextFormat::ParseInfoTree;

// Finds the line of a field in the parsed text, for errors: a Where is one message of the file.
class Where {
 public:
  Where(absl::string_view file, const Tree* tree, int line)
      : file_(file), tree_(tree), line_(line) {}

  // The line of `field` of `msg` (index for a repeated field), or of msg itself when the field
  // was not written.
  int Line(const pb::Message& msg, absl::string_view field, int index = 0) const {
    const pb::FieldDescriptor* fd = Field(msg, field);
    if (tree_ != nullptr && fd != nullptr) {
      pb::TextFormat::ParseLocation loc = tree_->GetLocation(fd, fd->is_repeated() ? index : -1);
      if (loc.line >= 0) return loc.line + 1;
    }
    return line_;
  }
  // The nested message at `field` (index for a repeated field).
  Where Nested(const pb::Message& msg, absl::string_view field, int index = 0) const {
    const pb::FieldDescriptor* fd = Field(msg, field);
    const Tree* sub = nullptr;
    if (tree_ != nullptr && fd != nullptr) {
      sub = tree_->GetTreeForNested(fd, fd->is_repeated() ? index : -1);
    }
    return Where(file_, sub, Line(msg, field, index));
  }
  absl::Status Error(const pb::Message& msg, absl::string_view field, absl::string_view reason,
                     int index = 0) const {
    return ErrorAt(Line(msg, field, index), reason);
  }
  absl::Status ErrorAt(int line, absl::string_view reason) const {
    return absl::InvalidArgumentError(absl::StrCat(file_, ":", line, ": ", reason));
  }
  int line() const { return line_; }

 private:
  static const pb::FieldDescriptor* Field(const pb::Message& msg, absl::string_view field) {
    return msg.GetDescriptor()->FindFieldByName(std::string(field));
  }

  absl::string_view file_;
  const Tree* tree_;
  int line_;
};

// Keeps the first syntax error of a file.
class FirstError : public pb::io::ErrorCollector {
 public:
  explicit FirstError(absl::string_view file) : file_(file) {}
  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    if (error_.empty()) {
      error_ = absl::StrCat(file_, ":", line + 1, ": ", message, " (column ", column + 1, ")");
    }
  }
  void AddWarning(int, pb::io::ColumnNumber, const std::string&) override {}
  const std::string& error() const { return error_; }

 private:
  std::string file_;
  std::string error_;
};

bool IsIdChar(char c, bool allow_dash, bool allow_underscore) {
  return absl::ascii_islower(c) || absl::ascii_isdigit(c) || (allow_dash && c == '-') ||
         (allow_underscore && c == '_');
}

bool IsId(absl::string_view s, bool allow_dash, bool allow_underscore) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsIdChar(c, allow_dash, allow_underscore)) return false;
  }
  return true;
}

// "FR", "US-CA", "EU".
bool IsJurisdiction(absl::string_view s) {
  if (s.size() < 2 || !absl::ascii_isupper(s[0]) || !absl::ascii_isupper(s[1])) return false;
  if (s.size() == 2) return true;
  if (s[2] != '-' || s.size() < 4 || s.size() > 6) return false;
  for (char c : s.substr(3)) {
    if (!absl::ascii_isupper(c) && !absl::ascii_isdigit(c)) return false;
  }
  return true;
}

// "YYYY-MM-DD" as year * 10000 + month * 100 + day; 0 when malformed.
int32_t ParseDate(absl::string_view s) {
  std::vector<absl::string_view> parts = absl::StrSplit(s, '-');
  int y = 0, m = 0, d = 0;
  if (parts.size() != 3 || parts[0].size() != 4 || parts[1].size() != 2 || parts[2].size() != 2 ||
      !absl::SimpleAtoi(parts[0], &y) || !absl::SimpleAtoi(parts[1], &m) ||
      !absl::SimpleAtoi(parts[2], &d) || y < 1 || m < 1 || m > 12 || d < 1 || d > 31) {
    return 0;
  }
  return y * 10000 + m * 100 + d;
}

std::string Quote(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

}  // namespace

absl::StatusOr<std::unique_ptr<const CompiledRulebook>> CompiledRulebook::Compile(
    Rulebook spec, absl::string_view file, const Tree* tree) {
  std::unique_ptr<CompiledRulebook> rb(new CompiledRulebook());
  rb->spec_ = std::move(spec);
  rb->file_ = std::string(file);
  const Rulebook& s = rb->spec_;
  const Where top(rb->file_, tree, 1);

  // Identity.
  if (!IsId(s.id(), /*allow_dash=*/true, /*allow_underscore=*/false)) {
    return top.Error(s, "id", "id must be lower case letters, digits and dashes");
  }
  if (s.version().empty()) return top.Error(s, "version", "version is missing");
  if (s.title().empty()) return top.Error(s, "title", "title is missing");
  if (s.jurisdictions().empty()) {
    return top.Error(s, "jurisdictions", "jurisdictions is missing");
  }
  for (int i = 0; i < s.jurisdictions_size(); ++i) {
    if (!IsJurisdiction(s.jurisdictions(i))) {
      return top.Error(s, "jurisdictions",
                       absl::StrCat("jurisdiction ", Quote(s.jurisdictions(i)),
                                    " is not an ISO 3166 code (\"FR\", \"US-CA\") nor \"EU\""),
                       i);
    }
  }
  if (!s.effective_date().empty()) {
    rb->effective_date_ = ParseDate(s.effective_date());
    if (rb->effective_date_ == 0) {
      return top.Error(s, "effective_date", "effective_date must be YYYY-MM-DD");
    }
  }

  // Bands.
  const Where bands = top.Nested(s, "bands");
  rb->medium_from_ = s.bands().medium_from();
  rb->high_from_ = s.bands().high_from();
  rb->critical_from_ = s.bands().critical_from();
  if (!(0 < rb->medium_from_ && rb->medium_from_ < rb->high_from_ &&
        rb->high_from_ < rb->critical_from_ && rb->critical_from_ <= 100)) {
    return bands.ErrorAt(bands.line(),
                         "bands must satisfy 0 < medium_from < high_from < critical_from <= 100");
  }

  // Outcomes.
  std::map<std::string, int> outcome_index;
  if (s.outcomes().empty()) return top.Error(s, "outcomes", "outcomes are missing");
  for (int i = 0; i < s.outcomes_size(); ++i) {
    const Outcome& o = s.outcomes(i);
    const Where w = top.Nested(s, "outcomes", i);
    if (o.name().empty()) return w.Error(o, "name", "outcome has no name");
    if (!outcome_index.emplace(o.name(), i).second) {
      return w.Error(o, "name", absl::StrCat("outcome ", Quote(o.name()), " is defined twice"));
    }
    if (!o.has_score()) {
      return w.ErrorAt(w.line(), absl::StrCat("outcome ", Quote(o.name()), " has no score"));
    }
    if (o.score() < 0 || o.score() > 100) {
      return w.Error(o, "score",
                     absl::StrCat("outcome ", Quote(o.name()), " has a score outside 0..100"));
    }
    rb->outcome_score_.push_back(o.score());
    rb->outcome_from_.push_back(o.from());
  }
  auto find_outcome = [&](absl::string_view name) -> int {
    auto it = outcome_index.find(std::string(name));
    return it == outcome_index.end() ? -1 : it->second;
  };

  // Remediations.
  std::map<std::string, int> remediation_index;
  if (s.remediations_size() > kMaxRemediations) {
    return top.Error(s, "remediations",
                     absl::StrCat("more than ", kMaxRemediations, " remediations"),
                     kMaxRemediations);
  }
  for (int i = 0; i < s.remediations_size(); ++i) {
    const Remediation& r = s.remediations(i);
    const Where w = top.Nested(s, "remediations", i);
    if (!IsId(r.id(), /*allow_dash=*/false, /*allow_underscore=*/true)) {
      return w.Error(r, "id", "remediation id must be lower case letters, digits and underscores");
    }
    if (!remediation_index.emplace(r.id(), i).second) {
      return w.Error(r, "id", absl::StrCat("remediation ", Quote(r.id()), " is defined twice"));
    }
    if (r.description_en().empty() || r.description_fr().empty()) {
      return w.ErrorAt(w.line(), absl::StrCat("remediation ", Quote(r.id()),
                                              " needs description_en and description_fr"));
    }
    if (r.changes().empty() || r.changes_size() > kMaxChanges) {
      return w.ErrorAt(w.line(), absl::StrCat("remediation ", Quote(r.id()), " needs 1 to ",
                                              kMaxChanges, " changes"));
    }
    CompiledRemediation cr;
    cr.id = r.id();
    cr.description_en = r.description_en();
    cr.description_fr = r.description_fr();
    cr.line = w.line();
    FeatureMask seen = 0;
    for (int j = 0; j < r.changes_size(); ++j) {
      const Change& c = r.changes(j);
      const Where cw = w.Nested(r, "changes", j);
      const FeatureInfo* f = FindFeature(c.feature());
      if (f == nullptr) {
        return cw.Error(c, "feature", absl::StrCat("unknown feature ", Quote(c.feature())));
      }
      if (seen & Bit(f->feature)) {
        return cw.Error(
            c, "feature",
            absl::StrCat("feature ", Quote(c.feature()), " is changed twice by one remediation"));
      }
      seen |= Bit(f->feature);
      int32_t value = 0;
      switch (c.value_case()) {
        case Change::kIs:
          if (f->kind != FeatureKind::kYesNo) {
            return cw.Error(c, "is", absl::StrCat(Quote(f->name), " is not a yes/no feature"));
          }
          value = c.is() ? 1 : 0;
          break;
        case Change::kLevel: {
          if (f->kind != FeatureKind::kLevel) {
            return cw.Error(c, "level", absl::StrCat(Quote(f->name), " has no levels"));
          }
          auto it = std::find(f->levels.begin(), f->levels.end(), c.level());
          if (it == f->levels.end()) {
            return cw.Error(c, "level",
                            absl::StrCat(Quote(f->name), " has no level ", Quote(c.level()),
                                         "; its levels are ", absl::StrJoin(f->levels, ", ")));
          }
          value = static_cast<int32_t>(it - f->levels.begin());
          break;
        }
        case Change::kNumber:
          if (f->kind != FeatureKind::kNumber) {
            return cw.Error(c, "number", absl::StrCat(Quote(f->name), " is not a number"));
          }
          if (c.number() < f->min || c.number() > f->max) {
            return cw.Error(c, "number",
                            absl::StrCat(Quote(f->name), " runs from ", f->min, " to ", f->max));
          }
          value = c.number();
          break;
        case Change::VALUE_NOT_SET:
          return cw.ErrorAt(cw.line(), "change has no value (is, level or number)");
      }
      cr.changes[cr.change_count++] = {f->feature, value};
    }
    rb->remediations_.push_back(std::move(cr));
  }

  // Combination mode first: it decides which group fields apply.
  const Combination& comb = s.combination();
  const Where cw = top.Nested(s, "combination");
  rb->mode_ = comb.mode();
  if (rb->mode_ == Combination::MODE_UNSPECIFIED) {
    return cw.ErrorAt(cw.line(), "combination.mode is missing");
  }
  const bool uses_decisive =
      rb->mode_ == Combination::ANY_FAILS || rb->mode_ == Combination::AT_LEAST_N;

  // Groups and indicators.
  if (s.groups().empty()) return top.Error(s, "groups", "groups are missing");
  if (s.groups_size() > kMaxGroups) {
    return top.Error(s, "groups", absl::StrCat("more than ", kMaxGroups, " groups"), kMaxGroups);
  }
  rb->group_count_ = s.groups_size();
  std::map<std::string, int> group_index;
  std::set<std::string> indicator_ids;
  for (int g = 0; g < s.groups_size(); ++g) {
    const Group& grp = s.groups(g);
    const Where gw = top.Nested(s, "groups", g);
    if (!IsId(grp.id(), /*allow_dash=*/false, /*allow_underscore=*/true)) {
      return gw.Error(grp, "id", "group id must be lower case letters, digits and underscores");
    }
    if (!group_index.emplace(grp.id(), g).second) {
      return gw.Error(grp, "id", absl::StrCat("group ", Quote(grp.id()), " is defined twice"));
    }
    if (grp.decisive_from() < 0) {
      return gw.Error(grp, "decisive_from", "decisive_from must be at least 1");
    }
    if (grp.decisive_from() != 0 && !uses_decisive) {
      return gw.Error(grp, "decisive_from", "decisive_from is for ANY_FAILS and AT_LEAST_N only");
    }
    rb->decisive_from_[g] = grp.decisive_from() == 0 ? 1 : grp.decisive_from();
    if (rb->mode_ == Combination::ANY_FAILS) {
      rb->fail_outcome_[g] = find_outcome(grp.outcome());
      if (rb->fail_outcome_[g] < 0) {
        return gw.Error(grp, "outcome",
                        absl::StrCat("group ", Quote(grp.id()), " fails to unknown outcome ",
                                     Quote(grp.outcome())));
      }
    } else if (!grp.outcome().empty()) {
      return gw.Error(grp, "outcome", "a group's outcome is for ANY_FAILS only");
    }
    if (rb->mode_ == Combination::TABLE) {
      if (grp.levels().empty()) {
        return gw.ErrorAt(gw.line(), absl::StrCat("group ", Quote(grp.id()), " has no levels"));
      }
      std::set<std::string> names;
      for (int l = 0; l < grp.levels_size(); ++l) {
        const Level& lv = grp.levels(l);
        const Where lw = gw.Nested(grp, "levels", l);
        if (lv.name().empty() || !names.insert(lv.name()).second) {
          return lw.Error(lv, "name", "level names must be present and distinct");
        }
        const int32_t expected_min = l == 0 ? 0 : grp.levels(l - 1).from_points() + 1;
        if ((l == 0 && lv.from_points() != 0) || lv.from_points() < expected_min) {
          return lw.Error(lv, "from_points",
                          "levels start at 0 points and rise strictly, lowest first");
        }
        rb->level_from_[g].push_back(lv.from_points());
      }
    } else if (!grp.levels().empty()) {
      return gw.Error(grp, "levels", "levels are for TABLE only");
    }
    if (grp.indicators().empty()) {
      return gw.ErrorAt(gw.line(), absl::StrCat("group ", Quote(grp.id()), " has no indicators"));
    }
    for (int i = 0; i < grp.indicators_size(); ++i) {
      const Indicator& ind = grp.indicators(i);
      const Where iw = gw.Nested(grp, "indicators", i);
      if (rb->indicators_.size() >= static_cast<size_t>(kMaxIndicators)) {
        return iw.ErrorAt(iw.line(), absl::StrCat("more than ", kMaxIndicators, " indicators"));
      }
      if (ind.id().empty() || !indicator_ids.insert(ind.id()).second) {
        return iw.Error(
            ind, "id", absl::StrCat("indicator id ", Quote(ind.id()), " is missing or not unique"));
      }
      if (ind.weight() < 1) {
        return iw.Error(
            ind, "weight",
            absl::StrCat("indicator ", Quote(ind.id()), " needs a weight of 1 or more"));
      }
      if (ind.legal_reference().empty() || ind.explanation_en().empty() ||
          ind.explanation_fr().empty()) {
        return iw.ErrorAt(
            iw.line(), absl::StrCat("indicator ", Quote(ind.id()),
                                    " needs legal_reference, explanation_en and explanation_fr"));
      }
      if (ind.all_size() > kMaxConditions || ind.any_size() > kMaxConditions) {
        return iw.ErrorAt(iw.line(), absl::StrCat("indicator ", Quote(ind.id()), " has more than ",
                                                  kMaxConditions, " conditions in all or any"));
      }
      if (ind.all().empty() && ind.any().empty()) {
        return iw.ErrorAt(iw.line(),
                          absl::StrCat("indicator ", Quote(ind.id()), " tests no feature"));
      }
      Ind compiled{};
      compiled.first = static_cast<uint16_t>(rb->conditions_.size());
      compiled.all_count = static_cast<uint8_t>(ind.all_size());
      compiled.any_count = static_cast<uint8_t>(ind.any_size());
      compiled.group = static_cast<uint8_t>(g);
      compiled.weight = ind.weight();
      compiled.remediation = -1;
      if (!ind.remediation().empty()) {
        auto it = remediation_index.find(ind.remediation());
        if (it == remediation_index.end()) {
          return iw.Error(ind, "remediation",
                          absl::StrCat("unknown remediation ", Quote(ind.remediation())));
        }
        compiled.remediation = static_cast<int8_t>(it->second);
      }
      for (absl::string_view list : {"all", "any"}) {
        const auto& conds = list == "all" ? ind.all() : ind.any();
        for (int k = 0; k < conds.size(); ++k) {
          const Condition& c = conds[k];
          const Where kw = iw.Nested(ind, list, k);
          const FeatureInfo* f = FindFeature(c.feature());
          if (f == nullptr) {
            return kw.Error(c, "feature", absl::StrCat("unknown feature ", Quote(c.feature())));
          }
          Cond cc{f->feature, f->min, f->max};
          const std::string less_risky =
              absl::StrCat(" holds on the less risky side of ", Quote(f->name),
                           " (a test must hold on the riskier side)");
          switch (c.test_case()) {
            case Condition::kIs: {
              if (f->kind != FeatureKind::kYesNo) {
                return kw.Error(c, "is", absl::StrCat(Quote(f->name), " is not a yes/no feature"));
              }
              if (c.is() != f->riskier_when_higher) {
                return kw.Error(c, "is",
                                absl::StrCat("is: ", c.is() ? "true" : "false", less_risky));
              }
              cc.lo = cc.hi = c.is() ? 1 : 0;
              break;
            }
            case Condition::kLevelAtLeast: {
              if (f->kind != FeatureKind::kLevel) {
                return kw.Error(c, "level_at_least",
                                absl::StrCat(Quote(f->name), " has no levels"));
              }
              auto it = std::find(f->levels.begin(), f->levels.end(), c.level_at_least());
              if (it == f->levels.end()) {
                return kw.Error(
                    c, "level_at_least",
                    absl::StrCat(Quote(f->name), " has no level ", Quote(c.level_at_least()),
                                 "; its levels are ", absl::StrJoin(f->levels, ", ")));
              }
              cc.lo = static_cast<int32_t>(it - f->levels.begin());
              break;
            }
            case Condition::kAtLeast:
            case Condition::kAtMost: {
              const bool at_least = c.test_case() == Condition::kAtLeast;
              const absl::string_view field = at_least ? "at_least" : "at_most";
              const int32_t n = at_least ? c.at_least() : c.at_most();
              if (f->kind != FeatureKind::kNumber) {
                return kw.Error(c, field, absl::StrCat(Quote(f->name), " is not a number"));
              }
              if (at_least != f->riskier_when_higher) {
                return kw.Error(c, field, absl::StrCat(field, less_risky));
              }
              if (n < f->min || n > f->max) {
                return kw.Error(
                    c, field, absl::StrCat(Quote(f->name), " runs from ", f->min, " to ", f->max));
              }
              (at_least ? cc.lo : cc.hi) = n;
              break;
            }
            case Condition::TEST_NOT_SET:
              return kw.ErrorAt(kw.line(),
                                absl::StrCat("condition on ", Quote(f->name), " has no test"));
          }
          rb->conditions_.push_back(cc);
          compiled.features |= Bit(f->feature);
        }
      }
      rb->features_ |= compiled.features;
      rb->indicators_.push_back(compiled);
      rb->indicator_specs_.push_back(&ind);
    }
  }

  // The combination's own checks.
  const int outcome_count = s.outcomes_size();
  auto check_from_order = [&](absl::string_view what) -> absl::Status {
    for (int i = 0; i < outcome_count; ++i) {
      const Where ow = top.Nested(s, "outcomes", i);
      const Outcome& o = s.outcomes(i);
      if ((i == 0 && o.from() != 0) || (i > 0 && o.from() <= s.outcomes(i - 1).from())) {
        return ow.Error(o, "from",
                        absl::StrCat("outcomes start from 0 ", what, " and rise strictly"));
      }
      if (i > 0 && o.score() < s.outcomes(i - 1).score()) {
        return ow.Error(o, "score",
                        absl::StrCat("outcome ", Quote(o.name()),
                                     " scores less than the outcome before it: more ", what,
                                     " must never lower the score"));
      }
    }
    return absl::OkStatus();
  };
  auto refuse_default_and_rows = [&]() -> absl::Status {
    if (!comb.default_outcome().empty()) {
      return cw.Error(comb, "default_outcome", "default_outcome is for ANY_FAILS and TABLE only");
    }
    if (!comb.rows().empty()) return cw.Error(comb, "rows", "rows are for TABLE only");
    return absl::OkStatus();
  };
  if (rb->mode_ != Combination::WEIGHTED_SUM && comb.full_scale_points() != 0) {
    return cw.Error(comb, "full_scale_points", "full_scale_points is for WEIGHTED_SUM only");
  }
  switch (rb->mode_) {
    case Combination::WEIGHTED_SUM: {
      if (absl::Status st = check_from_order("points"); !st.ok()) return st;
      if (absl::Status st = refuse_default_and_rows(); !st.ok()) return st;
      if (comb.full_scale_points() <= s.outcomes(outcome_count - 1).from()) {
        return cw.Error(comb, "full_scale_points",
                        "full_scale_points must exceed the last outcome's from");
      }
      rb->full_scale_points_ = comb.full_scale_points();
      break;
    }
    case Combination::AT_LEAST_N: {
      if (absl::Status st = check_from_order("groups met"); !st.ok()) return st;
      if (absl::Status st = refuse_default_and_rows(); !st.ok()) return st;
      if (s.outcomes(outcome_count - 1).from() > rb->group_count_) {
        return top.Error(s, "outcomes", "an outcome needs more groups than the rulebook has",
                         outcome_count - 1);
      }
      break;
    }
    case Combination::ANY_FAILS:
    case Combination::TABLE: {
      for (int i = 0; i < outcome_count; ++i) {
        if (s.outcomes(i).from() != 0) {
          return top.Nested(s, "outcomes", i)
              .Error(s.outcomes(i), "from", "from is for WEIGHTED_SUM and AT_LEAST_N only");
        }
      }
      rb->default_outcome_ = find_outcome(comb.default_outcome());
      if (rb->default_outcome_ < 0) {
        return cw.Error(
            comb, "default_outcome",
            absl::StrCat("default_outcome ", Quote(comb.default_outcome()), " is not an outcome"));
      }
      if (rb->mode_ == Combination::ANY_FAILS) {
        if (!comb.rows().empty()) return cw.Error(comb, "rows", "rows are for TABLE only");
        for (int g = 0; g < rb->group_count_; ++g) {
          if (rb->outcome_score_[rb->fail_outcome_[g]] < rb->outcome_score_[rb->default_outcome_]) {
            return top.Nested(s, "groups", g)
                .Error(s.groups(g), "outcome",
                       absl::StrCat("outcome ", Quote(s.groups(g).outcome()),
                                    " scores less than the default outcome: a failing group "
                                    "must never lower the score"));
          }
        }
        break;
      }
      // TABLE: compile every combination of levels, then check the outcome never falls when a
      // group's level rises.
      int cells = 1;
      for (int g = 0; g < rb->group_count_; ++g) {
        rb->stride_[g] = cells;
        cells *= static_cast<int>(rb->level_from_[g].size());
        if (cells > kMaxTableCells) {
          return cw.ErrorAt(cw.line(), absl::StrCat("the table has more than ", kMaxTableCells,
                                                    " combinations of levels"));
        }
      }
      struct CompiledCell {
        int group;
        int lo;
        int hi;
      };
      std::vector<std::vector<CompiledCell>> rows;
      std::vector<int> row_outcome;
      for (int r = 0; r < comb.rows_size(); ++r) {
        const TableRow& row = comb.rows(r);
        const Where rw = cw.Nested(comb, "rows", r);
        const int outcome = find_outcome(row.outcome());
        if (outcome < 0) {
          return rw.Error(row, "outcome",
                          absl::StrCat("row leads to unknown outcome ", Quote(row.outcome())));
        }
        std::vector<CompiledCell> compiled_row;
        for (int c = 0; c < row.when_size(); ++c) {
          const Cell& cell = row.when(c);
          const Where ew = rw.Nested(row, "when", c);
          auto git = group_index.find(cell.group());
          if (git == group_index.end()) {
            return ew.Error(cell, "group", absl::StrCat("unknown group ", Quote(cell.group())));
          }
          const Group& grp = s.groups(git->second);
          const bool at_least = cell.test_case() == Cell::kLevelAtLeast;
          if (cell.test_case() == Cell::TEST_NOT_SET) {
            return ew.ErrorAt(ew.line(), "cell has no test (level_at_least or level_at_most)");
          }
          const std::string& name = at_least ? cell.level_at_least() : cell.level_at_most();
          int level = -1;
          for (int l = 0; l < grp.levels_size(); ++l) {
            if (grp.levels(l).name() == name) level = l;
          }
          if (level < 0) {
            return ew.Error(cell, at_least ? "level_at_least" : "level_at_most",
                            absl::StrCat("group ", Quote(grp.id()), " has no level ", Quote(name)));
          }
          const int top_level = grp.levels_size() - 1;
          compiled_row.push_back({git->second, at_least ? level : 0, at_least ? top_level : level});
        }
        rows.push_back(std::move(compiled_row));
        row_outcome.push_back(outcome);
      }
      rb->table_.resize(cells);
      std::vector<int> levels(rb->group_count_);
      for (int idx = 0; idx < cells; ++idx) {
        for (int g = 0; g < rb->group_count_; ++g) {
          levels[g] = (idx / rb->stride_[g]) % static_cast<int>(rb->level_from_[g].size());
        }
        int outcome = rb->default_outcome_;
        for (size_t r = 0; r < rows.size(); ++r) {
          bool match = true;
          for (const CompiledCell& c : rows[r]) {
            if (levels[c.group] < c.lo || levels[c.group] > c.hi) match = false;
          }
          if (match) {
            outcome = row_outcome[r];
            break;
          }
        }
        rb->table_[idx] = static_cast<int16_t>(outcome);
      }
      for (int idx = 0; idx < cells; ++idx) {
        for (int g = 0; g < rb->group_count_; ++g) {
          const int level = (idx / rb->stride_[g]) % static_cast<int>(rb->level_from_[g].size());
          if (level + 1 >= static_cast<int>(rb->level_from_[g].size())) continue;
          const int lower = rb->table_[idx];
          const int higher = rb->table_[idx + rb->stride_[g]];
          if (rb->outcome_score_[higher] < rb->outcome_score_[lower]) {
            std::vector<std::string> context;
            for (int h = 0; h < rb->group_count_; ++h) {
              const int lh = (idx / rb->stride_[h]) % static_cast<int>(rb->level_from_[h].size());
              context.push_back(absl::StrCat(s.groups(h).id(), "=", s.groups(h).levels(lh).name()));
            }
            return cw.ErrorAt(
                cw.line(), absl::StrCat("the table is not monotone: raising ", s.groups(g).id(),
                                        " from ", s.groups(g).levels(level).name(), " to ",
                                        s.groups(g).levels(level + 1).name(), " at (",
                                        absl::StrJoin(context, ", "), ") moves the outcome from ",
                                        s.outcomes(lower).name(), " to ", s.outcomes(higher).name(),
                                        ", which scores less"));
          }
        }
      }
      break;
    }
    default:
      return cw.Error(comb, "mode", "unknown combination mode");
  }
  return std::unique_ptr<const CompiledRulebook>(std::move(rb));
}

int CompiledRulebook::ThresholdOutcome(int32_t value) const {
  int outcome = 0;
  for (int i = 1; i < static_cast<int>(outcome_from_.size()); ++i) {
    if (outcome_from_[i] <= value) outcome = i;
  }
  return outcome;
}

int32_t CompiledRulebook::SumScore(int32_t total, int* outcome) const {
  const int i = ThresholdOutcome(total);
  *outcome = i;
  const int32_t from = outcome_from_[i];
  const int32_t score = outcome_score_[i];
  const bool last = i + 1 == static_cast<int>(outcome_from_.size());
  const int32_t next_from = last ? full_scale_points_ : outcome_from_[i + 1];
  const int32_t next_score = last ? 100 : outcome_score_[i + 1];
  if (total >= next_from) return next_score;  // Only past the full scale.
  return score + (next_score - score) * (total - from) / (next_from - from);
}

int CompiledRulebook::Combine(const int32_t* points, int32_t* score) const {
  int outcome = 0;
  switch (mode_) {
    case Combination::WEIGHTED_SUM: {
      int32_t total = 0;
      for (int g = 0; g < group_count_; ++g) total += points[g];
      *score = SumScore(total, &outcome);
      return outcome;
    }
    case Combination::ANY_FAILS: {
      outcome = -1;
      for (int g = 0; g < group_count_; ++g) {
        if (points[g] >= decisive_from_[g] &&
            (outcome < 0 || outcome_score_[fail_outcome_[g]] > outcome_score_[outcome])) {
          outcome = fail_outcome_[g];
        }
      }
      if (outcome < 0) outcome = default_outcome_;
      break;
    }
    case Combination::AT_LEAST_N: {
      int32_t met = 0;
      for (int g = 0; g < group_count_; ++g) met += points[g] >= decisive_from_[g] ? 1 : 0;
      outcome = ThresholdOutcome(met);
      break;
    }
    case Combination::TABLE: {
      int idx = 0;
      for (int g = 0; g < group_count_; ++g) {
        const std::vector<int32_t>& from = level_from_[g];
        int level = 0;
        while (level + 1 < static_cast<int>(from.size()) && from[level + 1] <= points[g]) ++level;
        idx += level * stride_[g];
      }
      outcome = table_[idx];
      break;
    }
    default:
      break;
  }
  *score = outcome_score_[outcome];
  return outcome;
}

Evaluation CompiledRulebook::Evaluate(const FeatureVector& v) const {
  std::array<int32_t, kMaxGroups> points{};
  Evaluation e;
  const Cond* conds = conditions_.data();
  const int n = static_cast<int>(indicators_.size());
  for (int i = 0; i < n; ++i) {
    const Ind& ind = indicators_[i];
    const Cond* c = conds + ind.first;
    bool fires = true;
    for (int k = 0; k < ind.all_count; ++k) {
      const int32_t x = v.value(c[k].feature);
      if (x < c[k].lo || x > c[k].hi) {
        fires = false;
        break;
      }
    }
    if (fires && ind.any_count > 0) {
      fires = false;
      const Cond* a = c + ind.all_count;
      for (int k = 0; k < ind.any_count; ++k) {
        const int32_t x = v.value(a[k].feature);
        if (x >= a[k].lo && x <= a[k].hi) {
          fires = true;
          break;
        }
      }
    }
    if (fires) {
      e.fired |= uint64_t{1} << i;
      points[ind.group] += ind.weight;
    }
  }
  e.outcome = Combine(points.data(), &e.score);
  return e;
}

v1::RiskBand CompiledRulebook::Band(int32_t score) const {
  if (score >= critical_from_) return v1::RISK_BAND_CRITICAL;
  if (score >= high_from_) return v1::RISK_BAND_HIGH;
  if (score >= medium_from_) return v1::RISK_BAND_MEDIUM;
  return v1::RISK_BAND_LOW;
}

absl::StatusOr<std::unique_ptr<const CompiledRulebook>> ParseRulebook(absl::string_view text,
                                                                      absl::string_view file) {
  Rulebook spec;
  Tree tree;
  FirstError errors(file);
  pb::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(std::string(text), &spec)) {
    if (errors.error().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(file, ":1: does not parse"));
    }
    return absl::InvalidArgumentError(errors.error());
  }
  return CompiledRulebook::Compile(std::move(spec), file, &tree);
}

absl::StatusOr<std::unique_ptr<const CompiledRulebook>> LoadRulebookFile(absl::string_view path) {
  std::ifstream in{std::string(path)};
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read the file"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseRulebook(buffer.str(), path);
}

absl::StatusOr<std::vector<std::unique_ptr<const CompiledRulebook>>> LoadRulebookDirectory(
    absl::string_view dir) {
  std::error_code ec;
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(dir), ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".textproto") {
      paths.push_back(entry.path().string());
    }
  }
  if (ec) return absl::NotFoundError(absl::StrCat(dir, ": ", ec.message()));
  if (paths.empty()) return absl::NotFoundError(absl::StrCat(dir, ": no *.textproto rulebook"));
  std::sort(paths.begin(), paths.end());
  std::vector<std::unique_ptr<const CompiledRulebook>> out;
  for (const std::string& path : paths) {
    absl::StatusOr<std::unique_ptr<const CompiledRulebook>> rb = LoadRulebookFile(path);
    if (!rb.ok()) return rb.status();
    out.push_back(*std::move(rb));
  }
  return out;
}

void ApplyRemediation(const CompiledRemediation& remediation, FeatureVector* features) {
  for (int i = 0; i < remediation.change_count; ++i) {
    const FeatureChange& c = remediation.changes[i];
    const FeatureInfo& f = Info(c.feature);
    features->Set(c.feature, features->known(c.feature)
                                 ? LessRisky(f, features->value(c.feature), c.value)
                                 : c.value);
  }
}

std::string DescribeChange(const FeatureChange& change) {
  const FeatureInfo& f = Info(change.feature);
  if (f.kind == FeatureKind::kNumber) {
    return absl::StrCat(f.fact, f.riskier_when_higher ? " <= " : " >= ", change.value);
  }
  return absl::StrCat(f.fact, " = ", FormatValue(f, change.value));
}

}  // namespace callmatch::scoring
