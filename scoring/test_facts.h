// Fact patterns shared by the scoring tests and the benchmark, written from the legal cases they
// stand for. Header only; each returns a fresh message.
#ifndef CALLMATCH_SCORING_TEST_FACTS_H_
#define CALLMATCH_SCORING_TEST_FACTS_H_

#include <random>
#include <string>

#include "absl/strings/string_view.h"
#include "callmatch/v1/scoring.pb.h"

namespace callmatch::scoring::testing {

inline void SetPlace(v1::ContractFacts* f, absl::string_view country,
                     absl::string_view subdivision = "") {
  for (v1::Location* l : {f->mutable_teleoperator_location(), f->mutable_client_location()}) {
    l->set_country_code(std::string(country));
    l->set_subdivision_code(std::string(subdivision));
  }
}

inline void SetAsOf(v1::ContractFacts* f, int year, int month, int day) {
  f->mutable_as_of()->set_year(year);
  f->mutable_as_of()->set_month(month);
  f->mutable_as_of()->set_day(day);
}

// A per-appointment mission with free hours, own tools and several clients: every fact known,
// every one on the independent side. French parties, as of 2027-03-01.
inline v1::ContractFacts Independent() {
  v1::ContractFacts f;
  v1::MissionTerms* t = f.mutable_terms();
  t->set_imposed_schedule(false);
  t->set_tools(v1::TOOLS_POLICY_OWN);
  t->set_script(v1::SCRIPT_POLICY_GUIDELINES);
  t->set_supervision(v1::SUPERVISION_POLICY_RESULTS_ONLY);
  t->set_reporting_like_staff(false);
  t->set_sanctions(false);
  t->set_client_training(false);
  t->set_on_client_premises(false);
  t->set_pay_model(v1::PAY_MODEL_PER_APPOINTMENT);
  t->set_rate_set_by_client(false);
  t->set_substitution_allowed(true);
  t->set_may_refuse_work(true);
  t->set_exclusivity(false);
  t->set_planned_duration_days(90);
  t->set_renewals(0);
  f.set_months_continuous(3);
  f.set_revenue_share_permille(250);
  f.set_other_clients_12m(4);
  f.set_former_employee(false);
  f.set_registration_valid(true);
  f.set_calling_in_usual_business(false);
  f.set_offers_services_publicly(true);
  SetPlace(&f, "FR", "FR-IDF");
  SetAsOf(&f, 2027, 3, 1);
  return f;
}

// Imposed hours, a client softphone account, a mandatory word-for-word script, real-time call
// monitoring, penalties, and 80% of revenue from this client for 14 months.
inline v1::ContractFacts CallCentreInDisguise() {
  v1::ContractFacts f = Independent();
  v1::MissionTerms* t = f.mutable_terms();
  t->set_imposed_schedule(true);
  t->set_tools(v1::TOOLS_POLICY_CLIENT_ACCOUNTS);
  t->set_script(v1::SCRIPT_POLICY_MANDATORY_VERBATIM);
  t->set_supervision(v1::SUPERVISION_POLICY_REAL_TIME);
  t->set_sanctions(true);
  f.set_revenue_share_permille(800);
  f.set_months_continuous(14);
  return f;
}

// Take Eat Easy (Cass. soc. 28 nov. 2018): real-time tracking and a power to sanction, with free
// choice of shifts and no exclusivity.
inline v1::ContractFacts TakeEatEasy() {
  v1::ContractFacts f = Independent();
  f.mutable_terms()->set_supervision(v1::SUPERVISION_POLICY_REAL_TIME);
  f.mutable_terms()->set_sanctions(true);
  return f;
}

// Uber (Cass. soc. 4 mars 2020): prices set by the platform, sanctions for refusals, tracking, no
// own clientele.
inline v1::ContractFacts Uber() {
  v1::ContractFacts f = Independent();
  v1::MissionTerms* t = f.mutable_terms();
  t->set_rate_set_by_client(true);
  t->set_may_refuse_work(false);
  t->set_sanctions(true);
  t->set_supervision(v1::SUPERVISION_POLICY_REAL_TIME);
  f.set_other_clients_12m(0);
  f.set_revenue_share_permille(950);
  return f;
}

// Lasting economic dependence and nothing else: 95% of revenue, no other client, 30 months.
inline v1::ContractFacts DependentOnly() {
  v1::ContractFacts f = Independent();
  f.set_revenue_share_permille(950);
  f.set_other_clients_12m(0);
  f.set_months_continuous(30);
  return f;
}

// Random contracts from a seed: each fact unset with p_unknown, else on its risky side with
// p_risk. Places among FR, GB, US-CA, US-NY, DE and JP; as-of dates in 2026 and 2027.
class Generator {
 public:
  // p_unknown: chance that a fact is left unset; p_risk: chance that a set fact is on the risky
  // side.
  Generator(uint32_t seed, double p_unknown, double p_risk)
      : rng_(seed), p_unknown_(p_unknown), p_risk_(p_risk) {}

  v1::ContractFacts Facts() {
    v1::ContractFacts f;
    v1::MissionTerms* t = f.mutable_terms();
    Bool([&](bool v) { t->set_imposed_schedule(v); }, true);
    Bool([&](bool v) { t->set_reporting_like_staff(v); }, true);
    Bool([&](bool v) { t->set_sanctions(v); }, true);
    Bool([&](bool v) { t->set_client_training(v); }, true);
    Bool([&](bool v) { t->set_on_client_premises(v); }, true);
    Bool([&](bool v) { t->set_rate_set_by_client(v); }, true);
    Bool([&](bool v) { t->set_substitution_allowed(v); }, false);
    Bool([&](bool v) { t->set_may_refuse_work(v); }, false);
    Bool([&](bool v) { t->set_exclusivity(v); }, true);
    t->set_tools(static_cast<v1::ToolsPolicy>(Level(3)));
    t->set_script(static_cast<v1::ScriptPolicy>(Level(3)));
    t->set_supervision(static_cast<v1::SupervisionPolicy>(Level(3)));
    t->set_pay_model(static_cast<v1::PayModel>(Unknown() ? 0 : Uniform(1, 5)));
    Number([&](int v) { t->set_planned_duration_days(v); }, 1, 200, 365, 900);
    Number([&](int v) { t->set_renewals(v); }, 0, 1, 3, 6);
    Number([&](int v) { f.set_months_continuous(v); }, 0, 11, 12, 40);
    Number([&](int v) { f.set_revenue_share_permille(v); }, 0, 499, 500, 1000);
    Number([&](int v) { f.set_other_clients_12m(v); }, 1, 8, 0, 0);
    if (!Unknown()) {
      const bool former = Risky();
      f.set_former_employee(former);
      if (former && !Unknown()) f.set_days_since_employment(Uniform(0, 800));
    }
    Bool([&](bool v) { f.set_registration_valid(v); }, false);
    Bool([&](bool v) { f.set_calling_in_usual_business(v); }, true);
    Bool([&](bool v) { f.set_offers_services_publicly(v); }, false);
    static constexpr const char* kPlaces[] = {"FR", "GB", "US-CA", "US-NY", "DE", "JP"};
    for (v1::Location* l : {f.mutable_teleoperator_location(), f.mutable_client_location()}) {
      const std::string place = kPlaces[Uniform(0, 5)];
      l->set_country_code(place.substr(0, 2));
      if (place.size() > 2) l->set_subdivision_code(place);
    }
    f.mutable_as_of()->set_year(Uniform(0, 1) == 0 ? 2026 : 2027);
    f.mutable_as_of()->set_month(Uniform(1, 12));
    f.mutable_as_of()->set_day(Uniform(1, 28));
    return f;
  }

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  std::mt19937& rng() { return rng_; }

 private:
  bool Unknown() { return Chance(p_unknown_); }
  bool Risky() { return Chance(p_risk_); }
  // A yes/no fact; risky_value is the value on the risky side.
  template <typename Set>
  void Bool(Set set, bool risky_value) {
    if (!Unknown()) set(Risky() ? risky_value : !risky_value);
  }
  // An enum with `count` defined values (1..count), least risky first; 0 is unspecified.
  int Level(int count) {
    if (Unknown()) return 0;
    return Risky() ? count : Uniform(1, count - 1);
  }
  template <typename Set>
  void Number(Set set, int safe_lo, int safe_hi, int risky_lo, int risky_hi) {
    if (!Unknown()) set(Risky() ? Uniform(risky_lo, risky_hi) : Uniform(safe_lo, safe_hi));
  }

  std::mt19937 rng_;
  double p_unknown_;
  double p_risk_;
};

}  // namespace callmatch::scoring::testing

#endif  // CALLMATCH_SCORING_TEST_FACTS_H_
