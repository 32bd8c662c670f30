// kg-extract-debug: shows every stage of extraction for a text (tokens with
// POS, tree and NER tag; mentions; propositions; facts). A development aid.
//   kg-extract-debug [--conllu] FILE [MODEL_DIR]
#include <fstream>
#include <iostream>
#include <sstream>

#include "bench/tool_args.h"
#include "extract/analysis.h"
#include "extract/nlp/conllu.h"
#include "extract/nlp/pipeline.h"

using namespace kg;
using namespace kg::extract;

int main(int argc, char** argv) {
  if (kg::bench::WantsHelp(argc, argv)) {
    std::cout << "usage: kg-extract-debug [--conllu] FILE [MODEL_DIR]\n"
                 "Shows every stage of extraction for FILE (text, or CoNLL-U with --conllu).\n";
    return 0;
  }
  bool conllu = argc > 1 && std::string(argv[1]) == "--conllu";
  int a0 = conllu ? 2 : 1;
  if (argc <= a0) {
    std::cerr << "usage: kg-extract-debug [--conllu] FILE [MODEL_DIR]\n";
    return 2;
  }
  std::string dir = argc > a0 + 1 ? argv[a0 + 1] : nlp::DefaultModelDir();
  std::ifstream in(argv[a0]);
  if (!in) {
    std::cerr << "kg-extract-debug: cannot read " << argv[a0] << "\n";
    return 1;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  nlp::Document doc;
  std::string err;
  if (conllu) {
    if (!nlp::ReadConllu(ss.str(), &doc, &err)) {
      std::cerr << err << "\n";
      return 1;
    }
  } else {
    auto p = nlp::Pipeline::Load(dir, &err);
    if (!p) {
      std::cerr << err << "\n";
      return 1;
    }
    doc = p->Process(ss.str());
  }
  auto ner = NerTagger::Load(dir + "/ner.bin");
  auto lex = internal::Lexicon::Load(dir + "/lexicon.tsv");
  for (uint32_t si = 0; si < doc.sentences.size(); ++si) {
    const auto& s = doc.sentences[si];
    auto tags = ner.ok() ? ner.value()->Tag(s) : HeuristicNerTags(s);
    std::cout << "# sentence " << si << "\n";
    for (size_t i = 0; i < s.tokens.size(); ++i) {
      const auto& t = s.tokens[i];
      std::cout << i << "\t" << t.form << "\t" << t.lemma << "\t" << t.upos << "\t" << t.xpos << "\t" << t.head - 1
                << "\t" << t.deprel << "\t" << NerTagName(tags[i]) << "\n";
    }
    for (const auto& p : internal::ExtractPropositions(doc, si, lex)) {
      std::cout << "  PROP " << p.confidence << " [" << internal::SpanText(s, p.subj.b, p.subj.e) << "] <" << p.lemma
                << " / " << p.relation << ">";
      for (const auto& a : p.args) std::cout << " [" << a.prep << (a.prep.empty() ? "" : ":") << internal::SpanText(s, a.b, a.e) << "]";
      if (p.negated) std::cout << " NEG";
      if (p.passive) std::cout << " PASSIVE";
      if (p.attribution >= 0) std::cout << " SRC=" << s.tokens[p.attribution].form;
      std::cout << "\n";
    }
  }
  auto x = internal::ExtractFromDocument(doc, ner.ok() ? ner.value().get() : nullptr, lex, false);
  std::cout << "# entities\n";
  for (size_t i = 0; i < x.entities.size(); ++i) {
    const auto& e = x.entities[i];
    if (e.type == EntityType::kConcept) continue;
    std::cout << i << "\t" << e.name << "\t" << EntityTypeName(e.type) << "\t";
    for (const auto& n : e.names) std::cout << n << "; ";
    for (const auto& n : e.titles) std::cout << "T:" << n << "; ";
    std::cout << "\n";
  }
  std::cout << "# facts\n";
  for (const auto& f : x.facts) {
    std::cout << f.sentence << "\t" << x.entities[f.subject].name << " | " << f.predicate << " | " << x.entities[f.object].name
              << "\t" << f.confidence << (f.negated ? " NEG" : "") << " " << ModalityName(f.modality)
              << (f.attribution.empty() ? "" : " src=" + f.attribution) << "\n";
  }
  return 0;
}
