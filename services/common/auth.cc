#include "services/common/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "services/common/auth.pb.h"
#include "services/store/partition.h"

namespace callmatch {
namespace {

constexpr absl::string_view kKind = "credential";
constexpr absl::string_view kBearer = "Bearer ";
constexpr absl::string_view kNamePrefix = "credentials/";

std::string Sha256(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

absl::StatusOr<std::string> RandomHex(int bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), bytes) != 1) {
    return absl::InternalError("no randomness from OpenSSL");
  }
  return absl::BytesToHexString(raw);
}

// A credential id is its partition in two digits followed by random hex ("17a3f9c04e1b2d6f8e"),
// so that the id, the name and the secret all tell where the credential is stored.
absl::StatusOr<int> PartitionOfId(absl::string_view id) {
  int partition = 0;
  if (id.size() < 3 || !absl::SimpleAtoi(id.substr(0, 2), &partition) || partition < 0 ||
      partition >= store::kPartitionCount) {
    return absl::InvalidArgumentError(absl::StrCat("malformed credential id \"", id, "\""));
  }
  return partition;
}

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(
      absl::StrCat(why, ": send \"authorization: Bearer <secret>\" with a valid credential"));
}

}  // namespace

std::string PrincipalLabel(const v1::Principal& principal) {
  switch (principal.kind()) {
    case v1::Principal::KIND_CLIENT:
      return absl::StrCat("client:", principal.id());
    case v1::Principal::KIND_TELEOPERATOR:
      return absl::StrCat("teleoperator:", principal.id());
    case v1::Principal::KIND_OPERATOR:
      return absl::StrCat("operator:", principal.id());
    case v1::Principal::KIND_SYSTEM:
      return absl::StrCat("system:", principal.id());
    default:
      return "unknown:";
  }
}

absl::StatusOr<v1::Principal> CredentialStore::Authenticate(absl::string_view authorization) const {
  if (authorization.empty()) return Unauthenticated("no credential");
  if (!absl::StartsWith(authorization, kBearer)) return Unauthenticated("not a bearer credential");
  const absl::string_view secret = absl::StripAsciiWhitespace(authorization.substr(kBearer.size()));
  // "cm_<id>_<random>"
  std::vector<absl::string_view> parts = absl::StrSplit(secret, '_');
  if (parts.size() != 3 || parts[0] != "cm") return Unauthenticated("malformed credential");
  absl::StatusOr<int> partition = PartitionOfId(parts[1]);
  if (!partition.ok()) return Unauthenticated("malformed credential");
  absl::StatusOr<std::optional<store::Record>> record =
      store_->Get(*partition, kKind, std::string(parts[1]));
  if (!record.ok()) return record.status();
  if (!record->has_value()) return Unauthenticated("unknown credential");
  internal::StoredCredential stored;
  if (!stored.ParseFromString((*record)->data)) {
    return absl::InternalError(absl::StrCat("corrupt credential ", parts[1]));
  }
  const std::string hash = Sha256(secret);
  if (stored.secret_sha256().size() != hash.size() ||
      CRYPTO_memcmp(stored.secret_sha256().data(), hash.data(), hash.size()) != 0) {
    return Unauthenticated("unknown credential");
  }
  if (stored.credential().has_revoke_time()) return Unauthenticated("revoked credential");
  return stored.credential().principal();
}

absl::StatusOr<IssuedCredential> CredentialStore::Issue(const store::WriteContext& context,
                                                        const v1::Principal& principal,
                                                        absl::string_view description) const {
  // A credential lives in the partition of the one who issued it, as does the request_id record:
  // a retry, or a reuse of the id for another request, lands where the first request did.
  const int partition = store::PartitionOf(PrincipalLabel(context.actor));
  absl::StatusOr<std::string> random_id = RandomHex(9);
  if (!random_id.ok()) return random_id.status();
  absl::StatusOr<std::string> random_secret = RandomHex(32);
  if (!random_secret.ok()) return random_secret.status();
  const std::string id = absl::StrCat(absl::Dec(partition, absl::kZeroPad2), *random_id);
  const std::string secret = absl::StrCat("cm_", id, "_", *random_secret);

  absl::StatusOr<store::CommitResult> result =
      store_->Write(partition, context, [&](store::Txn& txn) -> absl::StatusOr<std::string> {
        internal::StoredCredential stored;
        v1::Credential& credential = *stored.mutable_credential();
        credential.set_name(absl::StrCat(kNamePrefix, id));
        *credential.mutable_principal() = principal;
        credential.set_description(std::string(description));
        store::SetTimestamp(absl::Now(), credential.mutable_create_time());
        stored.set_secret_sha256(Sha256(secret));
        absl::StatusOr<int64_t> version = txn.Put(kKind, id, stored, 0);
        if (!version.ok()) return version.status();
        v1::AuditEvent event;
        event.set_action(v1::AUDIT_ACTION_CREATE);
        event.set_resource(credential.name());
        event.set_version(*version);
        (*event.mutable_facts())["principal"] = PrincipalLabel(principal);
        txn.AddEvent(std::move(event));
        return credential.SerializeAsString();
      });
  if (!result.ok()) return result.status();
  IssuedCredential issued;
  if (!issued.credential.ParseFromString(result->response)) {
    return absl::InternalError("corrupt stored outcome");
  }
  if (!result->replayed) issued.secret = secret;
  issued.token = result->token;
  return issued;
}

absl::StatusOr<ChangedCredential> CredentialStore::Revoke(const store::WriteContext& context,
                                                          absl::string_view name) const {
  if (!absl::StartsWith(name, kNamePrefix)) {
    return absl::InvalidArgumentError(absl::StrCat("\"", name, "\" is not credentials/{id}"));
  }
  const std::string id(name.substr(kNamePrefix.size()));
  absl::StatusOr<int> partition = PartitionOfId(id);
  if (!partition.ok()) return partition.status();
  absl::StatusOr<store::CommitResult> result =
      store_->Write(*partition, context, [&](store::Txn& txn) -> absl::StatusOr<std::string> {
        absl::StatusOr<std::optional<store::Record>> record = txn.Get(kKind, id);
        if (!record.ok()) return record.status();
        if (!record->has_value()) {
          return absl::NotFoundError(absl::StrCat("no credential ", name));
        }
        internal::StoredCredential stored;
        if (!stored.ParseFromString((*record)->data)) {
          return absl::InternalError(absl::StrCat("corrupt credential ", id));
        }
        if (stored.credential().has_revoke_time()) return stored.credential().SerializeAsString();
        store::SetTimestamp(absl::Now(), stored.mutable_credential()->mutable_revoke_time());
        absl::StatusOr<int64_t> version = txn.Put(kKind, id, stored, (*record)->version);
        if (!version.ok()) return version.status();
        v1::AuditEvent event;
        event.set_action(v1::AUDIT_ACTION_TRANSITION);
        event.set_resource(stored.credential().name());
        event.set_version(*version);
        (*event.mutable_facts())["state"] = "REVOKED";
        txn.AddEvent(std::move(event));
        return stored.credential().SerializeAsString();
      });
  if (!result.ok()) return result.status();
  ChangedCredential changed;
  changed.token = result->token;
  if (!changed.credential.ParseFromString(result->response)) {
    return absl::InternalError("corrupt stored outcome");
  }
  return changed;
}

absl::StatusOr<std::vector<v1::Credential>> CredentialStore::List() const {
  std::vector<v1::Credential> out;
  absl::Status status =
      store_->LoadAll(kKind, [&](int, const std::string&, const store::Record& record) {
        internal::StoredCredential stored;
        if (stored.ParseFromString(record.data)) out.push_back(stored.credential());
      });
  if (!status.ok()) return status;
  std::sort(out.begin(), out.end(),
            [](const v1::Credential& a, const v1::Credential& b) { return a.name() < b.name(); });
  return out;
}

}  // namespace callmatch
