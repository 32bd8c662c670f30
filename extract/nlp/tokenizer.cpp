#include "extract/nlp/tokenizer.h"

#include <algorithm>
#include <random>

#include "extract/nlp/hash.h"
#include "extract/nlp/text_util.h"

namespace kg::nlp {

struct Tokenizer::Chunk {
  uint32_t begin = 0, end = 0;     // bytes in text
  std::string lower;               // ASCII-lower-cased bytes of the chunk
  std::vector<char32_t> cps;       // code points
  std::vector<uint32_t> off;       // byte offset of each code point in the chunk, + end
  int newlines_before = 0;         // '\n' in the white space before the chunk
  bool first = false;              // first chunk of the text
  char32_t next_first = 0;         // first code point of the next chunk (0 at end)
  size_t url_from = 0;             // candidates allowed only at k >= url_from
};

namespace {

enum : uint32_t {
  kBias = 1, kLR, kLLR, kLRR, kLLRR, kCls, kChunkPos, kLeft, kRight, kLeftWord, kRightWord,
  kAtEnd, kAtStart, kNextChunk, kSpecial, kLeftShape,
  // sentence templates
  kSBias = 100, kSW, kSNext, kSPrev, kSShape, kSNextShape, kSWNextShape, kSShapes, kSPrevW,
  kSSpace, kSLen, kSNext2Shape, kSWNext, kSLenW
};

char32_t NormCp(char32_t c) {
  switch (c) {
    case 0x2019: case 0x2018: case 0x201B: case 0x2032: return '\'';
    case 0x201C: case 0x201D: case 0x201E: case 0x2033: return '"';
    case 0x2013: case 0x2014: case 0x2212: return '-';
    case 0x2026: return 0x2026;
    default: return c;
  }
}

// Coarse character class used in contextual features.
uint64_t Cls(char32_t c) {
  if (c == 0) return 1;
  if (IsDigitCp(c)) return '0';
  if (IsUpperCp(c)) return 'A';
  if (IsAlphaCp(c)) return 'a';
  return NormCp(c) + 1000;
}

bool IsAlnum(char32_t c) { return IsAlphaCp(c) || IsDigitCp(c); }
bool IsRunChar(char32_t c) { return IsAlphaCp(c) || c == '\'' || c == 0x2019; }

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool IsTrailingPunct(char32_t c) {
  return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == ')' ||
         c == ']' || c == '"' || c == '\'' || c == 0x201D || c == 0x2019 || c == '>';
}

uint64_t LenBucket(size_t n) {
  return n <= 3 ? n : n <= 5 ? 5 : n <= 10 ? 10 : n <= 20 ? 20 : n <= 40 ? 40 : 80;
}

// Deterministic Fisher-Yates (std::shuffle's algorithm is unspecified).
void Shuffle(std::vector<uint32_t>& v, std::mt19937_64& rng) {
  for (size_t i = v.size(); i > 1; --i) {
    const size_t j = rng() % i;
    std::swap(v[i - 1], v[j]);
  }
}

}  // namespace

std::vector<Tokenizer::Chunk> Tokenizer::Chunks(std::string_view text) {
  std::vector<Chunk> chunks;
  size_t i = 0;
  int newlines = 0;
  while (i < text.size()) {
    int len;
    char32_t c = DecodeAt(text, i, &len);
    if (IsSpaceCp(c)) {
      if (c == '\n') ++newlines;
      i += len;
      continue;
    }
    Chunk ch;
    ch.begin = static_cast<uint32_t>(i);
    ch.newlines_before = newlines;
    ch.first = chunks.empty();
    newlines = 0;
    // Room for the chunk at once (it ends at the next white space, at the
    // latest the next ASCII one; code points <= bytes) instead of growing.
    size_t bound = i;
    while (bound < text.size() && text[bound] != ' ' && text[bound] != '\n') ++bound;
    ch.cps.reserve(bound - i);
    ch.off.reserve(bound - i + 1);
    while (i < text.size()) {
      c = DecodeAt(text, i, &len);
      if (IsSpaceCp(c)) break;
      ch.cps.push_back(c);
      ch.off.push_back(static_cast<uint32_t>(i - ch.begin));
      i += len;
    }
    ch.end = static_cast<uint32_t>(i);
    ch.off.push_back(ch.end - ch.begin);
    ch.lower = Lower(text.substr(ch.begin, ch.end - ch.begin));
    // URLs and e-mail addresses: no split before the trailing punctuation.
    const std::string& lw = ch.lower;
    const size_t at = lw.find('@');
    const bool url = StartsWith(lw, "http://") || StartsWith(lw, "https://") ||
                     StartsWith(lw, "www.") || StartsWith(lw, "ftp://") ||
                     (at != std::string::npos && at > 0 && lw.find('.', at) != std::string::npos &&
                      IsAlnum(ch.cps[0]));
    if (url) {
      size_t k = ch.cps.size();
      while (k > 1 && IsTrailingPunct(ch.cps[k - 1])) --k;
      ch.url_from = k;
    }
    if (!chunks.empty()) chunks.back().next_first = ch.cps[0];
    chunks.push_back(std::move(ch));
  }
  return chunks;
}

std::vector<size_t> Tokenizer::Candidates(const Chunk& c) const {
  std::vector<size_t> out;
  const size_t n = c.cps.size();
  size_t run_s = 0, run_e = 0;  // the last run looked up: [run_s, run_e)
  const std::vector<uint8_t>* run_splits = nullptr;
  for (size_t k = std::max<size_t>(1, c.url_from); k < n; ++k) {
    const char32_t a = c.cps[k - 1], b = c.cps[k];
    const bool aa = IsAlphaCp(a), ad = IsDigitCp(a), ba = IsAlphaCp(b), bd = IsDigitCp(b);
    if (!(aa || ad) || !(ba || bd) || aa != ba) {
      out.push_back(k);
      continue;
    }
    if (aa && ba && !special_.empty()) {
      // Letter/apostrophe run around k, looked up once per run (every k
      // inside it finds the same run).
      if (!(k > run_s && k < run_e)) {
        size_t s = k, e = k;
        while (s > 0 && IsRunChar(c.cps[s - 1])) --s;
        while (e < n && IsRunChar(c.cps[e])) ++e;
        const std::string_view run =
            std::string_view(c.lower).substr(c.off[s], c.off[e] - c.off[s]);
        auto it = special_.find(std::string(run));
        run_s = s;
        run_e = e;
        run_splits = it != special_.end() ? &it->second : nullptr;
      }
      if (run_splits != nullptr) {
        const uint32_t rel = c.off[k] - c.off[run_s];
        if (std::find(run_splits->begin(), run_splits->end(), rel) != run_splits->end())
          out.push_back(k);
      }
    }
  }
  return out;
}

void Tokenizer::CandidateFeatures(const Chunk& c, size_t k, std::vector<uint64_t>* f) const {
  f->clear();
  const size_t n = c.cps.size();
  auto cp = [&](long i) -> char32_t {
    return i >= 0 && i < static_cast<long>(n) ? NormCp(c.cps[i]) : 0;
  };
  const long kk = static_cast<long>(k);
  const uint64_t l1 = cp(kk - 1), l2 = cp(kk - 2), l3 = cp(kk - 3);
  const uint64_t r1 = cp(kk), r2 = cp(kk + 1), r3 = cp(kk + 2);
  f->push_back(Feat(kBias, 0));
  f->push_back(Feat(kLR, l1, r1));
  f->push_back(Feat(kLLR, l2, l1, r1));
  f->push_back(Feat(kLRR, l1, r1, r2));
  f->push_back(Feat(kLLRR, (l2 << 21) | l1, (r1 << 21) | r2));
  f->push_back(Feat(kCls, (Cls(cp(kk - 3)) << 40) | (Cls(cp(kk - 2)) << 20) | Cls(cp(kk - 1)),
                    (Cls(cp(kk)) << 40) | (Cls(cp(kk + 1)) << 20) | Cls(cp(kk + 2))));
  (void)l3;
  (void)r3;
  const std::string_view lw(c.lower);
  const uint32_t pos = c.off[k];
  if (lw.size() <= 24) f->push_back(Feat(kChunkPos, HashStr(lw), pos));
  f->push_back(Feat(kLeft, HashStr(lw.substr(0, pos))));
  f->push_back(Feat(kRight, HashStr(lw.substr(pos))));
  size_t s = k;
  while (s > 0 && IsAlnum(c.cps[s - 1])) --s;
  size_t e = k;
  while (e < n && IsAlnum(c.cps[e])) ++e;
  f->push_back(Feat(kLeftWord, HashStr(lw.substr(c.off[s], pos - c.off[s])), r1));
  f->push_back(Feat(kRightWord, HashStr(lw.substr(pos, c.off[e] - pos)), l1));
  if (k + 1 == n) {
    f->push_back(Feat(kAtEnd, l1, r1));
    f->push_back(Feat(kNextChunk, Cls(c.next_first), l1, r1));
  }
  if (k == 1) f->push_back(Feat(kAtStart, l1, r1));
  f->push_back(Feat(kLeftShape, HashStr(Shape(std::string_view(c.lower).substr(0, pos), 8)), r1,
                    k + 1 == n));
}

void Tokenizer::WordHashes::Set(const std::vector<Token>& toks) {
  lower.resize(toks.size());
  shape.resize(toks.size());
  for (size_t j = 0; j < toks.size(); ++j) {
    lower[j] = HashLower(toks[j].form);
    shape[j] = HashStr(Shape(toks[j].form, 4));
  }
}

void Tokenizer::SentenceFeatures(const std::vector<Token>& toks, const WordHashes& words, size_t i,
                                 size_t sent_len, std::string_view text, std::vector<uint64_t>* f) {
  f->clear();
  auto lw = [&](long j) -> uint64_t {
    if (j < 0 || j >= static_cast<long>(toks.size())) return 7;
    return words.lower[j];
  };
  auto sh = [&](long j) -> uint64_t {
    if (j < 0 || j >= static_cast<long>(toks.size())) return 7;
    return words.shape[j];
  };
  const long ii = static_cast<long>(i);
  const uint64_t w0 = lw(ii), w1 = lw(ii + 1), wp = lw(ii - 1);
  const uint64_t s0 = sh(ii), s1 = sh(ii + 1);
  uint64_t space = 0;
  if (i + 1 < toks.size()) {
    const uint32_t a = toks[i].end, b = toks[i + 1].begin;
    if (a < b && b <= text.size()) {
      space = 1;
      const std::string_view gap = text.substr(a, b - a);
      if (gap.find('\n') != std::string_view::npos) space = 2;
    }
  }
  f->push_back(Feat(kSBias, 0));
  f->push_back(Feat(kSW, w0));
  f->push_back(Feat(kSNext, w1));
  f->push_back(Feat(kSPrev, wp));
  f->push_back(Feat(kSShape, s0));
  f->push_back(Feat(kSNextShape, s1));
  f->push_back(Feat(kSWNextShape, w0, s1));
  f->push_back(Feat(kSShapes, s0, s1, space));
  f->push_back(Feat(kSPrevW, wp, w0));
  f->push_back(Feat(kSSpace, space, s0));
  f->push_back(Feat(kSLen, LenBucket(sent_len), s0));
  f->push_back(Feat(kSNext2Shape, s0, s1, sh(ii + 2)));
  f->push_back(Feat(kSWNext, w0, w1));
  f->push_back(Feat(kSLenW, LenBucket(sent_len), w0));
}

std::vector<Sentence> Tokenizer::Tokenize(std::string_view text, int max_sentence_tokens) const {
  std::vector<Sentence> out;
  const std::vector<Chunk> chunks = Chunks(text);
  std::vector<Token> toks;
  std::vector<char> par_start;  // per token
  std::vector<uint64_t> f;
  WordHashes words;
  float sc[2];
  for (const Chunk& c : chunks) {
    std::vector<size_t> cuts;
    for (size_t k : Candidates(c)) {
      CandidateFeatures(c, k, &f);
      sc[0] = sc[1] = 0;
      boundary_.Score(f.data(), f.size(), sc);
      if (sc[1] > sc[0]) cuts.push_back(k);
    }
    cuts.push_back(c.cps.size());
    size_t prev = 0;
    for (size_t cut : cuts) {
      Token t;
      t.begin = c.begin + c.off[prev];
      t.end = c.begin + c.off[cut];
      t.form = std::string(text.substr(t.begin, t.end - t.begin));
      t.space_after = cut == c.cps.size();
      par_start.push_back(prev == 0 && (c.first || c.newlines_before >= 2));
      toks.push_back(std::move(t));
      prev = cut;
    }
  }
  // Sentence split, paragraph by paragraph.
  size_t i = 0;
  while (i < toks.size()) {
    size_t j = i + 1;
    while (j < toks.size() && !par_start[j]) ++j;
    // toks[i, j) is one paragraph.
    std::vector<Token> para(std::make_move_iterator(toks.begin() + i),
                            std::make_move_iterator(toks.begin() + j));
    Sentence s;
    s.paragraph_start = true;
    words.Set(para);
    for (size_t k = 0; k < para.size(); ++k) {
      bool end = k + 1 == para.size();
      if (!end) {
        SentenceFeatures(para, words, k, s.tokens.size() + 1, text, &f);
        sc[0] = sc[1] = 0;
        sentence_.Score(f.data(), f.size(), sc);
        end = sc[1] > sc[0];
      }
      s.tokens.push_back(std::move(para[k]));
      if (end || static_cast<int>(s.tokens.size()) >= max_sentence_tokens) {
        s.begin = s.tokens.front().begin;
        s.end = s.tokens.back().end;
        out.push_back(std::move(s));
        s = Sentence{};
      }
    }
    i = j;
  }
  return out;
}

void Tokenizer::Save(ModelWriter& w) const {
  std::vector<std::string> keys;
  for (const auto& kv : special_) keys.push_back(kv.first);
  std::sort(keys.begin(), keys.end());
  w.Put<uint64_t>(keys.size());
  for (const auto& k : keys) {
    w.PutString(k);
    w.PutVector(special_.at(k));
  }
  boundary_.Save(w);
  sentence_.Save(w);
}

bool Tokenizer::Load(ModelReader& r) {
  uint64_t n;
  if (!r.Get(&n) || n > r.remaining() / 12) return false;
  for (uint64_t i = 0; i < n; ++i) {
    std::string k;
    std::vector<uint8_t> v;
    if (!r.GetString(&k) || !r.GetVector(&v)) return false;
    special_[k] = std::move(v);
  }
  return boundary_.Load(r) && sentence_.Load(r) && boundary_.num_classes() == 2 &&
         sentence_.num_classes() == 2;
}

std::unique_ptr<Tokenizer> Tokenizer::Train(const std::vector<Document>& docs,
                                            const TrainOptions& opt, std::string* log) {
  auto tok = std::make_unique<Tokenizer>();
  // 1. Clitic split positions inside letter runs.
  std::vector<std::vector<Chunk>> doc_chunks;
  std::vector<std::vector<char>> doc_bounds;
  std::unordered_map<std::string, std::vector<uint8_t>> special;
  for (const Document& d : docs) {
    std::vector<char> bound(d.text.size() + 1, 0);
    for (const auto& s : d.sentences)
      for (const auto& t : s.tokens) {
        if (t.begin >= t.end) continue;
        bound[t.begin] = bound[t.end] = 1;
      }
    auto chunks = Chunks(d.text);
    for (const Chunk& c : chunks) {
      const size_t n = c.cps.size();
      for (size_t k = 1; k < n; ++k) {
        if (!bound[c.begin + c.off[k]] || !IsAlphaCp(c.cps[k - 1]) || !IsAlphaCp(c.cps[k]))
          continue;
        size_t s = k, e = k;
        while (s > 0 && IsRunChar(c.cps[s - 1])) --s;
        while (e < n && IsRunChar(c.cps[e])) ++e;
        const std::string run = c.lower.substr(c.off[s], c.off[e] - c.off[s]);
        const uint32_t rel = c.off[k] - c.off[s];
        if (run.size() > 30 || rel > 255) continue;
        auto& v = special[run];
        if (std::find(v.begin(), v.end(), rel) == v.end()) v.push_back(static_cast<uint8_t>(rel));
      }
    }
    doc_chunks.push_back(std::move(chunks));
    doc_bounds.push_back(std::move(bound));
  }
  for (auto& kv : special) std::sort(kv.second.begin(), kv.second.end());
  tok->special_ = std::move(special);

  // 2. Boundary instances.
  std::vector<std::vector<uint64_t>> feats;
  std::vector<uint8_t> labels;
  std::vector<uint64_t> f;
  for (size_t d = 0; d < docs.size(); ++d)
    for (const Chunk& c : doc_chunks[d])
      for (size_t k : tok->Candidates(c)) {
        tok->CandidateFeatures(c, k, &f);
        feats.push_back(f);
        labels.push_back(doc_bounds[d][c.begin + c.off[k]]);
      }
  std::mt19937_64 rng(opt.seed);
  auto train = [&](const std::vector<std::vector<uint64_t>>& X, const std::vector<uint8_t>& y,
                   const char* name) {
    PerceptronTrainer pt(2);
    std::vector<uint32_t> order(X.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
    for (int ep = 0; ep < opt.epochs; ++ep) {
      Shuffle(order, rng);
      size_t errors = 0;
      for (uint32_t i : order) {
        float s[2] = {0, 0};
        pt.Score(X[i].data(), X[i].size(), s);
        const int guess = s[1] > s[0] ? 1 : 0;
        if (guess != y[i]) {
          ++errors;
          pt.Update(X[i].data(), X[i].size(), y[i], 1.0f);
          pt.Update(X[i].data(), X[i].size(), guess, -1.0f);
        }
        pt.Tick();
      }
      if (log)
        *log += std::string(name) + " epoch " + std::to_string(ep + 1) + ": " +
                std::to_string(errors) + " errors / " + std::to_string(X.size()) + "\n";
    }
    return pt.Finalize(0.01f);
  };
  tok->boundary_ = train(feats, labels, "token-boundary");

  // 3. Sentence-end instances, from gold tokens, paragraph by paragraph.
  feats.clear();
  labels.clear();
  for (const Document& d : docs) {
    size_t si = 0;
    while (si < d.sentences.size()) {
      size_t sj = si + 1;
      while (sj < d.sentences.size() && !d.sentences[sj].paragraph_start) ++sj;
      std::vector<Token> para;
      std::vector<uint8_t> ends;
      std::vector<size_t> lens;
      for (size_t k = si; k < sj; ++k) {
        const auto& st = d.sentences[k].tokens;
        for (size_t t = 0; t < st.size(); ++t) {
          para.push_back(st[t]);
          ends.push_back(t + 1 == st.size());
          lens.push_back(t + 1);
        }
      }
      WordHashes words;
      words.Set(para);
      for (size_t t = 0; t + 1 < para.size(); ++t) {
        SentenceFeatures(para, words, t, lens[t], d.text, &f);
        feats.push_back(f);
        labels.push_back(ends[t]);
      }
      si = sj;
    }
  }
  tok->sentence_ = train(feats, labels, "sentence-end");
  return tok;
}

}  // namespace kg::nlp
