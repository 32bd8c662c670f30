#include "query/format.h"

#include <algorithm>
#include <map>
#include <set>

namespace kg::query {

std::optional<OutputFormat> ParseOutputFormat(std::string_view name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "json") return OutputFormat::kJson;
  if (name == "jsonl") return OutputFormat::kJsonl;
  if (name == "csv") return OutputFormat::kCsv;
  if (name == "dot") return OutputFormat::kDot;
  return std::nullopt;
}

namespace {

size_t Width(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string Pad(const std::string& s, size_t width) { return s + std::string(width - std::min(width, Width(s)), ' '); }

// Table cells stay on one line.
std::string OneLine(std::string s) {
  for (auto& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return s;
}

void WriteTable(std::ostream& out, const ResultSet& rs) {
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> widths;
  for (const auto& c : rs.columns) widths.push_back(Width(c));
  for (const auto& row : rs.rows) {
    std::vector<std::string> line;
    for (size_t k = 0; k < row.size(); ++k) {
      line.push_back(OneLine(ToDisplay(row[k])));
      widths[k] = std::max(widths[k], Width(line.back()));
    }
    cells.push_back(std::move(line));
  }
  auto write_line = [&](const std::vector<std::string>& line) {
    std::string s;
    for (size_t k = 0; k < line.size(); ++k) {
      if (k) s += " | ";
      s += k + 1 == line.size() ? line[k] : Pad(line[k], widths[k]);
    }
    out << s << "\n";
  };
  write_line(rs.columns);
  std::string rule;
  for (size_t k = 0; k < widths.size(); ++k) rule += (k ? "-+-" : "") + std::string(widths[k], '-');
  out << rule << "\n";
  for (const auto& line : cells) write_line(line);
  out << "(" << rs.rows.size() << (rs.rows.size() == 1 ? " row)" : " rows)") << "\n";
}

void CollectGraph(const Value& v, std::map<EntityId, std::string>* nodes, std::map<FactId, Value::RelPtr>* rels) {
  switch (v.kind()) {
    case Value::Kind::kNode:
      if (v.as_node().entity) {
        (*nodes)[v.as_node().id] = v.as_node().entity->name + "\n(" +
                                   std::string(EntityTypeName(v.as_node().entity->type)) + ")";
      } else {
        nodes->emplace(v.as_node().id, "#" + std::to_string(v.as_node().id));
      }
      break;
    case Value::Kind::kRel: (*rels)[v.as_rel().id] = v.rel_ptr(); break;
    case Value::Kind::kPath:
      for (const auto& n : v.as_path().nodes) CollectGraph(Value::Node(n), nodes, rels);
      for (const auto& r : v.as_path().rels) (*rels)[r->id] = r;
      break;
    case Value::Kind::kList:
      for (const auto& e : v.as_list()) CollectGraph(e, nodes, rels);
      break;
    case Value::Kind::kMap:
      for (const auto& [k, e] : v.as_map()) CollectGraph(e, nodes, rels);
      break;
    default: break;
  }
}

void WriteDot(std::ostream& out, const ResultSet& rs) {
  std::map<EntityId, std::string> nodes;
  std::map<FactId, Value::RelPtr> rels;
  for (const auto& row : rs.rows) {
    for (const auto& v : row) CollectGraph(v, &nodes, &rels);
  }
  for (const auto& [id, r] : rels) {
    for (EntityId end : {r->subject, r->object}) {
      auto it = rs.endpoints.find(end);
      nodes.emplace(end, it != rs.endpoints.end()
                             ? it->second->name + "\n(" + std::string(EntityTypeName(it->second->type)) + ")"
                             : "#" + std::to_string(end));
    }
  }
  out << "digraph kg {\n  node [shape=box, style=rounded];\n";
  for (const auto& [id, label] : nodes) out << "  n" << id << " [label=" << JsonQuote(label) << "];\n";
  for (const auto& [id, r] : rels) {
    out << "  n" << r->subject << " -> n" << r->object << " [label=" << JsonQuote(r->predicate)
        << (r->negated ? ", style=dashed, color=red" : "") << "];\n";
  }
  out << "}\n";
}

}  // namespace

std::string CsvCell(const Value& v) {
  std::string s = v.kind() == Value::Kind::kNode ? v.as_node().entity ? v.as_node().entity->name : ToDisplay(v)
                                                 : ToDisplay(v);
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

void WriteCsvRow(std::ostream& out, const std::vector<std::string>& cells) {
  for (size_t k = 0; k < cells.size(); ++k) out << (k ? "," : "") << cells[k];
  out << "\r\n";
}

std::string JsonlRow(const std::vector<std::string>& columns, const std::vector<Value>& row) {
  std::string s = "{";
  for (size_t k = 0; k < row.size(); ++k) s += (k ? "," : "") + JsonQuote(columns[k]) + ":" + ToJson(row[k]);
  return s + "}";
}

void WriteResult(std::ostream& out, const ResultSet& rs, OutputFormat format) {
  switch (format) {
    case OutputFormat::kTable: WriteTable(out, rs); break;
    case OutputFormat::kJson: {
      out << "{\"columns\":[";
      for (size_t k = 0; k < rs.columns.size(); ++k) out << (k ? "," : "") << JsonQuote(rs.columns[k]);
      out << "],\"rows\":[";
      for (size_t r = 0; r < rs.rows.size(); ++r) out << (r ? ",\n" : "\n") << JsonlRow(rs.columns, rs.rows[r]);
      out << "\n]}\n";
      break;
    }
    case OutputFormat::kJsonl:
      for (const auto& row : rs.rows) out << JsonlRow(rs.columns, row) << "\n";
      break;
    case OutputFormat::kCsv: {
      std::vector<std::string> header;
      for (const auto& c : rs.columns) header.push_back(CsvCell(Value::String(c)));
      WriteCsvRow(out, header);
      for (const auto& row : rs.rows) {
        std::vector<std::string> cells;
        for (const auto& v : row) cells.push_back(CsvCell(v));
        WriteCsvRow(out, cells);
      }
      break;
    }
    case OutputFormat::kDot: WriteDot(out, rs); break;
  }
}

Status RunAndWrite(const store::Store& store, std::string_view text, const QueryOptions& options,
                   OutputFormat format, std::ostream& out) {
  if (format == OutputFormat::kJsonl || format == OutputFormat::kCsv) {
    std::vector<std::string> columns;
    return RunQuery(
        store, text, options,
        [&](const std::vector<std::string>& cols) {
          columns = cols;
          if (format == OutputFormat::kCsv) {
            std::vector<std::string> header;
            for (const auto& c : cols) header.push_back(CsvCell(Value::String(c)));
            WriteCsvRow(out, header);
          }
        },
        [&](std::vector<Value>& row) {
          if (format == OutputFormat::kJsonl) {
            out << JsonlRow(columns, row) << "\n";
          } else {
            std::vector<std::string> cells;
            for (const auto& v : row) cells.push_back(CsvCell(v));
            WriteCsvRow(out, cells);
          }
          return static_cast<bool>(out);
        });
  }
  auto rs = RunQuery(store, text, options);
  if (!rs.ok()) return rs.status();
  WriteResult(out, *rs, format);
  return Status::Ok();
}

}  // namespace kg::query
