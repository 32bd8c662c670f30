// The NER tagger's word-cluster features: the cluster file reader, the
// table kept in the model file, and a cluster deciding a tag the labelled
// data cannot (invented words and sentences); the training tool's option checks.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "extract/ner.h"
#include "tests/test_util.h"

namespace {

using kg::extract::NerTagger;

std::string TempPath(const std::string& name) {
  return std::string(KG_BINARY_DIR) + "/ner_test_" + name;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

kg::nlp::Sentence Sentence(const std::vector<std::string>& forms) {
  kg::nlp::Sentence s;
  for (const auto& f : forms) {
    kg::nlp::Token t;
    t.form = f;
    t.upos = "PROPN";
    s.tokens.push_back(t);
  }
  return s;
}

// "X word ." where the same capitalised X is an organisation before a verb
// ("announced", ...) and not a name before a noun ("morning", ...): only the
// next word tells them apart.
// A new verb it never saw is judged by the context's word cluster.
std::vector<NerTagger::Example> Invented() {
  std::vector<NerTagger::Example> data;
  const std::vector<std::string> orgs = {"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay"};
  const std::vector<std::string> verbs = {"announced", "reported", "hired", "sued", "merged", "bought"};
  const std::vector<std::string> nexts = {"morning", "evening", "night", "afternoon", "mass", "dinner"};
  for (int rep = 0; rep < 3; ++rep) {
    for (size_t i = 0; i < orgs.size(); ++i) {
      data.push_back({Sentence({orgs[i], verbs[i], "."}), {3, 0, 0}});
      data.push_back({Sentence({orgs[(i + 1) % orgs.size()], nexts[i], "."}), {0, 0, 0}});
    }
  }
  return data;
}

kg::extract::WordClusters InventedClusters() {
  kg::extract::WordClusters c;
  for (const char* w : {"announced", "reported", "hired", "sued", "merged", "bought", "glorped"}) c[w] = "01101";
  for (const char* w : {"morning", "evening", "night", "afternoon", "mass", "dinner", "snarfed"}) c[w] = "11000";
  return c;
}

}  // namespace

TEST_CASE("A word cluster file loads, and a bad line is reported with its line number", "[extract][ner]") {
  std::string path = TempPath("clusters.tsv");
  WriteFile(path, "# comment\n0110\tBoeing\t15\n0111\tairbus\t2\n-\tthe\t900\n");
  auto c = kg::extract::ReadWordClusters(path);
  REQUIRE(c.ok());
  CHECK(c.value().size() == 3);
  CHECK(c.value().at("Boeing") == "0110");
  CHECK(c.value().at("the").empty());

  WriteFile(path, "0110\tBoeing\n01x0\tAirbus\n");
  auto bad = kg::extract::ReadWordClusters(path);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().ToString().find(":2:") != std::string::npos);
  CHECK_FALSE(kg::extract::ReadWordClusters(TempPath("missing.tsv")).ok());
  std::remove(path.c_str());
}

TEST_CASE("The cluster of a form falls back to its lower-case spelling, and survives Save and Load", "[extract][ner]") {
  NerTagger tagger;
  tagger.set_feature_set(NerTagger::kFeatClusters);
  tagger.set_clusters(InventedClusters());
  tagger.Train(Invented(), 3, 1);
  CHECK(tagger.ClusterOf("glorped") == "01101");
  CHECK(tagger.ClusterOf("Glorped") == "01101");  // lower-case fallback
  CHECK(tagger.ClusterOf("Zorblax").empty());
  std::string path = TempPath("model.bin");
  REQUIRE(tagger.Save(path).ok());
  auto loaded = NerTagger::Load(path);
  REQUIRE(loaded.ok());
  CHECK(loaded.value()->ClusterOf("snarfed") == "11000");
  CHECK(loaded.value()->feature_set() == NerTagger::kFeatClusters);
  CHECK(loaded.value()->TagNames(Sentence({"Zorblax", "glorped", "."})) ==
        tagger.TagNames(Sentence({"Zorblax", "glorped", "."})));
  std::remove(path.c_str());
}

TEST_CASE("The cluster of the next word decides the tag of a name the labelled data never saw", "[extract][ner]") {
  NerTagger with;
  with.set_feature_set(NerTagger::kFeatClusters);
  with.set_clusters(InventedClusters());
  with.Train(Invented(), 5, 1);
  CHECK(with.TagNames(Sentence({"Zorblax", "glorped", "."}))[0] == "B-ORG");
  CHECK(with.TagNames(Sentence({"Zorblax", "snarfed", "."}))[0] == "O");

  // The clusters switched off: the two unseen verbs give no evidence, so
  // the name gets one and the same tag before either.
  NerTagger without;
  without.Train(Invented(), 5, 1);
  CHECK(without.TagNames(Sentence({"Zorblax", "glorped", "."}))[0] ==
        without.TagNames(Sentence({"Zorblax", "snarfed", "."}))[0]);
}

namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string SavedModel(int runs, uint64_t seed, const std::string& name) {
  NerTagger tagger;
  tagger.Train(Invented(), 3, seed, runs);
  std::string path = TempPath(name);
  REQUIRE(tagger.Save(path).ok());
  std::string bytes = ReadAll(path);
  std::remove(path.c_str());
  return bytes;
}

}  // namespace

TEST_CASE("Training with several runs keeps the mean of the runs' weights, deterministically", "[extract][ner]") {
  // One run is the plain perceptron: the default and runs = 1 write the same file.
  NerTagger plain;
  plain.Train(Invented(), 3, 1);
  std::string path = TempPath("plain.bin");
  REQUIRE(plain.Save(path).ok());
  CHECK(ReadAll(path) == SavedModel(1, 1, "one.bin"));
  std::remove(path.c_str());

  // Three runs: the same file twice, unlike any single run's (the shuffle
  // seeds 1, 2, 3 give different weights, and their mean is kept).
  const std::string three = SavedModel(3, 1, "three_a.bin");
  CHECK(three == SavedModel(3, 1, "three_b.bin"));
  CHECK(three != SavedModel(1, 1, "seed1.bin"));
  CHECK(three != SavedModel(1, 2, "seed2.bin"));
  CHECK(three != SavedModel(1, 3, "seed3.bin"));

  // The averaged model still learned the data: an organisation before a
  // verb, nothing before a time of day.
  NerTagger averaged;
  averaged.Train(Invented(), 3, 1, 3);
  CHECK(averaged.TagNames(Sentence({"Acme", "announced", "."}))[0] == "B-ORG");
  CHECK(averaged.TagNames(Sentence({"Globex", "morning", "."}))[0] == "O");
}

TEST_CASE("kg-train-ner answers --help and rejects unknown options and bad numbers before any work", "[ner]") {
  kg::test::TempDir dir;
  auto run = [&](const std::string& args) {
    auto r = kg::test::RunTool(dir, "extract/kg-train-ner", args);
    return std::make_pair(r.status, r.out + r.err);
  };
  auto [rc, out] = run("--help");
  REQUIRE(rc == 0);
  CHECK(out.find("--runs N") != std::string::npos);
  const std::string never = dir.str() + "/never.bin";
  const std::string base = "--uner missing.iob2 --out " + never + " --lexicon " + never + ".tsv";
  std::tie(rc, out) = run(base + " --epochs five");
  CHECK(rc == 2);
  CHECK(out.find("--epochs wants a non-negative integer, got 'five'") != std::string::npos);
  std::tie(rc, out) = run(base + " --runs -1");
  CHECK(rc == 2);
  CHECK(out.find("--runs wants") != std::string::npos);
  std::tie(rc, out) = run(base + " --bogus 1");
  CHECK(rc == 2);
  CHECK(out.find("unknown option --bogus") != std::string::npos);
  std::tie(rc, out) = run("--uner");
  CHECK(rc == 2);
  CHECK(out.find("missing value for --uner") != std::string::npos);
  // Nothing was written: the options were checked first.
  CHECK_FALSE(std::ifstream(never).good());
  CHECK_FALSE(std::ifstream(never + ".tsv").good());
}

TEST_CASE("NerSpans: a B- tag and the I- tags of its class; ScoredNerSpans keeps PER, ORG and LOC", "[ner]") {
  using kg::extract::NerSpan;
  using kg::extract::NerTagId;
  auto id = [](const char* name) { return NerTagId(name); };
  // O B-PER I-PER B-PER I-ORG B-ORG I-ORG I-ORG B-NORP I-LOC B-LOC
  const std::vector<int> tags = {id("O"),     id("B-PER"), id("I-PER"),  id("B-PER"),
                                 id("I-ORG"), id("B-ORG"), id("I-ORG"),  id("I-ORG"),
                                 id("B-NORP"), id("I-LOC"), id("B-LOC")};
  const std::vector<NerSpan> want = {{1, 3, id("B-PER")}, {3, 4, id("B-PER")}, {5, 8, id("B-ORG")},
                                     {8, 9, id("B-NORP")}, {10, 11, id("B-LOC")}};
  CHECK(kg::extract::NerSpans(tags) == want);
  const std::set<NerSpan> scored = kg::extract::ScoredNerSpans(tags);
  CHECK(scored.size() == 4);
  CHECK(scored.count(NerSpan{8, 9, id("B-NORP")}) == 0);
  CHECK(scored.count(NerSpan{5, 8, id("B-ORG")}) == 1);
  CHECK(kg::extract::NerSpans({}).empty());
}
