// Server setup shared by every callmatch service.
//
// RunServer builds one gRPC server with grpc.health.v1, server reflection and a log line per
// request, serves the modules' services on the port asked (0 picks a free one, written to
// port_file), warms every module up in the background (health SERVING once its warm-up
// succeeded, NOT_SERVING before), and on SIGTERM or SIGINT marks everything NOT_SERVING, lets
// calls in flight finish within the grace period, stops the modules and returns.
#ifndef CALLMATCH_SERVICES_COMMON_SERVER_H_
#define CALLMATCH_SERVICES_COMMON_SERVER_H_

#include <memory>
#include <string>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/impl/service_type.h"

namespace callmatch {

struct ServerOptions {
  std::string listen_host = "127.0.0.1";
  int port = 0;
  // If set, the bound port is written there (a decimal number and a newline) once listening.
  std::string port_file;
  // PEM files; both set means the listener speaks TLS only.
  std::string tls_cert_file;
  std::string tls_key_file;
  absl::Duration shutdown_grace = absl::Seconds(10);
};

// One service of the platform (or a few served together): its gRPC services and its life cycle.
class ServiceModule {
 public:
  virtual ~ServiceModule() = default;

  // Short name, used in logs ("campaign").
  virtual absl::string_view name() const = 0;
  // The gRPC services to register. Owned by the module; valid until it is destroyed.
  virtual std::vector<grpc::Service*> services() = 0;
  // Fully qualified names the health service reports on ("callmatch.v1.CampaignService").
  virtual std::vector<std::string> health_names() const = 0;
  // Gets ready to serve (e.g. reach Redis, load an index). Called on a background thread once the
  // server listens, again after a pause while it fails, until it succeeds or shutdown starts.
  virtual absl::Status WarmUp() = 0;
  // Stops background work. Called after the server has shut down.
  virtual void Stop() {}
};

// Blocks SIGTERM and SIGINT in the calling thread and every thread it creates afterwards, so that
// RunServer can wait for them. Call first thing in main, before any thread starts.
void BlockTerminationSignals();

// Serves until SIGTERM or SIGINT. Returns an error if the port cannot be bound.
absl::Status RunServer(const ServerOptions& options,
                       std::vector<std::unique_ptr<ServiceModule>> modules);

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_COMMON_SERVER_H_
