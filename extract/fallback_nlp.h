// A crude stand-in for the NLP pipeline, used only when the trained models
// cannot be loaded: whitespace/punctuation tokenization, a rule-based sentence
// split and closed-class POS guesses. No dependency tree (Token::head = -1),
// so extraction falls back to surface patterns. Internal to kg::extract.
#pragma once

#include <string_view>

#include "extract/nlp/document.h"

namespace kg::extract::internal {

nlp::Document HeuristicAnalyze(std::string_view text);

}  // namespace kg::extract::internal
