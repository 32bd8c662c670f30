// Clause-based propositions over a UD tree (in the spirit of ClausIE):
// subject - relation - arguments, with passives, coordination, relative and
// participial clauses, control (xcomp), copulas, appositions, nominalisations,
// attribution, negation and modality.
#include <algorithm>
#include <array>
#include <cctype>

#include "extract/analysis.h"

namespace kg::extract::internal {

namespace {

template <size_t N>
bool In(const std::array<std::string_view, N>& list, std::string_view w) {
  return std::find(list.begin(), list.end(), w) != list.end();
}

std::string Lower(std::string_view s) {
  std::string o(s);
  for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

class Tree {
 public:
  explicit Tree(const nlp::Sentence& s) : s_(s), kids_(s.tokens.size()) {
    for (size_t i = 0; i < s.tokens.size(); ++i) {
      int h = s.tokens[i].head - 1;
      if (h >= 0 && h < static_cast<int>(s.tokens.size()) && h != static_cast<int>(i)) kids_[static_cast<size_t>(h)].push_back(static_cast<int>(i));
    }
  }
  int size() const { return static_cast<int>(s_.tokens.size()); }
  const nlp::Token& tok(int i) const { return s_.tokens[static_cast<size_t>(i)]; }
  int head(int i) const {
    int h = tok(i).head - 1;
    return h >= 0 && h < size() ? h : -1;
  }
  const std::string& rel(int i) const { return tok(i).deprel; }
  bool RelIs(int i, std::string_view r) const { return rel(i) == r; }
  bool RelStarts(int i, std::string_view r) const { return rel(i).rfind(r, 0) == 0; }
  const std::vector<int>& kids(int i) const { return kids_[static_cast<size_t>(i)]; }
  int Child(int i, std::string_view r) const {
    for (int k : kids(i)) if (rel(k) == r) return k;
    return -1;
  }
  // Token span of the subtree of i, leaving out children whose relation
  // starts with one of `skip`; trailing/leading punctuation trimmed.
  void Span(int i, std::initializer_list<std::string_view> skip, uint32_t* b, uint32_t* e, int block = -1) const {
    int lo = i, hi = i;
    Walk(i, skip, true, &lo, &hi, 0, block);
    while (lo < hi && (tok(lo).upos == "PUNCT" || RelIs(lo, "cc") || RelIs(lo, "mark"))) ++lo;
    while (hi > lo && tok(hi).upos == "PUNCT") --hi;
    *b = static_cast<uint32_t>(lo);
    *e = static_cast<uint32_t>(hi + 1);
  }

 private:
  void Walk(int i, std::initializer_list<std::string_view> skip, bool top, int* lo, int* hi, int depth, int block) const {
    if (depth > 200) return;
    *lo = std::min(*lo, i);
    *hi = std::max(*hi, i);
    for (int k : kids(i)) {
      bool skipped = k == block;
      if (top) {
        for (auto sk : skip) skipped = skipped || rel(k).rfind(sk, 0) == 0;
      }
      if (!skipped) Walk(k, skip, false, lo, hi, depth + 1, block);
    }
  }
  const nlp::Sentence& s_;
  std::vector<std::vector<int>> kids_;
};

constexpr std::array<std::string_view, 11> kIntend = {
    "want", "plan", "intend", "seek", "hope", "aim", "try", "attempt", "prefer", "wish", "expect"};
constexpr std::array<std::string_view, 4> kNeed = {"need", "have", "require", "ought"};

bool IsPredicate(const Tree& t, int i) {
  const auto& tk = t.tok(i);
  if (tk.upos == "VERB") {
    return !(t.RelStarts(i, "amod") || t.RelStarts(i, "compound") || t.RelStarts(i, "aux") ||
             t.RelIs(i, "cop") || t.RelIs(i, "case") || t.RelIs(i, "mark") || t.RelStarts(i, "fixed") ||
             t.RelIs(i, "discourse"));
  }
  return t.Child(i, "cop") >= 0;
}

// Subject of predicate v (token index), following conj / xcomp / relcl / acl / advcl.
int FindSubject(const Tree& t, int v, bool* passive, int depth = 0) {
  if (depth > 8) return -1;
  for (int k : t.kids(v)) {
    if (t.RelIs(k, "nsubj") || t.RelIs(k, "csubj")) {
      const std::string lem = Lower(t.tok(k).lemma);
      if ((lem == "who" || lem == "which" || lem == "that") && t.tok(k).upos == "PRON") {
        // The antecedent of the relative clause (v or a verb it is conjoined to).
        int r = v;
        for (int guard = 0; r >= 0 && t.RelIs(r, "conj") && guard < 10; ++guard) r = t.head(r);
        if (r >= 0 && t.RelIs(r, "acl:relcl") && t.head(r) >= 0) return t.head(r);
      }
      return k;
    }
    if (t.RelIs(k, "nsubj:pass") || t.RelIs(k, "csubj:pass")) {
      *passive = true;
      const std::string lem = Lower(t.tok(k).lemma);
      if (t.RelIs(v, "acl:relcl") && (lem == "who" || lem == "which" || lem == "that") && t.head(v) >= 0) {
        return t.head(v);
      }
      return k;
    }
  }
  int h = t.head(v);
  if (h < 0) return -1;
  bool dummy = false;
  if (t.RelIs(v, "conj")) return FindSubject(t, h, passive, depth + 1);
  if (t.RelIs(v, "xcomp")) {
    int obj = t.Child(h, "obj");
    if (obj >= 0) return obj;
    return FindSubject(t, h, &dummy, depth + 1);
  }
  if (t.RelIs(v, "acl:relcl") || t.RelIs(v, "acl")) {
    if (t.tok(v).xpos == "VBN") *passive = true;
    return h;
  }
  if (t.RelIs(v, "advcl")) return FindSubject(t, h, &dummy, depth + 1);
  return -1;
}

// Negation and modality from the auxiliaries and adverbs of v.
void Polarity(const Tree& t, int v, bool* negated, Modality* modality) {
  for (int k : t.kids(v)) {
    const std::string lem = Lower(t.tok(k).lemma);
    const std::string form = Lower(t.tok(k).form);
    if ((t.RelIs(k, "advmod") || t.RelIs(k, "neg") || t.RelIs(k, "aux")) &&
        (lem == "not" || form == "n't" || form == "not" || lem == "never")) {
      *negated = true;
    }
    if (t.RelStarts(k, "aux")) {
      if (lem == "can" || lem == "could" || lem == "may" || lem == "might") *modality = Modality::kPossible;
      if (lem == "must" || lem == "should" || lem == "shall" || lem == "ought") *modality = Modality::kNecessary;
    }
  }
}

// Relation words: auxiliaries, negation, the verb, its particle.
std::string RelationWords(const Tree& t, int v, bool copula) {
  std::vector<int> idx;
  for (int k : t.kids(v)) {
    if (t.RelStarts(k, "aux") || t.RelIs(k, "compound:prt") ||
        (t.RelIs(k, "advmod") && (Lower(t.tok(k).form) == "not" || Lower(t.tok(k).form) == "n't" || Lower(t.tok(k).lemma) == "never")) ||
        (copula && t.RelIs(k, "cop"))) {
      idx.push_back(k);
    }
  }
  if (!copula) idx.push_back(v);
  std::sort(idx.begin(), idx.end());
  std::string out;
  for (int i : idx) {
    if (!out.empty()) out.push_back(' ');
    out += t.tok(i).form;
  }
  return out;
}

std::string CaseOf(const Tree& t, int n) {
  std::string p;
  for (int k : t.kids(n)) {
    if (t.RelIs(k, "case")) {
      if (!p.empty()) p.push_back('_');
      p += Lower(t.tok(k).form);
      for (int f : t.kids(k)) {
        if (t.RelIs(f, "fixed")) p += "_" + Lower(t.tok(f).form);
      }
    }
  }
  return p;
}

// The argument headed by n. When n governs the predicate `pred` (the
// antecedent of a relative or participial clause, a subject inherited from a
// head), its span keeps only its nominal words: never the clause that holds
// the predicate, nor the head's own clause ("method" in "X is any method of
// displaying ...").
Arg MakeArg(const Tree& t, int n, std::string prep, bool clausal, int pred = -1) {
  Arg a;
  a.head = n;
  a.prep = std::move(prep);
  a.clausal = clausal;
  int block = -1;
  for (int x = pred, guard = 0; x >= 0 && guard < 400; x = t.head(x), ++guard) {
    if (t.head(x) == n) {
      block = x;
      break;
    }
  }
  if (clausal) {
    t.Span(n, {}, &a.b, &a.e, block);
  } else if (block >= 0) {
    t.Span(n, {"case", "punct", "conj", "cc", "acl", "appos", "parataxis", "nsubj", "csubj", "cop", "aux", "advcl",
               "ccomp", "xcomp", "obj", "obl", "mark", "dep", "advmod", "discourse"},
           &a.b, &a.e, block);
  } else {
    // CaRB arguments keep their modifiers; only the case marker moves into
    // the relation.
    t.Span(n, {"case", "punct", "conj", "cc", "acl:relcl", "appos", "parataxis"}, &a.b, &a.e);
  }
  return a;
}

// The argument and its coordinated siblings: "Vance and Witkoff" -> 2 args.
std::vector<int> Expand(const Tree& t, int n) {
  std::vector<int> out{n};
  for (int k : t.kids(n)) {
    if (t.RelIs(k, "conj") && t.tok(k).upos != "VERB") out.push_back(k);
  }
  return out;
}

}  // namespace

std::vector<Proposition> ExtractPropositions(const nlp::Document& doc, uint32_t sent, const Lexicon& lex) {
  std::vector<Proposition> out;
  const nlp::Sentence& s = doc.sentences[sent];
  if (s.tokens.empty() || s.tokens[0].head < 0) return out;
  Tree t(s);
  const int n = t.size();

  // "according to X" anywhere in the sentence: the source of every clause.
  int according = -1;
  for (int i = 0; i < n; ++i) {
    if (Lower(t.tok(i).form) == "according" && t.head(i) >= 0) according = t.head(i);
  }

  // Speech complements: tokens under a ccomp of a verb of saying get that
  // verb's subject as their source.
  std::vector<int> source(static_cast<size_t>(n), -1);
  auto source_text = [&](int head) {
    Arg a;
    t.Span(head, {"case", "punct", "acl", "appos", "parataxis", "advmod"}, &a.b, &a.e);
    if (head == according) {
      // "according to NBC News": the noun phrase without "according to".
      a.b = std::max(a.b, static_cast<uint32_t>(head));
      while (a.b > 0 && t.head(static_cast<int>(a.b) - 1) == head && !t.RelIs(static_cast<int>(a.b) - 1, "case")) --a.b;
    }
    return SpanText(s, a.b, std::min(a.e, a.b + 8));
  };
  for (int v = 0; v < n; ++v) {
    if (!lex.IsSpeechVerb(Lower(t.tok(v).lemma))) continue;
    bool pas = false;
    int subj = FindSubject(t, v, &pas);
    if (subj < 0 || pas) continue;
    for (int k : t.kids(v)) {
      if (!t.RelIs(k, "ccomp") && !t.RelIs(k, "parataxis")) continue;
      uint32_t b = 0, e = 0;
      t.Span(k, {}, &b, &e);
      for (uint32_t q = b; q < e; ++q) if (source[q] < 0) source[q] = subj;
    }
  }

  for (int v = 0; v < n; ++v) {
    if (!IsPredicate(t, v)) continue;
    const bool copula = t.tok(v).upos != "VERB";
    Proposition p;
    p.sent = sent;
    p.pred = v;
    bool passive = false;
    int subj = FindSubject(t, v, &passive);
    if (t.Child(v, "aux:pass") >= 0) passive = true;
    p.passive = passive;
    Polarity(t, v, &p.negated, &p.modality);
    std::string lemma = Lower(t.tok(v).lemma.empty() ? t.tok(v).form : t.tok(v).lemma);
    int prt = t.Child(v, "compound:prt");
    if (prt >= 0) lemma += "_" + Lower(t.tok(prt).form);
    p.relation = RelationWords(t, v, copula);
    p.lemma = copula ? "be" : lemma;
    // Control chain: "cannot continue supplying" -> supply, with the
    // governor's negation and modality; "wants to buy" -> intended.
    if (t.RelIs(v, "xcomp") && t.head(v) >= 0) {
      int g = t.head(v);
      bool gneg = false;
      Modality gmod = Modality::kAsserted;
      Polarity(t, g, &gneg, &gmod);
      p.negated = p.negated || gneg;
      if (p.modality == Modality::kAsserted) p.modality = gmod;
      const std::string gl = Lower(t.tok(g).lemma);
      if (In(kIntend, gl) && p.modality == Modality::kAsserted) p.modality = Modality::kIntended;
      if (In(kNeed, gl) && p.modality == Modality::kAsserted) p.modality = Modality::kNecessary;
      std::string rel = RelationWords(t, g, t.tok(g).upos != "VERB");
      int mark = t.Child(v, "mark");
      p.relation = rel + (mark >= 0 ? " " + t.tok(mark).form : std::string()) + " " + p.relation;
    }
    if (source[static_cast<size_t>(v)] >= 0) p.attribution = source[static_cast<size_t>(v)];
    else if (according >= 0) p.attribution = according;
    if (p.attribution >= 0) p.attribution_text = source_text(p.attribution);
    if (p.attribution >= 0 && p.modality == Modality::kAsserted && source[static_cast<size_t>(v)] >= 0) {
      p.modality = Modality::kReported;
    }

    // Arguments.
    std::vector<Arg> args;
    int agent = -1;
    bool has_xcomp = false;
    if (copula) {
      // "X is Y": the nominal itself is the argument.
      Arg a;
      a.head = v;
      t.Span(v, {"nsubj", "csubj", "cop", "punct", "conj", "cc", "aux", "advmod", "mark", "advcl", "parataxis", "obl"}, &a.b, &a.e);
      args.push_back(a);
    }
    for (int k : t.kids(v)) {
      const std::string& r = t.rel(k);
      if (r == "obj" || r == "iobj") {
        for (int x : Expand(t, k)) args.push_back(MakeArg(t, x, "", false));
      } else if (r == "obl:agent") {
        agent = k;
      } else if (r == "obl" || r == "obl:tmod" || r == "obl:npmod") {
        if (k == according) continue;
        std::string prep = CaseOf(t, k);
        if (prep == "by" && passive) {
          agent = k;
          continue;
        }
        if (copula) continue;
        for (int x : Expand(t, k)) args.push_back(MakeArg(t, x, prep, false));
      } else if (r == "ccomp" || (r == "xcomp" && t.tok(k).upos != "VERB")) {
        args.push_back(MakeArg(t, k, "", true));
      } else if (r == "xcomp") {
        has_xcomp = true;
      }
    }
    // A relative pronoun object ("which Keibler lost") stands for the noun
    // the relative clause modifies.
    if (t.RelIs(v, "acl:relcl") && t.head(v) >= 0) {
      for (auto& a : args) {
        const std::string lem = Lower(t.tok(a.head).lemma);
        if (!a.clausal && t.tok(a.head).upos == "PRON" && (lem == "which" || lem == "that" || lem == "who" || lem == "whom")) {
          std::string prep = a.prep;
          a = MakeArg(t, t.head(v), prep, false, v);
        }
      }
    }
    // Objects first, then prepositional and clausal arguments, in text order.
    std::stable_sort(args.begin(), args.end(), [](const Arg& a, const Arg& b) {
      int ra = a.prep.empty() && !a.clausal ? 0 : 1, rb = b.prep.empty() && !b.clausal ? 0 : 1;
      return ra != rb ? ra < rb : a.head < b.head;
    });
    p.speech = lex.IsSpeechVerb(p.lemma) &&
               std::any_of(args.begin(), args.end(), [](const Arg& a) { return a.clausal; });
    // A governor whose only complement is an xcomp is read through that xcomp.
    if (has_xcomp && args.empty()) continue;

    std::vector<int> subjects;
    if (subj >= 0) subjects = Expand(t, subj);
    if (passive && agent >= 0) {
      // "Ukraine was invaded by Russia" -> Russia invade Ukraine.
      std::vector<Arg> active_args;
      for (int s2 : subjects) active_args.push_back(MakeArg(t, s2, "", false, v));
      for (auto& a : args) active_args.push_back(a);
      for (int ag : Expand(t, agent)) {
        Proposition q = p;
        q.subj = MakeArg(t, ag, "", false);
        q.args = active_args;
        q.passive = false;
        q.from_passive = true;
        q.confidence = 0.7f;
        out.push_back(std::move(q));
      }
      continue;
    }
    if (subjects.empty()) continue;
    for (int s2 : subjects) {
      Proposition q = p;
      q.subj = MakeArg(t, s2, "", t.RelStarts(s2, "csubj"), v);
      q.args = args;
      float c = 0.75f;
      if (q.args.empty()) c = 0.45f;
      if (t.RelIs(v, "conj") || t.RelIs(v, "xcomp") || t.RelIs(v, "advcl")) c -= 0.1f;
      if (t.RelIs(v, "acl") || t.RelIs(v, "acl:relcl")) c -= 0.15f;
      if (copula) c -= 0.05f;
      if (subjects.size() > 1) c -= 0.05f;
      uint32_t span = 0;
      for (const auto& a : q.args) span += a.e - a.b;
      if (span > 15) c -= 0.1f;
      q.confidence = std::clamp(c, 0.05f, 0.95f);
      out.push_back(std::move(q));
    }
  }

  // Appositions: "Rubio, the Secretary of State" -> Rubio be Secretary of State.
  for (int i = 0; i < n; ++i) {
    if (!t.RelIs(i, "appos") || t.head(i) < 0) continue;
    Proposition p;
    p.sent = sent;
    p.pred = i;
    p.lemma = "be";
    p.relation = "is";
    int h = t.head(i);
    p.subj = MakeArg(t, h, "", false, i);
    p.args.push_back(MakeArg(t, i, "", false));
    p.confidence = 0.6f;
    out.push_back(std::move(p));
  }

  // Nominalisations: "Russia's invasion of its neighbour", "disagreements
  // between Vance and Rubio".
  for (int i = 0; i < n; ++i) {
    if (t.tok(i).upos != "NOUN") continue;
    auto it = lex.nominal_to_verb.find(Lower(t.tok(i).lemma.empty() ? t.tok(i).form : t.tok(i).lemma));
    if (it == lex.nominal_to_verb.end()) continue;
    int subj = -1, of = -1, between = -1;
    std::vector<std::pair<int, std::string>> others;
    for (int k : t.kids(i)) {
      const std::string& r = t.rel(k);
      if (r == "nmod:poss") subj = k;
      else if (r == "nmod") {
        std::string prep = CaseOf(t, k);
        if (prep == "of") of = k;
        else if (prep == "between" || prep == "among") between = k;
        else if (prep == "by") subj = k;
        else others.emplace_back(k, prep);
      }
    }
    Proposition p;
    p.sent = sent;
    p.pred = i;
    p.nominal = true;
    p.lemma = it->second;
    p.relation = t.tok(i).form;
    p.confidence = 0.55f;
    if (source[static_cast<size_t>(i)] >= 0) {
      p.attribution = source[static_cast<size_t>(i)];
      p.modality = Modality::kReported;
    } else if (according >= 0) {
      p.attribution = according;
    }
    if (p.attribution >= 0) p.attribution_text = source_text(p.attribution);
    if (between >= 0) {
      std::vector<int> parts = Expand(t, between);
      if (parts.size() >= 2) {
        Proposition q = p;
        q.lemma = p.lemma + "_with";
        q.relation = p.relation + " between";
        q.subj = MakeArg(t, parts[0], "", false);
        for (size_t k = 1; k < parts.size(); ++k) q.args.push_back(MakeArg(t, parts[k], "", false));
        out.push_back(std::move(q));
      }
      continue;
    }
    if (subj < 0) {
      // A nominal that is the object of a verb borrows that verb's subject
      // ("provided ... in a meeting with officials" -> meet_with).
      int g = t.head(i);
      if (g >= 0 && (t.RelIs(i, "obj") || t.RelIs(i, "obl")) && t.tok(g).upos == "VERB") {
        bool pas = false;
        subj = FindSubject(t, g, &pas);
        if (pas) subj = -1;
        p.confidence = 0.45f;
      }
    }
    if (subj < 0) continue;
    p.subj = MakeArg(t, subj, "", false);
    if (of >= 0) {
      for (int x : Expand(t, of)) p.args.push_back(MakeArg(t, x, "", false));
    }
    for (auto& [k, prep] : others) {
      for (int x : Expand(t, k)) p.args.push_back(MakeArg(t, x, prep, false));
    }
    if (p.args.empty()) continue;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace kg::extract::internal
