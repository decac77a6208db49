// Files for the generator's tests: a fresh folder under the test's temporary directory, and a
// whole file read back.
#ifndef CALLMATCH_MATCHING_GENERATOR_TEST_FILES_H_
#define CALLMATCH_MATCHING_GENERATOR_TEST_FILES_H_

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace callmatch::matching::testing_files {

// <test temporary dir>/<name>, emptied.
inline std::string FreshDir(absl::string_view name) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / std::string(name);
  std::filesystem::remove_all(dir);
  return dir.string();
}

// The whole content of a file ("" if unreadable).
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace callmatch::matching::testing_files

#endif  // CALLMATCH_MATCHING_GENERATOR_TEST_FILES_H_
