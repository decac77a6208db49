#include "services/cli/rpc.h"

#include <fstream>
#include <iterator>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/json_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "services/common/config.h"
#include "services/common/endpoints.h"
#include "services/common/errors.h"

namespace callmatch::cli {
namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::DynamicMessageFactory;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

std::chrono::system_clock::time_point Deadline(absl::Duration timeout) {
  return std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout);
}

grpc::ByteBuffer Serialize(const Message& message) {
  std::string bytes = message.SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

bool Parse(const grpc::ByteBuffer& buffer, Message& message) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return false;
  std::string bytes;
  for (const auto& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return message.ParseFromString(bytes);
}

}  // namespace

void ConfigureContext(grpc::ClientContext& context, const CallOptions& options) {
  context.set_deadline(Deadline(options.timeout));
  if (!options.credential.empty()) {
    context.AddMetadata("authorization", absl::StrCat("Bearer ", options.credential));
  }
  if (!options.consistency_token.empty()) {
    context.AddMetadata("x-consistency-token", options.consistency_token);
  }
}

std::string ResponseToken(const grpc::ClientContext& context) {
  std::string token;
  for (const auto* metadata :
       {&context.GetServerInitialMetadata(), &context.GetServerTrailingMetadata()}) {
    auto it = metadata->find("x-consistency-token");
    if (it != metadata->end()) token = std::string(it->second.data(), it->second.size());
  }
  return token;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> MakeChannel(
    const std::string& address, const std::string& ca_file,
    const grpc::ChannelArguments& arguments) {
  if (ca_file.empty()) {
    return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), arguments);
  }
  std::ifstream in(ca_file);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", ca_file));
  std::stringstream pem;
  pem << in.rdbuf();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = pem.str();
  return grpc::CreateCustomChannel(address, grpc::SslCredentials(ssl), arguments);
}

absl::StatusOr<std::string> LoadCredential(const std::string& file) {
  if (file.empty()) return EnvOr("CALLMATCH_CREDENTIAL", "");
  std::ifstream in(file);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read credential file ", file));
  std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return std::string(absl::StripAsciiWhitespace(secret));
}

absl::StatusOr<std::string> CheckHealth(grpc::Channel& channel, const std::string& service,
                                        absl::Duration timeout) {
  auto stub = grpc::health::v1::Health::NewStub(
      std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::ClientContext context;
  context.set_deadline(Deadline(timeout));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status());
}

absl::StatusOr<std::vector<std::string>> ListServices(grpc::Channel& channel,
                                                      absl::Duration timeout) {
  namespace reflection = grpc::reflection::v1alpha;
  auto stub = reflection::ServerReflection::NewStub(
      std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::ClientContext context;
  context.set_deadline(Deadline(timeout));
  auto stream = stub->ServerReflectionInfo(&context);
  reflection::ServerReflectionRequest request;
  request.set_list_services("");
  stream->Write(request);
  stream->WritesDone();
  reflection::ServerReflectionResponse response;
  std::vector<std::string> names;
  while (stream->Read(&response)) {
    for (const auto& service : response.list_services_response().service()) {
      names.push_back(service.name());
    }
  }
  grpc::Status status = stream->Finish();
  if (!status.ok()) return FromGrpcStatus(status);
  return names;
}

absl::StatusOr<std::string> ResolveMethod(const std::string& text) {
  std::string name = absl::StrReplaceAll(text, {{"/", "."}});
  if (!name.empty() && name[0] == '.') name.erase(0, 1);
  const DescriptorPool* pool = DescriptorPool::generated_pool();
  for (const std::string& candidate : {name, absl::StrCat("callmatch.v1.", name)}) {
    if (pool->FindMethodByName(candidate) != nullptr) return candidate;
  }
  return absl::NotFoundError(
      absl::StrCat("no method \"", text, "\"; `callmatch methods` lists them"));
}

absl::StatusOr<CallResult> CallJson(grpc::Channel& channel, const std::string& method,
                                    const std::string& request_json, const CallOptions& options) {
  const MethodDescriptor* descriptor = DescriptorPool::generated_pool()->FindMethodByName(method);
  if (descriptor == nullptr) return absl::NotFoundError(absl::StrCat("no method ", method));
  DynamicMessageFactory factory;
  std::unique_ptr<Message> request(factory.GetPrototype(descriptor->input_type())->New());
  google::protobuf::util::JsonParseOptions parse_options;
  auto parsed = google::protobuf::util::JsonStringToMessage(
      request_json.empty() ? "{}" : request_json, request.get(), parse_options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("request is not a valid ",
                                                   descriptor->input_type()->full_name(),
                                                   " in JSON: ", parsed.ToString()));
  }

  // A generic call speaks every kind of RPC as a stream: write the request, read until the end.
  grpc::GenericStub stub(std::shared_ptr<grpc::Channel>(&channel, [](grpc::Channel*) {}));
  grpc::ClientContext context;
  ConfigureContext(context, options);
  grpc::CompletionQueue queue;
  const std::string path =
      absl::StrCat("/", descriptor->service()->full_name(), "/", descriptor->name());
  auto call = stub.PrepareCall(&context, path, &queue);
  void* tag = nullptr;
  bool ok = false;
  auto step = [&](int id) {
    queue.Next(&tag, &ok);
    return ok && tag == reinterpret_cast<void*>(static_cast<intptr_t>(id));
  };
  call->StartCall(reinterpret_cast<void*>(1));
  CallResult result;
  if (step(1)) {
    call->Write(Serialize(*request), reinterpret_cast<void*>(2));
    if (step(2)) {
      call->WritesDone(reinterpret_cast<void*>(3));
      step(3);
      grpc::ByteBuffer buffer;
      google::protobuf::util::JsonPrintOptions print_options;
      print_options.preserve_proto_field_names = true;
      while (true) {
        call->Read(&buffer, reinterpret_cast<void*>(4));
        if (!step(4)) break;
        std::unique_ptr<Message> response(factory.GetPrototype(descriptor->output_type())->New());
        if (!Parse(buffer, *response)) return absl::InternalError("unparsable response");
        std::string json;
        auto printed = google::protobuf::util::MessageToJsonString(*response, &json, print_options);
        if (!printed.ok()) return absl::InternalError(printed.ToString());
        result.responses_json.push_back(std::move(json));
      }
    }
  }
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  queue.Next(&tag, &ok);
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  if (!status.ok()) return FromGrpcStatus(status);
  result.consistency_token = ResponseToken(context);
  return result;
}

std::vector<std::string> ListApiMethods() {
  std::vector<std::string> out;
  const DescriptorPool* pool = DescriptorPool::generated_pool();
  for (const Endpoint& endpoint : Endpoints()) {
    for (const std::string& name : endpoint.grpc_services) {
      const auto* service = pool->FindServiceByName(name);
      if (service == nullptr) continue;
      for (int i = 0; i < service->method_count(); ++i) {
        const MethodDescriptor* method = service->method(i);
        out.push_back(absl::StrCat(method->full_name(), "(", method->input_type()->name(), ")",
                                   method->server_streaming() ? " stream" : ""));
      }
    }
  }
  return out;
}

}  // namespace callmatch::cli
