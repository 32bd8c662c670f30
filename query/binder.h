// Stage 3: syntax tree -> bound query. Resolves variables to row slots,
// labels to entity types, relationship types against the store's predicates,
// constant entity names to ids through the alias index, and $parameters to
// values. Reports unknown variables, labels, properties, functions and
// misspelled predicates with "did you mean".
#pragma once

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "query/ast.h"
#include "query/error.h"
#include "query/value.h"
#include "store/store.h"

namespace kg::query {

using Params = std::vector<std::pair<std::string, Value>>;

enum class VarKind { kNode, kRel, kRelList, kPath, kValue };

enum class Func {
  // scalar
  kId, kLabels, kType, kLength, kNodes, kRelationships, kEvidence, kSize, kToLower, kToUpper,
  kToString, kToInteger, kToFloat, kCoalesce, kStartNode, kEndNode, kHead, kLast, kAbs,
  // aggregates
  kCount, kCollect, kMin, kMax, kSum, kAvg,
};
inline bool IsAggregate(Func f) { return f >= Func::kCount; }

struct BExpr;
using BExprPtr = std::unique_ptr<BExpr>;

// A property key resolved once when the query is bound, so evaluating
// `r.confidence` on every row switches on a number instead of comparing
// strings. kType is a node's type or a relationship's predicate; kOther is
// a key no node or relationship has (it evaluates to null).
enum class PropKey {
  kOther, kName, kType, kPredicate, kAliases, kMentions, kFirstSeen, kId, kText, kSurface,
  kConfidence, kPolarity, kNegated, kModality, kSupport, kArticles
};
PropKey PropKeyOf(std::string_view key);

struct BExpr {
  enum class Kind { kConst, kSlot, kProperty, kIndex, kList, kMap, kUnary, kBinary, kFunc, kAggRef, kHasLabel };
  Kind kind = Kind::kConst;
  ast::Op op = ast::Op::kNone;
  SourcePos pos;
  Value value;                         // kConst
  int param = -1;                      // kConst from a $parameter: index into BoundQuery::params
  int slot = -1;                       // kSlot
  std::string name;                    // kProperty: key
  PropKey prop = PropKey::kOther;      // kProperty: the key, resolved
  Func func = Func::kId;               // kFunc
  int agg = -1;                        // kAggRef: index into the projection's aggregates
  std::vector<std::string> keys;       // kMap
  std::vector<EntityType> types;       // kHasLabel: any of
  std::vector<BExprPtr> args;
  std::shared_ptr<const std::regex> regex;  // kBinary =~ with a constant pattern
};

struct BNode {
  int slot = -1;
  SourcePos pos;
  std::vector<EntityType> types;       // any of; empty = any
  // From {name: ...} or WHERE a.name = const: the ids the alias index gave.
  std::optional<std::vector<EntityId>> candidates;   // sorted
  BExprPtr name_expr;                  // {name: expr} that is not constant
  std::vector<std::pair<std::string, BExprPtr>> properties;  // other equality filters
  bool exact_name = false;             // candidates came from WHERE a.name = ...
  int name_param = -1;                 // the name was this $parameter (BoundQuery::params)
};

struct BRel {
  int slot = -1;                       // rel, or list of rels when variable length
  SourcePos pos;
  ast::Direction direction = ast::Direction::kBoth;
  std::vector<std::string> types;      // any of; empty = any
  bool variable_length = false;
  int min_hops = 1;
  int max_hops = 1;
  bool explicit_max = false;
  std::vector<std::pair<std::string, BExprPtr>> properties;
};

struct BPart {
  ast::PatternPart::Kind kind = ast::PatternPart::Kind::kChain;
  int path_slot = -1;
  std::vector<BNode> nodes;
  std::vector<BRel> rels;
  SourcePos pos;
};

struct BAggregate {
  Func func = Func::kCount;
  bool distinct = false;
  BExprPtr arg;                        // null for count(*)
};

struct BProjection {
  bool distinct = false;
  std::vector<BExprPtr> items;
  std::vector<std::string> columns;
  std::vector<int> out_slots;
  std::vector<BAggregate> aggregates; // any => grouping by the items without aggregates
  std::vector<bool> item_has_agg;
  std::vector<std::pair<BExprPtr, bool>> order_by;  // expression, descending
  std::optional<int64_t> skip;
  std::optional<int64_t> limit;
  BExprPtr where;                      // WITH ... WHERE, over the projected row
};

struct BClause {
  ast::Clause::Kind kind = ast::Clause::Kind::kMatch;
  std::vector<BPart> parts;
  BExprPtr where;
  std::vector<int> new_slots;          // slots this clause binds (nulled by OPTIONAL MATCH)
  BExprPtr unwind;
  int unwind_slot = -1;
  BProjection projection;
};

struct BoundQuery {
  std::vector<BClause> clauses;
  int slot_count = 0;
  std::vector<std::string> slot_names;  // for messages
  std::vector<VarKind> slot_kinds;
  std::vector<std::string> columns;     // of the final RETURN

  // The $parameters the bound form read, so that Rebind can give it new
  // values: each name once, the kind of value it had, and where the values
  // went (constants, and nodes whose candidates are that name's entities).
  // The pointers point into this object, which must therefore not be copied
  // (it cannot be) and stays valid when moved.
  std::vector<std::string> params;
  std::vector<Value::Kind> param_kinds;
  std::vector<BExpr*> param_consts;
  std::vector<BNode*> param_nodes;
  // False when a $parameter's value did more than fill a constant or a node's
  // name (folded into a list, map or negative number, a regular expression,
  // SKIP or LIMIT): only binding again gives the right form for a new value.
  bool rebindable = true;
};

struct BindOptions {
  int default_max_hops = 5;            // -[*]-> without an upper bound
  int max_hops_limit = 20;             // larger explicit bounds are an error
};

// Resolves AS OF / FROM ARTICLE against the store (through `latest`, a reader
// of the latest state) into the View the query runs on.
std::variant<store::View, QueryError> ResolveView(const ast::Query& query, const Params& params,
                                                  store::Reader& latest, const store::View& base);

// The last log seq whose article is dated on or before `date` ("YYYY-MM-DD");
// undated entries count where they were ingested. 0 when none.
Result<ArticleSeq> SeqAsOfDate(store::Reader& latest, const std::string& date);
// True for a well-formed "YYYY-MM-DD".
bool IsIsoDate(std::string_view s);

std::variant<BoundQuery, QueryError> Bind(const ast::Query& query, const Params& params,
                                          store::Reader& reader, const BindOptions& options);

// Gives a bound query new $parameter values in place, as if `query` had been
// bound again with `params` against `reader`: the constants that came from
// parameters take the new values and nodes named by a parameter get the
// entities of the new name. Returns false, leaving `query` unchanged, when
// that would not be the same as binding again: the query is not rebindable,
// a parameter is missing or its new value is of another kind. The caller
// must make sure that everything else binding read is unchanged (the same
// store state and view, the same options) and plan again afterwards
// (candidate counts and constants steer the planner), unless
// query::PlanKeyOf is unchanged.
bool Rebind(BoundQuery* query, const Params& params, store::Reader& reader);

// The entities a node pattern's {name: ...} finds: the alias index, and for
// a single word missing from it, persons whose last name it is. Sorted,
// unique.
std::vector<EntityId> ResolveEntityName(store::Reader& reader, const std::string& name);

// Node and relationship property names (for messages and docs).
const std::vector<std::string>& NodeProperties();
const std::vector<std::string>& RelProperties();
// "Person", "Organization", ...
std::string LabelName(EntityType t);

// Evaluates an expression made only of literals (lists, maps, negative
// numbers): used for --param values. nullopt when it is not constant.
std::optional<Value> ConstantValue(const ast::Expr& e);

}  // namespace kg::query
