#include "matching/generator/catalog.h"

#include "absl/strings/match.h"

namespace callmatch::matching::generator_internal {
namespace {

// Shares of teleoperators: metropolitan France by population, overseas France, and the French-
// speaking countries nearshore calling is done from.
constexpr Region kTeleoperatorRegions[] = {
    {"FR", "FR-IDF", "Europe/Paris", 20.0, Culture::kFrench},
    {"FR", "FR-ARA", "Europe/Paris", 10.5, Culture::kFrench},
    {"FR", "FR-HDF", "Europe/Paris", 7.8, Culture::kFrench},
    {"FR", "FR-NAQ", "Europe/Paris", 7.5, Culture::kFrench},
    {"FR", "FR-OCC", "Europe/Paris", 7.4, Culture::kFrench},
    {"FR", "FR-PAC", "Europe/Paris", 6.5, Culture::kFrench},
    {"FR", "FR-GES", "Europe/Paris", 6.5, Culture::kFrench},
    {"FR", "FR-PDL", "Europe/Paris", 5.0, Culture::kFrench},
    {"FR", "FR-BRE", "Europe/Paris", 4.2, Culture::kFrench},
    {"FR", "FR-NOR", "Europe/Paris", 4.2, Culture::kFrench},
    {"FR", "FR-BFC", "Europe/Paris", 3.6, Culture::kFrench},
    {"FR", "FR-CVL", "Europe/Paris", 3.3, Culture::kFrench},
    {"FR", "FR-20R", "Europe/Paris", 0.4, Culture::kFrench},
    {"FR", "FR-974", "Indian/Reunion", 2.0, Culture::kFrench},
    {"FR", "FR-972", "America/Martinique", 1.0, Culture::kFrench},
    {"FR", "FR-971", "America/Guadeloupe", 0.8, Culture::kFrench},
    {"BE", "BE-BRU", "Europe/Brussels", 2.0, Culture::kFrench},
    {"BE", "BE-WAL", "Europe/Brussels", 2.5, Culture::kFrench},
    {"BE", "BE-VLG", "Europe/Brussels", 0.8, Culture::kFlemish},
    {"MA", "", "Africa/Casablanca", 4.0, Culture::kMaghreb},
    {"TN", "", "Africa/Tunis", 2.0, Culture::kMaghreb},
    {"SN", "", "Africa/Dakar", 1.5, Culture::kSenegal},
    {"CA", "CA-QC", "America/Toronto", 1.5, Culture::kQuebec},
};

constexpr Region kCompanyRegions[] = {
    {"FR", "FR-IDF", "Europe/Paris", 34.0, Culture::kFrench},
    {"FR", "FR-ARA", "Europe/Paris", 12.0, Culture::kFrench},
    {"FR", "FR-HDF", "Europe/Paris", 6.0, Culture::kFrench},
    {"FR", "FR-NAQ", "Europe/Paris", 6.0, Culture::kFrench},
    {"FR", "FR-OCC", "Europe/Paris", 6.0, Culture::kFrench},
    {"FR", "FR-PAC", "Europe/Paris", 6.0, Culture::kFrench},
    {"FR", "FR-GES", "Europe/Paris", 5.0, Culture::kFrench},
    {"FR", "FR-PDL", "Europe/Paris", 5.0, Culture::kFrench},
    {"FR", "FR-BRE", "Europe/Paris", 3.0, Culture::kFrench},
    {"FR", "FR-NOR", "Europe/Paris", 2.0, Culture::kFrench},
    {"FR", "FR-974", "Indian/Reunion", 1.0, Culture::kFrench},
    {"BE", "BE-BRU", "Europe/Brussels", 5.0, Culture::kFrench},
    {"BE", "BE-VLG", "Europe/Brussels", 2.0, Culture::kFlemish},
    {"CA", "CA-QC", "America/Toronto", 2.0, Culture::kQuebec},
};

constexpr absl::string_view kCountries[] = {"FR", "BE", "MA", "TN", "SN", "CA"};

// Ordered by how often they appear among clients and employers of teleoperators: energy
// renovation, software, consulting, call centres, insurance brokers and estate agents lead
// French B2B telemarketing.
constexpr Segment kSegments[] = {
    {"43.22", "Travaux de plomberie et installation de chauffage et de conditionnement d'air"},
    {"62.01", "Programmation informatique"},
    {"70.22", "Conseil pour les affaires et autres conseils de gestion"},
    {"82.20", "Activités de centres d'appels"},
    {"66.22", "Activités des agents et courtiers d'assurances"},
    {"68.31", "Agences immobilières"},
    {"62.02", "Conseil informatique"},
    {"35.14", "Commerce d'électricité"},
    {"61.20", "Télécommunications sans fil"},
    {"47.91", "Vente à distance"},
    {"78.10", "Activités des agences de placement de main-d'œuvre"},
    {"85.59", "Enseignement divers (formation continue)"},
    {"64.19", "Autres intermédiations monétaires"},
    {"58.29", "Édition d'autres logiciels"},
    {"73.11", "Activités des agences de publicité"},
    {"47.11", "Commerce de détail en magasin non spécialisé à prédominance alimentaire"},
    {"43.21", "Installation électrique"},
    {"65.12", "Autres assurances"},
    {"69.20", "Activités comptables"},
    {"46.69", "Commerce de gros d'autres machines et équipements"},
    {"45.11", "Commerce de voitures et de véhicules automobiles légers"},
    {"71.12", "Activités d'ingénierie"},
    {"63.11", "Traitement de données, hébergement et activités connexes"},
    {"61.10", "Télécommunications filaires"},
    {"81.21", "Nettoyage courant des bâtiments"},
    {"80.10", "Activités de sécurité privée"},
    {"77.11", "Location et location-bail de voitures"},
    {"55.10", "Hôtels et hébergement similaire"},
    {"86.21", "Activité des médecins généralistes"},
    {"69.10", "Activités juridiques"},
    {"46.51", "Commerce de gros d'ordinateurs et de logiciels"},
    {"49.41", "Transports routiers de fret"},
    {"64.92", "Autre distribution de crédit"},
    {"93.13", "Activités des centres de culture physique"},
    {"74.10", "Activités spécialisées de design"},
    {"21.20", "Fabrication de préparations pharmaceutiques"},
    {"11.02", "Production de vin (de raisin)"},
    {"26.20", "Fabrication d'ordinateurs et d'équipements périphériques"},
    {"28.29", "Fabrication d'autres machines d'usage général"},
    {"56.10", "Restaurants et services de restauration mobile"},
    {"20.41", "Fabrication de savons, détergents et produits d'entretien"},
    {"58.14", "Édition de revues et périodiques"},
};

// 1 / rank^0.9, written out so that no libm call decides the data.
constexpr double kSegmentWeights[] = {
    1.000000, 0.535887, 0.372041, 0.287175, 0.234924, 0.199372, 0.173545, 0.153893, 0.138415,
    0.125893, 0.115544, 0.106841, 0.099415, 0.093000, 0.087401, 0.082469, 0.078090, 0.074175,
    0.070652, 0.067464, 0.064566, 0.061918, 0.059490, 0.057255, 0.055189, 0.053275, 0.051496,
    0.049838, 0.048288, 0.046837, 0.045475, 0.044194, 0.042987, 0.041847, 0.040770, 0.039749,
    0.038781, 0.037861, 0.036986, 0.036153, 0.035359, 0.034600};
static_assert(sizeof(kSegmentWeights) / sizeof(double) == sizeof(kSegments) / sizeof(Segment));

constexpr absl::string_view kLanguages[] = {"fr", "en", "es", "de", "it", "ar", "nl", "pt"};
static_assert(sizeof(kLanguages) / sizeof(absl::string_view) == kLanguageCount);

constexpr v1::Skill kSkills[] = {v1::SKILL_COLD_CALLING,       v1::SKILL_APPOINTMENT_SETTING,
                                 v1::SKILL_LEAD_QUALIFICATION, v1::SKILL_CRM_ENTRY,
                                 v1::SKILL_CUSTOMER_SURVEY,    v1::SKILL_EMAIL_FOLLOW_UP,
                                 v1::SKILL_FILE_CLEANSING,     v1::SKILL_EVENT_INVITATION,
                                 v1::SKILL_CUSTOMER_RETENTION, v1::SKILL_TECHNICAL_SALES};
// 1 / rank^1.1.
constexpr double kSkillWeights[] = {1.000000, 0.466516, 0.298653, 0.217638, 0.170268,
                                    0.139326, 0.117596, 0.101532, 0.089194, 0.079433};

constexpr absl::string_view kFrenchNames[] = {
    "Camille", "Léa",    "Manon",    "Chloé",    "Inès",      "Sarah",  "Julie",   "Emma",
    "Laura",   "Marie",  "Nathalie", "Sandrine", "Céline",    "Sophie", "Aurélie", "Thomas",
    "Nicolas", "Julien", "Maxime",   "Kevin",    "Alexandre", "Romain", "Mehdi",   "Karim",
    "Yanis",   "Lucas",  "Hugo",     "Antoine",  "Sébastien", "Jérôme", "Élodie",  "Océane"};
constexpr absl::string_view kFlemishNames[] = {"Lotte",  "Sofie", "Lien",  "Anke", "Jens",
                                               "Pieter", "Wout",  "Thijs", "Bram", "Emma"};
constexpr absl::string_view kMaghrebNames[] = {"Yasmine", "Salma",   "Imane",   "Nour",  "Khadija",
                                               "Amine",   "Youssef", "Mohamed", "Omar",  "Anas",
                                               "Sami",    "Rania",   "Hamza",   "Meriem"};
constexpr absl::string_view kSenegalNames[] = {"Aminata", "Fatou",   "Awa",     "Mariama",
                                               "Khady",   "Moussa",  "Ousmane", "Mamadou",
                                               "Cheikh",  "Ibrahima"};
constexpr absl::string_view kQuebecNames[] = {"Gabrielle",     "Marie-Ève", "Catherine", "Mélanie",
                                              "Jean-François", "Mathieu",   "Olivier",   "Samuel",
                                              "Félix",         "Élodie"};

constexpr absl::string_view kCompanyRoots[] = {
    "Axéo",    "Bellevue", "Cap Ouest", "Delta", "Éole",   "Fidéa",  "Horizon", "Ivoire",
    "Kalia",   "Lumio",    "Mistral",   "Nova",  "Opale",  "Praxis", "Quartz",  "Rivage",
    "Sirius",  "Tilia",    "Ulysse",    "Vega",  "Zénith", "Alpes",  "Armor",   "Loire",
    "Garonne", "Provence", "Seine",     "Rhône", "Atlas",  "Boréal", "Cobalt",  "Iroise"};

// Divisions of each NACE section (Rev. 2).
struct SectionRange {
  char section;
  int first_division;
  int last_division;
};
constexpr SectionRange kSections[] = {
    {'A', 1, 3},   {'B', 5, 9},   {'C', 10, 33}, {'D', 35, 35}, {'E', 36, 39}, {'F', 41, 43},
    {'G', 45, 47}, {'H', 49, 53}, {'I', 55, 56}, {'J', 58, 63}, {'K', 64, 66}, {'L', 68, 68},
    {'M', 69, 75}, {'N', 77, 82}, {'O', 84, 84}, {'P', 85, 85}, {'Q', 86, 88}, {'R', 90, 93},
    {'S', 94, 96}, {'T', 97, 98}, {'U', 99, 99}};
constexpr absl::string_view kSectionLetters = "ABCDEFGHIJKLMNOPQRSTU";

}  // namespace

absl::Span<const Region> TeleoperatorRegions() { return kTeleoperatorRegions; }
absl::Span<const Region> CompanyRegions() { return kCompanyRegions; }
absl::Span<const absl::string_view> Countries() { return kCountries; }

int CountryIndex(absl::string_view country) {
  for (size_t i = 0; i < std::size(kCountries); ++i) {
    if (kCountries[i] == country) return static_cast<int>(i);
  }
  return -1;
}

absl::Span<const Segment> Segments() { return kSegments; }
absl::Span<const double> SegmentWeights() { return kSegmentWeights; }

absl::string_view SectionOf(absl::string_view code) {
  if (code.size() == 1) return code;
  if (code.size() < 2 || code[0] < '0' || code[0] > '9' || code[1] < '0' || code[1] > '9') {
    return "";
  }
  const int division = (code[0] - '0') * 10 + (code[1] - '0');
  for (const SectionRange& range : kSections) {
    if (division >= range.first_division && division <= range.last_division) {
      return kSectionLetters.substr(range.section - 'A', 1);
    }
  }
  return "";
}

bool SegmentsOverlap(absl::string_view a, absl::string_view b) {
  const bool a_section = a.size() == 1;
  const bool b_section = b.size() == 1;
  if (a_section || b_section) return SectionOf(a) == SectionOf(b) && !SectionOf(a).empty();
  return absl::StartsWith(a, b) || absl::StartsWith(b, a);
}

absl::string_view SegmentLabel(absl::string_view code) {
  for (const Segment& segment : kSegments) {
    if (segment.code == code) return segment.label;
  }
  return code;
}

absl::Span<const absl::string_view> Languages() { return kLanguages; }

int LanguageIndex(absl::string_view code) {
  for (int i = 0; i < kLanguageCount; ++i) {
    if (kLanguages[i] == code) return i;
  }
  return -1;
}

absl::Span<const v1::Skill> SkillsByPopularity() { return kSkills; }
absl::Span<const double> SkillWeights() { return kSkillWeights; }

absl::Span<const absl::string_view> FirstNames(Culture culture) {
  switch (culture) {
    case Culture::kFrench:
      return kFrenchNames;
    case Culture::kFlemish:
      return kFlemishNames;
    case Culture::kMaghreb:
      return kMaghrebNames;
    case Culture::kSenegal:
      return kSenegalNames;
    case Culture::kQuebec:
      return kQuebecNames;
  }
  return kFrenchNames;
}

absl::Span<const absl::string_view> CompanyRoots() { return kCompanyRoots; }

absl::string_view CompanyWord(absl::string_view code) {
  const absl::string_view section = SectionOf(code);
  if (absl::StartsWith(code, "82.20")) return "Contact";
  if (absl::StartsWith(code, "43") || absl::StartsWith(code, "35")) return "Énergie";
  if (absl::StartsWith(code, "66") || absl::StartsWith(code, "65")) return "Assurances";
  if (absl::StartsWith(code, "64")) return "Finance";
  if (absl::StartsWith(code, "68")) return "Immobilier";
  if (absl::StartsWith(code, "61")) return "Télécom";
  if (absl::StartsWith(code, "78")) return "Intérim";
  if (absl::StartsWith(code, "85")) return "Formation";
  if (section == "J") return "Digital";
  if (section == "M") return "Conseil";
  if (section == "G") return "Distribution";
  if (section == "C") return "Industrie";
  return "Services";
}

}  // namespace callmatch::matching::generator_internal
