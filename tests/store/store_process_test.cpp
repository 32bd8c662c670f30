// Several processes on one database: a second writer is refused with the
// holder's pid; a read-only reader works while a writer process commits and
// always sees whole articles.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "store/store.h"
#include "tests/store/article_builder.h"
#include "tests/test_util.h"

using kg::EntityType;
using kg::store::OpenMode;
using kg::store::Store;
using kg::test::ArticleBuilder;
using kg::test::TempDir;

namespace {

// Article i has (i % 5) + 1 facts; its title says how many.
ArticleBuilder Numbered(int i) {
  ArticleBuilder a("n" + std::to_string(i));
  const int n = i % 5 + 1;
  int hub = a.Entity("Hub " + std::to_string(i % 7), EntityType::kOrganization);
  std::string s = "Hub " + std::to_string(i % 7);
  std::vector<int> spokes;
  for (int k = 0; k < n; ++k) {
    std::string name = "Spoke " + std::to_string(i) + "x" + std::to_string(k);
    spokes.push_back(a.Entity(name, EntityType::kPlace));
    s += " " + name;
  }
  a.Sentence(s + ".");
  for (int k = 0; k < n; ++k) a.Fact(hub, "link", spokes[k]);
  a.mutable_article().title = std::to_string(n);
  return a;
}

// Child: open for writing, tell the parent (one byte on `fd`), commit
// `articles` articles, then wait `linger_ms` before closing.
[[noreturn]] void Writer(const std::string& path, int fd, int articles, int linger_ms) {
  auto s = Store::Open(path, OpenMode::kReadWrite);
  char ok = s.ok() ? 'y' : 'n';
  (void)!::write(fd, &ok, 1);
  if (!s.ok()) ::_exit(2);
  auto& store = *s.value();
  for (int i = 0; i < articles; ++i) {
    ArticleBuilder a = Numbered(i);
    if (!store.Commit(a.article(), a.text(), a.extraction()).ok()) ::_exit(3);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(linger_ms));
  s.value().reset();
  ::_exit(0);
}

}  // namespace

TEST_CASE("a second writer process is refused with the holder's pid") {
  TempDir dir;
  const std::string path = dir.str() + "/db";
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) Writer(path, fds[1], 3, 1500);
  char c = 0;
  REQUIRE(::read(fds[0], &c, 1) == 1);
  REQUIRE(c == 'y');
  auto start = std::chrono::steady_clock::now();
  auto s = Store::Open(path, OpenMode::kReadWrite);
  auto took = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().code() == kg::Status::Code::kBusy);
  CHECK_THAT(s.status().message(),
             Catch::Contains("locked by another kg process (pid " + std::to_string(child) + ")"));
  CHECK(took < std::chrono::seconds(1));  // at once, no waiting for the lock
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  ::close(fds[0]);
  ::close(fds[1]);
  // Once the writer is gone the database opens for writing again.
  CHECK(Store::Open(path, OpenMode::kReadWrite).ok());
}

TEST_CASE("a read-only reader works while a writer process commits + and sees whole articles") {
  TempDir dir;
  const std::string path = dir.str() + "/db";
  { REQUIRE(Store::Open(path, OpenMode::kReadWrite).ok()); }
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) Writer(path, fds[1], 300, 0);
  char c = 0;
  REQUIRE(::read(fds[0], &c, 1) == 1);
  REQUIRE(c == 'y');

  int opens = 0;
  kg::ArticleSeq max_seen = 0;
  bool child_done = false;
  int status = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!child_done && std::chrono::steady_clock::now() < deadline) {
    child_done = ::waitpid(child, &status, WNOHANG) == child;
    auto s = Store::Open(path, OpenMode::kReadOnly);
    INFO(s.status().ToString());
    REQUIRE(s.ok());
    ++opens;
    auto r = s.value()->NewReader();
    kg::ArticleSeq entries = 0;
    kg::Status scan = r->ScanLog([&](const kg::store::LogEntry& e) {
      ++entries;
      int facts = 0;
      REQUIRE(r->ScanArticleFacts(e.seq, [&](auto&, auto&, bool) { return ++facts, true; }).ok());
      CHECK(std::to_string(facts) == e.article.title);
      CHECK(static_cast<int>(e.new_facts) == facts);
      return true;
    });
    INFO(scan.ToString());
    REQUIRE(scan.ok());
    CHECK(entries == r->LastSeq());
    CHECK(r->LastSeq() >= max_seen);  // never goes back
    max_seen = r->LastSeq();
  }
  REQUIRE(child_done);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(opens > 1);
  ::close(fds[0]);
  ::close(fds[1]);
  auto s = Store::Open(path, OpenMode::kReadOnly);
  REQUIRE(s.ok());
  CHECK(s.value()->NewReader()->LastSeq() == 300);
}

namespace {

// Child: open for writing, say 'y' on `out`, then commit article i for the
// i-th byte read from `in` and answer 'c' after each; exit when `in` closes.
[[noreturn]] void CommandedWriter(const std::string& path, int in, int out) {
  auto s = Store::Open(path, OpenMode::kReadWrite);
  char ok = s.ok() ? 'y' : 'n';
  (void)!::write(out, &ok, 1);
  if (!s.ok()) ::_exit(2);
  char cmd = 0;
  for (int i = 0; ::read(in, &cmd, 1) == 1; ++i) {
    ArticleBuilder a = Numbered(i);
    char done = s.value()->Commit(a.article(), a.text(), a.extraction()).ok() ? 'c' : 'e';
    (void)!::write(out, &done, 1);
  }
  s.value().reset();
  ::_exit(0);
}

}  // namespace

TEST_CASE("a read-only store catches up with the writer only when the writer has written since") {
  TempDir dir;
  const std::string path = dir.str() + "/db";
  { REQUIRE(Store::Open(path, OpenMode::kReadWrite).ok()); }
  int to_child[2], from_child[2];
  REQUIRE(::pipe(to_child) == 0);
  REQUIRE(::pipe(from_child) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(to_child[1]);
    ::close(from_child[0]);
    CommandedWriter(path, to_child[0], from_child[1]);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  char c = 0;
  REQUIRE(::read(from_child[0], &c, 1) == 1);
  REQUIRE(c == 'y');
  auto commit = [&]() {
    char go = 'g', done = 0;
    REQUIRE(::write(to_child[1], &go, 1) == 1);
    REQUIRE(::read(from_child[0], &done, 1) == 1);
    REQUIRE(done == 'c');
  };
  auto opened = Store::Open(path, OpenMode::kReadOnly);
  REQUIRE(opened.ok());
  Store& ro = *opened.value();
  auto catch_ups = [&]() { return ro.Stats().value().catch_ups; };

  // Nothing written since the open: new readers do not catch up.
  for (int i = 0; i < 3; ++i) CHECK(ro.NewReader()->LastSeq() == 0);
  CHECK(catch_ups() == 0);

  // One commit: the next reader catches up (once) and sees it.
  commit();
  CHECK(ro.NewReader()->LastSeq() == 1);
  CHECK(catch_ups() == 1);
  CHECK(ro.NewReader()->LastSeq() == 1);
  CHECK(catch_ups() == 1);

  // A reader alive during a commit keeps its state, and so does a second
  // reader made meanwhile; once both are gone the next one catches up.
  {
    auto held = ro.NewReader();
    commit();
    CHECK(ro.NewReader()->LastSeq() == 1);
    CHECK(held->LastSeq() == 1);
  }
  CHECK(catch_ups() == 1);
  CHECK(ro.NewReader()->LastSeq() == 2);
  CHECK(catch_ups() == 2);

  // Several commits between readers: one catch-up sees them all.
  commit();
  commit();
  commit();
  auto r = ro.NewReader();
  CHECK(r->LastSeq() == 5);
  int entries = 0;
  REQUIRE(r->ScanLog([&](const kg::store::LogEntry&) { return ++entries, true; }).ok());
  CHECK(entries == 5);
  r.reset();
  CHECK(catch_ups() == 3);

  ::close(to_child[1]);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  ::close(from_child[0]);
  // The writer closed (its WAL flushed or removed): a reader still sees all five.
  CHECK(ro.NewReader()->LastSeq() == 5);
}
