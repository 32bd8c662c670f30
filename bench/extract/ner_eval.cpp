// kg-bench-ner: entity F1 (PER/ORG/LOC, exact span) of the NER tagger on a
// UNER IOB2 file, with POS from our own tagger (gold tokens and sentences).
// Scored twice: the tagger alone (each sentence on its own), then with the
// document pass the extraction runs over each article
// (PropagateDocumentNames, documents from the "# newdoc id" lines).
//   kg-bench-ner DEV.iob2 [MODEL_DIR]
// With KG_NER_DUMP=FILE, the sentences the tagger alone gets wrong go to FILE
// (form, UPOS, gold, predicted), for bench/extract/ner_errors.py.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "bench/tool_args.h"
#include "extract/ner.h"
#include "extract/nlp/pipeline.h"

using namespace kg;

int main(int argc, char** argv) {
  if (kg::bench::WantsHelp(argc, argv)) {
    std::cout << "usage: kg-bench-ner DEV.iob2 [MODEL_DIR]\n"
                 "Entity F1 (PER/ORG/LOC, exact span) of the NER tagger; KG_NER_DUMP=FILE writes its errors.\n";
    return 0;
  }
  if (argc < 2) {
    std::cerr << "usage: kg-bench-ner DEV.iob2 [MODEL_DIR]\n";
    return 2;
  }
  std::string dir = argc > 2 ? argv[2] : nlp::DefaultModelDir();
  std::string err;
  auto pipeline = nlp::Pipeline::Load(dir, &err);
  if (!pipeline) {
    std::cerr << "kg-bench-ner: " << err << "\n";
    return 1;
  }
  auto ner = extract::NerTagger::Load(dir + "/ner.bin");
  if (!ner.ok()) {
    std::cerr << "kg-bench-ner: " << ner.status().ToString() << "\n";
    return 1;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::cerr << "kg-bench-ner: cannot open " << argv[1] << "\n";
    return 1;
  }
  // Read sentences: forms and gold tags.
  nlp::Document doc;
  std::vector<std::vector<int>> gold;
  std::string line;
  nlp::Sentence cur;
  std::vector<int> cur_tags;
  std::vector<size_t> doc_start;  // index of each document's first sentence
  auto flush = [&]() {
    if (!cur.tokens.empty()) {
      doc.sentences.push_back(std::move(cur));
      gold.push_back(std::move(cur_tags));
    }
    cur = nlp::Sentence();
    cur_tags.clear();
  };
  while (std::getline(in, line)) {
    if (line.empty()) {
      flush();
      continue;
    }
    if (line[0] == '#') {
      if (line.rfind("# newdoc", 0) == 0) {
        flush();
        doc_start.push_back(doc.sentences.size());
      }
      continue;
    }
    std::vector<std::string> f;
    std::istringstream ls(line);
    for (std::string x; std::getline(ls, x, '\t');) f.push_back(x);
    if (f.size() < 3) continue;
    nlp::Token t;
    t.begin = static_cast<uint32_t>(doc.text.size());
    doc.text += f[1];
    t.end = static_cast<uint32_t>(doc.text.size());
    doc.text += " ";
    t.form = f[1];
    cur.tokens.push_back(t);
    int tag = extract::NerTagId(f[2]);
    cur_tags.push_back(tag < 0 ? 0 : tag);
  }
  flush();
  pipeline->Annotate(doc);
  std::vector<std::vector<int>> tagged;
  for (const auto& sent : doc.sentences) tagged.push_back(ner.value()->Tag(sent));
  auto report = [&](const char* title, const std::vector<std::vector<int>>& pred) {
    long tp = 0, np = 0, ng = 0;
    long ctp[8] = {0}, cnp[8] = {0}, cng[8] = {0};
    for (size_t s = 0; s < doc.sentences.size(); ++s) {
      auto g = kg::extract::ScoredNerSpans(gold[s]);
      auto p = kg::extract::ScoredNerSpans(pred[s]);
      ng += static_cast<long>(g.size());
      np += static_cast<long>(p.size());
      for (const auto& x : p) {
        bool hit = g.count(x) > 0;
        tp += hit;
        ctp[x.tag] += hit;
        cnp[x.tag]++;
      }
      for (const auto& x : g) cng[x.tag]++;
    }
    auto f1 = [](double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0.0; };
    double P = np ? double(tp) / np : 0, R = ng ? double(tp) / ng : 0;
    std::printf("%s: sentences %zu  entities %ld\n", title, doc.sentences.size(), ng);
    for (int c : {1, 3, 5}) {
      double p = cnp[c] ? double(ctp[c]) / cnp[c] : 0, r = cng[c] ? double(ctp[c]) / cng[c] : 0;
      std::printf("%s  P %.1f  R %.1f  F1 %.1f\n", std::string(extract::NerTagName(c).substr(2)).c_str(), 100 * p, 100 * r, 100 * f1(p, r));
    }
    std::printf("ALL  P %.1f  R %.1f  F1 %.1f\n", 100 * P, 100 * R, 100 * f1(P, R));
  };
  report("tagger", tagged);
  if (const char* dump = std::getenv("KG_NER_DUMP"); dump != nullptr) {
    std::ofstream out(dump);
    for (size_t s = 0; s < doc.sentences.size(); ++s) {
      if (tagged[s] == gold[s]) continue;
      for (size_t i = 0; i < tagged[s].size(); ++i) {
        const auto& t = doc.sentences[s].tokens[i];
        out << t.form << '\t' << t.upos << '\t' << extract::NerTagName(gold[s][i]) << '\t'
            << extract::NerTagName(tagged[s][i]) << '\n';
      }
      out << '\n';
    }
  }
  // The document pass, over each document's sentences.
  doc_start.push_back(doc.sentences.size());
  if (doc_start.front() != 0) doc_start.insert(doc_start.begin(), 0);
  std::vector<std::vector<int>> propagated;
  for (size_t d = 0; d + 1 < doc_start.size(); ++d) {
    std::vector<nlp::Sentence> sents(doc.sentences.begin() + static_cast<long>(doc_start[d]),
                                     doc.sentences.begin() + static_cast<long>(doc_start[d + 1]));
    std::vector<std::vector<int>> tags(tagged.begin() + static_cast<long>(doc_start[d]),
                                       tagged.begin() + static_cast<long>(doc_start[d + 1]));
    extract::PropagateDocumentNames(sents, ner.value().get(), &tags);
    for (auto& t : tags) propagated.push_back(std::move(t));
  }
  report("tagger + document pass", propagated);
  return 0;
}
