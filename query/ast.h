// Stage 2 output: the syntax tree of one query, exactly as written (names
// are not resolved yet; that is the binder's job).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "query/error.h"
#include "query/value.h"

namespace kg::query::ast {

enum class ExprKind {
  kLiteral,    // literal
  kParam,      // $name
  kVariable,   // name
  kProperty,   // args[0].name
  kIndex,      // args[0][args[1]]
  kList,       // [args...]
  kMap,        // {keys[i]: args[i]}
  kUnary,      // op args[0]
  kBinary,     // args[0] op args[1]
  kCall,       // name(args...), distinct for count(DISTINCT x)
  kCountStar,  // count(*)
  kHasLabel,   // args[0]:Label|Label (labels in keys)
};

enum class Op {
  kNone,
  kOr, kXor, kAnd, kNot,
  kEq, kNe, kLt, kGt, kLe, kGe, kRegex, kIn,
  kContains, kStartsWith, kEndsWith, kIsNull, kIsNotNull,
  kAdd, kSub, kMul, kDiv, kMod, kNeg, kPos,
};

// The operator as written ("STARTS WITH", "<>").
std::string OpName(Op op);

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  Op op = Op::kNone;
  SourcePos pos;                 // where the expression starts (for kProperty: the key)
  Value literal;
  std::string name;              // variable, parameter, property key or function name
  std::vector<std::string> keys; // map literal keys
  std::vector<std::unique_ptr<Expr>> args;
  bool distinct = false;
  std::string text;              // the source text, used to name result columns
};
using ExprPtr = std::unique_ptr<Expr>;

struct PropertyEntry {
  std::string key;
  SourcePos pos;
  ExprPtr value;
};

struct NodePattern {
  SourcePos pos;
  std::string variable;          // "" when anonymous
  SourcePos variable_pos;
  std::vector<std::string> labels;   // alternatives: (a:Person|Place)
  std::vector<SourcePos> label_pos;
  std::vector<PropertyEntry> properties;
};

enum class Direction { kOut, kIn, kBoth };  // -[]->, <-[]-, -[]-

struct RelPattern {
  SourcePos pos;
  std::string variable;
  SourcePos variable_pos;
  Direction direction = Direction::kBoth;
  std::vector<std::string> types;    // alternatives: [:warn|meet]
  std::vector<SourcePos> type_pos;
  bool variable_length = false;
  std::optional<int64_t> min_hops;   // for *min..max
  std::optional<int64_t> max_hops;
  SourcePos hops_pos;
  std::vector<PropertyEntry> properties;
};

// One comma-separated element of MATCH: [p =] chain, or
// [p =] shortestPath(chain) / allShortestPaths(chain).
struct PatternPart {
  enum class Kind { kChain, kShortest, kAllShortest };
  Kind kind = Kind::kChain;
  SourcePos pos;
  std::string path_variable;
  SourcePos path_variable_pos;
  std::vector<NodePattern> nodes;    // nodes.size() == rels.size() + 1
  std::vector<RelPattern> rels;
};

struct ReturnItem {
  ExprPtr expr;
  std::string alias;             // "" when none: the column is named by the text
  SourcePos alias_pos;
};

struct SortItem {
  ExprPtr expr;
  bool descending = false;
};

struct Projection {
  bool distinct = false;
  bool star = false;             // RETURN *
  std::vector<ReturnItem> items;
  std::vector<SortItem> order_by;
  ExprPtr skip;
  ExprPtr limit;
  ExprPtr where;                 // WITH ... WHERE
};

struct Clause {
  enum class Kind { kMatch, kOptionalMatch, kUnwind, kWith, kReturn };
  Kind kind = Kind::kMatch;
  SourcePos pos;
  std::vector<PatternPart> patterns;   // MATCH
  ExprPtr where;                       // MATCH ... WHERE
  ExprPtr unwind;                      // UNWIND expr AS variable
  std::string unwind_variable;
  SourcePos unwind_variable_pos;
  Projection projection;               // WITH / RETURN
};

// AS OF ARTICLE n / AS OF DATE "d" / FROM ARTICLE "id".
struct TimeClause {
  enum class Kind { kAsOfArticle, kAsOfDate, kFromArticle };
  Kind kind = Kind::kAsOfArticle;
  SourcePos pos;
  ExprPtr value;                       // a literal or a $parameter
};

struct Query {
  std::vector<Clause> clauses;
  std::vector<TimeClause> time;
};

}  // namespace kg::query::ast
