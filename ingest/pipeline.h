// The ingest pipeline: N worker threads extract articles in parallel while the
// calling thread, the single writer, commits them to the store in input
// order. The queue between them is bounded, so memory stays flat however long
// the input; and since commits happen in input order, the resulting database
// does not depend on the number of workers.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "extract/extractor.h"
#include "graph/status.h"
#include "ingest/input.h"
#include "store/store.h"

namespace kg::ingest {

// What happened to one input, reported in input order.
struct ItemReport {
  uint64_t index = 0;            // 0-based position in the input
  std::string origin;            // "path" or "path:line"
  std::string article_id;
  std::string error;             // non-empty: skipped because of this (the message names origin)
  bool duplicate = false;        // same text already stored: nothing written
  store::CommitResult result;    // when committed
  uint64_t bytes = 0;            // article text size
  uint64_t tokens = 0;
  uint64_t facts = 0;            // facts extracted from it
};

struct IngestSummary {
  uint64_t articles = 0;         // committed
  uint64_t duplicates = 0;
  uint64_t errors = 0;
  uint64_t new_entities = 0;
  uint64_t new_facts = 0;
  uint64_t reinforced_facts = 0;
  uint64_t bytes = 0;            // text bytes of the committed articles
  uint64_t tokens = 0;
  uint64_t extracted_facts = 0;  // facts extracted from the committed articles
  double seconds = 0.0;
};

struct IngestOptions {
  int jobs = 0;                  // extraction threads; 0 = hardware threads
  int queue_per_job = 4;         // articles in flight per thread (the memory bound)
  // Called on the writer (calling) thread after each input, in input order.
  std::function<void(const ItemReport&, const IngestSummary&)> on_item;
};

// Reads `input` to the end. `extractor` may be null only if every item carries
// its extraction (`kg ingest --extracted`). Per-article problems are reported
// through on_item and counted in `errors`; only a failure of the store itself
// (I/O error, disk full, ...) stops the run and is returned.
Result<IngestSummary> Run(store::Store& store, const extract::Extractor* extractor,
                          InputSource& input, const IngestOptions& options = IngestOptions());

}  // namespace kg::ingest
