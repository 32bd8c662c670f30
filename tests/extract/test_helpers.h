// Builds small parsed documents for extraction tests without the parser:
// each sentence is written as "form[:lemma] UPOS HEAD DEPREL" tokens joined by
// " | ", so a test states the tree it reasons about.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "extract/analysis.h"
#include "extract/nlp/conllu.h"

namespace kg::test {

inline nlp::Document Parsed(const std::vector<std::string>& sentences) {
  std::ostringstream conllu;
  for (const auto& s : sentences) {
    std::istringstream in(s);
    std::string item;
    std::vector<std::vector<std::string>> toks;
    while (std::getline(in, item, '|')) {
      std::istringstream f(item);
      std::vector<std::string> cols;
      for (std::string c; f >> c;) cols.push_back(c);
      if (cols.size() == 4) toks.push_back(cols);
    }
    std::string text;
    for (size_t i = 0; i < toks.size(); ++i) {
      std::string form = toks[i][0].substr(0, toks[i][0].find(':'));
      if (form.empty()) form = ":";
      if (i > 0) text += " ";
      text += form;
    }
    conllu << "# text = " << text << "\n";
    for (size_t i = 0; i < toks.size(); ++i) {
      const std::string& fl = toks[i][0];
      auto colon = fl.find(':');
      std::string form = colon == std::string::npos || colon == 0 ? fl : fl.substr(0, colon);
      std::string lemma = colon == std::string::npos || colon == 0 ? form : fl.substr(colon + 1);
      if (lemma == form) {
        for (auto& c : lemma) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (toks[i][1] == "PROPN") lemma = form;
      }
      std::string xpos = toks[i][1] == "PROPN" ? "NNP" : "_";
      conllu << i + 1 << "\t" << form << "\t" << lemma << "\t" << toks[i][1] << "\t" << xpos << "\t_\t"
             << toks[i][2] << "\t" << toks[i][3] << "\t_\t_\n";
    }
    conllu << "\n";
  }
  nlp::Document doc;
  std::string error;
  if (!nlp::ReadConllu(conllu.str(), &doc, &error)) throw std::runtime_error(error);
  return doc;
}

}  // namespace kg::test
