// CoNLL-U reading and writing (https://universaldependencies.org/format.html).
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "extract/nlp/document.h"

namespace kg::nlp {

// Parses CoNLL-U into `doc`. Syntactic words become tokens (multiword-token
// range lines and empty nodes are skipped). Document::text is rebuilt from the
// `# text` comments (or the forms and SpaceAfter=No when a sentence has none):
// sentences of one paragraph are joined by one space, and a `# newpar` or
// `# newdoc` starts a new paragraph, separated by a blank line ("\n\n").
// Token offsets point into that text. Returns false and sets *error
// ("line N: ...") on malformed input.
bool ReadConllu(std::string_view content, Document* doc, std::string* error);

// Writes `doc` as CoNLL-U: `# newpar` before paragraph starts, `# sent_id`
// (1-based counter), `# text` (the sentence span with line breaks replaced by
// spaces) and MISC `TokenRange=begin:end` (byte offsets into doc.text) plus
// `SpaceAfter=No`. Clitics split off a word as EWT does ("do" + "n't",
// "Vance" + "'s") are written under a multiword-token line ("don't").
void WriteConllu(const Document& doc, std::ostream& out);
std::string WriteConllu(const Document& doc);

// True if tokens a, b (adjacent, no space between) form one EWT multiword token.
bool IsMultiwordPair(const Token& a, const Token& b);

}  // namespace kg::nlp
