#include "extract/nlp/pipeline.h"

#include <cstdlib>

#include "extract/nlp/lemmatizer.h"
#include "extract/nlp/model_io.h"
#include "extract/nlp/parser.h"
#include "extract/nlp/tagger.h"
#include "extract/nlp/text_util.h"
#include "extract/nlp/tokenizer.h"

#ifndef KG_MODEL_DIR
#define KG_MODEL_DIR "models"
#endif

namespace kg::nlp {

Pipeline::Pipeline() = default;
Pipeline::~Pipeline() = default;

namespace {

template <typename M>
std::unique_ptr<M> LoadPart(const std::string& dir, const char* file, const char* kind,
                            std::string* error) {
  ModelReader r;
  const std::string path = dir + "/" + file;
  if (!r.Open(path, kind, error)) return nullptr;
  auto m = std::make_unique<M>();
  bool ok = false;
  try {
    ok = m->Load(r);
  } catch (const std::exception&) {  // e.g. bad_alloc on a corrupt size field
    ok = false;
  }
  if (!ok) {
    if (error) *error = r.error();
    return nullptr;
  }
  return m;
}

}  // namespace

std::unique_ptr<Pipeline> Pipeline::Load(const std::string& model_dir, std::string* error) {
  std::unique_ptr<Pipeline> p(new Pipeline());
  p->tokenizer_ = LoadPart<Tokenizer>(model_dir, "tokenizer.bin", "tokenizer", error);
  if (!p->tokenizer_) return nullptr;
  p->tagger_ = LoadPart<Tagger>(model_dir, "tagger.bin", "tagger", error);
  if (!p->tagger_) return nullptr;
  p->lemmatizer_ = LoadPart<Lemmatizer>(model_dir, "lemma.bin", "lemmatizer", error);
  if (!p->lemmatizer_) return nullptr;
  p->parser_ = LoadPart<Parser>(model_dir, "parser.bin", "parser", error);
  if (!p->parser_) return nullptr;
  return p;
}

Document Pipeline::Process(std::string_view text) const {
  Document doc;
  doc.text = SanitizeUtf8(text);
  doc.sentences = tokenizer_->Tokenize(doc.text, kMaxSentenceTokens);
  Annotate(doc);
  return doc;
}

void Pipeline::Annotate(Document& doc) const {
  for (Sentence& s : doc.sentences) {
    if (s.tokens.empty()) continue;
    if (static_cast<int>(s.tokens.size()) > kMaxSentenceTokens) {
      // Gold input with a giant sentence: parse it in bounded pieces, each
      // piece's root attached to the first piece's root.
      int first_root = 0;
      for (size_t start = 0; start < s.tokens.size(); start += kMaxSentenceTokens) {
        Sentence piece;
        const size_t end = std::min(s.tokens.size(), start + kMaxSentenceTokens);
        piece.tokens.assign(s.tokens.begin() + start, s.tokens.begin() + end);
        tagger_->Tag(piece);
        lemmatizer_->Lemmatize(piece);
        parser_->Parse(piece);
        for (size_t i = 0; i < piece.tokens.size(); ++i) {
          Token t = std::move(piece.tokens[i]);
          if (t.head > 0) {
            t.head += static_cast<int>(start);
          } else if (first_root == 0) {
            first_root = static_cast<int>(start + i + 1);
          } else {
            t.head = first_root;
            t.deprel = "parataxis";
          }
          s.tokens[start + i] = std::move(t);
        }
      }
      continue;
    }
    tagger_->Tag(s);
    lemmatizer_->Lemmatize(s);
    parser_->Parse(s);
  }
}

void Pipeline::set_parser_branches(int k) { parser_->set_branches(k); }

int Pipeline::parser_branches() const { return parser_->branches(); }

std::string DefaultModelDir() {
  const char* env = std::getenv("KG_MODELS");
  if (env != nullptr && *env != '\0') return env;
  return KG_MODEL_DIR;
}

}  // namespace kg::nlp
