// libFuzzer target for the query front end: any byte string must lex and
// parse (or fail with a positioned error) without crashing or hanging, and
// the error must render. Built with -DKG_FUZZ=ON; run by bench/query/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "query/engine.h"
#include "query/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = kg::query::Parse(text);
  if (auto* err = std::get_if<kg::query::QueryError>(&parsed)) {
    std::string shown = kg::query::FormatQueryError(text, *err);
    if (shown.empty()) __builtin_trap();
  }
  (void)kg::query::ParseExpression(text);
  std::pair<std::string, kg::query::Value> param;
  (void)kg::query::ParseParam(text, &param);
  return 0;
}
