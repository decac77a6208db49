#include "matching/dataset.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "matching/registration.h"

namespace callmatch::matching {
namespace {

// True if `name` is "<collection>/<id>" repeated as `collections` says, with non-empty ids.
bool HasShape(absl::string_view name, const std::vector<absl::string_view>& collections) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 2 * collections.size()) return false;
  for (size_t i = 0; i < collections.size(); ++i) {
    if (parts[2 * i] != collections[i] || parts[2 * i + 1].empty()) return false;
  }
  return true;
}

absl::Status BadName(absl::string_view kind, absl::string_view name) {
  return absl::InvalidArgumentError(absl::StrCat("malformed ", kind, " name \"", name, "\""));
}

absl::Status NoParent(absl::string_view name) {
  return absl::FailedPreconditionError(absl::StrCat("the parent of ", name, " is unknown"));
}

// Replaces the element of `items` with the same name, or inserts it in name order.
template <typename T, typename NameOf>
void UpsertSorted(std::vector<T>& items, T item, NameOf name_of) {
  auto it = std::lower_bound(items.begin(), items.end(), item,
                             [&](const T& a, const T& b) { return name_of(a) < name_of(b); });
  if (it != items.end() && name_of(*it) == name_of(item)) {
    *it = std::move(item);
  } else {
    items.insert(it, std::move(item));
  }
}

template <typename T, typename NameOf>
bool RemoveByName(std::vector<T>& items, absl::string_view name, NameOf name_of) {
  auto it =
      std::find_if(items.begin(), items.end(), [&](const T& t) { return name_of(t) == name; });
  if (it == items.end()) return false;
  items.erase(it);
  return true;
}

std::string IndexNumber(const v1::Company& company) {
  return CompanyNumber(company.location().country_code(), company.registration().number());
}

}  // namespace

std::string ParentName(absl::string_view name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() < 4) return "";
  parts.resize(parts.size() - 2);
  return absl::StrJoin(parts, "/");
}

absl::Status Dataset::Upsert(const v1::Company& company) {
  if (!HasShape(company.name(), {"companies"})) return BadName("company", company.name());
  auto it = companies_.find(company.name());
  if (it != companies_.end() && !it->second.registration().number().empty()) {
    // Only this company's entry: another company may share the number.
    auto old = company_by_registration_.find(IndexNumber(it->second));
    if (old != company_by_registration_.end()) {
      old->second.erase(company.name());
      if (old->second.empty()) company_by_registration_.erase(old);
    }
  }
  if (!company.registration().number().empty()) {
    company_by_registration_[IndexNumber(company)].insert(company.name());
  }
  companies_[company.name()] = company;
  return absl::OkStatus();
}

absl::Status Dataset::Upsert(const v1::Campaign& campaign) {
  if (!HasShape(campaign.name(), {"companies", "campaigns"})) {
    return BadName("campaign", campaign.name());
  }
  if (!companies_.contains(ParentName(campaign.name()))) return NoParent(campaign.name());
  campaigns_[campaign.name()] = campaign;
  return absl::OkStatus();
}

absl::Status Dataset::Upsert(const v1::Teleoperator& teleoperator) {
  if (!HasShape(teleoperator.name(), {"teleoperators"})) {
    return BadName("teleoperator", teleoperator.name());
  }
  teleoperators_[teleoperator.name()].profile = teleoperator;
  return absl::OkStatus();
}

absl::Status Dataset::Upsert(const v1::Employment& employment) {
  if (!HasShape(employment.name(), {"teleoperators", "employments"})) {
    return BadName("employment", employment.name());
  }
  auto it = teleoperators_.find(ParentName(employment.name()));
  if (it == teleoperators_.end()) return NoParent(employment.name());
  UpsertSorted(it->second.employments, employment,
               [](const v1::Employment& e) -> const std::string& { return e.name(); });
  return absl::OkStatus();
}

absl::Status Dataset::Upsert(const v1::Contract& contract) {
  if (!HasShape(contract.name(), {"teleoperators", "contracts"})) {
    return BadName("contract", contract.name());
  }
  auto it = teleoperators_.find(ParentName(contract.name()));
  if (it == teleoperators_.end()) return NoParent(contract.name());
  auto& contracts = it->second.contracts;
  auto existing = std::find_if(contracts.begin(), contracts.end(), [&](const ContractData& c) {
    return c.contract.name() == contract.name();
  });
  if (existing != contracts.end()) {
    existing->contract = contract;  // keeps its logs
  } else {
    UpsertSorted(contracts, ContractData{contract, {}},
                 [](const ContractData& c) -> const std::string& { return c.contract.name(); });
  }
  return absl::OkStatus();
}

absl::Status Dataset::Upsert(const v1::ActivityLog& log) {
  if (!HasShape(log.name(), {"teleoperators", "contracts", "activityLogs"})) {
    return BadName("activity log", log.name());
  }
  const std::string contract_name = ParentName(log.name());
  auto it = teleoperators_.find(ParentName(contract_name));
  if (it == teleoperators_.end()) return NoParent(log.name());
  for (ContractData& data : it->second.contracts) {
    if (data.contract.name() == contract_name) {
      // Log names end in the day (yyyy-mm-dd), so name order is day order.
      UpsertSorted(data.logs, log,
                   [](const v1::ActivityLog& l) -> const std::string& { return l.name(); });
      return absl::OkStatus();
    }
  }
  return NoParent(log.name());
}

bool Dataset::RemoveTeleoperator(absl::string_view name) {
  return teleoperators_.erase(std::string(name)) > 0;
}

bool Dataset::RemoveEmployment(absl::string_view name) {
  auto it = teleoperators_.find(ParentName(name));
  if (it == teleoperators_.end()) return false;
  return RemoveByName(it->second.employments, name,
                      [](const v1::Employment& e) -> const std::string& { return e.name(); });
}

bool Dataset::RemoveContract(absl::string_view name) {
  auto it = teleoperators_.find(ParentName(name));
  if (it == teleoperators_.end()) return false;
  return RemoveByName(it->second.contracts, name, [](const ContractData& c) -> const std::string& {
    return c.contract.name();
  });
}

const v1::Company* Dataset::company(absl::string_view name) const {
  auto it = companies_.find(name);
  return it == companies_.end() ? nullptr : &it->second;
}

const v1::Company* Dataset::company_by_registration(absl::string_view number) const {
  auto it = company_by_registration_.find(number);
  if (it == company_by_registration_.end() || it->second.empty()) return nullptr;
  return company(*it->second.begin());
}

const v1::Campaign* Dataset::campaign(absl::string_view name) const {
  auto it = campaigns_.find(name);
  return it == campaigns_.end() ? nullptr : &it->second;
}

const TeleoperatorData* Dataset::teleoperator(absl::string_view name) const {
  auto it = teleoperators_.find(name);
  return it == teleoperators_.end() ? nullptr : &it->second;
}

}  // namespace callmatch::matching
