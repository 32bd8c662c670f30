// The typed values a query computes and returns: null, bool, int, float,
// string, list, map, node, relationship and path.
//
// Values are cheap to copy: lists, maps, nodes, relationships and paths are
// shared, immutable objects. A node may be "unloaded" (only its id known):
// the executor loads the entity before handing a node to anyone outside.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "graph/model.h"

namespace kg::query {

struct Value;

// A node: the entity id, and the entity itself once loaded.
struct NodeValue {
  EntityId id = 0;
  std::shared_ptr<const Entity> entity;  // null while unloaded
};

// A path: nodes[0] rels[0] nodes[1] ... rels[n-1] nodes[n]. A relationship may
// point either way along the path (compare its subject with the node before).
struct PathValue {
  std::vector<NodeValue> nodes;
  std::vector<std::shared_ptr<const Fact>> rels;
};

struct Value {
  using List = std::vector<Value>;
  using Map = std::vector<std::pair<std::string, Value>>;  // insertion order kept
  using RelPtr = std::shared_ptr<const Fact>;

  // The order of the alternatives is the order of Kind.
  enum class Kind { kNull, kBool, kInt, kFloat, kString, kList, kMap, kNode, kRel, kPath };
  using Data = std::variant<std::monostate, bool, int64_t, double, std::string,
                            std::shared_ptr<const List>, std::shared_ptr<const Map>, NodeValue,
                            RelPtr, std::shared_ptr<const PathValue>>;
  Data data;

  Value() = default;
  static Value Null() { return Value(); }
  static Value Bool(bool b) { return Make(b); }
  static Value Int(int64_t i) { return Make(i); }
  static Value Float(double d) { return Make(d); }
  static Value String(std::string s) { return Make(std::move(s)); }
  static Value String(std::string_view s) {
    Value out;
    out.data.emplace<std::string>(s);
    return out;
  }
  static Value String(const char* s) { return String(std::string_view(s)); }
  static Value MakeList(List l) { return Make(std::make_shared<const List>(std::move(l))); }
  static Value MakeMap(Map m) { return Make(std::make_shared<const Map>(std::move(m))); }
  static Value Node(NodeValue n) { return Make(std::move(n)); }
  static Value Rel(RelPtr f) { return Make(std::move(f)); }
  static Value Path(PathValue p) { return Make(std::make_shared<const PathValue>(std::move(p))); }

  Kind kind() const { return static_cast<Kind>(data.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_number() const { return kind() == Kind::kInt || kind() == Kind::kFloat; }

  bool as_bool() const { return std::get<bool>(data); }
  int64_t as_int() const { return std::get<int64_t>(data); }
  double as_float() const { return std::get<double>(data); }
  double as_number() const { return kind() == Kind::kInt ? static_cast<double>(as_int()) : as_float(); }
  const std::string& as_string() const { return std::get<std::string>(data); }
  const List& as_list() const { return *std::get<std::shared_ptr<const List>>(data); }
  const Map& as_map() const { return *std::get<std::shared_ptr<const Map>>(data); }
  const NodeValue& as_node() const { return std::get<NodeValue>(data); }
  const Fact& as_rel() const { return *std::get<RelPtr>(data); }
  const RelPtr& rel_ptr() const { return std::get<RelPtr>(data); }
  const PathValue& as_path() const { return *std::get<std::shared_ptr<const PathValue>>(data); }

  // Map lookup; null when absent or not a map.
  Value Get(std::string_view key) const;

 private:
  template <typename T>
  static Value Make(T&& v) {
    Value out;
    out.data.template emplace<std::decay_t<T>>(std::forward<T>(v));
    return out;
  }
};

// The name of a kind as shown in messages: "string", "node", ...
std::string_view KindName(Value::Kind k);

// Total order used by ORDER BY, min and max: numbers compare by value, then
// kinds in a fixed order; null sorts last. Returns <0, 0, >0.
int CompareValues(const Value& a, const Value& b);

// Equality as `=` sees it: nullopt when either side is null (three-valued
// logic); ints and floats compare by value; nodes and relationships by id.
std::optional<bool> EqualValues(const Value& a, const Value& b);

// A canonical byte string equal for values DISTINCT and grouping treat as
// equal.
std::string ValueKey(const Value& v);
// Appends ValueKey(v) to *out (strings without a temporary).
void AppendValueKey(const Value& v, std::string* out);

// Text as the table format and string conversion show it: strings bare at
// the top level and quoted inside lists/maps, nodes as (name:type),
// relationships as [:predicate], paths as (a)-[:p]->(b).
std::string ToDisplay(const Value& v, bool top_level = true);

// JSON text of a value (nodes and relationships as objects).
std::string ToJson(const Value& v);
// A JSON string literal, escaped.
std::string JsonQuote(std::string_view s);

// A stored float (confidence) as the double it was written as: 0.7f reads
// 0.7, not 0.699999988.
double FloatToDouble(float f);

// "positive" or "negative".
inline std::string_view Polarity(const Fact& f) { return f.negated ? "negative" : "positive"; }

}  // namespace kg::query
