// CredentialService: operators issue, revoke and list bearer credentials; any principal asks
// who it is. Served by the audit process (docs/decisions.md).
#ifndef CALLMATCH_SERVICES_AUDIT_CREDENTIAL_SERVICE_H_
#define CALLMATCH_SERVICES_AUDIT_CREDENTIAL_SERVICE_H_

#include "callmatch/v1/credential.grpc.pb.h"
#include "services/common/auth.h"
#include "services/common/edge.h"

namespace callmatch {

class CredentialServiceImpl final : public v1::CredentialService::CallbackService {
 public:
  CredentialServiceImpl(Edge* edge, const CredentialStore* credentials)
      : edge_(edge), credentials_(credentials) {}

  grpc::ServerUnaryReactor* IssueCredential(grpc::CallbackServerContext* context,
                                            const v1::IssueCredentialRequest* request,
                                            v1::IssueCredentialResponse* response) override;
  grpc::ServerUnaryReactor* RevokeCredential(grpc::CallbackServerContext* context,
                                             const v1::RevokeCredentialRequest* request,
                                             v1::Credential* response) override;
  grpc::ServerUnaryReactor* ListCredentials(grpc::CallbackServerContext* context,
                                            const v1::ListCredentialsRequest* request,
                                            v1::ListCredentialsResponse* response) override;
  grpc::ServerUnaryReactor* WhoAmI(grpc::CallbackServerContext* context,
                                   const v1::WhoAmIRequest* request,
                                   v1::Principal* response) override;

 private:
  Edge* edge_;
  const CredentialStore* credentials_;
};

// Checks a principal named in a request: a known kind and a valid id.
absl::Status ValidatePrincipal(const v1::Principal& principal, absl::string_view field);

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_AUDIT_CREDENTIAL_SERVICE_H_
