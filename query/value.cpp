#include "query/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace kg::query {

namespace {

// ORDER BY rank of each kind (openCypher's order; numbers share one rank).
int KindRank(Value::Kind k) {
  switch (k) {
    case Value::Kind::kMap: return 0;
    case Value::Kind::kNode: return 1;
    case Value::Kind::kRel: return 2;
    case Value::Kind::kList: return 3;
    case Value::Kind::kPath: return 4;
    case Value::Kind::kString: return 5;
    case Value::Kind::kBool: return 6;
    case Value::Kind::kInt:
    case Value::Kind::kFloat: return 7;
    case Value::Kind::kNull: return 8;
  }
  return 8;
}

std::string FormatFloat(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), d);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

template <typename T>
int Cmp(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace

double FloatToDouble(float f) {
  if (!std::isfinite(f)) return static_cast<double>(f);
  // The shortest decimal that reads back as f, read as a double. Called for
  // every r.confidence a filter reads, so no heap string: to_chars/from_chars
  // on a stack buffer, and a small cache of recent values (confidences
  // repeat a lot).
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  struct Slot {
    uint32_t bits = 0xffffffffu;  // a NaN pattern: never a finite input
    double value = 0;
  };
  thread_local Slot cache[256];
  Slot& slot = cache[(bits ^ (bits >> 8) ^ (bits >> 16)) & 0xff];
  if (slot.bits == bits) return slot.value;
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof(buf), f);
  double d = 0;
  std::from_chars(buf, res.ptr, d);
  slot = Slot{bits, d};
  return d;
}

Value Value::Get(std::string_view key) const {
  if (kind() != Kind::kMap) return Null();
  for (const auto& [k, v] : as_map()) {
    if (k == key) return v;
  }
  return Null();
}

std::string_view KindName(Value::Kind k) {
  switch (k) {
    case Value::Kind::kNull: return "null";
    case Value::Kind::kBool: return "boolean";
    case Value::Kind::kInt: return "integer";
    case Value::Kind::kFloat: return "float";
    case Value::Kind::kString: return "string";
    case Value::Kind::kList: return "list";
    case Value::Kind::kMap: return "map";
    case Value::Kind::kNode: return "node";
    case Value::Kind::kRel: return "relationship";
    case Value::Kind::kPath: return "path";
  }
  return "value";
}

int CompareValues(const Value& a, const Value& b) {
  int ra = KindRank(a.kind()), rb = KindRank(b.kind());
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a.kind()) {
    case Value::Kind::kNull: return 0;
    case Value::Kind::kBool: return Cmp(a.as_bool(), b.as_bool());
    case Value::Kind::kInt:
    case Value::Kind::kFloat:
      if (a.kind() == Value::Kind::kInt && b.kind() == Value::Kind::kInt) return Cmp(a.as_int(), b.as_int());
      return Cmp(a.as_number(), b.as_number());
    case Value::Kind::kString: return a.as_string().compare(b.as_string()) < 0 ? -1 : (a.as_string() == b.as_string() ? 0 : 1);
    case Value::Kind::kList: {
      const auto& la = a.as_list();
      const auto& lb = b.as_list();
      for (size_t i = 0; i < la.size() && i < lb.size(); ++i) {
        if (int c = CompareValues(la[i], lb[i]); c != 0) return c;
      }
      return Cmp(la.size(), lb.size());
    }
    case Value::Kind::kMap: return Cmp(ValueKey(a), ValueKey(b));
    case Value::Kind::kNode: return Cmp(a.as_node().id, b.as_node().id);
    case Value::Kind::kRel: return Cmp(a.as_rel().id, b.as_rel().id);
    case Value::Kind::kPath: {
      const auto& pa = a.as_path();
      const auto& pb = b.as_path();
      for (size_t i = 0; i < pa.nodes.size() && i < pb.nodes.size(); ++i) {
        if (int c = Cmp(pa.nodes[i].id, pb.nodes[i].id); c != 0) return c;
      }
      return Cmp(pa.nodes.size(), pb.nodes.size());
    }
  }
  return 0;
}

std::optional<bool> EqualValues(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  if (a.is_number() && b.is_number()) {
    if (a.kind() == Value::Kind::kInt && b.kind() == Value::Kind::kInt) return a.as_int() == b.as_int();
    return a.as_number() == b.as_number();
  }
  if (a.kind() != b.kind()) return false;
  if (a.kind() == Value::Kind::kList) {
    const auto& la = a.as_list();
    const auto& lb = b.as_list();
    if (la.size() != lb.size()) return false;
    bool unknown = false;
    for (size_t i = 0; i < la.size(); ++i) {
      auto e = EqualValues(la[i], lb[i]);
      if (!e.has_value()) unknown = true;
      else if (!*e) return false;
    }
    if (unknown) return std::nullopt;
    return true;
  }
  // The common kinds directly (what ValueKey equality means for them),
  // without building two key strings per comparison.
  switch (a.kind()) {
    case Value::Kind::kBool: return a.as_bool() == b.as_bool();
    case Value::Kind::kString: return a.as_string() == b.as_string();
    case Value::Kind::kNode: return a.as_node().id == b.as_node().id;
    case Value::Kind::kRel: return a.as_rel().id == b.as_rel().id;
    default: break;
  }
  return ValueKey(a) == ValueKey(b);
}

void AppendValueKey(const Value& v, std::string* out) {
  if (v.kind() != Value::Kind::kString) {
    out->append(ValueKey(v));
    return;
  }
  const std::string& str = v.as_string();
  out->push_back('s');
  out->append(std::to_string(str.size()));
  out->push_back(':');
  out->append(str);
}

std::string ValueKey(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: return "N";
    case Value::Kind::kBool: return v.as_bool() ? "T" : "F";
    case Value::Kind::kInt: return "i" + std::to_string(v.as_int());
    case Value::Kind::kFloat: {
      double d = v.as_float();
      // Integral floats group with the equal integer (1 = 1.0).
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e18) {
        return "i" + std::to_string(static_cast<int64_t>(d));
      }
      return "f" + FormatFloat(d);
    }
    case Value::Kind::kString: return "s" + std::to_string(v.as_string().size()) + ":" + v.as_string();
    case Value::Kind::kList: {
      std::string out = "[" + std::to_string(v.as_list().size());
      for (const auto& e : v.as_list()) {
        std::string k = ValueKey(e);
        out += ";" + std::to_string(k.size()) + ":" + k;
      }
      return out;
    }
    case Value::Kind::kMap: {
      std::string out = "{" + std::to_string(v.as_map().size());
      for (const auto& [key, e] : v.as_map()) {
        std::string k = ValueKey(e);
        out += ";" + std::to_string(key.size()) + ":" + key + std::to_string(k.size()) + ":" + k;
      }
      return out;
    }
    case Value::Kind::kNode: return "n" + std::to_string(v.as_node().id);
    case Value::Kind::kRel: return "r" + std::to_string(v.as_rel().id);
    case Value::Kind::kPath: {
      std::string out = "p";
      for (const auto& n : v.as_path().nodes) out += std::to_string(n.id) + ",";
      out += "/";
      for (const auto& r : v.as_path().rels) out += std::to_string(r->id) + ",";
      return out;
    }
  }
  return "?";
}

namespace {

std::string NodeDisplay(const NodeValue& n) {
  if (!n.entity) return "(#" + std::to_string(n.id) + ")";
  return "(" + n.entity->name + ":" + std::string(EntityTypeName(n.entity->type)) + ")";
}

std::string RelDisplay(const Fact& f) {
  return std::string("[:") + (f.negated ? "NOT " : "") + f.predicate + "]";
}

}  // namespace

std::string ToDisplay(const Value& v, bool top_level) {
  switch (v.kind()) {
    case Value::Kind::kNull: return "null";
    case Value::Kind::kBool: return v.as_bool() ? "true" : "false";
    case Value::Kind::kInt: return std::to_string(v.as_int());
    case Value::Kind::kFloat: return FormatFloat(v.as_float());
    case Value::Kind::kString: return top_level ? v.as_string() : JsonQuote(v.as_string());
    case Value::Kind::kList: {
      std::string out = "[";
      bool first = true;
      for (const auto& e : v.as_list()) {
        if (!first) out += ", ";
        first = false;
        out += ToDisplay(e, false);
      }
      return out + "]";
    }
    case Value::Kind::kMap: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, e] : v.as_map()) {
        if (!first) out += ", ";
        first = false;
        out += k + ": " + ToDisplay(e, false);
      }
      return out + "}";
    }
    case Value::Kind::kNode: return NodeDisplay(v.as_node());
    case Value::Kind::kRel: return RelDisplay(v.as_rel());
    case Value::Kind::kPath: {
      const auto& p = v.as_path();
      std::string out;
      for (size_t i = 0; i < p.nodes.size(); ++i) {
        out += NodeDisplay(p.nodes[i]);
        if (i < p.rels.size()) {
          bool forward = p.rels[i]->subject == p.nodes[i].id;
          out += forward ? "-" + RelDisplay(*p.rels[i]) + "->" : "<-" + RelDisplay(*p.rels[i]) + "-";
        }
      }
      return out;
    }
  }
  return "?";
}

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (u < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", u);
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  return out + "\"";
}

namespace {

std::string NodeJson(const NodeValue& n) {
  std::string out = "{\"id\":" + std::to_string(n.id);
  if (n.entity) {
    const Entity& e = *n.entity;
    out += ",\"name\":" + JsonQuote(e.name) + ",\"type\":" + JsonQuote(EntityTypeName(e.type));
    out += ",\"aliases\":[";
    for (size_t i = 0; i < e.aliases.size(); ++i) out += (i ? "," : "") + JsonQuote(e.aliases[i]);
    out += "],\"mentions\":" + std::to_string(e.mentions) + ",\"first_seen\":" + std::to_string(e.first_seen);
  }
  return out + "}";
}

std::string RelJson(const Fact& f) {
  std::string conf = std::isfinite(f.confidence) ? FormatFloat(FloatToDouble(f.confidence)) : "null";
  return "{\"id\":" + std::to_string(f.id) + ",\"type\":" + JsonQuote(f.predicate) +
         ",\"start\":" + std::to_string(f.subject) + ",\"end\":" + std::to_string(f.object) +
         ",\"text\":" + JsonQuote(f.surface) + ",\"polarity\":" + JsonQuote(Polarity(f)) +
         ",\"modality\":" + JsonQuote(ModalityName(f.modality)) + ",\"confidence\":" + conf +
         ",\"support\":" + std::to_string(f.support) + ",\"first_seen\":" + std::to_string(f.first_seen) + "}";
}

}  // namespace

std::string ToJson(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: return "null";
    case Value::Kind::kBool: return v.as_bool() ? "true" : "false";
    case Value::Kind::kInt: return std::to_string(v.as_int());
    case Value::Kind::kFloat: return std::isfinite(v.as_float()) ? FormatFloat(v.as_float()) : "null";
    case Value::Kind::kString: return JsonQuote(v.as_string());
    case Value::Kind::kList: {
      std::string out = "[";
      bool first = true;
      for (const auto& e : v.as_list()) {
        if (!first) out += ",";
        first = false;
        out += ToJson(e);
      }
      return out + "]";
    }
    case Value::Kind::kMap: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, e] : v.as_map()) {
        if (!first) out += ",";
        first = false;
        out += JsonQuote(k) + ":" + ToJson(e);
      }
      return out + "}";
    }
    case Value::Kind::kNode: return NodeJson(v.as_node());
    case Value::Kind::kRel: return RelJson(v.as_rel());
    case Value::Kind::kPath: {
      const auto& p = v.as_path();
      std::string out = "{\"nodes\":[";
      for (size_t i = 0; i < p.nodes.size(); ++i) out += (i ? "," : "") + NodeJson(p.nodes[i]);
      out += "],\"relationships\":[";
      for (size_t i = 0; i < p.rels.size(); ++i) out += (i ? "," : "") + RelJson(*p.rels[i]);
      return out + "]}";
    }
  }
  return "null";
}

}  // namespace kg::query
