// libFuzzer target: any byte string through the tokenizer and the whole
// pipeline, then through the CoNLL-U writer and reader. Checks that offsets
// stay inside the text and forms equal the text they point at.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "extract/nlp/conllu.h"
#include "extract/nlp/pipeline.h"

namespace {
const kg::nlp::Pipeline* GetPipeline() {
  static const kg::nlp::Pipeline* p = [] {
    std::string err;
    auto pl = kg::nlp::Pipeline::Load(kg::nlp::DefaultModelDir(), &err);
    if (!pl) {
      fprintf(stderr, "fuzz_nlp: %s\n", err.c_str());
      std::abort();
    }
    return pl.release();
  }();
  return p;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const kg::nlp::Document doc = GetPipeline()->Process(text);
  for (const auto& s : doc.sentences) {
    if (s.tokens.empty() || s.tokens.size() > kg::nlp::Pipeline::kMaxSentenceTokens) std::abort();
    for (const auto& t : s.tokens) {
      if (t.begin > t.end || t.end > doc.text.size()) std::abort();
      if (doc.text.compare(t.begin, t.end - t.begin, t.form) != 0) std::abort();
      if (t.head < 0 || t.head > static_cast<int>(s.tokens.size())) std::abort();
    }
  }
  const std::string conllu = kg::nlp::WriteConllu(doc);
  kg::nlp::Document back;
  std::string err;
  (void)kg::nlp::ReadConllu(conllu, &back, &err);
  // The reader must also survive arbitrary bytes.
  (void)kg::nlp::ReadConllu(text, &back, &err);
  return 0;
}
