// Opening a store and committing a built article in tests: either failing
// ends the test case with the store's message.
#pragma once

#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "store/store.h"
#include "tests/store/article_builder.h"
#include "tests/test_util.h"

namespace kg::test {

inline std::unique_ptr<store::Store> OpenRw(const std::string& path) {
  auto s = store::Store::Open(path, store::OpenMode::kReadWrite);
  INFO(s.status().ToString());
  REQUIRE(s.ok());
  return std::move(s).value();
}

// The database directory `db` inside `dir`.
inline std::unique_ptr<store::Store> OpenRw(const TempDir& dir) { return OpenRw(dir.str() + "/db"); }

inline store::CommitResult Commit(store::Store& store, const ArticleBuilder& a) {
  auto r = store.Commit(a.article(), a.text(), a.extraction());
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return r.value();
}

}  // namespace kg::test
