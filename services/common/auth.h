// Bearer credentials: every call carries "authorization: Bearer <secret>"; the secret maps to a
// principal (a client company, a teleoperator or a platform operator). Only the SHA-256 of a
// secret is stored. A secret reads "cm_<id>_<64 hex>" and an id starts with the two digits of its
// partition, so one GET authenticates a call. Revocation takes effect on the next call: nothing is
// cached.
//
// Thread safety: safe for concurrent use.
#ifndef CALLMATCH_SERVICES_COMMON_AUTH_H_
#define CALLMATCH_SERVICES_COMMON_AUTH_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "callmatch/v1/audit.pb.h"
#include "callmatch/v1/credential.pb.h"
#include "services/store/store.h"

namespace callmatch {

// A new credential and its secret, which is shown once.
struct IssuedCredential {
  v1::Credential credential;
  std::string secret;
  store::ConsistencyToken token;
};

// A credential after a change, and the token of that change.
struct ChangedCredential {
  v1::Credential credential;
  store::ConsistencyToken token;
};

class CredentialStore {
 public:
  explicit CredentialStore(store::Store* store) : store_(store) {}

  // The principal behind the value of an "authorization" header ("Bearer <secret>").
  // UNAUTHENTICATED when it is missing, malformed, unknown or revoked.
  absl::StatusOr<v1::Principal> Authenticate(absl::string_view authorization) const;

  // Issues a credential for `principal`. A retry of the same request returns the credential
  // without its secret (the secret is never stored, not even in the request record).
  absl::StatusOr<IssuedCredential> Issue(const store::WriteContext& context,
                                         const v1::Principal& principal,
                                         absl::string_view description) const;

  // Revokes "credentials/{id}". NOT_FOUND if unknown; revoking twice keeps the first time.
  absl::StatusOr<ChangedCredential> Revoke(const store::WriteContext& context,
                                           absl::string_view name) const;

  // Every credential, by name.
  absl::StatusOr<std::vector<v1::Credential>> List() const;

 private:
  store::Store* store_;
};

// "client:acme", "teleoperator:t-42", "operator:alice", "system:": for logs.
std::string PrincipalLabel(const v1::Principal& principal);

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_COMMON_AUTH_H_
