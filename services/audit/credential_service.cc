#include "services/audit/credential_service.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/errors.h"
#include "services/common/validation.h"

namespace callmatch {
namespace {

constexpr char kService[] = "/callmatch.v1.CredentialService/";
constexpr size_t kMaxDescription = 200;

std::string Method(absl::string_view name) { return absl::StrCat(kService, name); }

}  // namespace

absl::Status ValidatePrincipal(const v1::Principal& principal, absl::string_view field) {
  switch (principal.kind()) {
    case v1::Principal::KIND_CLIENT:
    case v1::Principal::KIND_TELEOPERATOR:
    case v1::Principal::KIND_OPERATOR:
      return ValidateId(principal.id(), absl::StrCat(field, ".id"));
    default:
      return InvalidField(absl::StrCat(field, ".kind"),
                          "must be KIND_CLIENT, KIND_TELEOPERATOR or KIND_OPERATOR");
  }
}

grpc::ServerUnaryReactor* CredentialServiceImpl::IssueCredential(
    grpc::CallbackServerContext* context, const v1::IssueCredentialRequest* request,
    v1::IssueCredentialResponse* response) {
  return edge_->Serve(context, Method("IssueCredential"), [=, this](Call& call) -> absl::Status {
    if (!call.is_operator()) return PermissionDenied("platform operators");
    if (absl::Status s = ValidatePrincipal(request->principal(), "principal"); !s.ok()) return s;
    if (absl::Status s = ValidateText(request->description(), kMaxDescription, "description");
        !s.ok()) {
      return s;
    }
    absl::StatusOr<store::WriteContext> write = call.WriteContext(request->request_id(), *request);
    if (!write.ok()) return write.status();
    absl::StatusOr<IssuedCredential> issued =
        credentials_->Issue(*write, request->principal(), request->description());
    if (!issued.ok()) return issued.status();
    call.AddToken(issued->token);
    *response->mutable_credential() = issued->credential;
    response->set_secret(issued->secret);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CredentialServiceImpl::RevokeCredential(
    grpc::CallbackServerContext* context, const v1::RevokeCredentialRequest* request,
    v1::Credential* response) {
  return edge_->Serve(context, Method("RevokeCredential"), [=, this](Call& call) -> absl::Status {
    if (!call.is_operator()) return PermissionDenied("platform operators");
    if (absl::StatusOr<std::string> id = ParseName(request->name(), "credentials", "name");
        !id.ok()) {
      return id.status();
    }
    absl::StatusOr<store::WriteContext> write = call.WriteContext(request->request_id(), *request);
    if (!write.ok()) return write.status();
    absl::StatusOr<ChangedCredential> revoked = credentials_->Revoke(*write, request->name());
    if (!revoked.ok()) return revoked.status();
    call.AddToken(revoked->token);
    *response = std::move(revoked->credential);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CredentialServiceImpl::ListCredentials(
    grpc::CallbackServerContext* context, const v1::ListCredentialsRequest* request,
    v1::ListCredentialsResponse* response) {
  return edge_->Serve(context, Method("ListCredentials"), [=, this](Call& call) -> absl::Status {
    if (!call.is_operator()) return PermissionDenied("platform operators");
    absl::StatusOr<int> page_size = PageSize(request->page_size());
    if (!page_size.ok()) return page_size.status();
    absl::StatusOr<std::vector<v1::Credential>> all = credentials_->List();
    if (!all.ok()) return all.status();
    return PageByName(*std::move(all), *page_size, request->page_token(),
                      response->mutable_credentials(), response->mutable_next_page_token());
  });
}

grpc::ServerUnaryReactor* CredentialServiceImpl::WhoAmI(grpc::CallbackServerContext* context,
                                                        const v1::WhoAmIRequest* /*request*/,
                                                        v1::Principal* response) {
  return edge_->Serve(context, Method("WhoAmI"), [=](Call& call) -> absl::Status {
    *response = call.principal();
    return absl::OkStatus();
  });
}

}  // namespace callmatch
