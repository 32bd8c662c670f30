#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <cstring>

#include <map>
#include <unordered_map>

#include "extract/nlp/conllu.h"
#include "extract/nlp/flat_map.h"
#include "extract/nlp/lemmatizer.h"
#include "extract/nlp/model_io.h"
#include "extract/nlp/parser.h"
#include "extract/nlp/perceptron.h"
#include "extract/nlp/pipeline.h"
#include "extract/nlp/tagger.h"
#include "extract/nlp/tokenizer.h"

using namespace kg::nlp;

namespace {

// A tiny treebank, enough to train every model in milliseconds.
Document TinyTreebank() {
  std::string conllu;
  const char* sents[] = {
      "1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_\n2\tdog\tdog\tNOUN\tNN\tNumber=Sing\t3\tnsubj\t_\t_\n"
      "3\tbarks\tbark\tVERB\tVBZ\t_\t0\troot\t_\tSpaceAfter=No\n4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_\n",
      "1\tA\ta\tDET\tDT\t_\t2\tdet\t_\t_\n2\tcat\tcat\tNOUN\tNN\tNumber=Sing\t3\tnsubj\t_\t_\n"
      "3\tsleeps\tsleep\tVERB\tVBZ\t_\t0\troot\t_\tSpaceAfter=No\n4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_\n",
      "1\tDogs\tdog\tNOUN\tNNS\tNumber=Plur\t2\tnsubj\t_\t_\n2\tran\trun\tVERB\tVBD\t_\t0\troot\t_\t_\n"
      "3\thome\thome\tADV\tRB\t_\t2\tadvmod\t_\tSpaceAfter=No\n4\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n"};
  for (int rep = 0; rep < 5; ++rep)
    for (const char* s : sents) conllu += std::string("# newpar\n") + s + "\n";
  Document doc;
  std::string err;
  REQUIRE(ReadConllu(conllu, &doc, &err));
  return doc;
}

template <typename M>
std::unique_ptr<M> RoundTrip(const M& m, const std::string& kind) {
  ModelWriter w(kind);
  m.Save(w);
  ModelReader r;
  std::string err;
  REQUIRE(r.OpenBytes(w.bytes(), kind, "mem", &err));
  auto back = std::make_unique<M>();
  REQUIRE(back->Load(r));
  // Saving the loaded model gives the same bytes.
  ModelWriter w2(kind);
  back->Save(w2);
  CHECK(w2.bytes() == w.bytes());
  return back;
}

// `n` pseudo-random odd fingerprints from `seed`, plus `shared` ones whose
// low 16 bits are all `low` (so they share one bucket), sorted, no repeats.
std::vector<uint32_t> BucketTestKeys(int n, uint64_t seed, uint32_t shared, uint32_t low) {
  std::vector<uint32_t> keys;
  uint64_t x = seed;
  for (int i = 0; i < n; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    keys.push_back(static_cast<uint32_t>(x >> 32) | 1u);
  }
  for (uint32_t i = 0; i < shared; ++i) keys.push_back((i + 1) << 16 | low);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

}  // namespace

TEST_CASE("models: train tiny, save, load, same output", "[nlp][model]") {
  Document tb = TinyTreebank();
  std::vector<const Sentence*> train;
  for (const auto& s : tb.sentences) train.push_back(&s);

  auto tagger = Tagger::Train(train, {3, 1}, nullptr);
  auto lemma = Lemmatizer::Train(train, "", nullptr);
  Parser::TrainOptions popt;
  popt.epochs = 3;
  auto parser = Parser::Train(train, nullptr, popt, nullptr);
  auto tok = Tokenizer::Train({tb}, {3, 1}, nullptr);

  auto tagger2 = RoundTrip(*tagger, "tagger");
  auto lemma2 = RoundTrip(*lemma, "lemmatizer");
  auto parser2 = RoundTrip(*parser, "parser");
  auto tok2 = RoundTrip(*tok, "tokenizer");

  const std::string text = "The cat barks. Dogs sleep.";
  auto s1 = tok->Tokenize(text, 300);
  auto s2 = tok2->Tokenize(text, 300);
  REQUIRE(s1.size() == s2.size());
  for (size_t k = 0; k < s1.size(); ++k) {
    tagger->Tag(s1[k]);
    tagger2->Tag(s2[k]);
    lemma->Lemmatize(s1[k]);
    lemma2->Lemmatize(s2[k]);
    parser->Parse(s1[k]);
    parser2->Parse(s2[k]);
    REQUIRE(s1[k].tokens.size() == s2[k].tokens.size());
    for (size_t i = 0; i < s1[k].tokens.size(); ++i) {
      const Token& a = s1[k].tokens[i];
      const Token& b = s2[k].tokens[i];
      CHECK(std::tie(a.form, a.upos, a.xpos, a.lemma, a.head, a.deprel) ==
            std::tie(b.form, b.upos, b.xpos, b.lemma, b.head, b.deprel));
    }
  }
  // The tiny tagger learned its training data.
  Sentence s = tb.sentences[0];
  tagger2->Tag(s);
  CHECK(s.tokens[1].upos == "NOUN");
  CHECK(lemma2->Lemma("barks", "VBZ") == "bark");
}

TEST_CASE("models: bad files give clear errors", "[nlp][model]") {
  std::string err;
  ModelReader r;
  CHECK_FALSE(r.OpenBytes("garbage!", "parser", "x.bin", &err));
  CHECK(err == "x.bin: not a kg NLP model file (bad magic)");

  ModelWriter w("tagger");
  CHECK_FALSE(r.OpenBytes(w.bytes(), "parser", "t.bin", &err));
  CHECK(err == "t.bin: is a 'tagger' model, expected 'parser'");

  std::string bytes = w.bytes();
  bytes[8] = 99;  // version field
  CHECK_FALSE(r.OpenBytes(bytes, "tagger", "v.bin", &err));
  CHECK(err.find("model format version 99, this build reads 4") != std::string::npos);

  // Truncated payload: Load fails instead of reading past the end.
  REQUIRE(r.OpenBytes(w.bytes(), "tagger", "t.bin", &err));
  Tagger t;
  CHECK_FALSE(t.Load(r));

  auto p = Pipeline::Load("/nonexistent/models", &err);
  CHECK(p == nullptr);
  CHECK(err == "/nonexistent/models/tokenizer.bin: cannot open model file");
}

TEST_CASE("parser: pseudo-projective lifting round trip", "[nlp][parser]") {
  // 1 -> 3 crosses 2's arc to 4: non-projective (heads 1-based, 0 = root).
  std::vector<int> heads = {2, 0, 2, 1};
  std::vector<std::string> labels = {"nsubj", "root", "obj", "acl"};
  Parser::Projectivize(heads, labels);
  CHECK(heads == std::vector<int>{2, 0, 2, 2});
  CHECK(labels[3] == "acl|nsubj");
  Parser::Deprojectivize(heads, labels);
  CHECK(heads == std::vector<int>{2, 0, 2, 1});
  CHECK(labels[3] == "acl");
}

TEST_CASE("perceptron: 3-class models (weights in the slot) score like the general table",
          "[nlp][model]") {
  // The same updates on a 3-class and a 4-class trainer: the 3-class model
  // uses the dense layout, the 4-class one the general table.
  PerceptronTrainer t3(3), t4(4);
  const uint64_t feats[][3] = {{11, 22, 33}, {22, 44, 55}, {11, 66, 77}, {88, 22, 99}};
  for (int round = 0; round < 20; ++round)
    for (int i = 0; i < 4; ++i) {
      const int good = (i + round) % 3, bad = (i + 2 * round + 1) % 3;
      for (PerceptronTrainer* t : {&t3, &t4}) {
        t->Update(feats[i], 3, good, 1.0f);
        if (bad != good) t->Update(feats[i], 3, bad, -0.75f);
        t->Tick();
      }
    }
  const LinearModel m3 = t3.Finalize(0.01f), m4 = t4.Finalize(0.01f);
  const LinearModel e3 = t3.Finalize(0.01f, true), e4 = t4.Finalize(0.01f, true);
  ModelWriter w("test");
  m3.Save(w);
  ModelReader r;
  std::string err;
  REQUIRE(r.OpenBytes(w.bytes(), "test", "mem", &err));
  LinearModel back;
  REQUIRE(back.Load(r));
  const uint64_t probe[] = {11, 22, 33, 44, 55, 66, 77, 88, 99, 12345};
  for (size_t n = 1; n <= std::size(probe); ++n) {
    float s3[3] = {0, 0, 0}, s4[4] = {0, 0, 0, 0}, sb[3] = {0, 0, 0};
    float x3[3] = {0, 0, 0}, x4[4] = {0, 0, 0, 0};
    m3.Score(probe, n, s3);
    m4.Score(probe, n, s4);
    back.Score(probe, n, sb);
    e3.Score(probe, n, x3);
    e4.Score(probe, n, x4);
    for (int c = 0; c < 3; ++c) {
      CHECK(s3[c] == Approx(s4[c]).margin(1e-5));
      CHECK(sb[c] == s3[c]);
      CHECK(x3[c] == Approx(x4[c]).margin(1e-5));
      // The 127-step codebook is within a few percent of the exact weights.
      CHECK(s3[c] == Approx(x3[c]).epsilon(0.05).margin(0.05));
    }
  }
}

TEST_CASE("perceptron: a 2-class model writes only its 2 scores", "[nlp][model]") {
  // The tokenizer scores its 2-class models into a float[2] on the stack; the
  // dense layout (up to 3 classes) once added a third score past it, which
  // corrupted the stack now and then (a crash in Tokenize under ASLR).
  PerceptronTrainer t2(2);
  const uint64_t feats[] = {5, 6, 7};
  for (int round = 0; round < 10; ++round) {
    t2.Update(feats, 3, round % 2, 1.0f);
    t2.Tick();
  }
  const LinearModel m2 = t2.Finalize(0.01f);
  float buf[3] = {0, 0, 0};
  const uint32_t guard = 0x7fa00001u;  // a signalling NaN: any float add changes its bits
  std::memcpy(&buf[2], &guard, sizeof guard);
  m2.Score(feats, 3, buf);
  uint32_t after = 0;
  std::memcpy(&after, &buf[2], sizeof after);
  CHECK(after == guard);
}

TEST_CASE("perceptron: many-class models keep every class's weight and the exact path agrees",
          "[nlp][model]") {
  // 40 classes, each feature with several classes: entries, spans and codes.
  PerceptronTrainer t(40);
  const uint64_t feats[][2] = {{101, 202}, {202, 303}, {404, 101}};
  for (int round = 0; round < 30; ++round)
    for (int i = 0; i < 3; ++i) {
      t.Update(feats[i], 2, (i * 7 + round) % 40, 1.0f);
      t.Update(feats[i], 2, (i * 3 + 2 * round) % 40, -0.5f);
      t.Tick();
    }
  const LinearModel q = t.Finalize(0.01f), x = t.Finalize(0.01f, true);
  REQUIRE(q.num_classes() == 40);
  REQUIRE(q.num_entries() > q.num_features());
  for (const auto& f : feats) {
    std::vector<float> sq(40, 0.0f), sx(40, 0.0f);
    q.Score(f, 2, sq.data());
    x.Score(f, 2, sx.data());
    int nonzero = 0;
    for (int c = 0; c < 40; ++c) {
      CHECK(sq[c] == Approx(sx[c]).epsilon(0.05).margin(0.05));
      nonzero += sq[c] != 0.0f;
    }
    CHECK(nonzero > 2);
  }
}

TEST_CASE("perceptron: features with many weights (float rows) add the same bits as one weight at a time",
          "[nlp][model]") {
  // A small table keeps every feature in the slots; those with 24 weights
  // or more become rows of 4-class groups. The sums must equal the scalar
  // sums in feature order bit for bit, and classes without weights stay +0.
  for (const int nc : {50, 83, 126}) {
    const std::vector<uint32_t> keys = {1000, 2000, 3000, 4000, 5000, 6000};
    const std::vector<int> sizes = {40, 5, 24, 23, nc, 30};
    std::vector<uint8_t> counts;
    std::vector<uint16_t> classes;
    std::vector<int8_t> q;
    for (size_t i = 0; i < keys.size(); ++i) {
      counts.push_back(static_cast<uint8_t>(sizes[i]));
      for (int k = 0; k < sizes[i]; ++k) {
        classes.push_back(static_cast<uint16_t>((k * 11 + static_cast<int>(i)) % nc));
        const int code = 1 + (k * 37 + static_cast<int>(i) * 11) % 127;
        q.push_back(static_cast<int8_t>((k + i) % 3 == 0 ? -code : code));
      }
    }
    std::vector<float> codebook(LinearModel::kLevels);
    for (int k = 0; k < LinearModel::kLevels; ++k) codebook[k] = 0.37f * (k + 1) + 0.011f * k * k;
    LinearModel m;
    REQUIRE(m.Build(nc, codebook, keys, counts, classes, q));
    std::vector<uint64_t> feats;
    for (uint32_t k : keys) feats.push_back(uint64_t{k} << 32 | 0x55);
    feats.push_back(uint64_t{7777} << 32);  // absent
    std::vector<float> want(nc, 0.0f);
    size_t j = 0;
    for (size_t i = 0; i < keys.size(); ++i)
      for (int k = 0; k < counts[i]; ++k, ++j)
        want[classes[j]] += q[j] < 0 ? -codebook[-q[j] - 1] : codebook[q[j] - 1];
    std::vector<float> a(nc, 0.0f), b(nc, 0.0f);
    LinearModel::Cache cache(6);
    m.Score(feats.data(), feats.size(), a.data());
    m.Score(feats.data(), feats.size(), b.data(), cache);
    for (int c = 0; c < nc; ++c) {
      INFO("classes " << nc << ", class " << c);
      REQUIRE(std::memcmp(&a[c], &want[c], sizeof(float)) == 0);
      REQUIRE(std::memcmp(&b[c], &want[c], sizeof(float)) == 0);
    }
    // One row feature alone: the classes it has no weight for stay +0.0.
    std::vector<float> one(nc, 0.0f);
    m.Score(&feats[0], 1, one.data());
    int zeros = 0;
    for (int c = 0; c < nc; ++c) zeros += one[c] == 0.0f && !std::signbit(one[c]);
    CHECK(zeros == nc - 40);
  }
}

TEST_CASE("perceptron: scoring through a lookup cache gives the same bits, across models",
          "[nlp][model]") {
  PerceptronTrainer t3(3), t9(9);
  std::vector<uint64_t> feats;
  for (uint64_t i = 1; i <= 300; ++i) feats.push_back(i * 0x9e3779b97f4a7c15ULL);
  for (int round = 0; round < 5; ++round)
    for (size_t i = 0; i + 4 <= feats.size(); i += 4) {
      t3.Update(&feats[i], 4, static_cast<int>((i + round) % 3), 1.0f);
      t9.Update(&feats[i], 4, static_cast<int>((i * 5 + round) % 9), 0.8f);
      t3.Tick();
      t9.Tick();
    }
  const LinearModel m3 = t3.Finalize(0.01f), m9 = t9.Finalize(0.01f);
  // A 16-slot cache: most features evict each other, and both models share it.
  LinearModel::Cache cache(4);
  std::vector<uint64_t> probe = feats;
  probe.push_back(42);  // absent from both models
  for (int pass = 0; pass < 3; ++pass)
    for (size_t i = 0; i + 7 <= probe.size(); i += 3) {
      float a[3] = {0, 0, 0}, b[3] = {0, 0, 0};
      m3.Score(&probe[i], 7, a);
      m3.Score(&probe[i], 7, b, cache);
      for (int c = 0; c < 3; ++c) CHECK(a[c] == b[c]);
      std::vector<float> x(9, 0.0f), y(9, 0.0f);
      m9.Score(&probe[i], 7, x.data());
      m9.Score(&probe[i], 7, y.data(), cache);
      CHECK(x == y);
    }
}

TEST_CASE("perceptron: big 3-class tables in 5-byte buckets find exactly the stored weights, overflow included",
          "[nlp][model]") {
  // Enough features for the bucket layout (400,000 and more), plus 40 that
  // share their low 16 bits and so their bucket: 28 of them overflow.
  const std::vector<uint32_t> keys = BucketTestKeys(450000, 0x243f6a8885a308d3ULL, 40, 0x0007);
  std::vector<uint8_t> counts;
  std::vector<uint16_t> classes;
  std::vector<int8_t> q;
  for (size_t i = 0; i < keys.size(); ++i) {
    const int n = 1 + static_cast<int>(i % 3);
    counts.push_back(static_cast<uint8_t>(n));
    for (int c = 0; c < n; ++c) {
      classes.push_back(static_cast<uint16_t>((i + c) % 3));
      const int code = 1 + static_cast<int>((keys[i] >> (8 * c)) % 127);
      q.push_back(static_cast<int8_t>((keys[i] >> 20) & 1 ? -code : code));
    }
  }
  std::vector<float> codebook(LinearModel::kLevels);
  for (int k = 0; k < LinearModel::kLevels; ++k) codebook[k] = 0.5f * (k + 1);
  LinearModel m;
  REQUIRE(m.Build(3, codebook, keys, counts, classes, q));
  // The buckets take 64 bytes for 12 features (4 MiB here), where the 8-byte
  // slots at load 2/3 took 8 MiB.
  CHECK(m.TableBytes() < keys.size() * 12);
  const auto loaded = RoundTrip(m, "test");
  const LinearModel& back = *loaded;
  LinearModel::Cache cache(6);
  size_t j = 0;
  int checked_overflow = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    float want[3] = {0, 0, 0};
    for (int c = 0; c < counts[i]; ++c, ++j)
      want[classes[j]] = q[j] < 0 ? -codebook[-q[j] - 1] : codebook[q[j] - 1];
    const uint64_t feat = uint64_t{keys[i]} << 32 | 0x1234;
    float a[3] = {0, 0, 0}, b[3] = {0, 0, 0}, c3[3] = {0, 0, 0};
    m.Score(&feat, 1, a);
    back.Score(&feat, 1, b);
    m.Score(&feat, 1, c3, cache);
    for (int c = 0; c < 3; ++c) {
      REQUIRE(a[c] == want[c]);
      REQUIRE(b[c] == want[c]);
      REQUIRE(c3[c] == want[c]);
    }
    checked_overflow += (keys[i] & 0xffff) == 0x0007;
  }
  CHECK(checked_overflow >= 40);
  // Absent fingerprints: same bucket as stored ones (same low 16 bits, other
  // high bits) or anywhere else.
  for (uint32_t k : {uint32_t{41} << 16 | 0x0007, keys[5] ^ 0x10000u, keys[100] + 2}) {
    if (std::binary_search(keys.begin(), keys.end(), k)) continue;
    const uint64_t feat = uint64_t{k} << 32;
    float a[3] = {0, 0, 0};
    m.Score(&feat, 1, a);
    for (float v : a) CHECK(v == 0.0f);
  }
}

TEST_CASE("FlatMap64 finds every key of the map it was built from, key 0 included, and nothing else",
          "[nlp][model]") {
  std::unordered_map<uint64_t, uint32_t> m;
  uint64_t x = 0x452821e638d01377ULL;
  for (uint32_t i = 0; i < 5000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    m[x] = i;
  }
  for (uint64_t k = 1; k <= 64; ++k) m[k << 20] = 7;  // equal low bits: long probe runs
  m[0] = 99;
  const FlatMap64<uint32_t> f(m);
  for (const auto& [k, v] : m) {
    const uint32_t* got = f.Find(k);
    REQUIRE(got != nullptr);
    REQUIRE(*got == v);
  }
  for (uint64_t k : {uint64_t{65} << 20, uint64_t{3}, ~uint64_t{0}}) CHECK(f.Find(k) == nullptr);
  const FlatMap64<uint64_t> empty;
  CHECK(empty.Find(0) == nullptr);
  CHECK(empty.Find(12345) == nullptr);
  const FlatMap64<int32_t> no_zero(std::map<uint64_t, int>{{5, -1}});
  CHECK(no_zero.Find(0) == nullptr);
  REQUIRE(no_zero.Find(5) != nullptr);
  CHECK(*no_zero.Find(5) == -1);
}

TEST_CASE("perceptron: big many-class tables with entries inside the buckets find exactly the stored weights, overflow included",
          "[nlp][model]") {
  // Enough features for the in-bucket records (100,000 and more), 83 classes
  // like the parser's labeller, 1 to 9 entries a feature, plus 30 features
  // that share their low 16 bits (one bucket: most overflow) and one with
  // 40 entries (a record too big for any bucket).
  constexpr int kClasses = 83;
  const std::vector<uint32_t> keys = BucketTestKeys(150000, 0x13198a2e03707344ULL, 30, 0x0009);
  std::vector<uint8_t> counts;
  std::vector<uint16_t> classes;
  std::vector<int8_t> q;
  for (size_t i = 0; i < keys.size(); ++i) {
    const int n = i == 777 ? 40 : 1 + static_cast<int>(keys[i] % 9);
    counts.push_back(static_cast<uint8_t>(n));
    for (int c = 0; c < n; ++c) {
      classes.push_back(static_cast<uint16_t>((i + 2 * c) % kClasses));  // distinct for n <= 41
      const int code = 1 + static_cast<int>((keys[i] >> (3 * c)) % 127);
      q.push_back(static_cast<int8_t>((keys[i] >> (c + 7)) & 1 ? -code : code));
    }
  }
  std::vector<float> codebook(LinearModel::kLevels);
  for (int k = 0; k < LinearModel::kLevels; ++k) codebook[k] = 0.25f * (k + 1);
  LinearModel m;
  REQUIRE(m.Build(kClasses, codebook, keys, counts, classes, q));
  // One group of 65,536 buckets (4 MiB) plus the overflow table.
  CHECK(m.TableBytes() < size_t{6} << 20);
  const auto loaded = RoundTrip(m, "test");
  const LinearModel& back = *loaded;
  LinearModel::Cache cache(6);
  size_t j = 0;
  int checked_shared = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    std::vector<float> want(kClasses, 0.0f);
    for (int c = 0; c < counts[i]; ++c, ++j)
      want[classes[j]] = q[j] < 0 ? -codebook[-q[j] - 1] : codebook[q[j] - 1];
    const uint64_t feat = uint64_t{keys[i]} << 32 | 0x1234;
    std::vector<float> a(kClasses, 0.0f), b(kClasses, 0.0f), c3(kClasses, 0.0f);
    m.Score(&feat, 1, a.data());
    back.Score(&feat, 1, b.data());
    m.Score(&feat, 1, c3.data(), cache);
    REQUIRE(a == want);
    REQUIRE(b == want);
    REQUIRE(c3 == want);
    checked_shared += (keys[i] & 0xffff) == 0x0009;
  }
  CHECK(checked_shared >= 30);
  // Several features at once (sums in feature order), through the cache twice.
  std::vector<uint64_t> batch;
  for (size_t i = 0; i < keys.size(); i += 997) batch.push_back(uint64_t{keys[i]} << 32);
  batch.push_back(uint64_t{31} << 48 | uint64_t{0x0009} << 32);  // absent, in the full bucket
  std::vector<float> a(kClasses, 0.0f), b(kClasses, 0.0f), c(kClasses, 0.0f);
  m.Score(batch.data(), batch.size(), a.data());
  m.Score(batch.data(), batch.size(), b.data(), cache);
  m.Score(batch.data(), batch.size(), c.data(), cache);
  CHECK(a == b);
  CHECK(a == c);
  // Absent fingerprints: same bucket as stored ones or anywhere else.
  for (uint32_t k : {uint32_t{31} << 16 | 0x0009, keys[5] ^ 0x10000u, keys[100] + 2}) {
    if (std::binary_search(keys.begin(), keys.end(), k)) continue;
    const uint64_t feat = uint64_t{k} << 32;
    std::vector<float> s(kClasses, 0.0f);
    m.Score(&feat, 1, s.data());
    for (float v : s) CHECK(v == 0.0f);
  }
}

TEST_CASE("perceptron: WithoutWeakFeatures drops features whose largest weight is small, keeps the rest whole",
          "[nlp][model]") {
  for (int nc : {3, 9}) {
    PerceptronTrainer t(nc);
    std::vector<uint64_t> feats;
    for (uint64_t i = 1; i <= 200; ++i) feats.push_back(i * 0x9e3779b97f4a7c15ULL);
    for (int round = 0; round < 6; ++round)
      for (size_t i = 0; i < feats.size(); ++i) {
        // Weights of many sizes, 0.05 to 1.
        for (size_t u = 0; u <= i / 40; ++u)
          t.Update(&feats[i], 1, static_cast<int>((i + u) % nc), 0.05f * static_cast<float>(1 + i % 20));
        t.Tick();
      }
    const LinearModel full = t.Finalize(0.01f);
    const LinearModel same = full.WithoutWeakFeatures(0.0f);
    ModelWriter w1("test"), w2("test");
    full.Save(w1);
    same.Save(w2);
    CHECK(w1.bytes() == w2.bytes());
    const float min_abs = 0.5f;
    const LinearModel pruned = full.WithoutWeakFeatures(min_abs);
    CHECK(pruned.num_features() < full.num_features());
    CHECK(pruned.num_features() > 0);
    size_t kept = 0;
    for (uint64_t f : feats) {
      std::vector<float> a(nc, 0.0f), b(nc, 0.0f);
      full.Score(&f, 1, a.data());
      pruned.Score(&f, 1, b.data());
      float max_abs = 0;
      for (float v : a) max_abs = std::max(max_abs, std::fabs(v));
      const bool keep = max_abs >= min_abs;
      kept += keep;
      for (int c = 0; c < nc; ++c) CHECK(b[c] == (keep ? a[c] : 0.0f));
    }
    CHECK(kept == pruned.num_features());
  }
}
