// The Markdown worked example is read back: every value table it prints
// equals, to its 8 significant digits, what the engine wrote at that op.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "formats/export_markdown.hpp"
#include "engine/stepper.hpp"
#include "test_helpers.hpp"

namespace bpv {
namespace {

// The value table under each "### k. title" heading, as rows of numbers.
std::vector<std::vector<std::vector<double>>> tables_of(const std::string& md) {
  std::vector<std::vector<std::vector<double>>> tables;
  std::istringstream in(md);
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (line.rfind("### ", 0) == 0) {
      tables.emplace_back();
      in_section = true;
      continue;
    }
    if (line.rfind("## ", 0) == 0) in_section = false;
    if (!in_section || line.rfind("| ", 0) != 0 || line.rfind("|   |", 0) == 0) continue;
    // "| r | v1 | v2 | … |": skip the row number, read the values.
    std::vector<double> row;
    std::istringstream cells(line);
    std::string cell;
    int column = 0;
    while (std::getline(cells, cell, '|')) {
      if (cell.find_first_not_of(' ') == std::string::npos) continue;
      if (column++ == 0) continue;
      row.push_back(std::stod(cell));
    }
    tables.back().push_back(row);
  }
  return tables;
}

void expect_markdown_matches_engine(const Scenario& sc) {
  const auto tables = tables_of(worked_example_markdown(sc));
  Stepper st(sc);
  ASSERT_EQ(tables.size(), st.op_count());
  for (std::size_t k = 0; k < st.op_count(); ++k) {
    st.step_forward();
    const Eigen::MatrixXd& m = buffer_matrix(st.state(), st.ops()[k].writes);
    const auto& t = tables[k];
    ASSERT_EQ(static_cast<Eigen::Index>(t.size()), std::min<Eigen::Index>(m.rows(), 8)) << "op " << k;
    for (std::size_t r = 0; r < t.size(); ++r) {
      ASSERT_EQ(static_cast<Eigen::Index>(t[r].size()), std::min<Eigen::Index>(m.cols(), 8));
      for (std::size_t c = 0; c < t[r].size(); ++c) {
        const double v = m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c));
        EXPECT_NEAR(t[r][c], v, 1e-7 * std::max(1.0, std::abs(v))) << "op " << k << " (" << r << ", " << c << ")";
      }
    }
  }
}

TEST(ExportMarkdown, TheSeedsWorkedExampleReadsBackAsTheEnginesValues) {
  expect_markdown_matches_engine(seed_scenario());
}

TEST(ExportMarkdown, ABatchScenarioReadsBackAsTheEnginesValues) {
  expect_markdown_matches_engine(load_scenario(test::scenario_path("batch.json")));
}

}  // namespace
}  // namespace bpv
