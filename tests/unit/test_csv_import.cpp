// core/csv_import: a CSV table becomes a scenario that trains on it. Bad
// files get one line naming the line and the column; the choices (classes or
// regression, the split, the scaling) are what the options say.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>

#include "data/csv_import.hpp"
#include "data/dataset.hpp"
#include "temp_dir.hpp"

namespace bpv {
namespace {

CsvTable table(const std::string& text, const CsvReadOptions& o = {}) { return parse_csv(text, "data.csv", o); }

// The message parse_csv / import_table throw for `text`.
std::string csv_error(const std::string& text, const CsvReadOptions& o = {}, const ImportOptions& io = {}) {
  try {
    import_table(table(text, o), io);
  } catch (const CsvError& e) {
    return e.what();
  }
  return "(no error)";
}

// 30 rows: x1, x2 and a class 0/1/2 (x1 decides it).
std::string three_class_csv() {
  std::string text = "x1,x2,label\n";
  for (int r = 0; r < 30; ++r)
    text += std::to_string(r) + "," + std::to_string(r % 7) + "," + std::to_string(r / 10) + "\n";
  return text;
}

TEST(CsvParse, ReadsTheHeaderTheValuesAndEachRowsLineNumber) {
  const CsvTable t = table("a, b ,\"c d\"\n1,2,3\n\n4.5,-6e-1,+7\r\n");
  EXPECT_EQ(t.header, (std::vector<std::string>{"a", "b", "c d"}));
  ASSERT_EQ(t.rows(), 2);
  EXPECT_DOUBLE_EQ(t.values(1, 0), 4.5);
  EXPECT_DOUBLE_EQ(t.values(1, 1), -0.6);
  EXPECT_DOUBLE_EQ(t.values(1, 2), 7.0);
  EXPECT_EQ(t.lines, (std::vector<int>{2, 4}));  // the blank line 3 is skipped
  EXPECT_EQ(t.column("c d"), 2);
  EXPECT_EQ(t.column("e"), -1);
}

TEST(CsvParse, WithoutAHeaderTheColumnsAreC1ToCnAndSkipLinesDropsTheFirstLines) {
  CsvReadOptions o;
  o.header = false;
  o.skip_lines = 1;
  const CsvTable t = table("150,4,setosa,versicolor,virginica\n5.1,3.5,1.4,0.2,0\n4.9,3.0,1.4,0.2,1\n", o);
  EXPECT_EQ(t.header, (std::vector<std::string>{"c1", "c2", "c3", "c4", "c5"}));
  EXPECT_EQ(t.rows(), 2);
  EXPECT_EQ(t.lines.front(), 2);
  o.names = {"a", "b", "c", "d", "species"};
  EXPECT_EQ(table("150,4,x,y,z\n1,2,3,4,0\n", o).header.back(), "species");
  o.names = {"a", "b"};
  EXPECT_EQ(csv_error("150,4,x,y,z\n1,2,3,4,0\n", o), "data.csv: --names: 2 names for 5 columns");
}

TEST(CsvErrors, ANonNumericCellNamesTheLineTheColumnAndTheCell) {
  std::string text = "sepal_length,petal_width,species\n";
  for (int r = 2; r < 17; ++r) text += "5.1,0.2,0\n";
  text += "5.1,abc,0\n";  // line 17
  EXPECT_EQ(csv_error(text), "data.csv:17: column \"petal_width\": \"abc\" is not a number");
}

TEST(CsvErrors, UnequalRowLengthsAnEmptyCellNanAndInfinityAreRefused) {
  EXPECT_EQ(csv_error("a,b,c\n1,2,3\n1,2\n"), "data.csv:3: expected 3 cells (as in the header), got 2");
  EXPECT_EQ(csv_error("a,b,c\n1,2,3,4\n"), "data.csv:2: expected 3 cells (as in the header), got 4");
  EXPECT_EQ(csv_error("a,b\n1,\n"), "data.csv:2: column \"b\" is empty");
  EXPECT_EQ(csv_error("a,b\n1,nan\n"), "data.csv:2: column \"b\": \"nan\" is not a finite number");
  EXPECT_EQ(csv_error("a,b\ninf,1\n"), "data.csv:2: column \"a\": \"inf\" is not a finite number");
  EXPECT_EQ(csv_error("a,b\n1e999,1\n"), "data.csv:2: column \"a\": \"1e999\" is out of range");
}

TEST(CsvErrors, AnEmptyFileAFileWithoutDataRowsAndRepeatedNamesAreRefused) {
  EXPECT_EQ(csv_error(""), "data.csv: the file is empty");
  EXPECT_EQ(csv_error(" \n\n"), "data.csv: the file is empty");
  EXPECT_EQ(csv_error("a,b,c\n"), "data.csv: no data rows after the header");
  EXPECT_EQ(csv_error("a,b,a\n1,2,3\n"), "data.csv:1: column 3 repeats the name \"a\" of column 1");
  CsvReadOptions skip;
  skip.skip_lines = 5;
  EXPECT_EQ(csv_error("a,b\n1,2\n", skip), "data.csv: nothing left after skipping 5 lines");
}

TEST(CsvErrors, AMissingTargetColumnOrNoInputColumnLeftIsRefused) {
  ImportOptions o;
  o.targets = {"species"};
  EXPECT_EQ(csv_error("a,b,c\n1,2,0\n", {}, o), "data.csv: --targets: no column \"species\" (the columns are a, b, c)");
  o.targets = {"a", "b", "c"};
  EXPECT_EQ(csv_error("a,b,c\n1,2,0\n", {}, o), "data.csv: --targets: every column is a target; no input column is left");
  o.targets = {"c"};
  o.classes = 2;
  EXPECT_EQ(csv_error("a,b,c\n1,2,0\n1,2,2\n", {}, o),
            "data.csv:3: column \"c\": 2 is not a class (--classes 2: expected an integer 0 to 1)");
  o.classes = 0;
  o.test_fraction = 1.0;
  EXPECT_EQ(csv_error("a,c\n1,0\n", {}, o), "data.csv: --test-fraction: must be at least 0 and less than 1, got 1");
}

TEST(CsvImport, AColumnOfFewIntegerLabelsIsClassificationWithOneHotTargetsSoftmaxAndCrossEntropy) {
  ImportOptions o;
  o.targets = {"label"};
  o.test_fraction = 0.2;
  o.hidden = 5;
  const ImportResult r = import_table(table(three_class_csv()), o);
  EXPECT_TRUE(r.classification);
  const Scenario s = parse_scenario(r.scenario.dump(), "data.csv");
  EXPECT_EQ(s.input_size, 2);
  ASSERT_EQ(s.layer_count(), 2);
  EXPECT_EQ(s.layers[0].size(), 5);
  EXPECT_EQ(s.output_size(), 3);
  EXPECT_EQ(s.layers[1].activation->name, "softmax");
  EXPECT_EQ(s.loss->name, "cross_entropy");
  EXPECT_EQ(s.data.train_rows(), 24);
  EXPECT_EQ(s.data.test_raw.rows(), 6);
  // One-hot, and the class of each row is its x1 / 10.
  for (const auto* pair : {&s.data.train_raw, &s.data.test_raw}) {
    const Eigen::MatrixXd& x = *pair;
    const Eigen::MatrixXd& y = pair == &s.data.train_raw ? s.data.train_targets : s.data.test_targets;
    for (Eigen::Index r = 0; r < x.rows(); ++r) {
      EXPECT_DOUBLE_EQ(y.row(r).sum(), 1.0);
      EXPECT_DOUBLE_EQ(y(r, static_cast<int>(x(r, 0)) / 10), 1.0);
    }
  }
  ASSERT_TRUE(s.data.batching.has_value());
  EXPECT_EQ(s.data.batching->size, 32);
  EXPECT_TRUE(s.data.batching->shuffle);
}

TEST(CsvImport, LabelsThatAreNotZeroToKMinusOneAreMappedInIncreasingOrder) {
  const ImportResult r = import_table(table("x,y\n0.5,5\n0.1,1\n0.2,2\n0.6,5\n"), ImportOptions{.test_fraction = 0});
  ASSERT_TRUE(r.classification);
  const Scenario s = parse_scenario(r.scenario.dump(), "data.csv");
  ASSERT_EQ(s.output_size(), 3);
  for (Eigen::Index k = 0; k < s.data.train_raw.rows(); ++k) {
    const double x = s.data.train_raw(k, 0);
    const int expected = x < 0.15 ? 0 : x < 0.3 ? 1 : 2;
    EXPECT_DOUBLE_EQ(s.data.train_targets(k, expected), 1.0) << "x " << x;
  }
  EXPECT_NE(r.summary.find("0 = 1, 1 = 2, 2 = 5"), std::string::npos) << r.summary;
}

TEST(CsvImport, FractionalTargetsOrSeveralTargetColumnsAreRegressionWithIdentityAndMse) {
  const ImportResult one = import_table(table("x,y\n1,0.5\n2,1.5\n3,2.5\n"), ImportOptions{.test_fraction = 0});
  EXPECT_FALSE(one.classification);
  EXPECT_EQ(one.scenario["loss"], "mse");
  EXPECT_EQ(one.scenario["layers"][1]["activation"], "identity");
  ImportOptions two;
  two.targets = {"y", "z"};
  two.test_fraction = 0;
  const Scenario s = parse_scenario(import_table(table("x,y,z\n1,0,1\n2,1,0\n"), two).scenario.dump(), "d");
  EXPECT_EQ(s.output_size(), 2);
  EXPECT_EQ(s.loss->name, "mse");
  ImportOptions forced;
  forced.regression = true;
  EXPECT_FALSE(import_table(table(three_class_csv()), forced).classification);
}

TEST(CsvImport, TheSplitIsAShuffleFromTheSeedWithTheLastFloorFNRowsAsTheTestSet) {
  ImportOptions o;
  o.test_fraction = 0.25;  // ⌊0.25·30⌋ = 7
  o.seed = 4;
  const Scenario a = parse_scenario(import_table(table(three_class_csv()), o).scenario.dump(), "d");
  const Scenario again = parse_scenario(import_table(table(three_class_csv()), o).scenario.dump(), "d");
  o.seed = 5;
  const Scenario other = parse_scenario(import_table(table(three_class_csv()), o).scenario.dump(), "d");
  EXPECT_EQ(a.data.train_rows(), 23);
  EXPECT_EQ(a.data.test_raw.rows(), 7);
  EXPECT_EQ(a.data.train_raw, again.data.train_raw);
  EXPECT_NE(a.data.train_raw, other.data.train_raw);
  // Every row exactly once, in train or test, and shuffled (not file order).
  std::multiset<double> seen;
  for (Eigen::Index r = 0; r < a.data.train_raw.rows(); ++r) seen.insert(a.data.train_raw(r, 0));
  for (Eigen::Index r = 0; r < a.data.test_raw.rows(); ++r) seen.insert(a.data.test_raw(r, 0));
  std::multiset<double> all;
  for (int r = 0; r < 30; ++r) all.insert(r);
  EXPECT_EQ(seen, all);
  bool in_file_order = true;
  for (Eigen::Index r = 0; r < a.data.train_raw.rows(); ++r) in_file_order = in_file_order && a.data.train_raw(r, 0) == r;
  EXPECT_FALSE(in_file_order);
}

TEST(CsvImport, ScaleDividesTheInputsAndNormalizeUsesTheTrainingRowsMeanAndDeviation) {
  ImportOptions o;
  o.scale = 16;
  o.test_fraction = 0;
  const Scenario scaled = parse_scenario(import_table(table("p,q,c\n16,8,0\n4,0,1\n"), o).scenario.dump(), "d");
  EXPECT_DOUBLE_EQ(scaled.data.train_raw.maxCoeff(), 1.0);
  EXPECT_DOUBLE_EQ(scaled.data.train_raw.minCoeff(), 0.0);
  o.scale = 0;
  o.normalize = true;
  o.test_fraction = 0.2;
  const Scenario n = parse_scenario(import_table(table(three_class_csv()), o).scenario.dump(), "d");
  for (Eigen::Index c = 0; c < n.data.train_raw.cols(); ++c) {
    const Eigen::ArrayXd col = n.data.train_raw.col(c).array();
    EXPECT_NEAR(col.mean(), 0.0, 1e-12);
    EXPECT_NEAR(std::sqrt((col - col.mean()).square().mean()), 1.0, 1e-12);
  }
}

TEST(CsvImport, TheFileTextHasOneLinePerRowAndLoadsAsTheSameScenario) {
  const ImportResult r = import_table(table(three_class_csv()), ImportOptions{});
  const std::string text = scenario_file_text(r.scenario);
  EXPECT_EQ(nlohmann::ordered_json::parse(text), r.scenario);
  EXPECT_NE(text.find("\n    [0.0,1.0,0.0],\n"), std::string::npos);
  EXPECT_EQ(text.rfind("{\n  \"name\": ", 0), 0u);
}

class CsvFiles : public test::TempDirTest {};

TEST_F(CsvFiles, AGzippedFileReadsAsItsPlainText) {
  const std::string text = three_class_csv();
  write("plain.csv", text);
  gzFile gz = gzopen(path("packed.csv.gz").c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  ASSERT_EQ(gzwrite(gz, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  gzclose(gz);
  const CsvTable plain = read_csv_file(path("plain.csv")), packed = read_csv_file(path("packed.csv.gz"));
  EXPECT_EQ(plain.header, packed.header);
  EXPECT_EQ(plain.values, packed.values);
  // Cut short: zlib's own reason, the file named.
  const std::string bytes = [&] {
    std::ifstream in(path("packed.csv.gz"), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  write("broken.csv.gz", bytes.substr(0, bytes.size() / 2));
  try {
    read_csv_file(path("broken.csv.gz"));
    FAIL() << "no error";
  } catch (const CsvError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path("broken.csv.gz") + ": not a readable gzip file", 0), 0u) << e.what();
  }
  try {
    read_csv_file(path("missing.csv"));
    FAIL() << "no error";
  } catch (const CsvError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path("missing.csv") + ": cannot read", 0), 0u) << e.what();
  }
}

TEST_F(CsvFiles, TheFirstLineIsAHeaderUnlessEveryCellOfItIsANumber) {
  write("named.csv", "a,b\n1,2\n");
  write("numbers.csv", "1,2\n3,4\n");
  write("iris.csv", "150,4,setosa,versicolor,virginica\n5.1,3.5,1.4,0.2,0\n");
  EXPECT_TRUE(first_line_is_header(path("named.csv"), 0));
  EXPECT_FALSE(first_line_is_header(path("numbers.csv"), 0));
  EXPECT_TRUE(first_line_is_header(path("iris.csv"), 0));
  EXPECT_FALSE(first_line_is_header(path("iris.csv"), 1));
}

}  // namespace
}  // namespace bpv
