// The data-driven query tests: every tests/query/cases/*.test file, run
// against the fixture graph (fixture.h).
//
// A .test file holds cases separated by a line "====". A case is
//   # comments
//   % param name=value        (directives: param, format <fmt>, explain,
//   % timeout <seconds>        max_expansions <n>)
//   <query lines>
//   ----
//   <expected output>
// The expected output is the column line and one line per row, cells
// separated by " | " (values as the table format shows them), or
// "error: <message>" with the exact message. Rows are compared as a set
// unless the query has ORDER BY. Set KG_QUERY_TEST_PRINT=FILE to write the
// actual output of failing cases to FILE in the same layout.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <catch2/catch.hpp>

#include "query/engine.h"
#include "query/format.h"
#include "tests/test_util.h"
#include "tests/query/fixture.h"

namespace {

struct Case {
  std::string file;
  int line = 0;
  std::vector<std::string> directives;
  std::string query;
  std::vector<std::string> expected;
};

std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

void TrimTrailingEmpty(std::vector<std::string>* lines) {
  while (!lines->empty() && lines->back().find_first_not_of(" \t") == std::string::npos) lines->pop_back();
}

std::vector<Case> ReadCases(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  std::vector<std::string> lines = SplitLines(buf.str());
  std::vector<Case> cases;
  Case cur;
  enum { kQuery, kExpected } state = kQuery;
  auto flush = [&]() {
    TrimTrailingEmpty(&cur.expected);
    if (cur.query.find_first_not_of(" \n\t") != std::string::npos) cases.push_back(cur);
    cur = Case();
    state = kQuery;
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l == "====") {
      flush();
      continue;
    }
    if (state == kQuery) {
      if (cur.line == 0 && l.find_first_not_of(" \t") != std::string::npos && l[0] != '#') {
        cur.line = static_cast<int>(i) + 1;
        cur.file = path.filename().string();
      }
      if (l.rfind("#", 0) == 0) continue;
      if (l.rfind("% ", 0) == 0) {
        cur.directives.push_back(l.substr(2));
        continue;
      }
      if (l == "----") {
        state = kExpected;
        continue;
      }
      cur.query += (cur.query.empty() ? "" : "\n") + l;
    } else {
      cur.expected.push_back(l);
    }
  }
  flush();
  return cases;
}

std::vector<std::string> Render(kg::store::Store& store, const Case& c, bool* sortable) {
  kg::query::QueryOptions opt;
  std::optional<kg::query::OutputFormat> format;
  bool explain = false;
  for (const auto& d : c.directives) {
    if (d.rfind("param ", 0) == 0) {
      std::pair<std::string, kg::query::Value> p;
      REQUIRE(kg::query::ParseParam(d.substr(6), &p).ok());
      opt.params.push_back(p);
    } else if (d.rfind("format ", 0) == 0) {
      format = kg::query::ParseOutputFormat(d.substr(7));
      REQUIRE(format.has_value());
    } else if (d == "explain") {
      explain = true;
    } else if (d.rfind("timeout ", 0) == 0) {
      opt.timeout_seconds = std::stod(d.substr(8));
    } else if (d.rfind("max_expansions ", 0) == 0) {
      opt.max_expansions = std::stoull(d.substr(15));
    } else {
      FAIL("unknown directive '" << d << "' in " << c.file << ":" << c.line);
    }
  }
  std::string upper = c.query;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char ch) { return std::toupper(ch); });
  *sortable = !format && !explain && upper.find("ORDER BY") == std::string::npos;
  if (explain) {
    auto plan = kg::query::ExplainQuery(store, c.query, opt);
    if (!plan.ok()) return SplitLines("error: " + plan.status().message());
    return SplitLines(*plan);
  }
  auto rs = kg::query::RunQuery(store, c.query, opt);
  if (!rs.ok()) {
    *sortable = false;
    return SplitLines("error: " + rs.status().message());
  }
  if (format) {
    std::ostringstream out;
    kg::query::WriteResult(out, *rs, *format);
    auto lines = SplitLines(out.str());
    TrimTrailingEmpty(&lines);
    return lines;
  }
  std::vector<std::string> out;
  std::string header;
  for (size_t k = 0; k < rs->columns.size(); ++k) header += (k ? " | " : "") + rs->columns[k];
  out.push_back(header);
  for (const auto& row : rs->rows) {
    std::string line;
    for (size_t k = 0; k < row.size(); ++k) line += (k ? " | " : "") + kg::query::ToDisplay(row[k]);
    out.push_back(line);
  }
  return out;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

}  // namespace

TEST_CASE("query cases from tests/query/cases/*.test", "[query]") {
  kg::test::TempDir dir;
  auto opened = kg::store::Store::Open(dir.str(), kg::store::OpenMode::kReadWrite);
  REQUIRE(opened.ok());
  auto store = std::move(opened).value();
  REQUIRE(kg::test::BuildFixtureGraph(*store).ok());

  std::filesystem::path cases_dir = std::filesystem::path(KG_SOURCE_DIR) / "tests" / "query" / "cases";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(cases_dir)) {
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 10);
  const char* print_path = std::getenv("KG_QUERY_TEST_PRINT");
  std::ofstream print;
  if (print_path != nullptr) print.open(print_path);
  size_t total = 0;
  for (const auto& f : files) {
    auto cases = ReadCases(f);
    CHECK(!cases.empty());
    for (const auto& c : cases) {
      ++total;
      bool sortable = false;
      std::vector<std::string> actual = Render(*store, c, &sortable);
      std::vector<std::string> expected = c.expected;
      if (sortable && actual.size() > 1 && expected.size() > 1) {
        std::sort(actual.begin() + 1, actual.end());
        std::sort(expected.begin() + 1, expected.end());
      }
      INFO(c.file << ":" << c.line << "\n" << c.query);
      if (print.is_open() && actual != expected) {
        print << "==== " << c.file << ":" << c.line << "\n" << c.query << "\n----\n"
                  << Join(Render(*store, c, &sortable));
      }
      CHECK(Join(actual) == Join(expected));
    }
  }
  CHECK(total >= 100);
}

// Schema 5's adj values change how a subject's out-facts are read, not what a
// query answers: every case, in the same row order, on a second fixture graph
// opened with adjacency reads off (spo prefix scans, as schema 4 read them).
TEST_CASE("query cases answer alike with and without adjacency reads", "[query]") {
  kg::test::TempDir with_dir, without_dir;
  auto with = kg::store::Store::Open(with_dir.str(), kg::store::OpenMode::kReadWrite);
  kg::store::OpenOptions off;
  off.adjacency_reads = false;
  auto without = kg::store::Store::Open(without_dir.str(), kg::store::OpenMode::kReadWrite, off);
  REQUIRE(with.ok());
  REQUIRE(without.ok());
  REQUIRE(kg::test::BuildFixtureGraph(**with).ok());
  REQUIRE(kg::test::BuildFixtureGraph(**without).ok());
  std::filesystem::path cases_dir = std::filesystem::path(KG_SOURCE_DIR) / "tests" / "query" / "cases";
  size_t total = 0, with_rows = 0;
  for (const auto& entry : std::filesystem::directory_iterator(cases_dir)) {
    if (entry.path().extension() != ".test") continue;
    for (const auto& c : ReadCases(entry.path())) {
      ++total;
      bool sortable = false;
      const std::vector<std::string> a = Render(**with, c, &sortable);
      const std::vector<std::string> b = Render(**without, c, &sortable);
      INFO(c.file << ":" << c.line << "\n" << c.query);
      CHECK(Join(a) == Join(b));
      with_rows += a.size();
    }
  }
  CHECK(total >= 100);
  CHECK(with_rows > total);  // not every case an error or empty
}
