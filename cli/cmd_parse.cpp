// `kg parse [FILE|-]`: runs the NLP pipeline and writes CoNLL-U to stdout.
//
//   kg parse article.txt                 raw text in: tokenize, split, tag, lemmatize, parse
//   kg parse --input conllu gold.conllu  keep the tokens and sentences, overwrite
//                                        UPOS, XPOS, FEATS, LEMMA, HEAD, DEPREL
//   kg --models DIR parse ...            models from DIR (also $KG_MODELS)
//
// MISC carries TokenRange=begin:end (UTF-8 byte offsets) and, when the NER
// model is present, NER=<IOB2 tag> (B-PER, I-ORG, O, ...).
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>

#include "cli/commands.h"
#include "extract/ner.h"
#include "extract/nlp/conllu.h"
#include "extract/nlp/pipeline.h"

namespace kg::cli {

void AddParseCommand(CLI::App& app, GlobalOptions& g) {
  struct Options {
    std::string file = "-";
    std::string input = "text";
  };
  auto opt = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "parse", "Tokenize, tag, lemmatize and dependency-parse text; write CoNLL-U to stdout");
  cmd->add_option("file", opt->file, "Input file, or - for standard input")->capture_default_str();
  cmd->add_option("--input", opt->input,
                  "Input format: text (raw text) or conllu (keep its tokenization and "
                  "sentence split)")
      ->check(CLI::IsMember({"text", "conllu"}))
      ->capture_default_str();
  cmd->callback([opt, &g]() {
    std::string content;
    if (opt->file == "-") {
      content.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
      std::ifstream in(opt->file, std::ios::binary);
      if (!in) throw Fail("parse", opt->file + ": cannot open file");
      content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    const std::string models = g.models.empty() ? nlp::DefaultModelDir() : g.models;
    std::string error;
    auto pipeline = nlp::Pipeline::Load(models, &error);
    if (!pipeline) throw Fail("parse", error);
    if (g.parser_branches >= 0) pipeline->set_parser_branches(g.parser_branches);
    nlp::Document doc;
    if (opt->input == "conllu") {
      if (!nlp::ReadConllu(content, &doc, &error))
        throw Fail("parse", (opt->file == "-" ? std::string("<stdin>") : opt->file) + ": " + error);
      pipeline->Annotate(doc);
    } else {
      doc = pipeline->Process(content);
    }
    auto ner = extract::NerTagger::Load(models + "/ner.bin");
    if (!ner.ok()) throw Fail("parse", ner.status().ToString());
    std::cout << extract::AddNerToConllu(**ner, doc, nlp::WriteConllu(doc));
    std::cout.flush();
    if (!std::cout) throw Fail("parse", "cannot write to standard output");
  });
}

}  // namespace kg::cli
