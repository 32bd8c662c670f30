// Rendering a ResultSet: table, json, jsonl, csv and dot (GraphViz: the
// nodes and relationships found anywhere in the result).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "query/engine.h"

namespace kg::query {

enum class OutputFormat { kTable, kJson, kJsonl, kCsv, kDot };

std::optional<OutputFormat> ParseOutputFormat(std::string_view name);

// Writes the whole result in `format`. In dot, a relationship end that is not
// itself a node of the result is drawn with its id ("#42").
void WriteResult(std::ostream& out, const ResultSet& rs, OutputFormat format);

// Runs a query and writes its result to `out` (jsonl and csv stream row by
// row; the others need the whole result first). Returns the query's status;
// on error nothing (table/json/dot) or the rows so far (jsonl/csv) were written.
Status RunAndWrite(const store::Store& store, std::string_view text, const QueryOptions& options,
                   OutputFormat format, std::ostream& out);

// Streaming pieces, for formats that need no look-ahead (jsonl, csv).
void WriteCsvRow(std::ostream& out, const std::vector<std::string>& cells);
std::string CsvCell(const Value& v);
std::string JsonlRow(const std::vector<std::string>& columns, const std::vector<Value>& row);

}  // namespace kg::query
