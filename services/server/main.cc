// callmatch-server: runs one service of the platform (--service), reading its settings from
// flags or, where a flag is not given, from CALLMATCH_* environment variables.
#include <cstdio>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/auth.h"
#include "services/common/config.h"
#include "services/common/edge.h"
#include "services/common/executor.h"
#include "services/common/log.h"
#include "services/common/server.h"
#include "services/common/validation.h"
#include "services/server/modules.h"
#include "services/store/store.h"

ABSL_FLAG(std::string, service, callmatch::EnvOr("CALLMATCH_SERVICE", ""),
          "Service to run: campaign, teleoperator, matching, contract, scoring or audit "
          "[CALLMATCH_SERVICE]");
ABSL_FLAG(std::string, listen_host, callmatch::EnvOr("CALLMATCH_LISTEN_HOST", "127.0.0.1"),
          "Address to listen on; 0.0.0.0 for every interface [CALLMATCH_LISTEN_HOST]");
ABSL_FLAG(int, port, callmatch::EnvIntOr("CALLMATCH_PORT", 0),
          "Port to listen on; 0 picks a free one [CALLMATCH_PORT]");
ABSL_FLAG(std::string, port_file, callmatch::EnvOr("CALLMATCH_PORT_FILE", ""),
          "File to write the bound port to once listening [CALLMATCH_PORT_FILE]");
ABSL_FLAG(std::string, redis, callmatch::EnvOr("CALLMATCH_REDIS_ADDR", "127.0.0.1:6379"),
          "Redis address host:port [CALLMATCH_REDIS_ADDR]");
ABSL_FLAG(int, redis_timeout_ms, callmatch::EnvIntOr("CALLMATCH_REDIS_TIMEOUT_MS", 2000),
          "Timeout of one Redis command, in ms [CALLMATCH_REDIS_TIMEOUT_MS]");
ABSL_FLAG(int, redis_connections, callmatch::EnvIntOr("CALLMATCH_REDIS_CONNECTIONS", 16),
          "Redis connections kept at most [CALLMATCH_REDIS_CONNECTIONS]");
ABSL_FLAG(std::string, tls_cert, callmatch::EnvOr("CALLMATCH_TLS_CERT", ""),
          "PEM certificate: with --tls_key, the listener speaks TLS [CALLMATCH_TLS_CERT]");
ABSL_FLAG(int, workers, callmatch::EnvIntOr("CALLMATCH_WORKERS", 16),
          "Threads that run request handlers (they wait on Redis) [CALLMATCH_WORKERS]");
ABSL_FLAG(std::string, bootstrap_operator, "",
          "Issue a credential for this platform operator login, print it as JSON, and exit. Run "
          "it on the server host: it needs only the Redis address");
ABSL_FLAG(std::string, audit_key_file, callmatch::EnvOr("CALLMATCH_AUDIT_KEY_FILE", ""),
          "audit: file holding the HMAC key that seals the audit trail (at least 32 bytes, hex "
          "or raw), kept outside Redis [CALLMATCH_AUDIT_KEY_FILE]");
ABSL_FLAG(std::string, audit_anchor_file, callmatch::EnvOr("CALLMATCH_AUDIT_ANCHOR_FILE", ""),
          "audit: file anchoring the latest seal of each partition, on the audit service's own "
          "volume [CALLMATCH_AUDIT_ANCHOR_FILE]");
ABSL_FLAG(std::string, rulebooks,
          callmatch::EnvOr("CALLMATCH_RULEBOOK_DIR", CALLMATCH_DEFAULT_RULEBOOK_DIR),
          "scoring: the folder of rulebooks (*.textproto) [CALLMATCH_RULEBOOK_DIR]");
ABSL_FLAG(std::string, contract_block_band,
          callmatch::EnvOr("CALLMATCH_CONTRACT_BLOCK_BAND", "CRITICAL"),
          "contract: the risk band (LOW, MEDIUM, HIGH, CRITICAL) at or above which activation "
          "needs an operator's override [CALLMATCH_CONTRACT_BLOCK_BAND]");
ABSL_FLAG(std::string, tls_key, callmatch::EnvOr("CALLMATCH_TLS_KEY", ""),
          "PEM private key [CALLMATCH_TLS_KEY]");

namespace {

// Issues the first operator credential, straight through the store (no server, no credential).
int BootstrapOperator(const callmatch::CredentialStore& credentials, const std::string& login) {
  callmatch::v1::Principal principal;
  principal.set_kind(callmatch::v1::Principal::KIND_OPERATOR);
  principal.set_id(login);
  if (absl::Status valid = callmatch::ValidateId(login, "bootstrap_operator"); !valid.ok()) {
    std::cerr << valid << std::endl;
    return 2;
  }
  callmatch::store::WriteContext context;
  context.actor.set_kind(callmatch::v1::Principal::KIND_SYSTEM);
  context.actor.set_id("bootstrap");
  context.method = "bootstrap_operator";  // no request_id: every run issues a new credential
  auto issued = credentials.Issue(context, principal, "bootstrapped on the server host");
  if (!issued.ok()) {
    std::cerr << issued.status() << std::endl;
    return 1;
  }
  std::cout << "{\"credential\":\"" << issued->credential.name() << "\",\"principal\":\""
            << callmatch::PrincipalLabel(principal) << "\",\"secret\":\"" << issued->secret << "\"}"
            << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  callmatch::BlockTerminationSignals();
  absl::SetProgramUsageMessage(
      "Runs one callmatch service. Example:\n  callmatch-server "
      "--service=campaign --port=50051 --redis=127.0.0.1:6380");
  absl::ParseCommandLine(argc, argv);
  // Abseil's mutex deadlock detection (on in Debian's build) keeps a process-wide graph of lock
  // order behind one spinlock, taken on every lock and every mutex destroyed: ~3% of the matching
  // service's CPU under load (docs/performance.md). The unit tests, in-process, keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  const std::string service = absl::GetFlag(FLAGS_service);
  callmatch::SetLogComponent(service.empty() ? "server" : service);

  auto redis = callmatch::store::ParseRedisAddress(absl::GetFlag(FLAGS_redis));
  if (!redis.ok()) {
    callmatch::LogError("bad --redis", {{"error", redis.status().ToString()}});
    return 2;
  }
  redis->command_timeout = absl::Milliseconds(absl::GetFlag(FLAGS_redis_timeout_ms));
  redis->max_connections = absl::GetFlag(FLAGS_redis_connections);
  callmatch::store::StoreOptions store_options;
  store_options.redis = *redis;
  callmatch::store::Store store(store_options);

  callmatch::CredentialStore credentials(&store);
  if (const std::string login = absl::GetFlag(FLAGS_bootstrap_operator); !login.empty()) {
    return BootstrapOperator(credentials, login);
  }

  callmatch::v1::RiskBand block_band = callmatch::v1::RISK_BAND_UNSPECIFIED;
  if (!callmatch::v1::RiskBand_Parse(
          absl::StrCat("RISK_BAND_", absl::GetFlag(FLAGS_contract_block_band)), &block_band) ||
      block_band == callmatch::v1::RISK_BAND_UNSPECIFIED) {
    callmatch::LogError("bad --contract_block_band: LOW, MEDIUM, HIGH or CRITICAL",
                        {{"value", absl::GetFlag(FLAGS_contract_block_band)}});
    return 2;
  }

  callmatch::Executor executor({.threads = absl::GetFlag(FLAGS_workers)});
  callmatch::Edge edge(&credentials, &executor);
  auto modules = callmatch::MakeModules(
      service, {.store = &store,
                .credentials = &credentials,
                .edge = &edge,
                .executor = &executor,
                .audit = {.key_file = absl::GetFlag(FLAGS_audit_key_file),
                          .anchor_file = absl::GetFlag(FLAGS_audit_anchor_file)},
                .rulebook_dir = absl::GetFlag(FLAGS_rulebooks),
                .contract_block_level = block_band});
  if (!modules.ok()) {
    callmatch::LogError("cannot start the service", {{"error", modules.status().ToString()}});
    return 2;
  }

  callmatch::ServerOptions options;
  options.listen_host = absl::GetFlag(FLAGS_listen_host);
  options.port = absl::GetFlag(FLAGS_port);
  options.port_file = absl::GetFlag(FLAGS_port_file);
  options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert);
  options.tls_key_file = absl::GetFlag(FLAGS_tls_key);
  absl::Status status = callmatch::RunServer(options, *std::move(modules));
  if (!status.ok()) {
    callmatch::LogError("server failed", {{"error", status.ToString()}});
    return 1;
  }
  return 0;
}
