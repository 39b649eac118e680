#include "formats/share_link.hpp"

#include <array>
#include <cctype>
#include <charconv>

#include "expression/expression_io.hpp"

namespace bpv {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

[[noreturn]] void refuse(const std::string& field, const std::string& problem) {
  throw ScenarioError("link: " + field + ": " + problem);
}

std::size_t parse_count(const std::string& field, const std::string& value) {
  std::size_t n = 0;
  const char* end = value.data() + value.size();
  const auto [at, ec] = std::from_chars(value.data(), end, n);
  if (value.empty() || ec != std::errc() || at != end) refuse(field, "must be a whole number ≥ 0, got '" + value + "'");
  return n;
}

// A lesson is named by its file's stem: letters, digits, '_' and '-' only,
// so a link can never name a path outside the lessons folder.
bool is_stem(const std::string& s) {
  if (s.empty() || s.size() > 100) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

}  // namespace

std::string base64url_encode(const std::string& bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int k = 3; k >= 0; --k) out.push_back(kAlphabet[(v >> (6 * k)) & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    if (rest == 2) out.push_back(kAlphabet[(v >> 6) & 63]);
  }
  return out;
}

std::optional<std::string> base64url_decode(const std::string& text) {
  std::size_t n = text.size();
  while (n > 0 && text[n - 1] == '=') --n;
  if (n % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(n / 4 * 3 + 2);
  unsigned v = 0;
  int bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const int s = sextet(text[i]);
    if (s < 0) return std::nullopt;
    v = (v << 6) | static_cast<unsigned>(s);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((v >> bits) & 0xFF));
    }
  }
  return out;
}

namespace {

// The base64url text of one file's JSON, refused when a link cannot carry it.
std::string link_payload(const std::string& field, const std::string& json) {
  if (json.size() > kMaxLinkScenarioBytes)
    refuse(field, std::to_string(json.size()) + " bytes of JSON, more than a link carries (" +
                      std::to_string(kMaxLinkScenarioBytes) + "); share the file instead");
  return base64url_encode(json);
}

// The JSON a link's base64url text carries; oversized text is refused before it is decoded.
std::string link_json(const std::string& field, const std::string& value) {
  // 4 characters carry 3 bytes.
  if (value.size() > (kMaxLinkScenarioBytes + 2) / 3 * 4)
    refuse(field, std::to_string(value.size()) + " characters, more than a link may carry (" +
                      std::to_string((kMaxLinkScenarioBytes + 2) / 3 * 4) + ")");
  const std::optional<std::string> json = base64url_decode(value);
  if (!json) refuse(field, "is not base64url (A–Z, a–z, 0–9, '-', '_')");
  return *json;
}

}  // namespace

std::string share_link_fragment(const Scenario& scenario, std::size_t op, const std::string& lesson,
                                std::size_t beat) {
  std::string out = "scenario=" + link_payload("scenario", scenario_to_json(scenario).dump()) +
                    "&op=" + std::to_string(op);
  if (is_stem(lesson)) out += "&lesson=" + lesson + "&beat=" + std::to_string(beat);
  return out;
}

std::string expression_link_fragment(const Expression& expression, std::size_t op) {
  return "expression=" + link_payload("expression", expression_to_json(expression).dump()) +
         "&op=" + std::to_string(op);
}

ShareLink parse_share_link(const std::string& fragment) {
  ShareLink link;
  std::size_t at = !fragment.empty() && fragment[0] == '#' ? 1 : 0;
  while (at < fragment.size()) {
    std::size_t end = fragment.find('&', at);
    if (end == std::string::npos) end = fragment.size();
    const std::string part = fragment.substr(at, end - at);
    at = end + 1;
    const std::size_t eq = part.find('=');
    const std::string key = part.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : part.substr(eq + 1);
    if (key == "scenario") {
      link.scenario = parse_scenario(link_json("scenario", value), "link");
    } else if (key == "expression") {
      link.expression = parse_expression(link_json("expression", value), "link");
    } else if (key == "op") {
      link.op = parse_count("op", value);
    } else if (key == "lesson") {
      if (!is_stem(value)) refuse("lesson", "must name a lesson file (letters, digits, '_', '-'), got '" + value + "'");
      link.lesson = value;
    } else if (key == "beat") {
      link.beat = parse_count("beat", value);
    }
  }
  return link;
}

}  // namespace bpv
