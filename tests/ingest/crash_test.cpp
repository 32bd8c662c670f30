// Crash safety: a child ingesting a large input is SIGKILLed mid-way; the
// database reopens cleanly and every article is either wholly there (log
// entry, every fact's evidence, every mention) or absent.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "ingest/pipeline.h"
#include "tests/ingest/fake_extractor.h"
#include "tests/test_util.h"

using kg::store::OpenMode;
using kg::store::Store;
using kg::test::FakeExtractor;
using kg::test::TempDir;

namespace {

const char* const kNames[] = {"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay",
                              "Wonka", "Cyberdyne", "Tyrell", "Soylent", "Oscorp"};

std::map<std::string, std::string> Corpus(int n) {
  std::map<std::string, std::string> texts;
  for (int i = 0; i < n; ++i) {
    std::string text;
    for (int s = 0; s < 1 + i % 6; ++s) {
      text += std::string(kNames[(i + s) % 11]) + " meets " + kNames[(i * 7 + s + 3) % 11] + " in Town" +
              std::to_string(i % 13) + ". ";
    }
    text += "Story " + std::to_string(i) + ".";
    texts["c" + std::to_string(i)] = text;
  }
  return texts;
}

}  // namespace

TEST_CASE("an ingest killed with SIGKILL leaves whole articles only", "[crash]") {
  TempDir dir;
  const std::string db = dir.str() + "/db";
  const std::string input = dir.str() + "/big.jsonl";
  const auto corpus = Corpus(1500);
  {
    std::ofstream out(input);
    for (int i = 0; i < 1500; ++i) {
      const std::string id = "c" + std::to_string(i);
      out << R"({"id": ")" << id << R"(", "text": ")" << corpus.at(id) << "\"}\n";
    }
  }
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    auto s = Store::Open(db, OpenMode::kReadWrite);
    if (!s.ok()) ::_exit(2);
    FakeExtractor extractor;
    std::istringstream no_stdin;
    auto src = kg::ingest::OpenInputs({input}, no_stdin);
    kg::ingest::IngestOptions opt;
    opt.jobs = 2;
    auto r = kg::ingest::Run(*s.value(), &extractor, *src, opt);
    ::_exit(r.ok() ? 0 : 3);
  }
  // Wait until the child has committed a good number of articles, then kill it.
  kg::ArticleSeq seen = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (seen < 100 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto ro = Store::Open(db, OpenMode::kReadOnly);
    if (ro.ok()) seen = ro.value()->NewReader()->LastSeq();
  }
  REQUIRE(::kill(child, SIGKILL) == 0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));  // killed mid-way, not finished
  REQUIRE(seen >= 100);

  auto opened = Store::Open(db, OpenMode::kReadWrite);
  INFO(opened.status().ToString());
  REQUIRE(opened.ok());
  auto& store = *opened.value();
  kg::ArticleSeq last = 0;
  {
    auto r = store.NewReader();
    last = r->LastSeq();
    CHECK(last >= seen);
    CHECK(last < 1500);
    FakeExtractor extractor;
    uint64_t entries = 0;
    REQUIRE(r->ScanLog([&](const kg::store::LogEntry& e) {
      ++entries;
      CHECK(e.seq == entries);  // no gaps
      const kg::Extraction x = extractor.Extract(corpus.at(e.article.id));
      uint64_t evidence = 0;
      REQUIRE(r->ScanArticleFacts(e.seq, [&](const kg::Fact&, const kg::Evidence&, bool) {
        return ++evidence, true;
      }).ok());
      CHECK(evidence == x.facts.size());
      CHECK(e.mentions == x.mentions.size());
      return true;
    }).ok());
    CHECK(entries == last);
    uint64_t facts = 0;
    REQUIRE(r->ScanFacts({}, [&](const kg::Fact&) { return ++facts, true; }).ok());
    auto st = store.Stats();
    REQUIRE(st.ok());
    CHECK(st->facts == facts);
    CHECK(st->articles == last);
  }
  // The run can simply be repeated: what is there is skipped, the rest added.
  FakeExtractor extractor;
  std::istringstream no_stdin;
  auto src = kg::ingest::OpenInputs({input}, no_stdin);
  auto sum = kg::ingest::Run(store, &extractor, *src);
  REQUIRE(sum.ok());
  CHECK(sum->duplicates == last);
  CHECK(sum->articles == 1500 - last);
  CHECK(store.NewReader()->LastSeq() == 1500);
}
