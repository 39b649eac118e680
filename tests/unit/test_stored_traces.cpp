// Every shipped scenario's and layer example's `trace --json`, bit for bit, against the trace it
// had when the hashes were stored (tests/golden/trace_hashes.txt): a change to
// the engine that moves any number, step text or field of any example shows
// here. The trace is hashed (64-bit FNV-1a of its JSON text) rather than
// stored whole: the 784-wide examples' traces are megabytes.
//
// Matrix products round differently with each instruction set (the Release
// build is -march=native), so the hashes are kept per instruction set, of the
// Release build; a machine of another kind skips this test, and a maintainer
// stores its hashes with BPV_STORE_TRACE_HASHES=1.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "formats/scenario_io.hpp"
#include "test_helpers.hpp"
#include "formats/trace.hpp"

namespace bpv {
namespace {

const std::string kHashes = std::string(BPV_SOURCE_DIR) + "/tests/golden/trace_hashes.txt";

std::string instruction_set() {
#if defined(__AVX512F__)
  return "avx512";
#elif defined(__AVX2__)
  return "avx2";
#elif defined(__AVX__)
  return "avx";
#else
  return "sse2";
#endif
}

std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// "ISA FILE HASH" lines.
std::map<std::string, std::string> stored() {
  std::map<std::string, std::string> m;
  std::ifstream in(kHashes);
  std::string isa, file, hash;
  while (in >> isa >> file >> hash)
    if (isa == instruction_set()) m[file] = hash;
  return m;
}

TEST(StoredTraces, EveryShippedScenariosTraceIsTheStoredOneBitForBit) {
#ifndef NDEBUG
  GTEST_SKIP() << "the hashes are the Release build's (-O3); a Debug or sanitizer build may round differently";
#endif
  std::map<std::string, std::string> now;
  // The scenarios by file name, the layer examples as layer_examples/NAME.
  for (const std::string folder : {"scenarios", "layer_examples"})
    for (const auto& entry : std::filesystem::directory_iterator(test::assets_dir() + "/" + folder)) {
      if (entry.path().extension() != ".json") continue;
      std::ostringstream h;
      h << std::hex << fnv1a(trace_json(load_scenario(entry.path().string())).dump());
      const std::string name = entry.path().filename().string();
      now[folder == "scenarios" ? name : folder + "/" + name] = h.str();
    }
  if (std::getenv("BPV_STORE_TRACE_HASHES")) {
    std::ifstream in(kHashes);
    std::string kept, line;
    while (std::getline(in, line))
      if (line.rfind(instruction_set() + " ", 0) != 0) kept += line + "\n";
    std::ofstream out(kHashes);
    out << kept;
    for (const auto& [file, hash] : now) out << instruction_set() << " " << file << " " << hash << "\n";
    GTEST_SKIP() << "stored " << now.size() << " hashes for " << instruction_set();
  }
  const std::map<std::string, std::string> expected = stored();
  if (expected.empty()) GTEST_SKIP() << "no stored traces for " << instruction_set() << " (BPV_STORE_TRACE_HASHES=1 stores them)";
  for (const auto& [file, hash] : now) {
    const auto it = expected.find(file);
    if (it == expected.end()) {
      ADD_FAILURE() << file << ": a new scenario; store its trace (BPV_STORE_TRACE_HASHES=1)";
      continue;
    }
    EXPECT_EQ(hash, it->second) << file << "'s trace changed";
  }
  for (const auto& [file, hash] : expected) EXPECT_TRUE(now.count(file)) << file << " is stored but gone";
}

}  // namespace
}  // namespace bpv
