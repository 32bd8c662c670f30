#include "extract/fallback_nlp.h"

#include <array>
#include <cctype>
#include <string>

namespace kg::extract::internal {

namespace {

bool IsAbbrev(std::string_view w) {
  static constexpr std::array<std::string_view, 24> kAbbrev = {
      "Mr.", "Mrs.", "Ms.", "Dr.", "Sen.", "Gen.", "Rep.", "Gov.", "Lt.", "Col.", "St.", "Jr.",
      "Sr.", "Inc.", "Corp.", "Co.", "Ltd.", "Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."};
  for (auto a : kAbbrev) {
    if (w == a) return true;
  }
  // Initials and dotted acronyms: "J.", "U.S.", "J.D."
  if (w.size() >= 2 && w.back() == '.') {
    bool dotted = true;
    for (size_t i = 0; i < w.size(); ++i) {
      bool letter_pos = i % 2 == 0;
      if (letter_pos ? !std::isupper(static_cast<unsigned char>(w[i])) : w[i] != '.') dotted = false;
    }
    if (dotted) return true;
  }
  return false;
}

std::string GuessUpos(std::string_view w, bool sentence_start) {
  static constexpr std::array<std::string_view, 20> kPron = {
      "he", "she", "it", "they", "him", "her", "them", "his", "its", "their",
      "i", "we", "you", "me", "us", "our", "my", "your", "this", "that"};
  static constexpr std::array<std::string_view, 16> kAdp = {
      "of", "in", "on", "at", "by", "for", "with", "from", "to", "into",
      "about", "between", "against", "during", "over", "under"};
  static constexpr std::array<std::string_view, 14> kAux = {
      "is", "are", "was", "were", "be", "been", "has", "have", "had",
      "will", "would", "can", "could", "may"};
  std::string lower;
  for (char c : w) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (w.empty()) return "X";
  unsigned char c0 = static_cast<unsigned char>(w[0]);
  if (std::ispunct(c0) && w.size() <= 2) return "PUNCT";
  if (std::isdigit(c0)) return "NUM";
  if (lower == "the" || lower == "a" || lower == "an") return "DET";
  if (lower == "and" || lower == "or" || lower == "but") return "CCONJ";
  if (lower == "not" || lower == "n't") return "PART";
  for (auto p : kPron) if (lower == p) return "PRON";
  for (auto p : kAdp) if (lower == p) return "ADP";
  for (auto p : kAux) if (lower == p) return "AUX";
  if (std::isupper(c0) && !sentence_start) return "PROPN";
  if (std::isupper(c0) && sentence_start) return "PROPN";
  if (lower.size() > 3 && (lower.ends_with("ed") || lower.ends_with("ing"))) return "VERB";
  return "NOUN";
}

}  // namespace

nlp::Document HeuristicAnalyze(std::string_view text) {
  nlp::Document doc;
  doc.text = std::string(text);
  const std::string& t = doc.text;
  size_t i = 0;
  nlp::Sentence cur;
  bool paragraph = true;
  auto flush = [&]() {
    if (!cur.tokens.empty()) {
      cur.begin = cur.tokens.front().begin;
      cur.end = cur.tokens.back().end;
      doc.sentences.push_back(std::move(cur));
    }
    cur = nlp::Sentence();
  };
  while (i < t.size()) {
    // White space; a blank line ends the sentence and the paragraph.
    int newlines = 0;
    while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) {
      if (t[i] == '\n') ++newlines;
      ++i;
    }
    if (newlines >= 2 || (newlines >= 1 && !cur.tokens.empty() && cur.tokens.size() < 12 &&
                          doc.sentences.empty())) {
      flush();
      paragraph = true;
    }
    if (i >= t.size()) break;
    size_t j = i;
    while (j < t.size() && !std::isspace(static_cast<unsigned char>(t[j]))) ++j;
    // Peel punctuation off the word [i, j).
    size_t b = i, e = j;
    std::vector<std::pair<size_t, size_t>> pieces, tail;
    while (b < e && std::ispunct(static_cast<unsigned char>(t[b])) && t[b] != '@' && t[b] != '#') {
      pieces.push_back({b, b + 1});
      ++b;
    }
    while (e > b && std::ispunct(static_cast<unsigned char>(t[e - 1]))) {
      std::string_view word(t.data() + b, e - b);
      if (t[e - 1] == '.' && IsAbbrev(word)) break;
      tail.insert(tail.begin(), {e - 1, e});
      --e;
    }
    if (b < e) {
      std::string_view word(t.data() + b, e - b);
      size_t split = std::string_view::npos;
      if (word.size() > 2 && (word.ends_with("'s") || word.ends_with("\xE2\x80\x99s"))) {
        split = word.ends_with("'s") ? word.size() - 2 : word.size() - 4;
      } else if (word.size() > 3 && word.ends_with("n't")) {
        split = word.size() - 3;
      }
      if (split != std::string_view::npos) {
        pieces.push_back({b, b + split});
        pieces.push_back({b + split, e});
      } else {
        pieces.push_back({b, e});
      }
    }
    for (auto p : tail) pieces.push_back(p);
    for (size_t k = 0; k < pieces.size(); ++k) {
      nlp::Token tok;
      tok.begin = static_cast<uint32_t>(pieces[k].first);
      tok.end = static_cast<uint32_t>(pieces[k].second);
      tok.form = t.substr(tok.begin, tok.end - tok.begin);
      tok.space_after = k + 1 == pieces.size();
      bool start = cur.tokens.empty();
      tok.upos = GuessUpos(tok.form, start);
      tok.lemma = tok.form;
      for (auto& ch : tok.lemma) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      tok.xpos = tok.upos == "PROPN" ? "NNP" : "_";
      tok.feats = "_";
      if (start) {
        cur.paragraph_start = paragraph;
        paragraph = false;
      }
      cur.tokens.push_back(std::move(tok));
      const std::string& f = cur.tokens.back().form;
      bool end_punct = f == "." || f == "!" || f == "?";
      if (end_punct && k + 1 == pieces.size()) flush();
      if (cur.tokens.size() >= 300) flush();
    }
    i = j;
  }
  flush();
  return doc;
}

}  // namespace kg::extract::internal
