#include "extract/nlp/parser.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <deque>
#include <map>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "extract/nlp/hash.h"
#include "extract/nlp/text_util.h"

namespace kg::nlp {

// Per-sentence word attributes; index 0 is ROOT.
struct Parser::Words {
  std::vector<uint64_t> w, p, u;  // lower-cased form, XPOS, UPOS hashes
  std::vector<uint64_t> suf;      // last 3 characters of the lower-cased form
  std::vector<int> commas, verbs; // prefix counts: commas / verbs among tokens 1..i
  int n = 0;                       // number of real tokens
};

struct Parser::State {
  std::vector<int> stack;  // token indices; stack[0] == 0 (ROOT)
  int b = 1;               // buffer front; buffer is [b, n]
  int n = 0;
  std::vector<int> head, label;
  std::vector<int> l1, l2, r1, r2, nl, nr;
  std::vector<uint64_t> lset, rset;  // bit sets of child labels (mod 64)
  // Per token, its part of the branch signature (Parse's `sig`: the token,
  // its outer children and their labels, label sets and child counts),
  // computed when first asked for and reset by each arc to the token;
  // 0 = not computed.
  mutable std::vector<uint64_t> sig_part;
  mutable std::vector<uint64_t> key_part;  // the same for Parse's node_key (memo keys)
  void Init(int len) {
    n = len;
    b = 1;
    stack.assign(1, 0);
    head.assign(n + 1, -1);
    label.assign(n + 1, -1);
    l1.assign(n + 1, -1);
    l2.assign(n + 1, -1);
    r1.assign(n + 1, -1);
    r2.assign(n + 1, -1);
    nl.assign(n + 1, 0);
    nr.assign(n + 1, 0);
    lset.assign(n + 1, 0);
    rset.assign(n + 1, 0);
    sig_part.assign(n + 1, 0);
    key_part.assign(n + 1, 0);
  }
  bool Terminal() const { return b > n && stack.size() == 1; }
  void AddArc(int h, int d, int lab) {
    sig_part[h] = key_part[h] = 0;
    head[d] = h;
    label[d] = lab;
    if (d < h) {
      if (l1[h] < 0 || d < l1[h]) {
        l2[h] = l1[h];
        l1[h] = d;
      } else if (l2[h] < 0 || d < l2[h]) {
        l2[h] = d;
      }
      ++nl[h];
      lset[h] |= uint64_t{1} << (lab & 63);
    } else {
      if (r1[h] < 0 || d > r1[h]) {
        r2[h] = r1[h];
        r1[h] = d;
      } else if (r2[h] < 0 || d > r2[h]) {
        r2[h] = d;
      }
      ++nr[h];
      rset[h] |= uint64_t{1} << (lab & 63);
    }
  }
};

namespace {

constexpr int kShift = 0, kLeft = 1, kRight = 2;
// Room for the templates of Features (125) and LabelFeatures (40); adding
// templates past it trips the asserts (a buffer overrun otherwise).
constexpr size_t kMaxFeatures = 160;

uint64_t Dist(int d) {
  if (d < 0) d = -d;
  return d <= 4 ? d : d <= 7 ? 7 : d <= 12 ? 12 : d <= 20 ? 20 : 40;
}

// Per-thread memo of the parser's scores. Branches of selectional branching
// re-score mostly what the greedy run scored: about half of their transition
// feature vectors and two thirds of their arc-label vectors were scored
// before, and 92-94% of their single features. The vector memos are keyed by
// a hash of the part of the state the features read (so a hit skips
// computing the features too) and of a per-sentence generation; the
// LinearModel caches hold single lookups. All are exact: a hit gives the
// same bits as scoring again.
struct ParseCaches {
  static constexpr size_t kVectorSlots = 4096;
  struct ActionEntry {
    uint64_t key = 0;
    float sc[3];
  };
  struct LabelEntry {
    uint64_t key = 0;
    int label;
    float log_z;  // log of the label softmax's normalizer, relative to the chosen label
  };
  LinearModel::Cache actions{14}, labels{13};
  HugeVector<ActionEntry> action_vectors = HugeVector<ActionEntry>(kVectorSlots);
  HugeVector<LabelEntry> label_vectors = HugeVector<LabelEntry>(kVectorSlots);
  uint64_t generation = 0;  // one per parsed sentence: keys never match across sentences
};

// Sum over c != skip of exp((s[c] - top) / temp), for s[c] <= top: the
// normalizer of the label softmax relative to the chosen label. With SSE2
// the exponentials are computed 4 at a time (Cephes' expf: range reduction
// by ln 2, degree-6 polynomial, relative error about 1e-7, where libm's
// expf is correctly rounded) and added in the order of c like the scalar
// loop. Arguments below -87 count as exp(-87) (about 1.6e-38): nothing next
// to the chosen label's term of 1.
float LabelNormalizer(const float* s, int n, int skip, float top, float temp) {
#if defined(__SSE2__)
  auto exp4 = [](__m128 x) {
    x = _mm_max_ps(x, _mm_set1_ps(-87.0f));
    const __m128i k = _mm_cvtps_epi32(_mm_mul_ps(x, _mm_set1_ps(1.44269504088896341f)));
    const __m128 kf = _mm_cvtepi32_ps(k);
    __m128 r = _mm_sub_ps(x, _mm_mul_ps(kf, _mm_set1_ps(0.693359375f)));
    r = _mm_sub_ps(r, _mm_mul_ps(kf, _mm_set1_ps(-2.12194440e-4f)));
    __m128 p = _mm_set1_ps(1.9875691500e-4f);
    p = _mm_add_ps(_mm_mul_ps(p, r), _mm_set1_ps(1.3981999507e-3f));
    p = _mm_add_ps(_mm_mul_ps(p, r), _mm_set1_ps(8.3334519073e-3f));
    p = _mm_add_ps(_mm_mul_ps(p, r), _mm_set1_ps(4.1665795894e-2f));
    p = _mm_add_ps(_mm_mul_ps(p, r), _mm_set1_ps(1.6666665459e-1f));
    p = _mm_add_ps(_mm_mul_ps(p, r), _mm_set1_ps(5.0000001201e-1f));
    const __m128 y =
        _mm_add_ps(_mm_add_ps(_mm_mul_ps(_mm_mul_ps(p, r), r), r), _mm_set1_ps(1.0f));
    const __m128 scale = _mm_castsi128_ps(_mm_slli_epi32(_mm_add_epi32(k, _mm_set1_epi32(127)), 23));
    return _mm_mul_ps(y, scale);
  };
  const __m128 vtop = _mm_set1_ps(top), vtemp = _mm_set1_ps(temp);
  alignas(16) float e[4];
  float z = 0;
  for (int c = 0; c < n; c += 4) {
    __m128 v;
    if (c + 4 <= n) {
      v = _mm_loadu_ps(s + c);
    } else {
      alignas(16) float t[4] = {top, top, top, top};
      for (int j = 0; c + j < n; ++j) t[j] = s[c + j];
      v = _mm_load_ps(t);
    }
    _mm_store_ps(e, exp4(_mm_div_ps(_mm_sub_ps(v, vtop), vtemp)));
    for (int j = 0; j < 4 && c + j < n; ++j)
      if (c + j != skip) z += e[j];
  }
  return z;
#else
  float z = 0;
  for (int c = 0; c < n; ++c)
    if (c != skip) z += std::exp((s[c] - top) / temp);
  return z;
#endif
}

void Shuffle(std::vector<uint32_t>& v, std::mt19937_64& rng) {
  for (size_t i = v.size(); i > 1; --i) {
    const size_t j = rng() % i;
    std::swap(v[i - 1], v[j]);
  }
}

std::string BaseLabel(const std::string& l) {
  const size_t bar = l.find('|');
  return bar == std::string::npos ? l : l.substr(0, bar);
}

// True if every word strictly between h and d descends from h.
bool ArcProjective(const std::vector<int>& heads, int h, int d) {
  const int lo = std::min(h, d), hi = std::max(h, d);
  for (int k = lo + 1; k < hi; ++k) {
    int a = k, steps = 0;
    while (a != h && a != 0 && steps++ < static_cast<int>(heads.size())) a = heads[a - 1];
    if (a != h) return false;
  }
  return true;
}

}  // namespace

void Parser::Projectivize(std::vector<int>& heads, std::vector<std::string>& labels) {
  const int n = static_cast<int>(heads.size());
  std::vector<char> lifted(n, 0);
  for (int guard = 0; guard < 4 * n + 8; ++guard) {
    // Shortest non-projective arc.
    int best = -1, best_len = 1 << 30;
    for (int d = 1; d <= n; ++d) {
      const int h = heads[d - 1];
      if (h <= 0) continue;
      const int len = std::abs(h - d);
      if (len < best_len && !ArcProjective(heads, h, d)) best = d, best_len = len;
    }
    if (best < 0) return;
    const int h = heads[best - 1];
    if (!lifted[best - 1]) {
      labels[best - 1] = BaseLabel(labels[best - 1]) + "|" + BaseLabel(labels[h - 1]);
      lifted[best - 1] = 1;
    }
    heads[best - 1] = heads[h - 1];
  }
}

void Parser::Deprojectivize(std::vector<int>& heads, std::vector<std::string>& labels) {
  const int n = static_cast<int>(heads.size());
  std::vector<std::vector<int>> kids(n + 1);
  for (int d = 1; d <= n; ++d)
    if (heads[d - 1] >= 0 && heads[d - 1] <= n) kids[heads[d - 1]].push_back(d);
  for (int d = 1; d <= n; ++d) {
    const std::string& l = labels[d - 1];
    const size_t bar = l.find('|');
    if (bar == std::string::npos) continue;
    const std::string want = l.substr(bar + 1), mine = l.substr(0, bar);
    // Breadth-first below the current head, skipping d's own subtree.
    const int h = heads[d - 1];
    int found = -1;
    std::deque<int> q;
    for (int k : kids[h])
      if (k != d) q.push_back(k);
    while (!q.empty() && found < 0) {
      const int x = q.front();
      q.pop_front();
      if (BaseLabel(labels[x - 1]) == want) {
        found = x;
        break;
      }
      for (int k : kids[x])
        if (k != d) q.push_back(k);
    }
    labels[d - 1] = mine;
    if (found > 0) {
      auto& v = kids[h];
      v.erase(std::remove(v.begin(), v.end(), d), v.end());
      kids[found].push_back(d);
      heads[d - 1] = found;
    }
  }
}

void Parser::PrepareWords(const Sentence& s, Words* w) const {
  const int n = static_cast<int>(s.tokens.size());
  w->n = n;
  w->w.assign(n + 3, 3);
  w->p.assign(n + 3, 3);
  w->u.assign(n + 3, 3);
  w->suf.assign(n + 3, 3);
  w->commas.assign(n + 2, 0);
  w->verbs.assign(n + 2, 0);
  w->w[0] = w->p[0] = w->u[0] = w->suf[0] = 5;  // ROOT
  for (int i = 0; i < n; ++i) {
    const Token& t = s.tokens[i];
    const std::string low = Lower(t.form);
    w->w[i + 1] = HashStr(low);
    w->p[i + 1] = HashStr(t.xpos);
    w->u[i + 1] = HashStr(t.upos);
    w->suf[i + 1] = HashStr(SuffixCp(low, 3));
    w->commas[i + 1] = w->commas[i] + (t.form == "," || t.form == ";");
    w->verbs[i + 1] = w->verbs[i] + (t.upos == "VERB");
  }
  w->commas[n + 1] = w->commas[n];
  w->verbs[n + 1] = w->verbs[n];
}

size_t Parser::Features(const Words& W, const State& st, uint64_t* const buf) const {
  // Written through a pointer (push_back's capacity checks cost more than
  // the hashing) into the caller's buffer of kMaxFeatures.
  uint64_t* out = buf;
  const size_t ss = st.stack.size();
  const int s0 = ss >= 2 ? st.stack[ss - 1] : -1;  // ROOT is never s0 for features
  const int s1 = ss >= 2 ? st.stack[ss - 2] : (ss == 1 ? -1 : -1);
  const int s2 = ss >= 3 ? st.stack[ss - 3] : -1;
  const int b0 = st.b <= st.n ? st.b : -1;
  const int b1 = st.b + 1 <= st.n ? st.b + 1 : -1;
  const int b2 = st.b + 2 <= st.n ? st.b + 2 : -1;
  constexpr uint64_t kNone = 1;
  auto w = [&](int i) { return i < 0 ? kNone : W.w[i]; };
  auto p = [&](int i) { return i < 0 ? kNone : W.p[i]; };
  auto u = [&](int i) { return i < 0 ? kNone : W.u[i]; };
  auto lab = [&](int i) -> uint64_t { return i < 0 ? kNone : static_cast<uint64_t>(st.label[i] + 7); };
  auto L1 = [&](int i) { return i < 0 ? -1 : st.l1[i]; };
  auto L2 = [&](int i) { return i < 0 ? -1 : st.l2[i]; };
  auto R1 = [&](int i) { return i < 0 ? -1 : st.r1[i]; };
  auto R2 = [&](int i) { return i < 0 ? -1 : st.r2[i]; };
  auto vl = [&](int i) -> uint64_t { return i < 0 ? 99 : st.nl[i]; };
  auto vr = [&](int i) -> uint64_t { return i < 0 ? 99 : st.nr[i]; };
  const uint64_t s0w = w(s0), s0p = p(s0), s1w = w(s1), s1p = p(s1), s2p = p(s2);
  const uint64_t b0w = w(b0), b0p = p(b0), b1w = w(b1), b1p = p(b1), b2w = w(b2), b2p = p(b2);
  const int s0l = L1(s0), s0l2 = L2(s0), s0r = R1(s0), s0r2 = R2(s0);
  const int s1l = L1(s1), s1r = R1(s1), s1r2 = R2(s1), b0l = L1(b0), b0l2 = L2(b0);
  const uint64_t s0wp = Mix64(s0w ^ (s0p << 1)), s1wp = Mix64(s1w ^ (s1p << 1));
  const uint64_t b0wp = Mix64(b0w ^ (b0p << 1)), b1wp = Mix64(b1w ^ (b1p << 1));
  const uint64_t d01 = (s0 >= 0 && b0 >= 0) ? Dist(b0 - s0) : 0;
  const uint64_t d10 = (s0 >= 0 && s1 > 0) ? Dist(s0 - s1) : 0;
  uint32_t t = 0;
  // Inlined: an out-of-line call per template cost about a third of Features.
  auto F = [&](uint64_t a, uint64_t b = 0, uint64_t c = 0) __attribute__((always_inline)) {
    *out++ = Feat(++t, a, b, c);
  };
  F(0);
  // Unigrams.
  F(s0wp); F(s0w); F(s0p); F(u(s0));
  F(s1wp); F(s1w); F(s1p); F(u(s1));
  F(b0wp); F(b0w); F(b0p); F(u(b0));
  F(b1wp); F(b1w); F(b1p);
  F(b2w); F(b2p);
  F(s2p); F(w(s2));
  // Pairs.
  F(s0wp, b0wp); F(s0wp, b0w); F(s0w, b0wp); F(s0wp, b0p); F(s0p, b0wp); F(s0w, b0w);
  F(s0p, b0p); F(b0p, b1p); F(s1p, s0p); F(s1w, s0w); F(s1wp, s0wp); F(s1wp, s0p);
  F(s1p, s0wp); F(s1w, s0p); F(s1p, s0w); F(s1p, b0p); F(s1w, b0w); F(u(s0), u(b0));
  F(u(s1), u(s0)); F(b0w, b1w); F(b0wp, b1p);
  // Triples.
  F(b0p, b1p, b2p); F(s0p, b0p, b1p); F(s1p, s0p, b0p); F(s0p, p(s0l), b0p);
  F(s0p, p(s0r), b0p); F(s0p, b0p, p(b0l)); F(s1p, s0p, p(s0l)); F(s1p, s0p, p(s0r));
  F(s1p, p(s1r), s0p); F(s1p, p(s1l), s0p); F(s2p, s1p, s0p); F(s0w, b0p, b1p);
  F(s1p, s0w, b0p); F(s1p, s0p, b0w); F(u(s1), u(s0), u(b0));
  // Distance.
  F(s0w, d01); F(s0p, d01); F(b0w, d01); F(b0p, d01); F(s0w, b0w, d01); F(s0p, b0p, d01);
  F(s1p, s0p, d10); F(s1w, s0w, d10); F(s0w, d10); F(s1w, d10); F(s0p, d10); F(s1p, d10);
  // Valency.
  F(s0w, vr(s0)); F(s0p, vr(s0)); F(s0w, vl(s0)); F(s0p, vl(s0)); F(s1w, vr(s1)); F(s1p, vr(s1));
  F(s1p, vl(s1)); F(b0w, vl(b0)); F(b0p, vl(b0));
  // Children.
  F(w(s0l)); F(p(s0l)); F(lab(s0l)); F(w(s0r)); F(p(s0r)); F(lab(s0r));
  F(w(s1l)); F(p(s1l)); F(lab(s1l)); F(w(s1r)); F(p(s1r)); F(lab(s1r));
  F(w(b0l)); F(p(b0l)); F(lab(b0l));
  F(lab(s0l2)); F(p(s0l2)); F(lab(s0r2)); F(p(s0r2)); F(lab(b0l2)); F(p(b0l2)); F(lab(s1r2));
  F(s0p, lab(s0l), lab(s0l2)); F(s0p, lab(s0r), lab(s0r2)); F(s1p, lab(s1r), lab(s1r2));
  F(b0p, lab(b0l), lab(b0l2)); F(s0p, p(s0l), p(s0l2)); F(s0p, p(s0r), p(s0r2));
  F(b0p, p(b0l), p(b0l2)); F(s0p, lab(s0l), b0p); F(s0p, lab(s0r), b0p); F(s1p, lab(s1r), s0p);
  F(s0w, lab(s0l)); F(s0w, lab(s0r)); F(b0w, lab(b0l));
  // Label sets.
  F(s0p, s0 >= 0 ? st.lset[s0] : 0); F(s0p, s0 >= 0 ? st.rset[s0] : 0);
  F(b0p, b0 >= 0 ? st.lset[b0] : 0); F(s1p, s1 > 0 ? st.rset[s1] : 0);
  F(s0w, s0 >= 0 ? st.rset[s0] : 0); F(b0w, b0 >= 0 ? st.lset[b0] : 0);
  // Is s1 ROOT / buffer empty.
  F(s1 == 0, b0 < 0, s0p);
  // Suffixes (unknown words) and what lies between the candidates.
  auto suf = [&](int i) { return i < 0 ? kNone : W.suf[i]; };
  auto between = [&](const std::vector<int>& c, int a, int b) -> uint64_t {
    if (a < 0 || b < 0) return 9;
    const int x = c[std::max(a, b) - 1] - c[std::min(a, b)];
    return x < 0 ? 0 : (x > 2 ? 2 : x);
  };
  F(suf(s0), b0p); F(s0p, suf(b0)); F(suf(b0), b1p); F(suf(s0), s1p);
  const uint64_t c01 = between(W.commas, s0, b0), v01 = between(W.verbs, s0, b0);
  const uint64_t c10 = s1 > 0 ? between(W.commas, s1, s0) : 9;
  const uint64_t v10 = s1 > 0 ? between(W.verbs, s1, s0) : 9;
  F(s0p, b0p, (c01 << 4) | v01); F(s1p, s0p, (c10 << 4) | v10); F(s0w, b0p, c01);
  F(s1p, s0w, c10);
  assert(static_cast<size_t>(out - buf) <= kMaxFeatures);
  return static_cast<size_t>(out - buf);
}

size_t Parser::LabelFeatures(const Words& W, const State& st, int h, int d,
                             uint64_t* const buf) const {
  uint64_t* out = buf;
  constexpr uint64_t kNone = 1;
  auto w = [&](int i) { return i < 0 || i > W.n ? kNone : W.w[i]; };
  auto p = [&](int i) { return i < 0 || i > W.n ? kNone : W.p[i]; };
  auto u = [&](int i) { return i < 0 || i > W.n ? kNone : W.u[i]; };
  auto lab = [&](int i) -> uint64_t { return i < 0 ? kNone : static_cast<uint64_t>(st.label[i] + 7); };
  const uint64_t dir = h == 0 ? 2 : (h < d ? 1 : 0);
  const uint64_t dist = h == 0 ? 0 : Dist(h - d);
  const uint64_t hw = w(h), hp = p(h), dw = w(d), dp = p(d);
  uint32_t t = 200;
  // Inlined: an out-of-line call per template cost about a third of Features.
  auto F = [&](uint64_t a, uint64_t b = 0, uint64_t c = 0) __attribute__((always_inline)) {
    *out++ = Feat(++t, a, b, c);
  };
  F(0); F(dir);
  F(hw, dir); F(hp, dir); F(dw, dir); F(dp, dir); F(u(d), dir); F(u(h), dir);
  F(hp, dp, dir); F(hw, dp, dir); F(hp, dw, dir); F(hw, dw, dir); F(u(h), u(d), dir);
  F(dp, dir, dist); F(dw, dist); F(hp, dp, dist);
  F(dp, lab(st.l1[d]), lab(st.r1[d])); F(dw, lab(st.l1[d])); F(dw, lab(st.r1[d]));
  F(dp, st.lset[d], st.rset[d]); F(dp, st.nl[d], st.nr[d]);
  F(hp, h > 0 ? st.lset[h] : 0, dir); F(hp, h > 0 ? st.rset[h] : 0, dir);
  F(dp, p(d - 1), dir); F(dp, p(d + 1), dir); F(dw, p(d + 1)); F(dw, p(d - 1));
  F(hp, p(h + (h < d ? 1 : -1)), dp); F(dp, w(st.l1[d]), dir); F(dp, p(st.l1[d]), dir);
  F(dp, p(st.r1[d]), dir); F(w(st.l1[d]), lab(st.l1[d]), dir);
  F(dw, hw); F(dp, hw); F(u(d), hw, dir);
  assert(static_cast<size_t>(out - buf) <= kMaxFeatures);
  return static_cast<size_t>(out - buf);
}

void Parser::Valid(const State& st, bool valid[3]) {
  const size_t ss = st.stack.size();
  const bool buf = st.b <= st.n;
  valid[kShift] = buf;
  valid[kLeft] = ss >= 2 && buf;
  valid[kRight] = ss >= 2 && (st.stack[ss - 2] != 0 || !buf);
}

void Parser::Apply(State& st, int action, int label) {
  if (action == kShift) {
    st.stack.push_back(st.b++);
    return;
  }
  const int s0 = st.stack.back();
  st.stack.pop_back();
  if (action == kLeft) st.AddArc(st.b, s0, label);
  else st.AddArc(st.stack.back(), s0, label);
}

int Parser::BestLabel(const float* sc, bool root) const {
  if (root) return root_label_;
  // The first label with the highest score, root excluded: two loops around
  // root_label_ keep the running maximum in a register.
  int best = -1;
  float top = 0;
  const int n = static_cast<int>(labels_.size());
  for (int l = 0; l < root_label_ && l < n; ++l)
    if (best < 0 || sc[l] > top) best = l, top = sc[l];
  for (int l = root_label_ + 1; l < n; ++l)
    if (best < 0 || sc[l] > top) best = l, top = sc[l];
  return best < 0 ? root_label_ : best;
}

void Parser::Parse(Sentence& s) const {
  const int n = static_cast<int>(s.tokens.size());
  if (n == 0) return;
  Words W;
  PrepareWords(s, &W);
  State st;
  st.Init(n);
  uint64_t f[kMaxFeatures];
  std::vector<float> lsc(labels_.size());
  thread_local ParseCaches cache;
  // The state keys pack token indices and child counts into 9 bits each.
  const bool use_cache = branches_ > 0 && n < 500;
  const uint64_t sentence_key = Mix64(++cache.generation * 0x9e3779b97f4a7c15ULL);
  // Hash of what the features can read about token i: its two outermost
  // children on each side, their labels, its child counts and label sets.
  auto node_key = [](const State& x, int i) -> uint64_t {
    if (i < 0) return 0x5bd1e995;
    uint64_t& part = x.key_part[i];
    if (part != 0) return part;
    auto lab = [&x](int c) -> uint64_t { return c < 0 ? 0 : static_cast<uint64_t>(x.label[c] + 1); };
    const uint64_t shape = static_cast<uint64_t>(i + 1) | static_cast<uint64_t>(x.l1[i] + 1) << 9 |
                           static_cast<uint64_t>(x.l2[i] + 1) << 18 |
                           static_cast<uint64_t>(x.r1[i] + 1) << 27 |
                           static_cast<uint64_t>(x.r2[i] + 1) << 36 |
                           static_cast<uint64_t>(x.nl[i]) << 45 | static_cast<uint64_t>(x.nr[i]) << 54;
    const uint64_t labels = lab(x.l1[i]) | lab(x.l2[i]) << 16 | lab(x.r1[i]) << 32 | lab(x.r2[i]) << 48;
    part = Mix64(Mix64(Mix64(Mix64(shape) ^ labels) ^ x.lset[i]) ^ x.rset[i]);
    if (part == 0) part = 1;
    return part;
  };
  // Everything Features reads: s0, s1 (with their children), s2, b0 (with its children).
  auto action_key = [&](const State& x) {
    const size_t ss = x.stack.size();
    const int s0 = ss >= 2 ? x.stack[ss - 1] : -1, s1 = ss >= 2 ? x.stack[ss - 2] : -1;
    const int s2 = ss >= 3 ? x.stack[ss - 3] : -1, b0 = x.b <= x.n ? x.b : -1;
    uint64_t k = Mix64(sentence_key ^ node_key(x, s0));
    k = Mix64(k ^ node_key(x, s1)) ^ static_cast<uint64_t>(s2 + 1);
    k = Mix64(k ^ node_key(x, b0));
    return k == 0 ? 1 : k;
  };
  // Everything LabelFeatures reads: h, d (with d's children) and h's label sets.
  auto label_key = [&](const State& x, int h, int d) {
    uint64_t k = Mix64(sentence_key ^ 0x27d4eb2f165667c5ULL ^ node_key(x, d));
    k = Mix64(k ^ static_cast<uint64_t>(h + 1));
    if (h > 0) k = Mix64(Mix64(k ^ x.lset[h]) ^ x.rset[h]);
    return k == 0 ? 1 : k;
  };
  // Selectional branching (Choi & McCallum 2013) over the greedy model: the
  // greedy run records its runner-up actions; the branches_ of them with the
  // smallest margins (below kBranchMargin) are re-run greedily from that
  // step, and the run with the highest total log-probability wins. A step's
  // log-probability is the log-softmax of the valid actions' scores / kActionTemp
  // plus, for an arc, the log-softmax of the chosen label's score / kLabelTemp
  // (the labeller's confidence is what separates good branches from bad).
  // Temperatures, margin and branch count were tuned on EWT dev.
  constexpr float kActionTemp = 60.0f, kLabelTemp = 20.0f, kBranchMargin = 60.0f;
  struct Alt {
    int step, action;
    float margin, prefix;  // prefix: log-probability of the run up to and including `action`
  };
  std::vector<Alt> alts;
  std::vector<std::pair<int, int>> seq;  // (action, label) of each greedy step
  std::vector<float> prefix;             // log-probability of the greedy run before each step
  std::vector<uint64_t> sigs;            // state signature before each greedy step
  auto action_logp = [](const float* sc, const bool* valid, int a) {
    float mx = -1e30f;
    for (int c = 0; c < 3; ++c)
      if (valid[c]) mx = std::max(mx, sc[c]);
    float z = 0;
    for (int c = 0; c < 3; ++c)
      if (valid[c]) z += std::exp((sc[c] - mx) / kActionTemp);
    return (sc[a] - mx) / kActionTemp - std::log(z);
  };
  // Labels the arc `action` builds in `x`; adds the label's log-probability to *logp.
  auto label_arc = [&](const State& x, int action, float* logp) {
    const int d = x.stack.back();
    const int h = action == kLeft ? x.b : x.stack[x.stack.size() - 2];
    ParseCaches::LabelEntry* memo = nullptr;
    if (use_cache) {
      const uint64_t key = label_key(x, h, d);
      memo = &cache.label_vectors[key & (ParseCaches::kVectorSlots - 1)];
      if (memo->key == key) {
        *logp -= memo->log_z;
        return memo->label;
      }
      memo->key = key;
    }
    const size_t nf = LabelFeatures(W, x, h, d, f);
    std::fill(lsc.begin(), lsc.end(), 0.0f);
    if (use_cache) labeler_.Score(f, nf, lsc.data(), cache.labels);
    else labeler_.Score(f, nf, lsc.data());
    const int l = BestLabel(lsc.data(), h == 0);
    float log_z = 0;
    if (h != 0) {
      log_z = std::log(LabelNormalizer(lsc.data(), static_cast<int>(lsc.size()), root_label_,
                                       lsc[l], kLabelTemp));
      *logp -= log_z;
    }
    if (memo != nullptr) {
      memo->label = l;
      memo->log_z = log_z;
    }
    return l;
  };
  // Everything the features can see later: the stack, the buffer front and
  // the children (with labels) of those words. A branch whose signature
  // equals the greedy run's at the same step continues exactly as the greedy
  // run did, so its remaining steps are copied instead of scored.
  // A token's part changes only when it gets a child, so it is kept in
  // State::sig_part between arcs instead of being rehashed at every step.
  auto sig = [](const State& x) {
    uint64_t h = static_cast<uint64_t>(x.b);
    auto add = [&h, &x](int i) {
      uint64_t& part = x.sig_part[i];
      if (part == 0) {
        auto lab = [&x](int c) { return c < 0 ? 0u : static_cast<uint64_t>(x.label[c] + 1); };
        part = Feat(1, static_cast<uint64_t>(i + 1),
                    static_cast<uint64_t>(x.l1[i] + 1) | static_cast<uint64_t>(x.l2[i] + 1) << 20 |
                        static_cast<uint64_t>(x.r1[i] + 1) << 40,
                    static_cast<uint64_t>(x.r2[i] + 1) | lab(x.l1[i]) << 20 | lab(x.l2[i]) << 28 |
                        lab(x.r1[i]) << 36 | lab(x.r2[i]) << 44) ^
               x.lset[i] ^ Rotl(x.rset[i], 17) ^ (static_cast<uint64_t>(x.nl[i]) << 48) ^
               (static_cast<uint64_t>(x.nr[i]) << 56);
        if (part == 0) part = 1;
      }
      h = Mix64(h ^ part);
    };
    for (int v : x.stack) add(v);
    if (x.b <= x.n) add(x.b);
    return h;
  };
  float greedy_logp = 0;
  // Runs greedily from `x` (at step `step`, log-probability `logp`) to the
  // end. The greedy run (`record`) logs its steps and runner-up actions; a
  // branch stops as soon as it cannot beat `bound` (log-probabilities only
  // fall). Returns the final log-probability.
  auto run = [&](State& x, bool record, float logp, float bound, int step) -> float {
    bool valid[3];
    for (; !x.Terminal(); ++step) {
      if (record) {
        sigs.push_back(sig(x));
      } else {
        if (logp <= bound) return logp;
        if (step < static_cast<int>(sigs.size()) && sig(x) == sigs[step]) {
          for (int j = step; j < static_cast<int>(seq.size()); ++j)
            Apply(x, seq[j].first, seq[j].second);
          return logp + greedy_logp - prefix[step];
        }
      }
      Valid(x, valid);
      float sc[3] = {0, 0, 0};
      if (use_cache) {
        const uint64_t key = action_key(x);
        ParseCaches::ActionEntry& memo = cache.action_vectors[key & (ParseCaches::kVectorSlots - 1)];
        if (memo.key == key) {
          std::copy(memo.sc, memo.sc + 3, sc);
        } else {
          actions_.Score(f, Features(W, x, f), sc, cache.actions);
          memo.key = key;
          std::copy(sc, sc + 3, memo.sc);
        }
      } else {
        actions_.Score(f, Features(W, x, f), sc);
      }
      int best = -1, second = -1;
      for (int c = 0; c < 3; ++c) {
        if (!valid[c]) continue;
        if (best < 0 || sc[c] > sc[best]) {
          second = best;
          best = c;
        } else if (second < 0 || sc[c] > sc[second]) {
          second = c;
        }
      }
      if (best < 0) break;  // cannot happen: some action is always valid
      if (record) {
        prefix.push_back(logp);
        if (second >= 0 && sc[best] - sc[second] < kBranchMargin)
          alts.push_back(Alt{step, second, sc[best] - sc[second],
                             logp + action_logp(sc, valid, second)});
      }
      logp += action_logp(sc, valid, best);
      const int label = best == kShift ? 0 : label_arc(x, best, &logp);
      if (record) seq.emplace_back(best, label);
      Apply(x, best, label);
    }
    return logp;
  };
  const bool branch = branches_ > 0;
  float best_logp = run(st, branch, 0.0f, -1e30f, 0);
  greedy_logp = best_logp;
  if (branch && !alts.empty()) {
    const size_t k = std::min<size_t>(alts.size(), static_cast<size_t>(branches_));
    std::partial_sort(alts.begin(), alts.begin() + k, alts.end(), [](const Alt& a, const Alt& b) {
      return a.margin < b.margin || (a.margin == b.margin && a.step < b.step);
    });
    State x;
    for (size_t i = 0; i < k; ++i) {
      const Alt& alt = alts[i];
      x.Init(n);
      for (int j = 0; j < alt.step; ++j) Apply(x, seq[j].first, seq[j].second);
      float logp = alt.prefix;
      const int label = alt.action == kShift ? 0 : label_arc(x, alt.action, &logp);
      if (logp <= best_logp) continue;
      Apply(x, alt.action, label);
      logp = run(x, false, logp, best_logp, alt.step + 1);
      if (logp > best_logp) {
        best_logp = logp;
        st.head = x.head;
        st.label = x.label;
      }
    }
  }
  std::vector<int> heads(n);
  std::vector<std::string> labs(n);
  for (int i = 1; i <= n; ++i) {
    heads[i - 1] = st.head[i] < 0 ? 0 : st.head[i];
    labs[i - 1] = st.label[i] < 0 ? "root" : labels_[st.label[i]];
  }
  Deprojectivize(heads, labs);
  for (int i = 0; i < n; ++i) {
    s.tokens[i].head = heads[i];
    s.tokens[i].deprel = labs[i];
  }
}

void Parser::Save(ModelWriter& w) const {
  w.PutStrings(labels_);
  w.Put<int32_t>(root_label_);
  actions_.Save(w);
  labeler_.Save(w);
}

void Parser::PruneWeakFeatures(float actions_min, float labels_min) {
  // A threshold of 0 keeps every feature: no rebuild of the table.
  if (actions_min > 0) actions_ = actions_.WithoutWeakFeatures(actions_min);
  if (labels_min > 0) labeler_ = labeler_.WithoutWeakFeatures(labels_min);
}

bool Parser::Load(ModelReader& r) {
  int32_t root;
  if (!r.GetStrings(&labels_) || labels_.empty() || !r.Get(&root) || root < 0 ||
      root >= static_cast<int>(labels_.size()))
    return false;
  root_label_ = root;
  return actions_.Load(r) && actions_.num_classes() == 3 && labeler_.Load(r) &&
         labeler_.num_classes() == static_cast<int>(labels_.size());
}

std::unique_ptr<Parser> Parser::Train(const std::vector<const Sentence*>& train,
                                      const std::vector<const Sentence*>* dev,
                                      const TrainOptions& opt, std::string* log) {
  auto ps = std::make_unique<Parser>();
  // Projectivize and collect labels (lifted labels need >= 5 occurrences,
  // else the plain label is used and the arc stays lifted).
  std::vector<std::vector<int>> gheads(train.size());
  std::vector<std::vector<std::string>> glabs(train.size());
  std::map<std::string, int> counts;
  size_t lifted = 0;
  for (size_t i = 0; i < train.size(); ++i) {
    for (const Token& t : train[i]->tokens) {
      gheads[i].push_back(t.head < 0 ? 0 : t.head);
      glabs[i].push_back(t.deprel.empty() ? "dep" : t.deprel);
    }
    Projectivize(gheads[i], glabs[i]);
    for (const auto& l : glabs[i]) {
      counts[l]++;
      lifted += l.find('|') != std::string::npos;
    }
  }
  std::map<std::string, int> label_id;
  for (const auto& [l, c] : counts)
    if (l.find('|') == std::string::npos || c >= 5) label_id.emplace(l, 0);
  label_id.emplace("root", 0);
  label_id.emplace("dep", 0);
  for (auto& [l, id] : label_id) {
    id = static_cast<int>(ps->labels_.size());
    ps->labels_.push_back(l);
  }
  ps->root_label_ = label_id["root"];
  std::vector<std::vector<int>> glab_ids(train.size());
  for (size_t i = 0; i < train.size(); ++i)
    for (const auto& l : glabs[i]) {
      auto it = label_id.find(l);
      if (it == label_id.end()) it = label_id.find(BaseLabel(l));
      if (it == label_id.end()) it = label_id.find("dep");
      glab_ids[i].push_back(it->second);
    }
  const int nl = static_cast<int>(ps->labels_.size());
  if (log)
    *log += "parser: " + std::to_string(nl) + " labels, " + std::to_string(lifted) +
            " lifted arcs\n";

  PerceptronTrainer at(3), lt(nl);
  std::mt19937_64 rng(opt.seed);
  std::vector<uint32_t> order(train.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
  Words W;
  State st;
  std::vector<uint64_t> f, lf;
  std::vector<float> lsc(nl);
  bool valid[3];
  for (int ep = 0; ep < opt.epochs; ++ep) {
    Shuffle(order, rng);
    size_t updates = 0, steps = 0, label_errors = 0, labeled = 0;
    for (uint32_t si : order) {
      const Sentence& s = *train[si];
      const int n = static_cast<int>(s.tokens.size());
      if (n == 0) continue;
      const auto& gh = gheads[si];
      const auto& gl = glab_ids[si];
      auto GH = [&](int i) { return i <= 0 ? -2 : gh[i - 1]; };
      ps->PrepareWords(s, &W);
      st.Init(n);
      while (!st.Terminal()) {
        Valid(st, valid);
        f.resize(kMaxFeatures);
        f.resize(ps->Features(W, st, f.data()));
        float sc[3] = {0, 0, 0};
        at.Score(f.data(), f.size(), sc);
        // Costs: gold arcs made unreachable by each transition.
        const size_t ss = st.stack.size();
        const int s0 = ss >= 2 ? st.stack[ss - 1] : -1;
        const int s1 = ss >= 2 ? st.stack[ss - 2] : -1;
        const int b = st.b <= n ? st.b : -1;
        const int kBig = 1 << 20;
        int cost[3] = {kBig, kBig, kBig};
        if (valid[kShift]) {
          int c = 0;
          for (size_t k = 0; k < ss; ++k) {
            const int x = st.stack[k];
            if (x > 0 && GH(x) == b) ++c;
            if (GH(b) == x && k + 1 < ss) ++c;
          }
          cost[kShift] = c;
        }
        if (s0 > 0) {
          int deps_in_buf = 0;
          bool head_in_beta = false, head_in_buf = false;
          for (int x = st.b; x <= n; ++x) {
            if (GH(x) == s0) ++deps_in_buf;
            if (GH(s0) == x) {
              head_in_buf = true;
              if (x != b) head_in_beta = true;
            }
          }
          if (valid[kLeft]) cost[kLeft] = deps_in_buf + ((head_in_beta || GH(s0) == s1) ? 1 : 0);
          if (valid[kRight]) cost[kRight] = deps_in_buf + (head_in_buf ? 1 : 0);
        }
        const int min_cost = std::min({cost[0], cost[1], cost[2]});
        int pred = -1, gold = -1;
        for (int c = 0; c < 3; ++c) {
          if (!valid[c]) continue;
          if (pred < 0 || sc[c] > sc[pred]) pred = c;
          if (cost[c] == min_cost && (gold < 0 || sc[c] > sc[gold])) gold = c;
        }
        ++steps;
        if (cost[pred] != min_cost) {
          at.Update(f.data(), f.size(), gold, 1.0f);
          at.Update(f.data(), f.size(), pred, -1.0f);
          ++updates;
        }
        at.Tick();
        int next = gold;
        if (ep + 1 >= opt.explore_from_epoch && cost[pred] != min_cost &&
            std::uniform_real_distribution<double>(0, 1)(rng) < opt.explore_prob)
          next = pred;
        int label = 0;
        if (next != kShift) {
          const int h = next == kLeft ? b : s1;
          lf.resize(kMaxFeatures);
          lf.resize(ps->LabelFeatures(W, st, h, s0, lf.data()));
          std::fill(lsc.begin(), lsc.end(), 0.0f);
          lt.Score(lf.data(), lf.size(), lsc.data());
          label = ps->BestLabel(lsc.data(), h == 0);
          if (GH(s0) == h && h != 0) {
            const int g = gl[s0 - 1];
            ++labeled;
            if (label != g) {
              ++label_errors;
              lt.Update(lf.data(), lf.size(), g, 1.0f);
              lt.Update(lf.data(), lf.size(), label, -1.0f);
            }
            lt.Tick();
            label = g;
          }
        }
        Apply(st, next, label);
      }
    }
    if (log) {
      *log += "parser epoch " + std::to_string(ep + 1) + ": " + std::to_string(updates) +
              " action updates / " + std::to_string(steps) + " steps, " +
              std::to_string(label_errors) + " label errors / " + std::to_string(labeled) + "\n";
    }
    if (dev && log && ep + 1 >= opt.dev_from_epoch) {
      auto eval = [&](const char* what) {
        size_t total = 0, uas = 0, las = 0;
        for (const Sentence* g : *dev) {
          Sentence s = *g;
          ps->Parse(s);
          for (size_t i = 0; i < s.tokens.size(); ++i) {
            ++total;
            if (s.tokens[i].head != g->tokens[i].head) continue;
            ++uas;
            auto uni = [](const std::string& l) { return l.substr(0, l.find(':')); };
            las += uni(s.tokens[i].deprel) == uni(g->tokens[i].deprel);
          }
        }
        char buf[160];
        std::snprintf(buf, sizeof buf, "  dev epoch %d %s: UAS %.2f LAS %.2f\n", ep + 1, what,
                      100.0 * uas / std::max<size_t>(total, 1),
                      100.0 * las / std::max<size_t>(total, 1));
        *log += buf;
      };
      ps->actions_ = at.Finalize(opt.prune);
      ps->labeler_ = lt.Finalize(opt.prune);
      ps->PruneWeakFeatures(opt.feature_prune_actions, opt.feature_prune_labels);
      eval("quantized");
      if (opt.dev_exact) {
        ps->actions_ = at.Finalize(opt.prune, true);
        ps->labeler_ = lt.Finalize(opt.prune, true);
        eval("exact, pruned");
        ps->actions_ = at.Finalize(1e-6f, true);
        ps->labeler_ = lt.Finalize(1e-6f, true);
        eval("exact, unpruned");
      }
      if (opt.progress) {
        opt.progress(*log);
        log->clear();
      }
    }
  }
  ps->actions_ = at.Finalize(opt.prune);
  ps->labeler_ = lt.Finalize(opt.prune);
  ps->PruneWeakFeatures(opt.feature_prune_actions, opt.feature_prune_labels);
  return ps;
}

}  // namespace kg::nlp
