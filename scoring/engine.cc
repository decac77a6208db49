#include "scoring/engine.h"

#include <algorithm>
#include <bit>
#include <map>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "scoring/applicability.h"

namespace callmatch::scoring {
namespace {

std::vector<std::pair<int, int32_t>> SortedChanges(const CompiledRemediation& r) {
  std::vector<std::pair<int, int32_t>> out;
  for (int i = 0; i < r.change_count; ++i) {
    out.emplace_back(static_cast<int>(r.changes[i].feature), r.changes[i].value);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void FillRemediation(const CompiledRemediation& r, v1::Remediation* out) {
  out->set_id(r.id);
  out->set_description_en(r.description_en);
  out->set_description_fr(r.description_fr);
  for (int i = 0; i < r.change_count; ++i) out->add_changes(DescribeChange(r.changes[i]));
}

// The facts that made indicator i fire (at score_max): every condition of all, and those of any
// that hold, or else those left unknown.
std::string Evidence(const CompiledRulebook& rb, int i, const v1::ContractFacts& facts,
                     const FeatureVector& features) {
  std::vector<std::string> parts;
  std::vector<std::string> any_holding;
  std::vector<std::string> any_unknown;
  for (int k = 0; k < rb.condition_count(i); ++k) {
    const Feature f = rb.condition_feature(i, k);
    if (!rb.condition_in_any(i, k)) {
      parts.push_back(DescribeFact(f, facts, features));
    } else if (!features.known(f)) {
      any_unknown.push_back(DescribeFact(f, facts, features));
    } else if (rb.condition_holds(i, k, features.value(f))) {
      any_holding.push_back(DescribeFact(f, facts, features));
    }
  }
  for (const std::string& p : any_holding.empty() ? any_unknown : any_holding) parts.push_back(p);
  return absl::StrJoin(parts, "; ");
}

}  // namespace

absl::StatusOr<Engine> Engine::Create(
    std::vector<std::unique_ptr<const CompiledRulebook>> rulebooks) {
  std::map<std::string, const CompiledRulebook*> ids;
  std::map<std::string, std::pair<const CompiledRulebook*, const CompiledRemediation*>> remedies;
  for (const auto& rb : rulebooks) {
    auto [it, inserted] = ids.emplace(rb->id(), rb.get());
    if (!inserted) {
      return absl::InvalidArgumentError(absl::StrCat(rb->file(), ":1: rulebook id \"", rb->id(),
                                                     "\" is already loaded from ",
                                                     it->second->file()));
    }
    for (const CompiledRemediation& r : rb->remediations()) {
      auto [rit, fresh] = remedies.emplace(r.id, std::make_pair(rb.get(), &r));
      if (!fresh && SortedChanges(*rit->second.second) != SortedChanges(r)) {
        return absl::InvalidArgumentError(absl::StrCat(
            rb->file(), ":", r.line, ": remediation \"", r.id, "\" changes other features than at ",
            rit->second.first->file(), ":", rit->second.second->line, " (one id, one change)"));
      }
    }
  }
  if (remedies.size() > static_cast<size_t>(kMaxCandidates)) {
    return absl::InvalidArgumentError(absl::StrCat("the rulebooks define ", remedies.size(),
                                                   " distinct remediations; at most ",
                                                   kMaxCandidates));
  }
  return Engine(std::move(rulebooks));
}

absl::StatusOr<Engine> Engine::LoadDirectory(absl::string_view dir) {
  absl::StatusOr<std::vector<std::unique_ptr<const CompiledRulebook>>> rulebooks =
      LoadRulebookDirectory(dir);
  if (!rulebooks.ok()) return rulebooks.status();
  return Create(*std::move(rulebooks));
}

const CompiledRulebook* Engine::Find(absl::string_view id) const {
  for (const auto& rb : rulebooks_) {
    if (rb->id() == id) return rb.get();
  }
  return nullptr;
}

v1::ListRulebooksResponse Engine::ListRulebooks() const {
  v1::ListRulebooksResponse out;
  for (const auto& rb : rulebooks_) {
    v1::RulebookSummary* s = out.add_rulebooks();
    s->set_id(rb->id());
    s->set_version(rb->version());
    s->set_title(rb->spec().title());
    for (const std::string& j : rb->spec().jurisdictions()) s->add_jurisdictions(j);
    if (rb->effective_date() != 0) {
      s->mutable_effective_date()->set_year(rb->effective_date() / 10000);
      s->mutable_effective_date()->set_month(rb->effective_date() / 100 % 100);
      s->mutable_effective_date()->set_day(rb->effective_date() % 100);
    }
    s->set_on_request_only(rb->spec().on_request_only());
  }
  return out;
}

absl::StatusOr<std::vector<const CompiledRulebook*>> Engine::Select(
    const v1::ContractFacts& facts, absl::Span<const std::string> named) const {
  for (const std::string& id : named) {
    if (Find(id) == nullptr) {
      return absl::NotFoundError(absl::StrCat("no rulebook \"", id, "\""));
    }
  }
  std::vector<const CompiledRulebook*> out;
  for (const auto& rb : rulebooks_) {
    if (AppliesTo(*rb, facts) || std::find(named.begin(), named.end(), rb->id()) != named.end()) {
      out.push_back(rb.get());
    }
  }
  return out;
}

absl::StatusOr<v1::RiskAssessment> Engine::Assess(const v1::ContractFacts& facts,
                                                  absl::Span<const std::string> named) const {
  if (absl::Status s = ValidateFacts(facts); !s.ok()) return s;
  absl::StatusOr<std::vector<const CompiledRulebook*>> selected = Select(facts, named);
  if (!selected.ok()) return selected.status();
  return AssessWith(*selected, facts);
}

absl::StatusOr<v1::RiskAssessment> Engine::Assess(const v1::ScoreTermsRequest& request) const {
  const std::vector<std::string> named(request.rulebook_ids().begin(),
                                       request.rulebook_ids().end());
  return Assess(request.facts(), named);
}

v1::RiskAssessment Engine::AssessWith(absl::Span<const CompiledRulebook* const> rulebooks,
                                      const v1::ContractFacts& facts) {
  v1::RiskAssessment out;
  if (rulebooks.empty()) {
    out.set_band(v1::RISK_BAND_UNSPECIFIED);
    out.set_low_reachable(false);
    return out;
  }
  const FeatureVector features = DeriveFeatures(facts);
  v1::RiskBand band = v1::RISK_BAND_LOW;
  int32_t score_max = 0;
  RulebookResult result;
  for (const CompiledRulebook* rb : rulebooks) {
    AssessRulebook(*rb, features, /*counterfactuals=*/true, &result);
    const Rulebook& spec = rb->spec();
    v1::RulebookAssessment* a = out.add_assessments();
    a->set_rulebook_id(rb->id());
    a->set_rulebook_version(rb->version());
    a->set_score(result.range.max.score);
    a->set_score_min(result.range.min.score);
    a->set_score_max(result.range.max.score);
    a->set_band(result.band);
    a->set_outcome(spec.outcomes(result.range.max.outcome).name());
    a->set_outcome_min(spec.outcomes(result.range.min.outcome).name());
    for (int i = 0; i < rb->indicator_count(); ++i) {
      const uint64_t bit = uint64_t{1} << i;
      if ((result.range.max.fired & bit) == 0) continue;
      const Indicator& ind = rb->indicator(i);
      v1::IndicatorResult* r = a->add_indicators();
      r->set_id(ind.id());
      r->set_fired((result.range.min.fired & bit) != 0);
      r->set_undetermined((result.range.min.fired & bit) == 0);
      r->set_weight(ind.weight());
      r->set_evidence(Evidence(*rb, i, facts, features));
      r->set_legal_reference(ind.legal_reference());
      r->set_explanation_en(ind.explanation_en());
      r->set_explanation_fr(ind.explanation_fr());
      r->set_remediation_id(ind.remediation());
    }
    for (const FeatureInfo& f : AllFeatures()) {
      if (result.range.unsettled & Bit(f.feature)) a->add_unknown_facts(std::string(f.fact));
    }
    for (int c = 0; c < result.counterfactual_count; ++c) {
      const Counterfactual& cf = result.counterfactuals[c];
      v1::RemediationEffect* e = a->add_remediations();
      FillRemediation(rb->remediations()[cf.remediation], e->mutable_remediation());
      e->set_score(cf.score);
      e->set_band(cf.band);
    }
    band = std::max(band, result.band);
    score_max = std::max(score_max, result.range.max.score);
  }
  out.set_band(band);
  out.set_score_max(score_max);
  const RemediationCandidates candidates = CollectCandidates(rulebooks, features);
  const MinimalRemediation minimal = FindMinimalRemediation(rulebooks, features, candidates);
  out.set_low_reachable(minimal.reachable);
  for (int i = 0; i < candidates.count; ++i) {
    if (minimal.chosen & (uint64_t{1} << i)) {
      FillRemediation(*candidates.items[i], out.add_minimal_remediations());
    }
  }
  return out;
}

}  // namespace callmatch::scoring
