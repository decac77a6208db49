// CampaignService: client companies and their calling campaigns
// (proto/callmatch/v1/campaign.proto).
//
// Who may do what:
//   companies: operators create, verify and list all; a client reads and updates its own
//              company (not its registration or group); teleoperators read companies.
//   campaigns: the company's client and operators create, update, open and close; teleoperators
//              read OPEN campaigns; a client never reads another company's campaign.
// A company and its campaigns live in the company's partition, stored under their names.
#ifndef CALLMATCH_SERVICES_CAMPAIGN_CAMPAIGN_SERVICE_H_
#define CALLMATCH_SERVICES_CAMPAIGN_CAMPAIGN_SERVICE_H_

#include "callmatch/v1/campaign.grpc.pb.h"
#include "services/common/edge.h"
#include "services/common/resources.h"
#include "services/store/store.h"

namespace callmatch {

// Field checks, INVALID_ARGUMENT naming the field ("company.segments[2]").
absl::Status ValidateCompany(const v1::Company& company);
absl::Status ValidateCampaign(const v1::Campaign& campaign);

class CampaignServiceImpl final : public v1::CampaignService::CallbackService {
 public:
  CampaignServiceImpl(Edge* edge, store::Store* store) : edge_(edge), store_(store) {}

  grpc::ServerUnaryReactor* CreateCompany(grpc::CallbackServerContext* context,
                                          const v1::CreateCompanyRequest* request,
                                          v1::Company* response) override;
  grpc::ServerUnaryReactor* GetCompany(grpc::CallbackServerContext* context,
                                       const v1::GetCompanyRequest* request,
                                       v1::Company* response) override;
  grpc::ServerUnaryReactor* ListCompanies(grpc::CallbackServerContext* context,
                                          const v1::ListCompaniesRequest* request,
                                          v1::ListCompaniesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateCompany(grpc::CallbackServerContext* context,
                                          const v1::UpdateCompanyRequest* request,
                                          v1::Company* response) override;
  grpc::ServerUnaryReactor* VerifyCompanyRegistration(
      grpc::CallbackServerContext* context, const v1::VerifyCompanyRegistrationRequest* request,
      v1::Company* response) override;

  grpc::ServerUnaryReactor* CreateCampaign(grpc::CallbackServerContext* context,
                                           const v1::CreateCampaignRequest* request,
                                           v1::Campaign* response) override;
  grpc::ServerUnaryReactor* GetCampaign(grpc::CallbackServerContext* context,
                                        const v1::GetCampaignRequest* request,
                                        v1::Campaign* response) override;
  grpc::ServerUnaryReactor* ListCampaigns(grpc::CallbackServerContext* context,
                                          const v1::ListCampaignsRequest* request,
                                          v1::ListCampaignsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateCampaign(grpc::CallbackServerContext* context,
                                           const v1::UpdateCampaignRequest* request,
                                           v1::Campaign* response) override;
  grpc::ServerUnaryReactor* OpenCampaign(grpc::CallbackServerContext* context,
                                         const v1::OpenCampaignRequest* request,
                                         v1::Campaign* response) override;
  grpc::ServerUnaryReactor* CloseCampaign(grpc::CallbackServerContext* context,
                                          const v1::CloseCampaignRequest* request,
                                          v1::Campaign* response) override;

 private:
  // Moves a campaign between states (OPEN from DRAFT, CLOSED from DRAFT or OPEN).
  absl::Status Transition(Call& call, const std::string& name, int64_t version,
                          const std::string& request_id, const google::protobuf::Message& request,
                          v1::CampaignState to, v1::Campaign* response);

  Edge* edge_;
  store::Store* store_;
};

}  // namespace callmatch

#endif  // CALLMATCH_SERVICES_CAMPAIGN_CAMPAIGN_SERVICE_H_
