// The web page's links (core/formats/share_link.hpp): a link opens exactly the
// network and op it was made from, and a bad or oversized one is refused
// with the loader's kind of message, never half taken.
#include <gtest/gtest.h>

#include "expression/expression_io.hpp"
#include "formats/scenario_io.hpp"
#include "formats/share_link.hpp"
#include "test_helpers.hpp"

namespace bpv {
namespace {

TEST(ShareLink, Base64urlRoundTripsEveryLengthAndByte) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) {
    bytes.push_back(static_cast<char>(i * 37 + 11));
    const std::string text = base64url_encode(bytes);
    EXPECT_EQ(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    EXPECT_EQ(base64url_decode(text), bytes) << "length " << bytes.size();
  }
  EXPECT_EQ(base64url_encode("any carnal pleas"), "YW55IGNhcm5hbCBwbGVhcw");  // RFC 4648's example, unpadded
  EXPECT_EQ(base64url_decode("YW55IGNhcm5hbCBwbGVhcw=="), "any carnal pleas");
}

TEST(ShareLink, Base64urlRefusesOtherCharacters) {
  EXPECT_FALSE(base64url_decode("ab+c"));  // '+' is base64's, not base64url's
  EXPECT_FALSE(base64url_decode("ab c"));
  EXPECT_FALSE(base64url_decode("abcde"));  // one character too many for any byte count
}

TEST(ShareLink, OpensTheNetworkOpAndBeatItWasMadeFrom) {
  const Scenario xor_net = load_scenario(test::scenario_path("xor.json"));
  const ShareLink link = parse_share_link("#" + share_link_fragment(xor_net, 7, "6_xor", 2));
  ASSERT_TRUE(link.scenario);
  EXPECT_EQ(scenario_to_json(*link.scenario), scenario_to_json(xor_net));
  EXPECT_EQ(link.op, std::optional<std::size_t>(7));
  EXPECT_EQ(link.lesson, "6_xor");
  EXPECT_EQ(link.beat, 2u);
}

TEST(ShareLink, OpensTheExpressionAndOpItWasMadeFrom) {
  const Expression neuron = load_expression(test::assets_dir() + "/expressions/micrograd_neuron.json");
  const ShareLink link = parse_share_link("#" + expression_link_fragment(neuron, 11));
  ASSERT_TRUE(link.expression);
  EXPECT_FALSE(link.scenario);
  EXPECT_EQ(expression_file_text(*link.expression), expression_file_text(neuron));
  EXPECT_EQ(link.op, std::optional<std::size_t>(11));
}

TEST(ShareLink, AnEmptyFragmentOpensThePagesUsualStart) {
  const ShareLink link = parse_share_link("");
  EXPECT_FALSE(link.scenario);
  EXPECT_FALSE(link.op);
  EXPECT_TRUE(link.lesson.empty());
}

void expect_refused(const std::string& fragment, const std::string& starts_with) {
  try {
    parse_share_link(fragment);
    ADD_FAILURE() << fragment << " was taken";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(starts_with, 0), 0u) << e.what();
  }
}

TEST(ShareLink, ABadLinkSaysWhatIsWrongWithIt) {
  expect_refused("scenario=bm90IGpzb24", "link: ");            // "not json": the loader's message
  expect_refused("scenario=%%%", "link: scenario: is not base64url");
  expect_refused("expression=%%%", "link: expression: is not base64url");
  // {"kind":"expression","values":{"x":1},"definitions":["y = x +"],"output":"y"}: the parser's column
  expect_refused("expression=" + base64url_encode(R"({"kind":"expression","values":{"x":1},)"
                                                  R"("definitions":["y = x +"],"output":"y"})"),
                 "link: definitions[0]: column ");
  expect_refused("op=-1", "link: op: must be a whole number");
  expect_refused("op=3x", "link: op: must be a whole number");
  expect_refused("lesson=../../etc/passwd", "link: lesson: must name a lesson file");
  expect_refused("scenario=" + std::string(kMaxLinkScenarioBytes / 3 * 4 + 8, 'A'),
                 "link: scenario: ");  // oversized: refused before it is decoded
}

TEST(ShareLink, ANetworkTooLargeForALinkIsRefusedWhenTheLinkIsMade) {
  const Scenario large = load_scenario(test::scenario_path("mnist_shaped.json"));
  const std::string json = scenario_to_json(large).dump();
  if (json.size() <= kMaxLinkScenarioBytes) GTEST_SKIP() << "mnist_shaped.json fits in a link";
  EXPECT_THROW(share_link_fragment(large, 0, "", 0), ScenarioError);
}

}  // namespace
}  // namespace bpv
