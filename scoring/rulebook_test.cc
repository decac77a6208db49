// The loader: the six shipped rulebooks load, and broken rulebooks are refused with their file,
// line and reason.
#include "scoring/rulebook.h"

#include <unistd.h>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "scoring/engine.h"

namespace callmatch::scoring {
namespace {

using ::testing::HasSubstr;

// A small valid rulebook; tests break one line of it.
constexpr absl::string_view kMinimal = R"txt(id: "test"
version: "1"
title: "Test"
jurisdictions: "FR"
bands { medium_from: 25 high_from: 50 critical_from: 75 }
combination { mode: WEIGHTED_SUM full_scale_points: 10 }
outcomes { name: "NONE" score: 0 from: 0 }
outcomes { name: "SOME" score: 50 from: 5 }
groups {
  id: "g"
  indicators {
    id: "t.schedule"
    weight: 5
    all { feature: "imposed_schedule" is: true }
    legal_reference: "ref"
    explanation_en: "en"
    explanation_fr: "fr"
    remediation: "free"
  }
}
remediations {
  id: "free"
  description_en: "en"
  description_fr: "fr"
  changes { feature: "imposed_schedule" is: false }
}
)txt";

// The 1-based line of the first line containing `needle`.
int LineOf(absl::string_view text, absl::string_view needle) {
  int line = 1;
  for (absl::string_view l : absl::StrSplit(text, '\n')) {
    if (absl::StrContains(l, needle)) return line;
    ++line;
  }
  return -1;
}

std::string Broken(absl::string_view from, absl::string_view to) {
  std::string text = absl::StrReplaceAll(kMinimal, {{from, to}});
  EXPECT_NE(text, kMinimal) << "nothing replaced: " << from;
  return text;
}

// Expects text to be refused with "bad.textproto:<line of needle>: ...reason...".
void ExpectRefused(absl::string_view text, absl::string_view needle, absl::string_view reason) {
  absl::StatusOr<std::unique_ptr<const CompiledRulebook>> rb = ParseRulebook(text, "bad.textproto");
  ASSERT_FALSE(rb.ok()) << text;
  EXPECT_EQ(rb.status().code(), absl::StatusCode::kInvalidArgument);
  const int line = LineOf(text, needle);
  ASSERT_GT(line, 0) << needle;
  EXPECT_THAT(std::string(rb.status().message()),
              HasSubstr(absl::StrCat("bad.textproto:", line, ": ")));
  EXPECT_THAT(std::string(rb.status().message()), HasSubstr(reason));
}

// A fresh directory under the test's temporary directory.
std::filesystem::path TempDir() {
  static std::atomic<int> n{0};
  std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) /
                              absl::StrCat("rulebooks_", ::getpid(), "_", n++);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void Write(const std::filesystem::path& path, absl::string_view text) {
  std::ofstream out(path);
  out << text;
}

TEST(Rulebook, TheSixShippedRulebooksLoad) {
  absl::StatusOr<std::vector<std::unique_ptr<const CompiledRulebook>>> all =
      LoadRulebookDirectory(CALLMATCH_RULEBOOK_DIR);
  ASSERT_TRUE(all.ok()) << all.status();
  std::set<std::string> ids;
  for (const auto& rb : *all) {
    ids.insert(rb->id());
    EXPECT_FALSE(rb->version().empty());
    EXPECT_FALSE(rb->spec().notes().empty()) << rb->id();
    EXPECT_FALSE(rb->spec().sources().empty()) << rb->id();
    EXPECT_GT(rb->indicator_count(), 0);
  }
  EXPECT_EQ(ids, (std::set<std::string>{"france", "eu-directive", "eu-2021-proposal", "uk-ir35",
                                        "us-irs", "california-abc"}));
  EXPECT_TRUE(Engine::Create(*std::move(all)).ok());
}

TEST(Rulebook, EachIndicatorCitesItsReferenceAndExplainsItselfInBothLanguages) {
  absl::StatusOr<std::vector<std::unique_ptr<const CompiledRulebook>>> all =
      LoadRulebookDirectory(CALLMATCH_RULEBOOK_DIR);
  ASSERT_TRUE(all.ok()) << all.status();
  for (const auto& rb : *all) {
    for (int i = 0; i < rb->indicator_count(); ++i) {
      const Indicator& ind = rb->indicator(i);
      EXPECT_FALSE(ind.legal_reference().empty()) << ind.id();
      EXPECT_FALSE(ind.explanation_en().empty()) << ind.id();
      EXPECT_FALSE(ind.explanation_fr().empty()) << ind.id();
    }
  }
}

TEST(Rulebook, MinimalRulebookLoadsAndScores) {
  absl::StatusOr<std::unique_ptr<const CompiledRulebook>> rb = ParseRulebook(kMinimal, "ok");
  ASSERT_TRUE(rb.ok()) << rb.status();
  FeatureVector v;
  v.SetBool(Feature::kImposedSchedule, true);
  const Evaluation e = (*rb)->Evaluate(v.Resolved(true));
  EXPECT_EQ(e.score, 50);
  EXPECT_EQ(e.fired, 1u);
  EXPECT_EQ((*rb)->spec().outcomes(e.outcome).name(), "SOME");
  EXPECT_EQ((*rb)->Band(e.score), v1::RISK_BAND_HIGH);
  v.SetBool(Feature::kImposedSchedule, false);
  EXPECT_EQ((*rb)->Evaluate(v.Resolved(true)).score, 0);
}

TEST(Rulebook, SyntaxErrorIsRefusedWithItsLine) {
  ExpectRefused(Broken("title: \"Test\"", "title \"Test\""), "title", "Expected \":\"");
}

TEST(Rulebook, UnknownFieldIsRefusedWithItsLine) {
  ExpectRefused(Broken("title: \"Test\"", "colour: \"red\""), "colour", "colour");
}

TEST(Rulebook, UnknownFeatureIsRefusedWithItsLine) {
  ExpectRefused(Broken("all { feature: \"imposed_schedule\"", "all { feature: \"teleportation\""),
                "teleportation", "unknown feature \"teleportation\"");
}

TEST(Rulebook, UnknownFeatureInARemediationIsRefused) {
  ExpectRefused(
      Broken("changes { feature: \"imposed_schedule\"", "changes { feature: \"levitation\""),
      "levitation", "unknown feature \"levitation\"");
}

TEST(Rulebook, OutcomeWithoutScoreIsRefused) {
  ExpectRefused(Broken("name: \"SOME\" score: 50 from: 5", "name: \"SOME\" from: 5"),
                "name: \"SOME\"", "outcome \"SOME\" has no score");
}

TEST(Rulebook, TestOnTheLessRiskySideIsRefused) {
  ExpectRefused(Broken("all { feature: \"imposed_schedule\" is: true }",
                       "all { feature: \"imposed_schedule\" is: false }"),
                "is: false }", "less risky side of \"imposed_schedule\"");
  ExpectRefused(Broken("all { feature: \"imposed_schedule\" is: true }",
                       "all { feature: \"other_clients_12m\" at_least: 3 }"),
                "other_clients_12m", "less risky side");
}

TEST(Rulebook, TestOfTheWrongKindIsRefused) {
  ExpectRefused(Broken("all { feature: \"imposed_schedule\" is: true }",
                       "all { feature: \"supervision\" is: true }"),
                "supervision", "not a yes/no feature");
  ExpectRefused(Broken("all { feature: \"imposed_schedule\" is: true }",
                       "all { feature: \"supervision\" level_at_least: \"ALWAYS\" }"),
                "ALWAYS", "has no level \"ALWAYS\"");
}

TEST(Rulebook, UnknownRemediationIsRefused) {
  ExpectRefused(Broken("remediation: \"free\"", "remediation: \"pray\""), "pray",
                "unknown remediation \"pray\"");
}

TEST(Rulebook, MissingIdIsRefused) {
  ExpectRefused(Broken("id: \"test\"", "id: \"Not An Id\""), "Not An Id", "id must be");
}

TEST(Rulebook, DecreasingOutcomeScoreIsRefused) {
  ExpectRefused(Broken("name: \"SOME\" score: 50", "name: \"SOME\" score: -1"), "score: -1",
                "outside 0..100");
  std::string text = absl::StrCat(kMinimal, "outcomes { name: \"LESS\" score: 20 from: 8 }\n");
  ExpectRefused(text, "LESS", "scores less than the outcome before it");
}

TEST(Rulebook, BadBandsAreRefused) {
  ExpectRefused(Broken("high_from: 50", "high_from: 90"), "bands", "bands must satisfy");
}

constexpr absl::string_view kTable = R"txt(id: "table"
version: "1"
title: "Table"
jurisdictions: "GB"
bands { medium_from: 25 high_from: 50 critical_from: 75 }
combination {
  mode: TABLE
  default_outcome: "MAYBE"
  rows {
    when { group: "a" level_at_least: "HIGH" }
    outcome: "YES"
  }
}
outcomes { name: "NO" score: 10 }
outcomes { name: "MAYBE" score: 45 }
outcomes { name: "YES" score: 85 }
groups {
  id: "a"
  levels { name: "LOW" from_points: 0 }
  levels { name: "HIGH" from_points: 1 }
  indicators {
    id: "a.schedule"
    weight: 1
    all { feature: "imposed_schedule" is: true }
    legal_reference: "ref"
    explanation_en: "en"
    explanation_fr: "fr"
  }
}
)txt";

TEST(Rulebook, TableCombinesLevels) {
  absl::StatusOr<std::unique_ptr<const CompiledRulebook>> rb = ParseRulebook(kTable, "t");
  ASSERT_TRUE(rb.ok()) << rb.status();
  FeatureVector v;
  v.SetBool(Feature::kImposedSchedule, true);
  EXPECT_EQ((*rb)->Evaluate(v).score, 85);
  v.SetBool(Feature::kImposedSchedule, false);
  EXPECT_EQ((*rb)->Evaluate(v).score, 45);
}

TEST(Rulebook, TableThatFallsWhenALevelRisesIsRefused) {
  std::string text =
      absl::StrReplaceAll(kTable, {{"level_at_least: \"HIGH\" }\n    outcome: \"YES\"",
                                    "level_at_least: \"HIGH\" }\n    outcome: \"NO\""}});
  ASSERT_NE(text, kTable);
  ExpectRefused(text, "combination {", "the table is not monotone");
}

TEST(Rulebook, TableCellNamingAnUnknownLevelIsRefused) {
  std::string text = absl::StrReplaceAll(kTable, {{"level_at_least: \"HIGH\" }\n    outcome",
                                                   "level_at_least: \"EXTREME\" }\n    outcome"}});
  ExpectRefused(text, "EXTREME", "has no level \"EXTREME\"");
}

TEST(Rulebook, TableDefaultOutcomeMustExist) {
  std::string text =
      absl::StrReplaceAll(kTable, {{"default_outcome: \"MAYBE\"", "default_outcome: \"PERHAPS\""}});
  ExpectRefused(text, "PERHAPS", "default_outcome \"PERHAPS\" is not an outcome");
}

TEST(Rulebook, TableRowLeadingToAnOutcomeWithoutScoreIsRefused) {
  std::string text = absl::StrReplaceAll(
      kTable, {{"outcomes { name: \"YES\" score: 85 }", "outcomes { name: \"YES\" }"}});
  ExpectRefused(text, "name: \"YES\"", "outcome \"YES\" has no score");
}

TEST(Rulebook, MissingFileIsNotFound) {
  absl::StatusOr<std::unique_ptr<const CompiledRulebook>> rb =
      LoadRulebookFile("/nonexistent/rulebook.textproto");
  ASSERT_FALSE(rb.ok());
  EXPECT_EQ(rb.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(rb.status().message()), HasSubstr("/nonexistent/rulebook.textproto"));
}

TEST(Rulebook, DirectoryWithABrokenFileNamesTheFileAndLine) {
  const std::filesystem::path dir = TempDir();
  Write(dir / "a_good.textproto", kMinimal);
  const std::string bad = Broken("all { feature: \"imposed_schedule\"", "all { feature: \"nope\"");
  Write(dir / "b_bad.textproto", bad);
  Write(dir / "ignored.txt", "not a rulebook");
  absl::StatusOr<std::vector<std::unique_ptr<const CompiledRulebook>>> all =
      LoadRulebookDirectory(dir.string());
  ASSERT_FALSE(all.ok());
  EXPECT_THAT(std::string(all.status().message()),
              HasSubstr(absl::StrCat((dir / "b_bad.textproto").string(), ":", LineOf(bad, "nope"),
                                     ": unknown feature \"nope\"")));
  std::filesystem::remove(dir / "b_bad.textproto");
  all = LoadRulebookDirectory(dir.string());
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->size(), 1u);
}

TEST(Rulebook, EngineRefusesOneRemediationIdWithTwoMeanings) {
  const std::filesystem::path dir = TempDir();
  Write(dir / "a.textproto", kMinimal);
  std::string other =
      absl::StrReplaceAll(kMinimal, {{"id: \"test\"", "id: \"other\""},
                                     {"changes { feature: \"imposed_schedule\" is: false }",
                                      "changes { feature: \"sanctions\" is: false }"}});
  Write(dir / "b.textproto", other);
  absl::StatusOr<Engine> engine = Engine::LoadDirectory(dir.string());
  ASSERT_FALSE(engine.ok());
  EXPECT_THAT(std::string(engine.status().message()),
              HasSubstr(absl::StrCat((dir / "b.textproto").string(), ":",
                                     LineOf(other, "remediations {"), ": remediation \"free\"")));
}

TEST(Rulebook, EngineRefusesTwoRulebooksWithOneId) {
  const std::filesystem::path dir = TempDir();
  Write(dir / "a.textproto", kMinimal);
  Write(dir / "b.textproto", kMinimal);
  absl::StatusOr<Engine> engine = Engine::LoadDirectory(dir.string());
  ASSERT_FALSE(engine.ok());
  EXPECT_THAT(std::string(engine.status().message()), HasSubstr("is already loaded"));
}

TEST(Rulebook, RemediationNeverRaisesAFeaturesRisk) {
  CompiledRemediation r;
  r.change_count = 1;
  r.changes[0] = {Feature::kSupervision, 1};  // PERIODIC_REVIEW
  FeatureVector v;
  v.Set(Feature::kSupervision, 0);  // RESULTS_ONLY stays.
  ApplyRemediation(r, &v);
  EXPECT_EQ(v.value(Feature::kSupervision), 0);
  v.Set(Feature::kSupervision, 2);  // REAL_TIME comes down.
  ApplyRemediation(r, &v);
  EXPECT_EQ(v.value(Feature::kSupervision), 1);
  v.Clear(Feature::kSupervision);  // Unknown becomes the agreed term.
  ApplyRemediation(r, &v);
  EXPECT_TRUE(v.known(Feature::kSupervision));
  EXPECT_EQ(v.value(Feature::kSupervision), 1);
  EXPECT_EQ(DescribeChange(r.changes[0]), "terms.supervision = PERIODIC_REVIEW");
  EXPECT_EQ(DescribeChange({Feature::kPlannedDurationDays, 180}),
            "terms.planned_duration_days <= 180");
}

}  // namespace
}  // namespace callmatch::scoring
