#include "services/teleoperator/teleoperator_service.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "services/common/field_mask.h"
#include "services/common/resource_store.h"
#include "services/common/validation.h"
#include "services/store/partition.h"

namespace callmatch {
namespace {

constexpr char kService[] = "/callmatch.v1.TeleoperatorService/";
constexpr size_t kMaxName = 200;
constexpr int kMaxLanguages = 10;
constexpr int kMaxSkills = 10;
constexpr int kMaxSegments = 20;
constexpr int kMaxWindows = 50;

std::string Method(absl::string_view name) { return absl::StrCat(kService, name); }

const std::vector<std::string>& TeleoperatorFields() {
  static const auto* fields = new std::vector<std::string>{
      "display_name", "establishment", "languages", "skills", "sector_experience", "availability"};
  return *fields;
}
const std::vector<std::string>& OperatorTeleoperatorFields() {
  static const auto* fields = new std::vector<std::string>{
      "display_name",      "establishment", "languages",          "skills",
      "sector_experience", "availability",  "registration.number"};
  return *fields;
}
const std::vector<std::string>& EmploymentFields() {
  static const auto* fields =
      new std::vector<std::string>{"employer",   "schedule",           "start_date",
                                   "end_date",   "exclusivity_clause", "employer_authorisation",
                                   "non_compete"};
  return *fields;
}

// The teleoperator itself or an operator.
absl::Status MayActFor(const Call& call, absl::string_view teleoperator_id) {
  if (call.is_operator() || call.is_teleoperator(teleoperator_id)) return absl::OkStatus();
  return PermissionDenied("the teleoperator itself or a platform operator");
}

std::string TeleoperatorName(absl::string_view id) { return absl::StrCat("teleoperators/", id); }

absl::Status RequireVersion(int64_t version, absl::string_view field) {
  if (version > 0) return absl::OkStatus();
  return InvalidField(field, "required: the version the resource was read at");
}

}  // namespace

absl::Status ValidateTeleoperator(const v1::Teleoperator& teleoperator) {
  if (teleoperator.display_name().empty()) {
    return InvalidField("teleoperator.display_name", "required");
  }
  if (absl::Status s =
          ValidateText(teleoperator.display_name(), kMaxName, "teleoperator.display_name");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateLocation(teleoperator.establishment(), "teleoperator.establishment");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateRegistrationNumber(teleoperator.establishment().country_code(),
                                                  teleoperator.registration().number(),
                                                  "teleoperator.registration.number");
      !s.ok()) {
    return s;
  }
  if (teleoperator.languages().empty()) {
    return InvalidField("teleoperator.languages", "at least one");
  }
  if (absl::Status s =
          ValidateLanguages(teleoperator.languages(), kMaxLanguages, "teleoperator.languages");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateSkills(teleoperator.skills(), kMaxSkills, "teleoperator.skills");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateSegments(teleoperator.sector_experience(), kMaxSegments,
                                        /*required=*/false, "teleoperator.sector_experience");
      !s.ok()) {
    return s;
  }
  return ValidateSchedule(teleoperator.availability(), kMaxWindows, /*allow_empty=*/true,
                          "teleoperator.availability");
}

absl::Status ValidateEmployment(const v1::Employment& employment) {
  const v1::Employer& employer = employment.employer();
  if (employer.display_name().empty()) {
    return InvalidField("employment.employer.display_name", "required");
  }
  if (absl::Status s =
          ValidateText(employer.display_name(), kMaxName, "employment.employer.display_name");
      !s.ok()) {
    return s;
  }
  v1::Location country;
  country.set_country_code(employer.country_code());
  if (absl::Status s = ValidateLocation(country, "employment.employer"); !s.ok()) return s;
  if (absl::Status s =
          ValidateRegistrationNumber(employer.country_code(), employer.registration_number(),
                                     "employment.employer.registration_number");
      !s.ok()) {
    return s;
  }
  if (!employer.group_id().empty()) {
    if (absl::Status s = ValidateRegistrationNumber(employer.country_code(), employer.group_id(),
                                                    "employment.employer.group_id");
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = ValidateSegments(employer.segments(), kMaxSegments, /*required=*/false,
                                        "employment.employer.segments");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateSchedule(employment.schedule(), kMaxWindows, /*allow_empty=*/true,
                                        "employment.schedule");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateDate(employment.start_date(), "employment.start_date", true);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateDate(employment.end_date(), "employment.end_date", false); !s.ok()) {
    return s;
  }
  auto day = [](const v1::Date& d) { return absl::CivilDay(d.year(), d.month(), d.day()); };
  if (employment.has_end_date() && day(employment.end_date()) < day(employment.start_date())) {
    return InvalidField("employment.end_date", "before start_date");
  }
  if (employment.has_non_compete()) {
    const v1::NonCompeteClause& clause = employment.non_compete();
    if (absl::Status s = ValidateSegments(clause.segments(), kMaxSegments, /*required=*/true,
                                          "employment.non_compete.segments");
        !s.ok()) {
      return s;
    }
    if (absl::Status s =
            ValidateDate(clause.end_date(), "employment.non_compete.end_date", /*required=*/true);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

// ---- Profiles ----

grpc::ServerUnaryReactor* TeleoperatorServiceImpl::CreateTeleoperator(
    grpc::CallbackServerContext* context, const v1::CreateTeleoperatorRequest* request,
    v1::Teleoperator* response) {
  return edge_->Serve(context, Method("CreateTeleoperator"), [=, this](Call& call) -> absl::Status {
    if (!call.is_operator()) return PermissionDenied("platform operators");
    const std::string id = request->teleoperator_id().empty()
                               ? ResourceIdFor(call.principal(), request->request_id())
                               : request->teleoperator_id();
    if (absl::Status s = ValidateId(id, "teleoperator_id"); !s.ok()) return s;
    v1::Teleoperator teleoperator = request->teleoperator();
    teleoperator.set_name(TeleoperatorName(id));
    if (absl::Status s = ValidateTeleoperator(teleoperator); !s.ok()) return s;
    ResetVerification(teleoperator.mutable_registration());
    return CommitWrite<v1::Teleoperator>(
        call, *store_, store::PartitionOf(id), request->request_id(), *request,
        [&](store::Txn& txn) -> absl::StatusOr<v1::Teleoperator> {
          absl::StatusOr<int64_t> version =
              PutResource(txn, kTeleoperatorKind, teleoperator, 0, v1::AUDIT_ACTION_CREATE);
          if (!version.ok()) return version.status();
          return teleoperator;
        },
        response);
  });
}

grpc::ServerUnaryReactor* TeleoperatorServiceImpl::GetTeleoperator(
    grpc::CallbackServerContext* context, const v1::GetTeleoperatorRequest* request,
    v1::Teleoperator* response) {
  return edge_->Serve(context, Method("GetTeleoperator"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseName(request->name(), "teleoperators", "name");
    if (!id.ok()) return id.status();
    if (absl::Status s = MayActFor(call, *id); !s.ok()) return s;
    auto teleoperator = ReadResource<v1::Teleoperator>(*store_, store::PartitionOf(*id),
                                                       kTeleoperatorKind, request->name());
    if (!teleoperator.ok()) return teleoperator.status();
    if (!teleoperator->has_value())
      return absl::NotFoundError(absl::StrCat("no ", request->name()));
    *response = **std::move(teleoperator);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* TeleoperatorServiceImpl::ListTeleoperators(
    grpc::CallbackServerContext* context, const v1::ListTeleoperatorsRequest* request,
    v1::ListTeleoperatorsResponse* response) {
  return edge_->Serve(context, Method("ListTeleoperators"), [=, this](Call& call) -> absl::Status {
    if (!call.is_operator()) return PermissionDenied("platform operators");
    absl::StatusOr<int> page_size = PageSize(request->page_size());
    if (!page_size.ok()) return page_size.status();
    std::vector<v1::Teleoperator> teleoperators;
    absl::Status loaded = store_->LoadAll(kTeleoperatorKind, [&](int, const std::string& name,
                                                                 const store::Record& record) {
      absl::StatusOr<v1::Teleoperator> teleoperator = ParseResource<v1::Teleoperator>(record, name);
      if (!teleoperator.ok()) return;
      if (!request->country_code().empty() &&
          teleoperator->establishment().country_code() != request->country_code()) {
        return;
      }
      teleoperators.push_back(*std::move(teleoperator));
    });
    if (!loaded.ok()) return loaded;
    return PageByName(std::move(teleoperators), *page_size, request->page_token(),
                      response->mutable_teleoperators(), response->mutable_next_page_token());
  });
}

grpc::ServerUnaryReactor* TeleoperatorServiceImpl::UpdateTeleoperator(
    grpc::CallbackServerContext* context, const v1::UpdateTeleoperatorRequest* request,
    v1::Teleoperator* response) {
  return edge_->Serve(context, Method("UpdateTeleoperator"), [=, this](Call& call) -> absl::Status {
    const std::string& name = request->teleoperator().name();
    absl::StatusOr<std::string> id = ParseName(name, "teleoperators", "teleoperator.name");
    if (!id.ok()) return id.status();
    if (absl::Status s = RequireVersion(request->teleoperator().version(), "teleoperator.version");
        !s.ok()) {
      return s;
    }
    if (absl::Status s = MayActFor(call, *id); !s.ok()) return s;
    return CommitWrite<v1::Teleoperator>(
        call, *store_, store::PartitionOf(*id), request->request_id(), *request,
        [&](store::Txn& txn) -> absl::StatusOr<v1::Teleoperator> {
          auto stored = ReadResource<v1::Teleoperator>(txn, kTeleoperatorKind, name);
          if (!stored.ok()) return stored.status();
          if (!stored->has_value()) return absl::NotFoundError(absl::StrCat("no ", name));
          v1::Teleoperator teleoperator = **stored;
          const std::string number = teleoperator.registration().number();
          const std::string country = teleoperator.establishment().country_code();
          if (absl::Status s = ApplyUpdate(
                  request->teleoperator(), request->update_mask(),
                  call.is_operator() ? OperatorTeleoperatorFields() : TeleoperatorFields(),
                  &teleoperator);
              !s.ok()) {
            return s;
          }
          if (absl::Status s = ValidateTeleoperator(teleoperator); !s.ok()) return s;
          // A registration was verified for a number in a country: a change of either undoes it.
          if (teleoperator.registration().number() != number ||
              teleoperator.establishment().country_code() != country) {
            ResetVerification(teleoperator.mutable_registration());
          }
          absl::StatusOr<int64_t> version =
              PutResource(txn, kTeleoperatorKind, teleoperator, request->teleoperator().version(),
                          v1::AUDIT_ACTION_UPDATE);
          if (!version.ok()) return version.status();
          return teleoperator;
        },
        response);
  });
}

grpc::ServerUnaryReactor* TeleoperatorServiceImpl::DeleteTeleoperator(
    grpc::CallbackServerContext* context, const v1::DeleteTeleoperatorRequest* request,
    v1::DeleteTeleoperatorResponse* response) {
  return edge_->Serve(context, Method("DeleteTeleoperator"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseName(request->name(), "teleoperators", "name");
    if (!id.ok()) return id.status();
    if (absl::Status s = RequireVersion(request->version(), "version"); !s.ok()) return s;
    if (absl::Status s = MayActFor(call, *id); !s.ok()) return s;
    const int partition = store::PartitionOf(*id);
    return CommitWrite<v1::DeleteTeleoperatorResponse>(
        call, *store_, partition, request->request_id(), *request,
        [&](store::Txn& txn) -> absl::StatusOr<v1::DeleteTeleoperatorResponse> {
          if (absl::Status s = txn.Delete(kTeleoperatorKind, request->name(), request->version());
              !s.ok()) {
            return s;
          }
          // The declarations go with the profile, in the same transaction; the id set is watched,
          // so a declaration added meanwhile makes the transaction run again.
          absl::StatusOr<std::vector<std::string>> employments = txn.ListIds(kEmploymentKind);
          if (!employments.ok()) return employments.status();
          const std::string prefix = absl::StrCat(request->name(), "/");
          for (const std::string& employment : *employments) {
            if (employment.rfind(prefix, 0) != 0) continue;
            if (absl::Status s = txn.Delete(kEmploymentKind, employment, -1);
                !s.ok() && !absl::IsNotFound(s)) {
              return s;
            }
          }
          v1::AuditEvent event;
          event.set_action(v1::AUDIT_ACTION_DELETE);
          event.set_resource(request->name());
          txn.AddEvent(std::move(event));
          return v1::DeleteTeleoperatorResponse();
        },
        response);
  });
}

grpc::ServerUnaryReactor* TeleoperatorServiceImpl::VerifyRegistration(
    grpc::CallbackServerContext* context, const v1::VerifyRegistrationRequest* request,
    v1::Teleoperator* response) {
  return edge_->Serve(context, Method("VerifyRegistration"), [=, this](Call& call) -> absl::Status {
    if (!call.is_operator()) return PermissionDenied("platform operators");
    absl::StatusOr<std::string> id = ParseName(request->name(), "teleoperators", "name");
    if (!id.ok()) return id.status();
    if (absl::Status s = ValidateVerificationStatus(request->status(), "status"); !s.ok()) return s;
    return CommitWrite<v1::Teleoperator>(
        call, *store_, store::PartitionOf(*id), request->request_id(), *request,
        [&](store::Txn& txn) -> absl::StatusOr<v1::Teleoperator> {
          auto stored = ReadResource<v1::Teleoperator>(txn, kTeleoperatorKind, request->name());
          if (!stored.ok()) return stored.status();
          if (!stored->has_value())
            return absl::NotFoundError(absl::StrCat("no ", request->name()));
          v1::Teleoperator teleoperator = **stored;
          RecordVerification(request->status(), call.principal().id(),
                             teleoperator.mutable_registration());
          absl::StatusOr<int64_t> version =
              PutResource(txn, kTeleoperatorKind, teleoperator, teleoperator.version(),
                          v1::AUDIT_ACTION_TRANSITION,
                          {{"registration", v1::RegistrationStatus_Name(request->status())}});
          if (!version.ok()) return version.status();
          return teleoperator;
        },
        response);
  });
}

// ---- Declarations ----

grpc::ServerUnaryReactor* TeleoperatorServiceImpl::CreateEmployment(
    grpc::CallbackServerContext* context, const v1::CreateEmploymentRequest* request,
    v1::Employment* response) {
  return edge_->Serve(context, Method("CreateEmployment"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseName(request->parent(), "teleoperators", "parent");
    if (!id.ok()) return id.status();
    if (absl::Status s = MayActFor(call, *id); !s.ok()) return s;
    const std::string employment_id = request->employment_id().empty()
                                          ? ResourceIdFor(call.principal(), request->request_id())
                                          : request->employment_id();
    if (absl::Status s = ValidateId(employment_id, "employment_id"); !s.ok()) return s;
    v1::Employment employment = request->employment();
    employment.set_name(absl::StrCat(request->parent(), "/employments/", employment_id));
    if (absl::Status s = ValidateEmployment(employment); !s.ok()) return s;
    return CommitWrite<v1::Employment>(
        call, *store_, store::PartitionOf(*id), request->request_id(), *request,
        [&](store::Txn& txn) -> absl::StatusOr<v1::Employment> {
          auto teleoperator =
              ReadResource<v1::Teleoperator>(txn, kTeleoperatorKind, request->parent());
          if (!teleoperator.ok()) return teleoperator.status();
          if (!teleoperator->has_value()) {
            return absl::NotFoundError(absl::StrCat("no ", request->parent()));
          }
          absl::StatusOr<int64_t> version =
              PutResource(txn, kEmploymentKind, employment, 0, v1::AUDIT_ACTION_CREATE);
          if (!version.ok()) return version.status();
          return employment;
        },
        response);
  });
}

grpc::ServerUnaryReactor* TeleoperatorServiceImpl::GetEmployment(
    grpc::CallbackServerContext* context, const v1::GetEmploymentRequest* request,
    v1::Employment* response) {
  return edge_->Serve(context, Method("GetEmployment"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<std::pair<std::string, std::string>> ids =
        ParseChildName(request->name(), "teleoperators", "employments", "name");
    if (!ids.ok()) return ids.status();
    if (absl::Status s = MayActFor(call, ids->first); !s.ok()) return s;
    if (absl::Status s = AuditOperatorRead(*store_, call, ids->first, request->name()); !s.ok())
      return s;
    auto employment = ReadResource<v1::Employment>(*store_, store::PartitionOf(ids->first),
                                                   kEmploymentKind, request->name());
    if (!employment.ok()) return employment.status();
    if (!employment->has_value()) return absl::NotFoundError(absl::StrCat("no ", request->name()));
    *response = **std::move(employment);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* TeleoperatorServiceImpl::ListEmployments(
    grpc::CallbackServerContext* context, const v1::ListEmploymentsRequest* request,
    v1::ListEmploymentsResponse* response) {
  return edge_->Serve(context, Method("ListEmployments"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<std::string> id = ParseName(request->parent(), "teleoperators", "parent");
    if (!id.ok()) return id.status();
    if (absl::Status s = MayActFor(call, *id); !s.ok()) return s;
    absl::StatusOr<int> page_size = PageSize(request->page_size());
    if (!page_size.ok()) return page_size.status();
    if (absl::Status s = AuditOperatorRead(*store_, call, *id, request->parent()); !s.ok())
      return s;
    const int partition = store::PartitionOf(*id);
    absl::StatusOr<std::vector<std::string>> all = store_->ListIds(partition, kEmploymentKind);
    if (!all.ok()) return all.status();
    const std::string prefix = absl::StrCat(request->parent(), "/employments/");
    std::vector<std::string> names;
    std::copy_if(all->begin(), all->end(), std::back_inserter(names),
                 [&](const std::string& name) { return name.rfind(prefix, 0) == 0; });
    absl::StatusOr<Page> page = PageOf(names, *page_size, request->page_token());
    if (!page.ok()) return page.status();
    for (size_t i = page->begin; i < page->end; ++i) {
      auto employment = ReadResource<v1::Employment>(*store_, partition, kEmploymentKind, names[i]);
      if (!employment.ok()) return employment.status();
      if (employment->has_value()) *response->add_employments() = **employment;
    }
    response->set_next_page_token(page->next_page_token);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* TeleoperatorServiceImpl::UpdateEmployment(
    grpc::CallbackServerContext* context, const v1::UpdateEmploymentRequest* request,
    v1::Employment* response) {
  return edge_->Serve(context, Method("UpdateEmployment"), [=, this](Call& call) -> absl::Status {
    const std::string& name = request->employment().name();
    absl::StatusOr<std::pair<std::string, std::string>> ids =
        ParseChildName(name, "teleoperators", "employments", "employment.name");
    if (!ids.ok()) return ids.status();
    if (absl::Status s = RequireVersion(request->employment().version(), "employment.version");
        !s.ok()) {
      return s;
    }
    if (absl::Status s = MayActFor(call, ids->first); !s.ok()) return s;
    return CommitWrite<v1::Employment>(
        call, *store_, store::PartitionOf(ids->first), request->request_id(), *request,
        [&](store::Txn& txn) -> absl::StatusOr<v1::Employment> {
          auto stored = ReadResource<v1::Employment>(txn, kEmploymentKind, name);
          if (!stored.ok()) return stored.status();
          if (!stored->has_value()) return absl::NotFoundError(absl::StrCat("no ", name));
          v1::Employment employment = **stored;
          if (absl::Status s = ApplyUpdate(request->employment(), request->update_mask(),
                                           EmploymentFields(), &employment);
              !s.ok()) {
            return s;
          }
          if (absl::Status s = ValidateEmployment(employment); !s.ok()) return s;
          absl::StatusOr<int64_t> version =
              PutResource(txn, kEmploymentKind, employment, request->employment().version(),
                          v1::AUDIT_ACTION_UPDATE);
          if (!version.ok()) return version.status();
          return employment;
        },
        response);
  });
}

grpc::ServerUnaryReactor* TeleoperatorServiceImpl::DeleteEmployment(
    grpc::CallbackServerContext* context, const v1::DeleteEmploymentRequest* request,
    v1::DeleteEmploymentResponse* response) {
  return edge_->Serve(context, Method("DeleteEmployment"), [=, this](Call& call) -> absl::Status {
    absl::StatusOr<std::pair<std::string, std::string>> ids =
        ParseChildName(request->name(), "teleoperators", "employments", "name");
    if (!ids.ok()) return ids.status();
    if (absl::Status s = RequireVersion(request->version(), "version"); !s.ok()) return s;
    if (absl::Status s = MayActFor(call, ids->first); !s.ok()) return s;
    return CommitWrite<v1::DeleteEmploymentResponse>(
        call, *store_, store::PartitionOf(ids->first), request->request_id(), *request,
        [&](store::Txn& txn) -> absl::StatusOr<v1::DeleteEmploymentResponse> {
          if (absl::Status s = txn.Delete(kEmploymentKind, request->name(), request->version());
              !s.ok()) {
            return s;
          }
          v1::AuditEvent event;
          event.set_action(v1::AUDIT_ACTION_DELETE);
          event.set_resource(request->name());
          txn.AddEvent(std::move(event));
          return v1::DeleteEmploymentResponse();
        },
        response);
  });
}

}  // namespace callmatch
