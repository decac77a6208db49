#include "services/campaign/campaign_service.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/errors.h"
#include "services/common/field_mask.h"
#include "services/common/resource_store.h"
#include "services/common/resources.h"
#include "services/common/validation.h"
#include "services/store/partition.h"

namespace callmatch {
namespace {

constexpr char kService[] = "/callmatch.v1.CampaignService/";
constexpr size_t kMaxName = 200;
constexpr size_t kMaxDescription = 4000;
constexpr int kMaxSegments = 20;
constexpr int kMaxLanguages = 10;
constexpr int kMaxSkills = 10;
constexpr int kMaxCountries = 30;
constexpr int kMaxWindows = 50;
constexpr int kMaxWeeklyMinutes = 80 * 60;
constexpr int kMaxSeats = 10000;
constexpr int kMaxCampaignDays = 5 * 366;

// What a client may change of its own company; operators may also change the registration
// number (which resets its verification) and the group.
const std::vector<std::string>& ClientCompanyFields() {
  static const auto* fields = new std::vector<std::string>{"display_name", "location", "segments",
                                                           "calling_in_usual_business"};
  return *fields;
}
const std::vector<std::string>& OperatorCompanyFields() {
  static const auto* fields = new std::vector<std::string>{
      "display_name", "location",           "segments", "calling_in_usual_business",
      "group_id",     "registration.number"};
  return *fields;
}
const std::vector<std::string>& CampaignFields() {
  static const auto* fields = new std::vector<std::string>{"display_name",
                                                           "description",
                                                           "kind",
                                                           "segments",
                                                           "languages",
                                                           "skills",
                                                           "countries",
                                                           "calling_windows",
                                                           "weekly_minutes_per_seat",
                                                           "seats",
                                                           "start_date",
                                                           "end_date",
                                                           "terms",
                                                           "min_validated_rate_permille",
                                                           "min_quality_observations"};
  return *fields;
}

std::string Method(absl::string_view name) { return absl::StrCat(kService, name); }

// Clients act on their own company only; operators on any.
absl::Status MayManage(const Call& call, absl::string_view company_id) {
  if (call.is_operator() || call.is_client(company_id)) return absl::OkStatus();
  return PermissionDenied("the company itself or a platform operator");
}

int ScheduleMinutes(const v1::WeeklySchedule& schedule) {
  int total = 0;
  for (const auto& window : schedule.windows()) {
    total += window.end_minute() > window.start_minute()
                 ? window.end_minute() - window.start_minute()
                 : 7 * 24 * 60 - window.start_minute() + window.end_minute();
  }
  return total;
}

// Copies the output-only fields of `stored` over what a client sent.
void KeepOutputOnly(const v1::Campaign& stored, v1::Campaign& campaign) {
  campaign.set_state(stored.state());
  campaign.set_seats_taken(stored.seats_taken());
  *campaign.mutable_create_time() = stored.create_time();
}

}  // namespace

absl::Status ValidateCompany(const v1::Company& company) {
  if (company.display_name().empty()) return InvalidField("company.display_name", "required");
  if (absl::Status s = ValidateText(company.display_name(), kMaxName, "company.display_name");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateLocation(company.location(), "company.location"); !s.ok()) return s;
  if (absl::Status s = ValidateRegistrationNumber(company.location().country_code(),
                                                  company.registration().number(),
                                                  "company.registration.number");
      !s.ok()) {
    return s;
  }
  if (!company.group_id().empty()) {
    // The registration number of the group's parent company.
    if (absl::Status s = ValidateRegistrationNumber(company.location().country_code(),
                                                    company.group_id(), "company.group_id");
        !s.ok()) {
      return s;
    }
  }
  return ValidateSegments(company.segments(), kMaxSegments, /*required=*/true, "company.segments");
}

absl::Status ValidateCampaign(const v1::Campaign& campaign) {
  if (campaign.display_name().empty()) return InvalidField("campaign.display_name", "required");
  if (absl::Status s = ValidateText(campaign.display_name(), kMaxName, "campaign.display_name");
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          ValidateText(campaign.description(), kMaxDescription, "campaign.description");
      !s.ok()) {
    return s;
  }
  if (campaign.kind() == v1::CAMPAIGN_KIND_UNSPECIFIED ||
      !v1::CampaignKind_IsValid(campaign.kind())) {
    return InvalidField("campaign.kind", "required");
  }
  if (absl::Status s =
          ValidateSegments(campaign.segments(), kMaxSegments, true, "campaign.segments");
      !s.ok()) {
    return s;
  }
  if (campaign.languages().empty()) return InvalidField("campaign.languages", "at least one");
  if (absl::Status s = ValidateLanguages(campaign.languages(), kMaxLanguages, "campaign.languages");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateSkills(campaign.skills(), kMaxSkills, "campaign.skills"); !s.ok()) {
    return s;
  }
  if (campaign.countries_size() > kMaxCountries) {
    return InvalidField("campaign.countries", absl::StrCat("at most ", kMaxCountries));
  }
  for (int i = 0; i < campaign.countries_size(); ++i) {
    v1::Location location;
    location.set_country_code(campaign.countries(i));
    if (absl::Status s = ValidateLocation(location, absl::StrCat("campaign.countries[", i, "]"));
        !s.ok()) {
      return InvalidField(absl::StrCat("campaign.countries[", i, "]"),
                          "an ISO 3166-1 alpha-2 code in upper case");
    }
  }
  if (absl::Status s = ValidateSchedule(campaign.calling_windows(), kMaxWindows,
                                        /*allow_empty=*/false, "campaign.calling_windows");
      !s.ok()) {
    return s;
  }
  if (campaign.weekly_minutes_per_seat() < 1 ||
      campaign.weekly_minutes_per_seat() > kMaxWeeklyMinutes) {
    return InvalidField("campaign.weekly_minutes_per_seat", "1 to 4800 (80 h)");
  }
  if (campaign.weekly_minutes_per_seat() > ScheduleMinutes(campaign.calling_windows())) {
    return InvalidField("campaign.weekly_minutes_per_seat",
                        absl::StrCat("more than the calling windows hold (",
                                     ScheduleMinutes(campaign.calling_windows()), " minutes)"));
  }
  if (campaign.seats() < 1 || campaign.seats() > kMaxSeats) {
    return InvalidField("campaign.seats", "1 to 10000");
  }
  if (absl::Status s = ValidateDate(campaign.start_date(), "campaign.start_date", true); !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateDate(campaign.end_date(), "campaign.end_date", true); !s.ok()) {
    return s;
  }
  const absl::CivilDay start(campaign.start_date().year(), campaign.start_date().month(),
                             campaign.start_date().day());
  const absl::CivilDay end(campaign.end_date().year(), campaign.end_date().month(),
                           campaign.end_date().day());
  if (end < start) return InvalidField("campaign.end_date", "before start_date");
  if (end - start > kMaxCampaignDays) {
    return InvalidField("campaign.end_date", "a campaign lasts at most 5 years");
  }
  if (absl::Status s = ValidateMissionTerms(campaign.terms(), "campaign.terms"); !s.ok()) return s;
  if (campaign.min_validated_rate_permille() < 0 || campaign.min_validated_rate_permille() > 1000) {
    return InvalidField("campaign.min_validated_rate_permille", "0 to 1000");
  }
  if (campaign.min_quality_observations() < 0 || campaign.min_quality_observations() > 100000) {
    return InvalidField("campaign.min_quality_observations", "0 to 100000");
  }
  return absl::OkStatus();
}

// ---- Companies ----

grpc::ServerUnaryReactor* CampaignServiceImpl::CreateCompany(
    grpc::CallbackServerContext* context, const v1::CreateCompanyRequest* request,
    v1::Company* response) {
  return edge_->Serve(context, Method("CreateCompany"), [=, this](Call& call) -> absl::Status {
    if (!call.is_operator()) return PermissionDenied("platform operators");
    const std::string id = request->company_id().empty()
                               ? ResourceIdFor(call.principal(), request->request_id())
                               : request->company_id();
    if (absl::Status s = ValidateId(id, "company_id"); !s.ok()) return s;
    v1::Company company = request->company();
    company.set_name(absl::StrCat("companies/", id));
    if (absl::Status s = ValidateCompany(company); !s.ok()) return s;
    ResetVerification(company.mutable_registration());
    return CommitWrite<v1::Company>(
        call, *store_, store::PartitionOf(id), request->request_id(), *request,
        [&](store::Txn& txn) -> absl::StatusOr<v1::Company> {
          absl::StatusOr<int64_t> version =
              PutResource(txn, kCompanyKind, company, 0, v1::AUDIT_ACTION_CREATE);
          if (!version.ok()) return version.status();
          return company;
        },
        response);
  });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::GetCompany(grpc::CallbackServerContext* context,
                                                          const v1::GetCompanyRequest* request,
                                                          v1::Company* response) {
  return edge_->Serve(context, Method("GetCompany"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseName(request->name(), "companies", "name");
    if (!id.ok()) return id.status();
    if (call.principal().kind() == v1::Principal::KIND_CLIENT && !call.is_client(*id)) {
      return PermissionDenied("the company itself, teleoperators or a platform operator");
    }
    auto company =
        ReadResource<v1::Company>(*store_, store::PartitionOf(*id), kCompanyKind, request->name());
    if (!company.ok()) return company.status();
    if (!company->has_value()) return absl::NotFoundError(absl::StrCat("no ", request->name()));
    *response = **std::move(company);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::ListCompanies(
    grpc::CallbackServerContext* context, const v1::ListCompaniesRequest* request,
    v1::ListCompaniesResponse* response) {
  return edge_->Serve(context, Method("ListCompanies"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<int> page_size = PageSize(request->page_size());
    if (!page_size.ok()) return page_size.status();
    std::vector<v1::Company> companies;
    if (call.principal().kind() == v1::Principal::KIND_CLIENT) {
      const std::string name = absl::StrCat("companies/", call.principal().id());
      auto own = ReadResource<v1::Company>(*store_, store::PartitionOf(call.principal().id()),
                                           kCompanyKind, name);
      if (!own.ok()) return own.status();
      if (own->has_value()) companies.push_back(**own);
    } else {
      absl::Status loaded = store_->LoadAll(
          kCompanyKind, [&](int, const std::string& name, const store::Record& record) {
            absl::StatusOr<v1::Company> company = ParseResource<v1::Company>(record, name);
            if (company.ok()) companies.push_back(*std::move(company));
          });
      if (!loaded.ok()) return loaded;
    }
    std::erase_if(companies, [&](const v1::Company& company) {
      return !request->group_id().empty() && company.group_id() != request->group_id() &&
             company.registration().number() != request->group_id();
    });
    return PageByName(std::move(companies), *page_size, request->page_token(),
                      response->mutable_companies(), response->mutable_next_page_token());
  });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::UpdateCompany(
    grpc::CallbackServerContext* context, const v1::UpdateCompanyRequest* request,
    v1::Company* response) {
  return edge_->Serve(context, Method("UpdateCompany"), [=, this](Call& call) -> absl::Status {
    const std::string& name = request->company().name();
    absl::StatusOr<std::string> id = ParseName(name, "companies", "company.name");
    if (!id.ok()) return id.status();
    if (request->company().version() <= 0) {
      return InvalidField("company.version", "required: the version the company was read at");
    }
    if (absl::Status s = MayManage(call, *id); !s.ok()) return s;
    return CommitWrite<v1::Company>(
        call, *store_, store::PartitionOf(*id), request->request_id(), *request,
        [&](store::Txn& txn) -> absl::StatusOr<v1::Company> {
          auto stored = ReadResource<v1::Company>(txn, kCompanyKind, name);
          if (!stored.ok()) return stored.status();
          if (!stored->has_value()) return absl::NotFoundError(absl::StrCat("no ", name));
          v1::Company company = **stored;
          const std::string number = company.registration().number();
          const std::string country = company.location().country_code();
          if (absl::Status s = ApplyUpdate(
                  request->company(), request->update_mask(),
                  call.is_operator() ? OperatorCompanyFields() : ClientCompanyFields(), &company);
              !s.ok()) {
            return s;
          }
          if (absl::Status s = ValidateCompany(company); !s.ok()) return s;
          // A registration was verified for a number in a country: a change of either undoes it.
          if (company.registration().number() != number ||
              company.location().country_code() != country) {
            ResetVerification(company.mutable_registration());
          }
          absl::StatusOr<int64_t> version = PutResource(
              txn, kCompanyKind, company, request->company().version(), v1::AUDIT_ACTION_UPDATE);
          if (!version.ok()) return version.status();
          return company;
        },
        response);
  });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::VerifyCompanyRegistration(
    grpc::CallbackServerContext* context, const v1::VerifyCompanyRegistrationRequest* request,
    v1::Company* response) {
  return edge_->Serve(
      context, Method("VerifyCompanyRegistration"), [=, this](Call& call) -> absl::Status {
        if (!call.is_operator()) return PermissionDenied("platform operators");
        absl::StatusOr<std::string> id = ParseName(request->name(), "companies", "name");
        if (!id.ok()) return id.status();
        if (absl::Status s = ValidateVerificationStatus(request->status(), "status"); !s.ok()) {
          return s;
        }
        return CommitWrite<v1::Company>(
            call, *store_, store::PartitionOf(*id), request->request_id(), *request,
            [&](store::Txn& txn) -> absl::StatusOr<v1::Company> {
              auto stored = ReadResource<v1::Company>(txn, kCompanyKind, request->name());
              if (!stored.ok()) return stored.status();
              if (!stored->has_value()) {
                return absl::NotFoundError(absl::StrCat("no ", request->name()));
              }
              v1::Company company = **stored;
              RecordVerification(request->status(), call.principal().id(),
                                 company.mutable_registration());
              absl::StatusOr<int64_t> version = PutResource(
                  txn, kCompanyKind, company, company.version(), v1::AUDIT_ACTION_TRANSITION,
                  {{"registration", v1::RegistrationStatus_Name(request->status())}});
              if (!version.ok()) return version.status();
              return company;
            },
            response);
      });
}

// ---- Campaigns ----

grpc::ServerUnaryReactor* CampaignServiceImpl::CreateCampaign(
    grpc::CallbackServerContext* context, const v1::CreateCampaignRequest* request,
    v1::Campaign* response) {
  return edge_->Serve(context, Method("CreateCampaign"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<std::string> company_id = ParseName(request->parent(), "companies", "parent");
    if (!company_id.ok()) return company_id.status();
    if (absl::Status s = MayManage(call, *company_id); !s.ok()) return s;
    const std::string id = request->campaign_id().empty()
                               ? ResourceIdFor(call.principal(), request->request_id())
                               : request->campaign_id();
    if (absl::Status s = ValidateId(id, "campaign_id"); !s.ok()) return s;
    v1::Campaign campaign = request->campaign();
    campaign.set_name(absl::StrCat(request->parent(), "/campaigns/", id));
    if (absl::Status s = ValidateCampaign(campaign); !s.ok()) return s;
    campaign.set_state(v1::CAMPAIGN_STATE_DRAFT);
    campaign.set_seats_taken(0);
    return CommitWrite<v1::Campaign>(
        call, *store_, store::PartitionOf(*company_id), request->request_id(), *request,
        [&](store::Txn& txn) -> absl::StatusOr<v1::Campaign> {
          auto company = ReadResource<v1::Company>(txn, kCompanyKind, request->parent());
          if (!company.ok()) return company.status();
          if (!company->has_value()) {
            return absl::NotFoundError(absl::StrCat("no ", request->parent()));
          }
          absl::StatusOr<int64_t> version =
              PutResource(txn, kCampaignKind, campaign, 0, v1::AUDIT_ACTION_CREATE);
          if (!version.ok()) return version.status();
          return campaign;
        },
        response);
  });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::GetCampaign(grpc::CallbackServerContext* context,
                                                           const v1::GetCampaignRequest* request,
                                                           v1::Campaign* response) {
  return edge_->Serve(context, Method("GetCampaign"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<std::pair<std::string, std::string>> ids =
        ParseChildName(request->name(), "companies", "campaigns", "name");
    if (!ids.ok()) return ids.status();
    const bool is_teleoperator = call.principal().kind() == v1::Principal::KIND_TELEOPERATOR;
    if (!is_teleoperator) {
      if (absl::Status s = MayManage(call, ids->first); !s.ok()) return s;
    }
    auto campaign = ReadResource<v1::Campaign>(*store_, store::PartitionOf(ids->first),
                                               kCampaignKind, request->name());
    if (!campaign.ok()) return campaign.status();
    if (!campaign->has_value() ||
        (is_teleoperator && (*campaign)->state() != v1::CAMPAIGN_STATE_OPEN)) {
      return absl::NotFoundError(absl::StrCat("no ", request->name()));
    }
    *response = **std::move(campaign);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::ListCampaigns(
    grpc::CallbackServerContext* context, const v1::ListCampaignsRequest* request,
    v1::ListCampaignsResponse* response) {
  return edge_->Serve(context, Method("ListCampaigns"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<int> page_size = PageSize(request->page_size());
    if (!page_size.ok()) return page_size.status();
    const bool all_companies = request->parent() == "companies/-";
    std::string company_id;
    if (!all_companies) {
      absl::StatusOr<std::string> id = ParseName(request->parent(), "companies", "parent");
      if (!id.ok()) return id.status();
      company_id = *id;
    }
    const bool is_teleoperator = call.principal().kind() == v1::Principal::KIND_TELEOPERATOR;
    if (call.principal().kind() == v1::Principal::KIND_CLIENT) {
      if (all_companies) company_id = call.principal().id();  // "-" means "mine" for a client
      if (!call.is_client(company_id)) return PermissionDenied("the company itself");
    }
    std::vector<v1::Campaign> campaigns;
    auto keep = [&](const std::string& name, const store::Record& record) {
      absl::StatusOr<v1::Campaign> campaign = ParseResource<v1::Campaign>(record, name);
      if (!campaign.ok()) return;
      if (!company_id.empty() && name.rfind(absl::StrCat("companies/", company_id, "/"), 0) != 0) {
        return;
      }
      if (is_teleoperator && campaign->state() != v1::CAMPAIGN_STATE_OPEN) return;
      if (request->state() != v1::CAMPAIGN_STATE_UNSPECIFIED &&
          campaign->state() != request->state()) {
        return;
      }
      campaigns.push_back(*std::move(campaign));
    };
    if (!company_id.empty()) {
      const int partition = store::PartitionOf(company_id);
      absl::StatusOr<std::vector<std::string>> ids = store_->ListIds(partition, kCampaignKind);
      if (!ids.ok()) return ids.status();
      for (const std::string& name : *ids) {
        if (name.rfind(absl::StrCat("companies/", company_id, "/"), 0) != 0) continue;
        absl::StatusOr<std::optional<store::Record>> record =
            store_->Get(partition, kCampaignKind, name);
        if (!record.ok()) return record.status();
        if (record->has_value()) keep(name, **record);
      }
    } else {
      absl::Status loaded = store_->LoadAll(
          kCampaignKind,
          [&](int, const std::string& name, const store::Record& record) { keep(name, record); });
      if (!loaded.ok()) return loaded;
    }
    return PageByName(std::move(campaigns), *page_size, request->page_token(),
                      response->mutable_campaigns(), response->mutable_next_page_token());
  });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::UpdateCampaign(
    grpc::CallbackServerContext* context, const v1::UpdateCampaignRequest* request,
    v1::Campaign* response) {
  return edge_->Serve(context, Method("UpdateCampaign"), [=, this](Call& call) -> absl::Status {
    const std::string& name = request->campaign().name();
    absl::StatusOr<std::pair<std::string, std::string>> ids =
        ParseChildName(name, "companies", "campaigns", "campaign.name");
    if (!ids.ok()) return ids.status();
    if (request->campaign().version() <= 0) {
      return InvalidField("campaign.version", "required: the version the campaign was read at");
    }
    if (absl::Status s = MayManage(call, ids->first); !s.ok()) return s;
    return CommitWrite<v1::Campaign>(
        call, *store_, store::PartitionOf(ids->first), request->request_id(), *request,
        [&](store::Txn& txn) -> absl::StatusOr<v1::Campaign> {
          auto stored = ReadResource<v1::Campaign>(txn, kCampaignKind, name);
          if (!stored.ok()) return stored.status();
          if (!stored->has_value()) return absl::NotFoundError(absl::StrCat("no ", name));
          if ((*stored)->state() == v1::CAMPAIGN_STATE_CLOSED) {
            return absl::FailedPreconditionError(absl::StrCat(name, " is closed"));
          }
          v1::Campaign campaign = **stored;
          if (absl::Status s = ApplyUpdate(request->campaign(), request->update_mask(),
                                           CampaignFields(), &campaign);
              !s.ok()) {
            return s;
          }
          KeepOutputOnly(**stored, campaign);
          if (absl::Status s = ValidateCampaign(campaign); !s.ok()) return s;
          if (campaign.seats() < campaign.seats_taken()) {
            return InvalidField("campaign.seats",
                                absl::StrCat("below the ", campaign.seats_taken(), " seats taken"));
          }
          absl::StatusOr<int64_t> version = PutResource(
              txn, kCampaignKind, campaign, request->campaign().version(), v1::AUDIT_ACTION_UPDATE);
          if (!version.ok()) return version.status();
          return campaign;
        },
        response);
  });
}

absl::Status CampaignServiceImpl::Transition(Call& call, const std::string& name, int64_t version,
                                             const std::string& request_id,
                                             const google::protobuf::Message& request,
                                             v1::CampaignState to, v1::Campaign* response) {
  absl::StatusOr<std::pair<std::string, std::string>> ids =
      ParseChildName(name, "companies", "campaigns", "name");
  if (!ids.ok()) return ids.status();
  if (version <= 0)
    return InvalidField("version", "required: the version the campaign was read at");
  if (absl::Status s = MayManage(call, ids->first); !s.ok()) return s;
  return CommitWrite<v1::Campaign>(
      call, *store_, store::PartitionOf(ids->first), request_id, request,
      [&](store::Txn& txn) -> absl::StatusOr<v1::Campaign> {
        auto stored = ReadResource<v1::Campaign>(txn, kCampaignKind, name);
        if (!stored.ok()) return stored.status();
        if (!stored->has_value()) return absl::NotFoundError(absl::StrCat("no ", name));
        v1::Campaign campaign = **stored;
        const bool allowed =
            (to == v1::CAMPAIGN_STATE_OPEN && campaign.state() == v1::CAMPAIGN_STATE_DRAFT) ||
            (to == v1::CAMPAIGN_STATE_CLOSED && campaign.state() != v1::CAMPAIGN_STATE_CLOSED);
        if (!allowed) {
          return absl::FailedPreconditionError(
              absl::StrCat(name, " is ", v1::CampaignState_Name(campaign.state()),
                           "; cannot go to ", v1::CampaignState_Name(to)));
        }
        campaign.set_state(to);
        absl::StatusOr<int64_t> written =
            PutResource(txn, kCampaignKind, campaign, version, v1::AUDIT_ACTION_TRANSITION,
                        {{"state", v1::CampaignState_Name(to)}});
        if (!written.ok()) return written.status();
        return campaign;
      },
      response);
}

grpc::ServerUnaryReactor* CampaignServiceImpl::OpenCampaign(grpc::CallbackServerContext* context,
                                                            const v1::OpenCampaignRequest* request,
                                                            v1::Campaign* response) {
  return edge_->Serve(context, Method("OpenCampaign"), [=, this](Call& call) {
    return Transition(call, request->name(), request->version(), request->request_id(), *request,
                      v1::CAMPAIGN_STATE_OPEN, response);
  });
}

grpc::ServerUnaryReactor* CampaignServiceImpl::CloseCampaign(
    grpc::CallbackServerContext* context, const v1::CloseCampaignRequest* request,
    v1::Campaign* response) {
  return edge_->Serve(context, Method("CloseCampaign"), [=, this](Call& call) {
    return Transition(call, request->name(), request->version(), request->request_id(), *request,
                      v1::CAMPAIGN_STATE_CLOSED, response);
  });
}

}  // namespace callmatch
