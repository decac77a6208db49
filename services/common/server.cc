#include "services/common/server.h"

#include <signal.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/support/server_interceptor.h"
#include "services/common/log.h"

namespace callmatch {
namespace {

// Logs one line per request: method, peer, status code and duration.
class RequestLogInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit RequestLogInterceptor(grpc::experimental::ServerRpcInfo* info)
      : info_(info), start_(absl::Now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      LogFields fields = {
          {"method", info_->method()},
          {"peer", info_->server_context()->peer()},
          {"code", absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code()))},
          {"ms", absl::StrCat(absl::ToDoubleMilliseconds(absl::Now() - start_))},
      };
      if (!status.ok()) fields.emplace_back("error", status.error_message());
      LogInfo("request", fields);
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  absl::Time start_;
};

class RequestLogFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new RequestLogInterceptor(info);
  }
};

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(const ServerOptions& options) {
  if (options.tls_cert_file.empty() && options.tls_key_file.empty()) {
    return grpc::InsecureServerCredentials();
  }
  if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
    return absl::InvalidArgumentError("TLS needs both a certificate and a key file");
  }
  auto cert = ReadFile(options.tls_cert_file);
  if (!cert.ok()) return cert.status();
  auto key = ReadFile(options.tls_key_file);
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions ssl;
  ssl.pem_key_cert_pairs.push_back({*key, *cert});
  return grpc::SslServerCredentials(ssl);
}

}  // namespace

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

absl::Status RunServer(const ServerOptions& options,
                       std::vector<std::unique_ptr<ServiceModule>> modules) {
  auto credentials = Credentials(options);
  if (!credentials.ok()) return credentials.status();

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int bound_port = 0;
  const std::string address = absl::StrCat(options.listen_host, ":", options.port);
  builder.AddListeningPort(address, *credentials, &bound_port);
  for (auto& module : modules) {
    for (grpc::Service* service : module->services()) builder.RegisterService(service);
  }
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<RequestLogFactory>());
  builder.experimental().SetInterceptorCreators(std::move(factories));

  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || bound_port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", address));
  }
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  health->SetServingStatus(false);
  for (auto& module : modules) {
    for (const auto& name : module->health_names()) health->SetServingStatus(name, false);
  }
  if (!options.port_file.empty()) {
    std::ofstream(options.port_file) << bound_port << "\n";
  }
  LogInfo("listening", {{"address", absl::StrCat(options.listen_host, ":", bound_port)}});

  // Warm every module up in the background; the overall status turns SERVING once all are.
  absl::Notification stopping;
  std::atomic<int> warm{0};
  std::vector<std::thread> warmers;
  for (auto& module : modules) {
    warmers.emplace_back([&, m = module.get()] {
      absl::Duration pause = absl::Milliseconds(100);
      while (!stopping.HasBeenNotified()) {
        absl::Status status = m->WarmUp();
        if (status.ok()) break;
        LogWarning("warm-up failed; retrying",
                   {{"module", std::string(m->name())}, {"error", status.ToString()}});
        stopping.WaitForNotificationWithTimeout(pause);
        pause = std::min(pause * 2, absl::Seconds(5));
      }
      if (stopping.HasBeenNotified()) return;
      for (const auto& name : m->health_names()) health->SetServingStatus(name, true);
      LogInfo("serving", {{"module", std::string(m->name())}});
      if (++warm == static_cast<int>(modules.size())) health->SetServingStatus(true);
    });
  }

  // Wait for SIGTERM or SIGINT (blocked in every thread by BlockTerminationSignals).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int signal_number = 0;
  sigwait(&set, &signal_number);
  LogInfo("shutting down", {{"signal", absl::StrCat(signal_number)}});

  stopping.Notify();
  health->SetServingStatus(false);
  server->Shutdown(std::chrono::system_clock::now() +
                   absl::ToChronoMilliseconds(options.shutdown_grace));
  for (auto& warmer : warmers) warmer.join();
  for (auto& module : modules) module->Stop();
  server->Wait();
  LogInfo("stopped");
  return absl::OkStatus();
}

}  // namespace callmatch
