// `kg parse` run as a user would: CoNLL-U with byte offsets and NER tags.
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/test_util.h"

using kg::test::RunKg;
using kg::test::TempDir;

namespace {

struct Line {
  std::string form, misc;
};

// The word lines (not comments, not multiword ranges) of CoNLL-U text.
std::vector<Line> WordLines(const std::string& conllu) {
  std::vector<Line> lines;
  size_t pos = 0;
  while (pos < conllu.size()) {
    size_t end = conllu.find('\n', pos);
    if (end == std::string::npos) end = conllu.size();
    std::string line = conllu.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    size_t c = 0;
    while (true) {
      size_t tab = line.find('\t', c);
      cols.push_back(line.substr(c, tab == std::string::npos ? std::string::npos : tab - c));
      if (tab == std::string::npos) break;
      c = tab + 1;
    }
    if (cols.size() != 10 || cols[0].find('-') != std::string::npos) continue;
    lines.push_back({cols[1], cols[9]});
  }
  return lines;
}

std::string MiscValue(const std::string& misc, const std::string& key) {
  size_t p = misc.find(key + "=");
  if (p == std::string::npos) return "";
  p += key.size() + 1;
  return misc.substr(p, misc.find('|', p) - p);
}

}  // namespace

TEST_CASE("kg parse writes byte offsets and NER tags in MISC", "[cli][parse]") {
  TempDir dir;
  const std::string text = "Army Secretary Dan Driscoll met Ukrainian officials in Kyiv.\n";
  const std::string input = dir.str() + "/in.txt";
  std::ofstream(input, std::ios::binary) << text;
  auto r = RunKg(dir, "parse " + input);
  INFO(r.err);
  REQUIRE(r.status == 0);
  auto words = WordLines(r.out);
  REQUIRE(words.size() >= 10);
  for (const auto& w : words) {
    // Every token's TokenRange points at its own characters in the input.
    const std::string range = MiscValue(w.misc, "TokenRange");
    REQUIRE(range.find(':') != std::string::npos);
    const size_t begin = std::stoul(range.substr(0, range.find(':')));
    const size_t end = std::stoul(range.substr(range.find(':') + 1));
    CHECK(text.substr(begin, end - begin) == w.form);
    // Every token carries an IOB2 tag.
    const std::string ner = MiscValue(w.misc, "NER");
    CHECK((ner == "O" || ner.rfind("B-", 0) == 0 || ner.rfind("I-", 0) == 0));
  }
  // The tags form well-formed IOB2 and the sentence's names are tagged.
  int entities = 0;
  std::string previous = "O";
  for (const auto& w : words) {
    const std::string ner = MiscValue(w.misc, "NER");
    if (ner.rfind("I-", 0) == 0) {
      CHECK(previous.size() > 2);
      CHECK(previous.substr(2) == ner.substr(2));
    }
    if (ner.rfind("B-", 0) == 0) ++entities;
    previous = ner;
  }
  CHECK(entities >= 2);
}

TEST_CASE("kg parse names a missing input file and fails", "[cli][parse]") {
  TempDir dir;
  auto r = RunKg(dir, "parse " + dir.str() + "/no-such-file.txt");
  CHECK(r.status != 0);
  CHECK(r.err.find("no-such-file.txt") != std::string::npos);
}

TEST_CASE("kg --parser-branches chooses greedy or branching parses, checked as a usage error", "[cli][parse]") {
  TempDir dir;
  const std::string seed = std::string(KG_SOURCE_DIR) + "/examples/us-ukraine-rift.txt";
  auto branching = RunKg(dir, "parse " + seed);
  auto greedy = RunKg(dir, "--parser-branches 0 parse " + seed);
  auto explicit8 = RunKg(dir, "--parser-branches 8 parse " + seed);
  REQUIRE(branching.status == 0);
  REQUIRE(greedy.status == 0);
  REQUIRE(explicit8.status == 0);
  CHECK(explicit8.out == branching.out);  // 8 is the default
  // Same tokens, but the greedy parser attaches some words differently.
  CHECK(WordLines(greedy.out).size() == WordLines(branching.out).size());
  CHECK(greedy.out != branching.out);
  auto bad = RunKg(dir, "--parser-branches 99 parse " + seed);
  CHECK(bad.status == 2);
  CHECK(bad.err.find("--parser-branches") != std::string::npos);
}
