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

#include "bench/tool_args.h"
#include "extract/nlp/conllu.h"
#include "extract/nlp/pipeline.h"

int main(int argc, char** argv) {
  std::string models = kg::nlp::DefaultModelDir(), input = "text", file;
  bool text_only = false;
  int branches = -1;  // -1: the parser's default
  const char* usage = "usage: kg-nlp-run [--models DIR] [--input text|conllu] [--branches K] FILE | --text FILE\n";
  if (kg::bench::WantsHelp(argc, argv)) {
    std::cout << usage << "Runs the NLP pipeline on FILE and writes CoNLL-U; --text prints a treebank's raw text.\n";
    return 0;
  }
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    bool ok = true;
    if (a == "--models" && i + 1 < argc) models = argv[++i];
    else if (a == "--input" && i + 1 < argc) input = argv[++i], ok = input == "text" || input == "conllu";
    else if (a == "--text") text_only = true;
    else if (a == "--branches" && i + 1 < argc) ok = kg::bench::ParseInt(argv[++i], 0, 64, &branches);
    else if (a.rfind("--", 0) == 0) ok = false;
    else file = a;
    if (!ok) {
      std::cerr << "kg-nlp-run: bad argument " << a << (i < argc && argv[i] != a ? std::string(" ") + argv[i] : "")
                << "\n" << usage;
      return 2;
    }
  }
  if (file.empty()) {
    std::cerr << usage;
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
