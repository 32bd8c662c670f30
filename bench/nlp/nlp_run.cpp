// kg-nlp-run: runs the NLP pipeline without the `kg` CLI (used by eval.sh).
//
//   kg-nlp-run [--models DIR] [--input text|conllu] [--branches K] FILE   -> CoNLL-U on stdout
//   kg-nlp-run --text FILE.conllu                          -> the raw text of a treebank
//
// --text prints the `# text` lines joined as ReadConllu does: sentences of a
// paragraph separated by a space, paragraphs (`# newpar`, `# newdoc`) by a
// blank line. That is the input of the raw-text evaluation.
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "extract/nlp/conllu.h"
#include "extract/nlp/pipeline.h"

int main(int argc, char** argv) {
  std::string models = kg::nlp::DefaultModelDir(), input = "text", file;
  bool text_only = false;
  int branches = -1;  // -1: the parser's default
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--models" && i + 1 < argc) models = argv[++i];
    else if (a == "--input" && i + 1 < argc) input = argv[++i];
    else if (a == "--text") text_only = true;
    else if (a == "--branches" && i + 1 < argc) branches = std::stoi(argv[++i]);
    else file = a;
  }
  if (file.empty()) {
    std::cerr << "usage: kg-nlp-run [--models DIR] [--input text|conllu] [--branches K] FILE | --text FILE\n";
    return 2;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "kg-nlp-run: cannot read " << file << "\n";
    return 1;
  }
  const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string err;
  if (text_only || input == "conllu") {
    kg::nlp::Document doc;
    if (!kg::nlp::ReadConllu(content, &doc, &err)) {
      std::cerr << "kg-nlp-run: " << file << ": " << err << "\n";
      return 1;
    }
    if (text_only) {
      std::cout << doc.text << "\n";
      return 0;
    }
    auto p = kg::nlp::Pipeline::Load(models, &err);
    if (!p) {
      std::cerr << "kg-nlp-run: " << err << "\n";
      return 1;
    }
    if (branches >= 0) p->set_parser_branches(branches);
    p->Annotate(doc);
    kg::nlp::WriteConllu(doc, std::cout);
    return 0;
  }
  auto p = kg::nlp::Pipeline::Load(models, &err);
  if (!p) {
    std::cerr << "kg-nlp-run: " << err << "\n";
    return 1;
  }
  if (branches >= 0) p->set_parser_branches(branches);
  kg::nlp::WriteConllu(p->Process(content), std::cout);
  return 0;
}
