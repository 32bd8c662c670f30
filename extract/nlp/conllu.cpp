#include "extract/nlp/conllu.h"

#include <charconv>
#include <sstream>
#include <vector>

#include "extract/nlp/text_util.h"

namespace kg::nlp {
namespace {

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> cols;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    if (tab == std::string_view::npos) {
      cols.push_back(line.substr(start));
      break;
    }
    cols.push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
  return cols;
}

bool ParseInt(std::string_view s, int* v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size();
}

struct PendingSentence {
  std::string text;
  bool has_text = false;
  bool paragraph_start = false;
  std::vector<Token> tokens;
};

// Appends sentence `ps` to `doc`, placing its tokens into doc->text.
void Flush(PendingSentence& ps, Document* doc) {
  if (ps.tokens.empty()) {
    ps = PendingSentence{};
    return;
  }
  std::string text = ps.text;
  if (!ps.has_text) {
    text.clear();
    for (const auto& t : ps.tokens) {
      text += t.form;
      if (t.space_after) text += ' ';
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
  }
  if (!doc->text.empty()) doc->text += (ps.paragraph_start ? "\n\n" : " ");
  const uint32_t base = static_cast<uint32_t>(doc->text.size());
  doc->text += text;
  Sentence s;
  s.paragraph_start = ps.paragraph_start || doc->sentences.empty();
  s.begin = base;
  s.end = static_cast<uint32_t>(doc->text.size());
  // Align forms to the text; a form that is not found at the cursor (skipping
  // white space) gets an empty span at the cursor.
  size_t cur = 0;
  for (auto& t : ps.tokens) {
    size_t p = cur;
    while (p < text.size() && (text[p] == ' ' || text[p] == '\t' || text[p] == '\n')) ++p;
    if (text.compare(p, t.form.size(), t.form) == 0) {
      t.begin = static_cast<uint32_t>(base + p);
      t.end = static_cast<uint32_t>(base + p + t.form.size());
      cur = p + t.form.size();
    } else {
      t.begin = t.end = static_cast<uint32_t>(base + cur);
    }
    s.tokens.push_back(std::move(t));
  }
  // space_after from the text itself when it was given.
  if (ps.has_text) {
    for (size_t i = 0; i + 1 < s.tokens.size(); ++i)
      s.tokens[i].space_after = s.tokens[i].end < s.tokens[i + 1].begin;
    s.tokens.back().space_after = true;
  }
  doc->sentences.push_back(std::move(s));
  ps = PendingSentence{};
}

}  // namespace

bool ReadConllu(std::string_view content, Document* doc, std::string* error) {
  *doc = Document{};
  PendingSentence ps;
  size_t line_no = 0, pos = 0;
  // MWT ranges: space_after of the range applies to its last word.
  int mwt_last = -1;
  bool mwt_space = true;
  while (pos <= content.size()) {
    size_t nl = content.find('\n', pos);
    if (nl == std::string_view::npos) nl = content.size();
    std::string_view line = content.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      Flush(ps, doc);
      if (nl == content.size()) break;
      continue;
    }
    if (line[0] == '#') {
      if (line.rfind("# text = ", 0) == 0) {
        ps.text = std::string(line.substr(9));
        ps.has_text = true;
      } else if (line.rfind("# newpar", 0) == 0 || line.rfind("# newdoc", 0) == 0) {
        ps.paragraph_start = true;
      }
      if (nl == content.size()) break;
      continue;
    }
    auto cols = SplitTabs(line);
    if (cols.size() != 10) {
      if (error) *error = "line " + std::to_string(line_no) + ": expected 10 tab-separated columns";
      return false;
    }
    const std::string_view id = cols[0];
    if (id.find('.') != std::string_view::npos) continue;  // empty node
    const size_t dash = id.find('-');
    if (dash != std::string_view::npos) {
      int last = 0;
      if (!ParseInt(id.substr(dash + 1), &last)) {
        if (error) *error = "line " + std::to_string(line_no) + ": bad range id";
        return false;
      }
      mwt_last = last;
      mwt_space = cols[9].find("SpaceAfter=No") == std::string_view::npos;
      continue;
    }
    int n = 0;
    if (!ParseInt(id, &n) || n != static_cast<int>(ps.tokens.size()) + 1) {
      if (error) *error = "line " + std::to_string(line_no) + ": bad or out-of-order word id";
      return false;
    }
    Token t;
    t.form = std::string(cols[1]);
    t.lemma = std::string(cols[2]);
    t.upos = std::string(cols[3]);
    t.xpos = std::string(cols[4]);
    t.feats = std::string(cols[5]);
    if (cols[6] == "_") {
      t.head = -1;
    } else if (!ParseInt(cols[6], &t.head) || t.head < 0) {
      if (error) *error = "line " + std::to_string(line_no) + ": bad head";
      return false;
    }
    t.deprel = cols[7] == "_" ? "" : std::string(cols[7]);
    if (n < mwt_last) t.space_after = false;
    else if (n == mwt_last) t.space_after = mwt_space;
    else t.space_after = cols[9].find("SpaceAfter=No") == std::string_view::npos;
    ps.tokens.push_back(std::move(t));
    if (nl == content.size()) break;
  }
  Flush(ps, doc);
  for (const auto& s : doc->sentences)
    for (const auto& t : s.tokens)
      if (t.head > static_cast<int>(s.tokens.size())) {
        if (error) *error = "head out of range in sentence starting at byte " + std::to_string(s.begin);
        return false;
      }
  return true;
}

bool IsMultiwordPair(const Token& a, const Token& b) {
  if (a.space_after || a.end != b.begin || a.form.empty() || b.form.empty()) return false;
  const std::string lb = Lower(b.form), la = Lower(a.form);
  auto alpha = [](const std::string& s) {
    for (char c : s)
      if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) return false;
    return true;
  };
  if (!alpha(la)) return false;
  static const char* const kClitics[] = {"'s",  "'m",  "'d",  "'ll", "'re", "'ve", "n't",
                                         "\xE2\x80\x99s", "\xE2\x80\x99m", "\xE2\x80\x99" "d",
                                         "\xE2\x80\x99ll", "\xE2\x80\x99re", "\xE2\x80\x99ve",
                                         "n\xE2\x80\x99t"};
  for (const char* c : kClitics)
    if (lb == c) return true;
  if (lb == "na" && (la == "gon" || la == "wan")) return true;
  if (lb == "ta" && la == "got") return true;
  if (lb == "not" && la == "can") return true;
  if (lb == "nt" && alpha(la)) return true;
  return false;
}

void WriteConllu(const Document& doc, std::ostream& out) {
  int sent_id = 0;
  for (const auto& s : doc.sentences) {
    ++sent_id;
    if (s.paragraph_start) out << "# newpar\n";
    out << "# sent_id = " << sent_id << "\n";
    std::string text = s.end <= doc.text.size() && s.begin <= s.end
                           ? doc.text.substr(s.begin, s.end - s.begin)
                           : std::string();
    for (char& c : text)
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    out << "# text = " << text << "\n";
    const auto& toks = s.tokens;
    for (size_t i = 0; i < toks.size(); ++i) {
      // Multiword token: a run of clitic pairs.
      size_t j = i;
      while (j + 1 < toks.size() && IsMultiwordPair(toks[j], toks[j + 1])) ++j;
      if (j > i) {
        out << i + 1 << '-' << j + 1 << '\t';
        if (toks[i].begin <= toks[j].end && toks[j].end <= doc.text.size())
          out << doc.text.substr(toks[i].begin, toks[j].end - toks[i].begin);
        else
          for (size_t k = i; k <= j; ++k) out << toks[k].form;
        out << "\t_\t_\t_\t_\t_\t_\t_\t" << (toks[j].space_after ? "_" : "SpaceAfter=No") << '\n';
      }
      for (size_t k = i; k <= j; ++k) {
        const Token& t = toks[k];
        auto col = [](const std::string& v) -> const std::string& {
          static const std::string kUnd = "_";
          return v.empty() ? kUnd : v;
        };
        out << k + 1 << '\t' << col(t.form) << '\t' << col(t.lemma) << '\t' << col(t.upos) << '\t'
            << col(t.xpos) << '\t' << col(t.feats) << '\t';
        if (t.head >= 0) out << t.head;
        else out << '_';
        out << '\t' << col(t.deprel) << "\t_\tTokenRange=" << t.begin << ':' << t.end;
        if (!t.space_after && j == i) out << "|SpaceAfter=No";
        out << '\n';
      }
      i = j;
    }
    out << '\n';
  }
}

std::string WriteConllu(const Document& doc) {
  std::ostringstream os;
  WriteConllu(doc, os);
  return os.str();
}

}  // namespace kg::nlp
