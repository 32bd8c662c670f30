// kg-train: trains every model of the NLP pipeline from UD treebanks.
//
//   kg-train --out models --ewt DIR --gum DIR [--wordnet /usr/share/wordnet]
//
// Deterministic: fixed seeds, fixed data order, sorted model tables, so a
// rerun writes byte-identical files.
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "extract/nlp/conllu.h"
#include "extract/nlp/lemmatizer.h"
#include "extract/nlp/model_io.h"
#include "extract/nlp/parser.h"
#include "extract/nlp/tagger.h"
#include "extract/nlp/tokenizer.h"

namespace {

using Clock = std::chrono::steady_clock;

bool ReadFile(const std::string& path, kg::nlp::Document* doc) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "kg-train: cannot read " << path << "\n";
    return false;
  }
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string err;
  if (!kg::nlp::ReadConllu(s, doc, &err)) {
    std::cerr << "kg-train: " << path << ": " << err << "\n";
    return false;
  }
  return true;
}

double Seconds(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

template <typename M>
bool SaveModel(const M& m, const std::string& kind, const std::string& path) {
  kg::nlp::ModelWriter w(kind);
  m.Save(w);
  std::string err;
  if (!w.Save(path, &err)) {
    std::cerr << "kg-train: " << err << "\n";
    return false;
  }
  std::cerr << "wrote " << path << " (" << w.bytes().size() / 1024 << " KiB)\n";
  return true;
}

void Flush(std::string& log) {
  std::cerr << log;
  log.clear();
}

}  // namespace

int main(int argc, char** argv) {
  std::string out = "models", ewt, gum, wordnet, only;
  std::string parser_cache, dev_path;
  int tagger_epochs = 10, parser_epochs = 15, folds = 4, dev_from = 1;
  bool dev_exact = false;
  double explore = 0.9;
  float prune = 0.5f;
  kg::nlp::Parser::TrainOptions popt;
  std::string reprune;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--out") out = next();
    else if (a == "--ewt") ewt = next();
    else if (a == "--gum") gum = next();
    else if (a == "--wordnet") wordnet = next();
    else if (a == "--only") only = next();
    else if (a == "--tagger-epochs") tagger_epochs = std::stoi(next());
    else if (a == "--parser-epochs") parser_epochs = std::stoi(next());
    else if (a == "--folds") folds = std::stoi(next());
    else if (a == "--parser-cache") parser_cache = next();
    else if (a == "--dev") dev_path = next();
    else if (a == "--dev-from") dev_from = std::stoi(next());
    else if (a == "--dev-exact") dev_exact = true;
    else if (a == "--explore") explore = std::stod(next());
    else if (a == "--prune") prune = std::stof(next());
    else if (a == "--prune-features") {
      const std::string v = next();
      const size_t comma = v.find(',');
      popt.feature_prune_actions = std::stof(v.substr(0, comma));
      popt.feature_prune_labels =
          comma == std::string::npos ? popt.feature_prune_actions : std::stof(v.substr(comma + 1));
    } else if (a == "--reprune") reprune = next();
    else {
      std::cerr << "usage: kg-train --out DIR --ewt DIR [--gum DIR] [--wordnet DIR] "
                   "[--only tokenizer|tagger|lemma|parser] [--tagger-epochs N] "
                   "[--parser-epochs N] [--folds K] [--parser-cache FILE] [--dev FILE "
                   "[--dev-from N] [--dev-exact]] [--explore P] [--prune W] [--prune-features A[,L]] "
                   "[--reprune PARSER_BIN]\n"
                   "  --prune-features: drop parser features whose largest |weight| is below A "
                   "(transitions) / L (labels)\n"
                   "  --reprune: no training; apply --prune-features to PARSER_BIN, write "
                   "DIR/parser.bin\n"
                   "  --parser-cache: the jackknifed parser training set (CoNLL-U); read "
                   "if it exists, else computed and written\n"
                   "  --dev: gold CoNLL-U, tagged with DIR/tagger.bin, parsed after each "
                   "parser epoch (UAS/LAS logged)\n";
      return 2;
    }
  }
  if (!reprune.empty()) {
    kg::nlp::Parser ps;
    kg::nlp::ModelReader r;
    std::string err;
    if (!r.Open(reprune, "parser", &err) || !ps.Load(r)) {
      std::cerr << "kg-train: cannot load " << reprune << " " << err << "\n";
      return 1;
    }
    auto stats = [&ps](const char* what) {
      std::cerr << what << ": transitions " << ps.action_features() << " features, table "
                << ps.action_table_bytes() << " B; labels " << ps.label_features()
                << " features, table " << ps.label_table_bytes() << " B\n";
    };
    stats("before");
    ps.PruneWeakFeatures(popt.feature_prune_actions, popt.feature_prune_labels);
    stats("after");
    return SaveModel(ps, "parser", out + "/parser.bin") ? 0 : 1;
  }
  if (ewt.empty()) {
    std::cerr << "kg-train: --ewt is required\n";
    return 2;
  }
  const auto t_all = Clock::now();
  std::vector<kg::nlp::Document> docs(1);
  if (!ReadFile(ewt + "/en_ewt-ud-train.conllu", &docs[0])) return 1;
  if (!gum.empty()) {
    docs.emplace_back();
    if (!ReadFile(gum + "/en_gum-ud-train.redist.conllu", &docs.back())) return 1;
  }
  std::vector<const kg::nlp::Sentence*> train;
  for (const auto& d : docs)
    for (const auto& s : d.sentences) train.push_back(&s);
  std::cerr << "training sentences: " << train.size() << "\n";
  std::string log;
  auto want = [&](const char* part) { return only.empty() || only == part; };

  if (want("tokenizer")) {
    const auto t0 = Clock::now();
    auto tok = kg::nlp::Tokenizer::Train(docs, {}, &log);
    Flush(log);
    if (!SaveModel(*tok, "tokenizer", out + "/tokenizer.bin")) return 1;
    std::cerr << "tokenizer: " << Seconds(t0) << " s\n";
  }
  kg::nlp::Tagger::TrainOptions topt;
  topt.epochs = tagger_epochs;
  if (want("tagger")) {
    const auto t0 = Clock::now();
    auto tg = kg::nlp::Tagger::Train(train, topt, &log);
    Flush(log);
    if (!SaveModel(*tg, "tagger", out + "/tagger.bin")) return 1;
    std::cerr << "tagger: " << Seconds(t0) << " s\n";
  }
  if (want("lemma")) {
    const auto t0 = Clock::now();
    auto lm = kg::nlp::Lemmatizer::Train(train, wordnet, &log);
    Flush(log);
    if (!SaveModel(*lm, "lemmatizer", out + "/lemma.bin")) return 1;
    std::cerr << "lemmatizer: " << Seconds(t0) << " s\n";
  }
  if (want("parser")) {
    const auto t0 = Clock::now();
    // Jackknifed tags: the parser trains on tags like those it will see.
    std::vector<kg::nlp::Sentence> tagged;
    kg::nlp::Document cached;
    if (!parser_cache.empty() && std::ifstream(parser_cache).good()) {
      if (!ReadFile(parser_cache, &cached)) return 1;
      if (cached.sentences.size() != train.size()) {
        std::cerr << "kg-train: " << parser_cache << " does not match the training set\n";
        return 1;
      }
      tagged = std::move(cached.sentences);
      std::cerr << "jackknifed tags read from " << parser_cache << "\n";
    } else {
      tagged.reserve(train.size());
      for (const auto* s : train) tagged.push_back(*s);
      if (folds >= 2) {
        for (int k = 0; k < folds; ++k) {
          std::vector<const kg::nlp::Sentence*> part;
          for (size_t i = 0; i < train.size(); ++i)
            if (static_cast<int>(i % folds) != k) part.push_back(train[i]);
          auto tg = kg::nlp::Tagger::Train(part, topt, nullptr);
          for (size_t i = 0; i < train.size(); ++i)
            if (static_cast<int>(i % folds) == k) {
              kg::nlp::Sentence& s = tagged[i];
              tg->Tag(s);
              // Tag() overwrites feats; heads and labels stay gold.
            }
          std::cerr << "jackknife fold " << k + 1 << "/" << folds << " " << Seconds(t0) << " s\n";
        }
      }
      if (!parser_cache.empty()) {
        kg::nlp::Document d;
        d.sentences = tagged;
        std::ofstream o(parser_cache, std::ios::binary);
        kg::nlp::WriteConllu(d, o);
      }
    }
    kg::nlp::Document dev_doc;
    std::vector<const kg::nlp::Sentence*> dev;
    if (!dev_path.empty()) {
      if (!ReadFile(dev_path, &dev_doc)) return 1;
      kg::nlp::Tagger tg;
      kg::nlp::ModelReader r;
      std::string err;
      if (!r.Open(out + "/tagger.bin", "tagger", &err) || !tg.Load(r)) {
        std::cerr << "kg-train: cannot load " << out << "/tagger.bin for --dev " << err << "\n";
        return 1;
      }
      for (auto& s : dev_doc.sentences) {
        std::vector<std::pair<int, std::string>> gold;
        for (const auto& t : s.tokens) gold.emplace_back(t.head, t.deprel);
        tg.Tag(s);
        for (size_t i = 0; i < s.tokens.size(); ++i)
          s.tokens[i].head = gold[i].first, s.tokens[i].deprel = gold[i].second;
        dev.push_back(&s);
      }
    }
    std::vector<const kg::nlp::Sentence*> ptrain;
    for (const auto& s : tagged) ptrain.push_back(&s);
    popt.epochs = parser_epochs;
    popt.dev_from_epoch = dev_from;
    popt.dev_exact = dev_exact;
    popt.explore_prob = explore;
    popt.prune = prune;
    popt.progress = [](const std::string& s) { std::cerr << s; };
    auto ps = kg::nlp::Parser::Train(ptrain, dev.empty() ? nullptr : &dev, popt, &log);
    Flush(log);
    if (!ps) return 1;
    if (!SaveModel(*ps, "parser", out + "/parser.bin")) return 1;
    std::cerr << "parser: " << Seconds(t0) << " s\n";
  }
  std::cerr << "total: " << Seconds(t_all) << " s\n";
  return 0;
}
