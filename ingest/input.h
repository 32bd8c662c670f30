// Reading articles to ingest: plain-text files, directories (recursively, in
// name order), JSON Lines files and standard input.
//
// Every problem with one input (unreadable path, empty or binary file, invalid
// UTF-8, malformed JSON line, over-long article) becomes an InputItem whose
// `error` names the file (and line) and says what is wrong; the source then
// goes on with the next input. Nothing here prints.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graph/extraction.h"
#include "graph/model.h"

namespace kg::ingest {

struct InputItem {
  std::string origin;                     // "path" or "path:line", for messages
  Article article;                        // id, title, date, source, url (seq and hash unset)
  std::string text;                       // the article text
  std::optional<Extraction> extraction;   // set when read from `kg extract` output
  std::string error;                      // non-empty: this input failed; the message names origin
};

struct InputOptions {
  // Articles longer than this are refused (a 50 MB single line is not news).
  // Default 8 MiB.
  uint64_t max_article_bytes = 8ull << 20;
  // Plain text: the first line is the title when at most this many bytes and
  // followed by more text. Default 200.
  uint64_t max_title_bytes = 200;
};

// A stream of inputs, read lazily (memory stays bounded by one article).
class InputSource {
 public:
  virtual ~InputSource() = default;
  // Fills `item` with the next article or error; false at the end.
  virtual bool Next(InputItem* item) = 0;
  // Total bytes of the named files (for a progress estimate; stdin counts 0).
  virtual uint64_t total_bytes() const = 0;
};

// `paths`: files, directories, or "-" for `in` (standard input: JSON Lines if
// it starts with '{', else one plain-text article). Files ending in .jsonl are
// JSON Lines with fields id, title, date, source, url, text; others are plain
// text (id = file name, title = first line when short). In directories, files
// are taken in path order; hidden entries are skipped, and only .txt, .text,
// .jsonl and extension-less files are read (named files are always read).
std::unique_ptr<InputSource> OpenInputs(const std::vector<std::string>& paths, std::istream& in,
                                        const InputOptions& options = InputOptions());

// Reads the output of `kg extract --format jsonl` (one ExtractedArticle per
// line, see graph/extraction_json.h) from `path`, or from `in` when path is
// "-"; items carry their extraction.
std::unique_ptr<InputSource> OpenExtracted(const std::string& path, std::istream& in,
                                           const InputOptions& options = InputOptions());

// The items of each source in turn.
std::unique_ptr<InputSource> Chain(std::vector<std::unique_ptr<InputSource>> sources);

// Byte offset of the first invalid UTF-8 sequence (overlong forms, surrogates
// and code points above U+10FFFF are invalid), or nullopt when valid.
std::optional<size_t> FindInvalidUtf8(std::string_view s);

}  // namespace kg::ingest
