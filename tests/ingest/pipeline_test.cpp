// The pipeline: ordered commits whatever --jobs, errors reported in order,
// bounded memory.
#include <algorithm>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "ingest/pipeline.h"
#include "tests/ingest/fake_extractor.h"
#include "tests/test_util.h"

using kg::store::OpenMode;
using kg::store::Store;
using kg::test::FakeExtractor;
using kg::test::TempDir;

namespace {

const char* const kNames[] = {"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries",
                              "Wayne Enterprises", "Cyberdyne"};
const char* const kVerbs[] = {"buys", "sues", "supplies", "praises"};

// n articles over a small pool of names (so later ones reinforce earlier
// facts), with one malformed line and one duplicate text.
std::string Corpus(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    std::string text;
    for (int s = 0; s < 3; ++s) {
      text += std::string(kNames[(i + s) % 8]) + " " + kVerbs[(i * 3 + s) % 4] + " " +
              kNames[(i * 5 + s + 1) % 8] + ". ";
    }
    text += "Article " + std::to_string(i) + " ends.";
    out += R"({"id": "a)" + std::to_string(i) + R"(", "title": "t", "text": ")" + text + "\"}\n";
    if (i == 10) out += "{broken json\n";
    if (i == 20) out += R"({"id": "dup", "text": ")" + text + "\"}\n";
  }
  return out;
}

// Everything a reader can see, as one canonical string.
std::string Dump(Store& store) {
  auto r = store.NewReader();
  std::ostringstream out;
  REQUIRE(r->ScanLog([&](const kg::store::LogEntry& e) {
    out << "log " << e.seq << " " << e.article.id << " " << e.new_entities << " " << e.new_facts
        << " " << e.reinforced_facts << " " << e.mentions << "\n";
    return true;
  }).ok());
  auto name = [&](kg::EntityId id) { return r->GetEntity(id)->name; };
  std::vector<std::string> facts;
  REQUIRE(r->ScanFacts({}, [&](const kg::Fact& f) {
    facts.push_back(name(f.subject) + " " + f.predicate + " " + name(f.object) + " " +
                    std::to_string(f.support) + " " + std::to_string(f.first_seen));
    return true;
  }).ok());
  std::sort(facts.begin(), facts.end());
  for (const auto& f : facts) out << "fact " << f << "\n";
  REQUIRE(r->ScanEntities([&](const kg::Entity& e) {
    out << "entity " << e.id << " " << e.name << " " << e.mentions << "\n";
    return true;
  }).ok());
  return out.str();
}

// Counts how many items were read, to check the in-flight bound.
class CountingSource final : public kg::ingest::InputSource {
 public:
  explicit CountingSource(std::unique_ptr<kg::ingest::InputSource> in) : in_(std::move(in)) {}
  bool Next(kg::ingest::InputItem* item) override {
    bool more = in_->Next(item);
    if (more) ++read;
    return more;
  }
  uint64_t total_bytes() const override { return in_->total_bytes(); }
  std::atomic<uint64_t> read{0};

 private:
  std::unique_ptr<kg::ingest::InputSource> in_;
};

}  // namespace

TEST_CASE("the database does not depend on --jobs - errors and duplicates are reported in order") {
  TempDir dir;
  const std::string corpus_path = dir.str() + "/corpus.jsonl";
  std::ofstream(corpus_path) << Corpus(60);
  std::string dumps[2];
  int run = 0;
  for (int jobs : {1, 4}) {
    auto store = std::move(Store::Open(dir.str() + "/db" + std::to_string(jobs), OpenMode::kReadWrite)).value();
    FakeExtractor extractor(jobs == 4 ? 200 : 0);
    std::istringstream no_stdin;
    CountingSource src(kg::ingest::OpenInputs({corpus_path}, no_stdin));
    kg::ingest::IngestOptions opt;
    opt.jobs = jobs;
    opt.queue_per_job = 2;
    std::vector<kg::ingest::ItemReport> reports;
    uint64_t max_in_flight = 0;
    opt.on_item = [&](const kg::ingest::ItemReport& r, const kg::ingest::IngestSummary&) {
      reports.push_back(r);
      max_in_flight = std::max<uint64_t>(max_in_flight, src.read.load() - reports.size() + 1);
    };
    auto sum = kg::ingest::Run(*store, &extractor, src, opt);
    REQUIRE(sum.ok());
    CHECK(sum->articles == 60);
    CHECK(sum->errors == 1);
    CHECK(sum->duplicates == 1);
    CHECK(sum->new_facts > 0);
    CHECK(sum->reinforced_facts > 0);
    CHECK(sum->tokens > 0);
    REQUIRE(reports.size() == 62);
    for (size_t i = 0; i < reports.size(); ++i) CHECK(reports[i].index == i);
    CHECK(reports[11].error.rfind(corpus_path + ":12: malformed JSON", 0) == 0);
    CHECK(reports[22].duplicate);
    CHECK(reports[22].article_id == "dup");
    CHECK(max_in_flight <= static_cast<uint64_t>(std::max(2, jobs * 2)) + 1);
    CHECK(extractor.calls() == 61);  // every readable article, the duplicate included
    dumps[run++] = Dump(*store);
  }
  CHECK(dumps[0].size() > 1000);
  CHECK(dumps[0] == dumps[1]);
}

TEST_CASE("ingesting the same input twice adds nothing the second time") {
  TempDir dir;
  const std::string corpus_path = dir.str() + "/corpus.jsonl";
  std::ofstream(corpus_path) << Corpus(15);
  auto store = std::move(Store::Open(dir.str() + "/db", OpenMode::kReadWrite)).value();
  FakeExtractor extractor;
  std::istringstream no_stdin;
  auto first_src = kg::ingest::OpenInputs({corpus_path}, no_stdin);
  auto first = kg::ingest::Run(*store, &extractor, *first_src);
  REQUIRE(first.ok());
  const std::string before = Dump(*store);
  auto second_src = kg::ingest::OpenInputs({corpus_path}, no_stdin);
  auto second = kg::ingest::Run(*store, &extractor, *second_src);
  REQUIRE(second.ok());
  CHECK(second->articles == 0);
  CHECK(second->duplicates == 15);
  CHECK(second->errors == 1);
  CHECK(Dump(*store) == before);
}

TEST_CASE("an extractor that throws fails that article only") {
  class Throwing final : public kg::extract::Extractor {
   public:
    kg::Extraction Extract(std::string_view text) const override {
      if (text.find("boom") != std::string_view::npos) throw std::runtime_error("boom inside");
      return inner_.Extract(text);
    }
    std::vector<kg::extract::OpenTuple> ExtractTuples(std::string_view) const override { return {}; }
    bool uses_parser() const override { return false; }
    std::string fallback_reason() const override { return "test extractor"; }
    FakeExtractor inner_;
  } extractor;
  TempDir dir;
  std::ofstream(dir.str() + "/a.txt") << "Acme buys Globex.";
  std::ofstream(dir.str() + "/b.txt") << "Acme goes boom.";
  std::ofstream(dir.str() + "/c.txt") << "Globex sues Acme.";
  auto store = std::move(Store::Open(dir.str() + "/db", OpenMode::kReadWrite)).value();
  std::istringstream no_stdin;
  auto src = kg::ingest::OpenInputs({dir.str() + "/a.txt", dir.str() + "/b.txt", dir.str() + "/c.txt"},
                                    no_stdin);
  std::vector<std::string> errors;
  kg::ingest::IngestOptions opt;
  opt.jobs = 2;
  opt.on_item = [&](const kg::ingest::ItemReport& r, const kg::ingest::IngestSummary&) {
    if (!r.error.empty()) errors.push_back(r.error);
  };
  auto sum = kg::ingest::Run(*store, &extractor, *src, opt);
  REQUIRE(sum.ok());
  CHECK(sum->articles == 2);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == dir.str() + "/b.txt: extraction failed: boom inside");
}
