#include "query/binder.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>
#include <unordered_set>

namespace kg::query {

using ast::ExprKind;
using ast::Op;

const std::vector<std::string>& NodeProperties() {
  static const std::vector<std::string> kProps = {"name", "type", "aliases", "mentions", "first_seen", "id"};
  return kProps;
}

const std::vector<std::string>& RelProperties() {
  static const std::vector<std::string> kProps = {
      "type", "predicate", "text", "surface", "confidence", "polarity", "negated",
      "modality", "support", "first_seen", "articles", "id"};
  return kProps;
}

std::string LabelName(EntityType t) {
  std::string s(EntityTypeName(t));
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

struct FuncInfo {
  const char* name;
  Func func;
  int min_args;
  int max_args;
};

constexpr FuncInfo kFunctions[] = {
    {"id", Func::kId, 1, 1},
    {"labels", Func::kLabels, 1, 1},
    {"type", Func::kType, 1, 1},
    {"length", Func::kLength, 1, 1},
    {"nodes", Func::kNodes, 1, 1},
    {"relationships", Func::kRelationships, 1, 1},
    {"evidence", Func::kEvidence, 1, 1},
    {"size", Func::kSize, 1, 1},
    {"tolower", Func::kToLower, 1, 1},
    {"toupper", Func::kToUpper, 1, 1},
    {"tostring", Func::kToString, 1, 1},
    {"tointeger", Func::kToInteger, 1, 1},
    {"tofloat", Func::kToFloat, 1, 1},
    {"coalesce", Func::kCoalesce, 1, 64},
    {"startnode", Func::kStartNode, 1, 1},
    {"endnode", Func::kEndNode, 1, 1},
    {"head", Func::kHead, 1, 1},
    {"last", Func::kLast, 1, 1},
    {"abs", Func::kAbs, 1, 1},
    {"count", Func::kCount, 1, 1},
    {"collect", Func::kCollect, 1, 1},
    {"min", Func::kMin, 1, 1},
    {"max", Func::kMax, 1, 1},
    {"sum", Func::kSum, 1, 1},
    {"avg", Func::kAvg, 1, 1},
};

std::vector<std::string> FunctionNames() {
  static const char* kShown[] = {"id", "labels", "type", "length", "nodes", "relationships", "evidence",
                                 "size", "toLower", "toUpper", "toString", "toInteger", "toFloat",
                                 "coalesce", "startNode", "endNode", "head", "last", "abs", "count",
                                 "collect", "min", "max", "sum", "avg"};
  return std::vector<std::string>(std::begin(kShown), std::end(kShown));
}

std::vector<std::string> LabelNames() {
  std::vector<std::string> out;
  for (int i = 0; i < kEntityTypeCount; ++i) out.push_back(LabelName(static_cast<EntityType>(i)));
  return out;
}

struct BindFailure {
  QueryError error;
};

[[noreturn]] void Fail(SourcePos pos, std::string message) {
  throw BindFailure{QueryError{pos, std::move(message)}};
}

// Compiles a regular expression; a leading (?i) makes it case-insensitive
// (std::regex has no inline flags).
std::shared_ptr<const std::regex> CompileRegex(const std::string& pattern, SourcePos pos) {
  std::string p = pattern;
  auto flags = std::regex::ECMAScript;
  if (p.rfind("(?i)", 0) == 0) {
    p = p.substr(4);
    flags |= std::regex::icase;
  }
  try {
    return std::make_shared<const std::regex>(p, flags);
  } catch (const std::regex_error& e) {
    Fail(pos, "invalid regular expression \"" + pattern + "\": " + e.what());
  }
}

class Binder {
 public:
  Binder(const Params& params, store::Reader& reader, const BindOptions& options)
      : params_(params), reader_(reader), options_(options) {}

  BoundQuery Run(const ast::Query& q) {
    // Room for a typical query's variables and columns up front: growing
    // these one element at a time was several allocations per query.
    out_.clauses.reserve(q.clauses.size());
    out_.slot_names.reserve(kTypicalSlots);
    out_.slot_kinds.reserve(kTypicalSlots);
    scope_.reserve(kTypicalSlots);
    for (const auto& clause : q.clauses) out_.clauses.push_back(BindClause(clause));
    out_.columns = out_.clauses.back().projection.columns;
    if (!out_.params.empty()) CollectParamUses(&out_);
    return std::move(out_);
  }

 private:
  struct ScopeEntry {
    std::string name;
    int slot;
  };
  static constexpr size_t kTypicalSlots = 16;

  int NewSlot(const std::string& name, VarKind kind) {
    out_.slot_names.push_back(name);
    out_.slot_kinds.push_back(kind);
    return out_.slot_count++;
  }
  const ScopeEntry* Lookup(const std::string& name) const {
    for (const auto& e : scope_) {
      if (e.name == name) return &e;
    }
    return nullptr;
  }
  std::vector<std::string> ScopeNames() const {
    std::vector<std::string> out;
    for (const auto& e : scope_) out.push_back(e.name);
    return out;
  }

  // The parameter of name `name` (first in params_, as binding reads it),
  // registered in out_.params.
  int ParamIndex(const std::string& name, Value::Kind kind) {
    for (size_t i = 0; i < out_.params.size(); ++i) {
      if (out_.params[i] == name) return static_cast<int>(i);
    }
    out_.params.push_back(name);
    out_.param_kinds.push_back(kind);
    return static_cast<int>(out_.params.size()) - 1;
  }

  // Where parameter values went, once the tree no longer moves.
  static void CollectParamConsts(BExpr* e, BoundQuery* q) {
    if (e == nullptr) return;
    if (e->kind == BExpr::Kind::kConst && e->param >= 0) q->param_consts.push_back(e);
    for (auto& a : e->args) CollectParamConsts(a.get(), q);
  }
  static void CollectParamUses(BoundQuery* q) {
    for (BClause& c : q->clauses) {
      for (BPart& part : c.parts) {
        for (BNode& n : part.nodes) {
          if (n.name_param >= 0) q->param_nodes.push_back(&n);
          CollectParamConsts(n.name_expr.get(), q);
          for (auto& [key, e] : n.properties) CollectParamConsts(e.get(), q);
        }
        for (BRel& r : part.rels) {
          for (auto& [key, e] : r.properties) CollectParamConsts(e.get(), q);
        }
      }
      CollectParamConsts(c.where.get(), q);
      CollectParamConsts(c.unwind.get(), q);
      BProjection& p = c.projection;
      for (auto& e : p.items) CollectParamConsts(e.get(), q);
      for (auto& a : p.aggregates) CollectParamConsts(a.arg.get(), q);
      for (auto& [e, desc] : p.order_by) CollectParamConsts(e.get(), q);
      CollectParamConsts(p.where.get(), q);
    }
  }

  // ---- clauses ----
  BClause BindClause(const ast::Clause& c) {
    BClause b;
    b.kind = c.kind;
    switch (c.kind) {
      case ast::Clause::Kind::kMatch:
      case ast::Clause::Kind::kOptionalMatch: {
        for (const auto& part : c.patterns) b.parts.push_back(BindPart(part, &b.new_slots));
        if (c.where) {
          b.where = BindExpr(*c.where, nullptr);
          PushDownNameEquality(*b.where, &b);
        }
        break;
      }
      case ast::Clause::Kind::kUnwind: {
        b.unwind = BindExpr(*c.unwind, nullptr);
        if (Lookup(c.unwind_variable)) Fail(c.unwind_variable_pos, "variable '" + c.unwind_variable + "' is already defined");
        b.unwind_slot = NewSlot(c.unwind_variable, VarKind::kValue);
        scope_.push_back({c.unwind_variable, b.unwind_slot});
        break;
      }
      case ast::Clause::Kind::kWith:
      case ast::Clause::Kind::kReturn:
        b.projection = BindProjection(c.projection, c.kind == ast::Clause::Kind::kWith, c.pos);
        break;
    }
    return b;
  }

  BPart BindPart(const ast::PatternPart& p, std::vector<int>* new_slots) {
    BPart b;
    b.kind = p.kind;
    b.pos = p.pos;
    // Bind the pattern's own variables first so {name: a.name} can refer to them? No:
    // openCypher evaluates property maps against earlier bindings only.
    for (size_t i = 0; i < p.nodes.size(); ++i) {
      b.nodes.push_back(BindNode(p.nodes[i], new_slots));
      if (i < p.rels.size()) b.rels.push_back(BindRel(p.rels[i], new_slots));
    }
    if (!p.path_variable.empty()) {
      if (Lookup(p.path_variable)) Fail(p.path_variable_pos, "variable '" + p.path_variable + "' is already defined");
      b.path_slot = NewSlot(p.path_variable, VarKind::kPath);
      scope_.push_back({p.path_variable, b.path_slot});
      new_slots->push_back(b.path_slot);
    } else if (p.kind != ast::PatternPart::Kind::kChain) {
      b.path_slot = NewSlot("", VarKind::kPath);
      new_slots->push_back(b.path_slot);
    }
    if (p.kind != ast::PatternPart::Kind::kChain) {
      BRel& r = b.rels[0];
      if (!r.explicit_max) r.max_hops = std::max(options_.max_hops_limit, r.min_hops);
      if (r.min_hops > 1) Fail(p.rels[0].hops_pos, "shortestPath accepts a minimum of 0 or 1 hops");
    }
    return b;
  }

  BNode BindNode(const ast::NodePattern& n, std::vector<int>* new_slots) {
    BNode b;
    b.pos = n.pos;
    if (n.variable.empty()) {
      b.slot = NewSlot("", VarKind::kNode);
      new_slots->push_back(b.slot);
    } else if (const ScopeEntry* e = Lookup(n.variable)) {
      if (out_.slot_kinds[e->slot] != VarKind::kNode && out_.slot_kinds[e->slot] != VarKind::kValue) {
        Fail(n.variable_pos, "'" + n.variable + "' is a " + KindWord(out_.slot_kinds[e->slot]) + ", not a node");
      }
      b.slot = e->slot;
    } else {
      b.slot = NewSlot(n.variable, VarKind::kNode);
      scope_.push_back({n.variable, b.slot});
      new_slots->push_back(b.slot);
    }
    for (size_t i = 0; i < n.labels.size(); ++i) {
      EntityType t{};
      if (!ParseEntityType(n.labels[i], &t)) {
        Fail(n.label_pos[i], "unknown label '" + n.labels[i] + "'" +
                                 (DidYouMean(n.labels[i], LabelNames()).empty()
                                      ? " (labels: Person, Organization, Place, Group, Misc, Concept)"
                                      : DidYouMean(n.labels[i], LabelNames())));
      }
      b.types.push_back(t);
    }
    for (const auto& prop : n.properties) {
      CheckProperty(prop.key, NodeProperties(), "node", prop.pos);
      BExprPtr value = BindExpr(*prop.value, nullptr);
      if (prop.key == "name") {
        if (value->kind == BExpr::Kind::kConst) {
          b.candidates = value->value.kind() == Value::Kind::kString
                             ? ResolveEntityName(reader_, value->value.as_string())
                             : std::vector<EntityId>();
          b.name_param = value->param;
        } else {
          b.name_expr = std::move(value);
        }
      } else {
        b.properties.emplace_back(prop.key, std::move(value));
      }
    }
    return b;
  }

  BRel BindRel(const ast::RelPattern& r, std::vector<int>* new_slots) {
    BRel b;
    b.pos = r.pos;
    b.direction = r.direction;
    b.variable_length = r.variable_length;
    if (r.variable_length) {
      int64_t lo = r.min_hops.value_or(1);
      int64_t hi = r.max_hops.value_or(std::max<int64_t>(lo, options_.default_max_hops));
      b.explicit_max = r.max_hops.has_value();
      if (lo < 0 || hi < lo) Fail(r.hops_pos, "bad hop range: the minimum must be >= 0 and <= the maximum");
      if (hi > options_.max_hops_limit) {
        Fail(r.hops_pos, "at most " + std::to_string(options_.max_hops_limit) + " hops in a variable-length pattern");
      }
      b.min_hops = static_cast<int>(lo);
      b.max_hops = static_cast<int>(hi);
    }
    VarKind kind = r.variable_length ? VarKind::kRelList : VarKind::kRel;
    if (r.variable.empty()) {
      b.slot = NewSlot("", kind);
      new_slots->push_back(b.slot);
    } else {
      if (Lookup(r.variable)) Fail(r.variable_pos, "variable '" + r.variable + "' is already defined");
      b.slot = NewSlot(r.variable, kind);
      scope_.push_back({r.variable, b.slot});
      new_slots->push_back(b.slot);
    }
    for (size_t i = 0; i < r.types.size(); ++i) {
      std::string t = Lower(r.types[i]);
      CheckPredicate(t, r.type_pos[i], r.types[i]);
      b.types.push_back(t);
    }
    for (const auto& prop : r.properties) {
      CheckProperty(prop.key, RelProperties(), "relationship", prop.pos);
      b.properties.emplace_back(prop.key, BindExpr(*prop.value, nullptr));
    }
    return b;
  }

  static std::string KindWord(VarKind k) {
    switch (k) {
      case VarKind::kNode: return "node";
      case VarKind::kRel: return "relationship";
      case VarKind::kRelList: return "list of relationships";
      case VarKind::kPath: return "path";
      case VarKind::kValue: return "value";
    }
    return "value";
  }

  void CheckProperty(const std::string& key, const std::vector<std::string>& known, const char* what, SourcePos pos) {
    if (std::find(known.begin(), known.end(), key) != known.end()) return;
    std::string hint = DidYouMean(key, known);
    if (hint.empty()) {
      hint = " (" + std::string(what) + " properties: ";
      for (size_t i = 0; i < known.size(); ++i) hint += (i ? ", " : "") + known[i];
      hint += ")";
    }
    Fail(pos, "unknown " + std::string(what) + " property '" + key + "'" + hint);
  }

  // A predicate nobody used is not an error (it matches nothing), but one a
  // single typo away from a predicate in use is.
  void CheckPredicate(const std::string& t, SourcePos pos, const std::string& written) {
    bool exists = false;
    store::TriplePattern pattern;
    pattern.predicate = t;
    (void)reader_.ScanFacts(pattern, [&](const Fact&) {
      exists = true;
      return false;
    });
    if (exists) return;
    if (!predicates_) {
      predicates_.emplace();
      for (const auto& [name, count] : reader_.Predicates()) predicates_->push_back(name);
    }
    if (std::find(predicates_->begin(), predicates_->end(), t) != predicates_->end()) return;
    std::string hint = DidYouMean(t, *predicates_);
    if (!hint.empty()) Fail(pos, "unknown relationship type '" + written + "'" + hint);
  }

  // WHERE a.name = "X" (a bound by this clause, no {name:}): look X up in the
  // alias index so the planner can start there; the filter stays for exactness.
  void PushDownNameEquality(const BExpr& e, BClause* clause) {
    if (e.kind == BExpr::Kind::kBinary && e.op == Op::kAnd) {
      PushDownNameEquality(*e.args[0], clause);
      PushDownNameEquality(*e.args[1], clause);
      return;
    }
    if (e.kind != BExpr::Kind::kBinary || e.op != Op::kEq) return;
    const BExpr* prop = e.args[0].get();
    const BExpr* value = e.args[1].get();
    if (prop->kind != BExpr::Kind::kProperty) std::swap(prop, value);
    if (prop->kind != BExpr::Kind::kProperty || prop->name != "name" ||
        prop->args[0]->kind != BExpr::Kind::kSlot || value->kind != BExpr::Kind::kConst ||
        value->value.kind() != Value::Kind::kString) {
      return;
    }
    int slot = prop->args[0]->slot;
    if (std::find(clause->new_slots.begin(), clause->new_slots.end(), slot) == clause->new_slots.end()) return;
    for (auto& part : clause->parts) {
      for (auto& node : part.nodes) {
        if (node.slot == slot && !node.candidates && !node.name_expr) {
          std::vector<EntityId> ids = reader_.FindByName(value->value.as_string());
          std::sort(ids.begin(), ids.end());
          node.candidates = std::move(ids);
          node.exact_name = true;
          node.name_param = value->param;
        }
      }
    }
  }

  // ---- projections ----
  BProjection BindProjection(const ast::Projection& p, bool is_with, SourcePos clause_pos) {
    BProjection b;
    b.distinct = p.distinct;
    std::vector<ScopeEntry> new_scope;
    std::vector<std::string> item_texts;
    const size_t n_items = p.items.size() + (p.star ? scope_.size() : 0);
    b.items.reserve(n_items);
    b.item_has_agg.reserve(n_items);
    b.columns.reserve(n_items);
    b.out_slots.reserve(n_items);
    item_texts.reserve(n_items);
    new_scope.reserve(n_items);
    auto add_item = [&](BExprPtr e, std::string column, const std::string& text, SourcePos pos) {
      for (const auto& c : b.columns) {
        if (c == column) Fail(pos, "duplicate column name '" + column + "'; use AS to rename");
      }
      VarKind kind = e->kind == BExpr::Kind::kSlot ? out_.slot_kinds[e->slot] : VarKind::kValue;
      int slot = NewSlot(column, kind);
      bool has_agg = ContainsAgg(*e);
      b.items.push_back(std::move(e));
      b.item_has_agg.push_back(has_agg);
      b.columns.push_back(column);
      b.out_slots.push_back(slot);
      item_texts.push_back(text);
      new_scope.push_back({column, slot});
    };
    if (p.star) {
      for (const auto& entry : scope_) {
        auto e = std::make_unique<BExpr>();
        e->kind = BExpr::Kind::kSlot;
        e->slot = entry.slot;
        add_item(std::move(e), entry.name, entry.name, clause_pos);
      }
      if (p.items.empty() && scope_.empty()) Fail(clause_pos, "RETURN * with no variables in scope");
    }
    for (const auto& item : p.items) {
      BExprPtr e = BindExpr(*item.expr, &b.aggregates);
      if (is_with && item.alias.empty() && e->kind != BExpr::Kind::kSlot) {
        Fail(item.expr->pos, "an expression in WITH must be named with AS");
      }
      std::string column = item.alias.empty() ? item.expr->text : item.alias;
      add_item(std::move(e), column, item.expr->text, item.alias.empty() ? item.expr->pos : item.alias_pos);
    }
    bool aggregating = !b.aggregates.empty();
    // ORDER BY sees the projected names, and (without aggregation or
    // DISTINCT) the variables from before as well.
    std::vector<ScopeEntry> order_scope = new_scope;
    if (!aggregating && !b.distinct) {
      for (const auto& e : scope_) {
        if (!std::any_of(new_scope.begin(), new_scope.end(), [&](const ScopeEntry& n) { return n.name == e.name; })) {
          order_scope.push_back(e);
        }
      }
    }
    std::swap(scope_, order_scope);
    for (const auto& s : p.order_by) {
      BExprPtr e;
      for (size_t i = 0; i < item_texts.size(); ++i) {
        if (item_texts[i] == s.expr->text) {
          e = std::make_unique<BExpr>();
          e->kind = BExpr::Kind::kSlot;
          e->slot = b.out_slots[i];
          e->pos = s.expr->pos;
        }
      }
      if (!e) e = BindExpr(*s.expr, aggregating ? &b.aggregates : nullptr);
      b.order_by.emplace_back(std::move(e), s.descending);
    }
    std::swap(scope_, order_scope);
    b.skip = ConstantCount(p.skip.get(), "SKIP");
    b.limit = ConstantCount(p.limit.get(), "LIMIT");
    scope_ = new_scope;
    if (p.where) b.where = BindExpr(*p.where, nullptr);
    return b;
  }

  std::optional<int64_t> ConstantCount(const ast::Expr* e, const char* what) {
    if (e == nullptr) return std::nullopt;
    BExprPtr b = BindExpr(*e, nullptr);
    if (b->param >= 0) out_.rebindable = false;  // the count is copied out of the tree
    if (b->kind != BExpr::Kind::kConst || b->value.kind() != Value::Kind::kInt || b->value.as_int() < 0) {
      Fail(e->pos, std::string(what) + " takes a non-negative integer or a $parameter holding one");
    }
    return b->value.as_int();
  }

  static bool ContainsAgg(const BExpr& e) {
    if (e.kind == BExpr::Kind::kAggRef) return true;
    return std::any_of(e.args.begin(), e.args.end(), [](const BExprPtr& a) { return a && ContainsAgg(*a); });
  }

  // ---- expressions ----
  BExprPtr Make(BExpr::Kind kind, SourcePos pos) {
    auto e = std::make_unique<BExpr>();
    e->kind = kind;
    e->pos = pos;
    return e;
  }

  // `aggs` is where aggregate calls go; null where they are not allowed.
  BExprPtr BindExpr(const ast::Expr& e, std::vector<BAggregate>* aggs) {
    switch (e.kind) {
      case ExprKind::kLiteral: {
        auto b = Make(BExpr::Kind::kConst, e.pos);
        b->value = e.literal;
        return b;
      }
      case ExprKind::kParam: {
        for (const auto& [name, value] : params_) {
          if (name == e.name) {
            auto b = Make(BExpr::Kind::kConst, e.pos);
            b->value = value;
            b->param = ParamIndex(name, value.kind());
            return b;
          }
        }
        Fail(e.pos, "missing parameter $" + e.name + " (pass --param " + e.name + "=VALUE)");
      }
      case ExprKind::kVariable: {
        const ScopeEntry* s = Lookup(e.name);
        if (s == nullptr) Fail(e.pos, "unknown variable '" + e.name + "'" + DidYouMean(e.name, ScopeNames()));
        auto b = Make(BExpr::Kind::kSlot, e.pos);
        b->slot = s->slot;
        return b;
      }
      case ExprKind::kProperty: {
        BExprPtr obj = BindExpr(*e.args[0], aggs);
        if (obj->kind == BExpr::Kind::kSlot) {
          VarKind k = out_.slot_kinds[obj->slot];
          if (k == VarKind::kNode) CheckProperty(e.name, NodeProperties(), "node", e.pos);
          if (k == VarKind::kRel) CheckProperty(e.name, RelProperties(), "relationship", e.pos);
          if (k == VarKind::kPath) Fail(e.pos, "a path has no properties; use length(p), nodes(p) or relationships(p)");
          if (k == VarKind::kRelList) Fail(e.pos, "a variable-length relationship is a list; use relationships(p) or UNWIND");
        }
        auto b = Make(BExpr::Kind::kProperty, e.pos);
        b->name = e.name;
        b->prop = PropKeyOf(e.name);
        b->args.push_back(std::move(obj));
        return b;
      }
      case ExprKind::kIndex: {
        auto b = Make(BExpr::Kind::kIndex, e.pos);
        b->args.push_back(BindExpr(*e.args[0], aggs));
        b->args.push_back(BindExpr(*e.args[1], aggs));
        return b;
      }
      case ExprKind::kList:
      case ExprKind::kMap: {
        auto b = Make(e.kind == ExprKind::kList ? BExpr::Kind::kList : BExpr::Kind::kMap, e.pos);
        b->keys = e.keys;
        bool constant = true;
        for (const auto& a : e.args) {
          b->args.push_back(BindExpr(*a, aggs));
          constant = constant && b->args.back()->kind == BExpr::Kind::kConst;
        }
        if (constant) {  // fold: the executor then sees a plain value
          for (const auto& a : b->args) {
            if (a->param >= 0) out_.rebindable = false;
          }
          auto c = Make(BExpr::Kind::kConst, e.pos);
          if (e.kind == ExprKind::kList) {
            Value::List l;
            for (auto& a : b->args) l.push_back(a->value);
            c->value = Value::MakeList(std::move(l));
          } else {
            Value::Map m;
            for (size_t i = 0; i < b->args.size(); ++i) m.emplace_back(b->keys[i], b->args[i]->value);
            c->value = Value::MakeMap(std::move(m));
          }
          return c;
        }
        return b;
      }
      case ExprKind::kUnary: {
        auto b = Make(BExpr::Kind::kUnary, e.pos);
        b->op = e.op;
        b->args.push_back(BindExpr(*e.args[0], aggs));
        if ((e.op == Op::kNeg) && b->args[0]->kind == BExpr::Kind::kConst && b->args[0]->value.is_number()) {
          if (b->args[0]->param >= 0) out_.rebindable = false;
          auto c = Make(BExpr::Kind::kConst, e.pos);
          const Value& v = b->args[0]->value;
          c->value = v.kind() == Value::Kind::kInt ? Value::Int(-v.as_int()) : Value::Float(-v.as_float());
          return c;
        }
        return b;
      }
      case ExprKind::kBinary: {
        auto b = Make(BExpr::Kind::kBinary, e.pos);
        b->op = e.op;
        b->args.push_back(BindExpr(*e.args[0], aggs));
        b->args.push_back(BindExpr(*e.args[1], aggs));
        if (e.op == Op::kRegex && b->args[1]->kind == BExpr::Kind::kConst &&
            b->args[1]->value.kind() == Value::Kind::kString) {
          if (b->args[1]->param >= 0) out_.rebindable = false;
          b->regex = CompileRegex(b->args[1]->value.as_string(), e.args[1]->pos);
        }
        return b;
      }
      case ExprKind::kHasLabel: {
        auto b = Make(BExpr::Kind::kHasLabel, e.pos);
        b->args.push_back(BindExpr(*e.args[0], aggs));
        for (const auto& label : e.keys) {
          EntityType t{};
          if (!ParseEntityType(label, &t)) {
            std::string hint = DidYouMean(label, LabelNames());
            Fail(e.pos, "unknown label '" + label + "'" +
                            (hint.empty() ? " (labels: Person, Organization, Place, Group, Misc, Concept)" : hint));
          }
          b->types.push_back(t);
        }
        return b;
      }
      case ExprKind::kCountStar: {
        if (aggs == nullptr) Fail(e.pos, "count(*) is only allowed in RETURN, WITH and ORDER BY");
        aggs->push_back(BAggregate{Func::kCount, false, nullptr});
        auto b = Make(BExpr::Kind::kAggRef, e.pos);
        b->agg = static_cast<int>(aggs->size()) - 1;
        return b;
      }
      case ExprKind::kCall: {
        std::string lower = Lower(e.name);
        const FuncInfo* info = nullptr;
        for (const auto& f : kFunctions) {
          if (lower == f.name) {
            info = &f;
            break;
          }
        }
        if (info == nullptr) {
          if (lower == "shortestpath" || lower == "allshortestpaths") {
            Fail(e.pos, e.name + "() is a pattern: MATCH p = " + e.name + "((a)-[*..5]-(b))");
          }
          Fail(e.pos, "unknown function '" + e.name + "'" + DidYouMean(e.name, FunctionNames()));
        }
        int n = static_cast<int>(e.args.size());
        if (n < info->min_args || n > info->max_args) {
          Fail(e.pos, e.name + "() takes " +
                          (info->min_args == info->max_args ? std::to_string(info->min_args)
                                                            : "at least " + std::to_string(info->min_args)) +
                          " argument" + (info->min_args == 1 && info->max_args == 1 ? "" : "s") + ", got " +
                          std::to_string(n));
        }
        if (e.distinct && !IsAggregate(info->func)) Fail(e.pos, "DISTINCT only applies to aggregate functions");
        if (IsAggregate(info->func)) {
          if (aggs == nullptr) Fail(e.pos, e.name + "() is an aggregate, only allowed in RETURN, WITH and ORDER BY");
          BAggregate agg;
          agg.func = info->func;
          agg.distinct = e.distinct;
          agg.arg = BindExpr(*e.args[0], nullptr);  // no aggregates inside aggregates
          aggs->push_back(std::move(agg));
          auto b = Make(BExpr::Kind::kAggRef, e.pos);
          b->agg = static_cast<int>(aggs->size()) - 1;
          return b;
        }
        auto b = Make(BExpr::Kind::kFunc, e.pos);
        b->func = info->func;
        for (const auto& a : e.args) b->args.push_back(BindExpr(*a, aggs));
        return b;
      }
    }
    Fail(e.pos, "unsupported expression");
  }

  const Params& params_;
  store::Reader& reader_;
  const BindOptions& options_;
  BoundQuery out_;
  std::vector<ScopeEntry> scope_;
  std::optional<std::vector<std::string>> predicates_;
};

}  // namespace

std::vector<EntityId> ResolveEntityName(store::Reader& reader, const std::string& name) {
  std::vector<EntityId> ids = reader.FindByName(name);
  if (ids.empty()) {
    std::string norm = NormalizeName(name);
    if (!norm.empty() && norm.find(' ') == std::string::npos) {
      (void)reader.ScanEntities([&](const Entity& e) {
        if (e.type != EntityType::kPerson) return true;
        std::string full = NormalizeName(e.name);
        size_t sp = full.rfind(' ');
        if (sp != std::string::npos && full.compare(sp + 1, std::string::npos, norm) == 0) ids.push_back(e.id);
        return true;
      });
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

bool Rebind(BoundQuery* query, const Params& params, store::Reader& reader) {
  if (!query->rebindable) return false;
  // The value binding would read for parameter i: the first of its name.
  auto find = [&](size_t i) -> const Value* {
    for (const auto& [name, value] : params) {
      if (name == query->params[i]) return &value;
    }
    return nullptr;
  };
  for (size_t i = 0; i < query->params.size(); ++i) {
    const Value* v = find(i);
    if (v == nullptr || v->kind() != query->param_kinds[i]) return false;
  }
  for (BExpr* e : query->param_consts) e->value = *find(static_cast<size_t>(e->param));
  for (BNode* n : query->param_nodes) {
    const Value& v = *find(static_cast<size_t>(n->name_param));
    if (v.kind() != Value::Kind::kString) {
      n->candidates = std::vector<EntityId>();
    } else if (n->exact_name) {  // as PushDownNameEquality
      std::vector<EntityId> ids = reader.FindByName(v.as_string());
      std::sort(ids.begin(), ids.end());
      n->candidates = std::move(ids);
    } else {
      n->candidates = ResolveEntityName(reader, v.as_string());
    }
  }
  return true;
}

std::optional<Value> ConstantValue(const ast::Expr& e) {
  switch (e.kind) {
    case ExprKind::kLiteral: return e.literal;
    case ExprKind::kUnary:
      if (e.op == Op::kNeg) {
        auto v = ConstantValue(*e.args[0]);
        if (!v || !v->is_number()) return std::nullopt;
        return v->kind() == Value::Kind::kInt ? Value::Int(-v->as_int()) : Value::Float(-v->as_float());
      }
      return std::nullopt;
    case ExprKind::kList: {
      Value::List l;
      for (const auto& a : e.args) {
        auto v = ConstantValue(*a);
        if (!v) return std::nullopt;
        l.push_back(std::move(*v));
      }
      return Value::MakeList(std::move(l));
    }
    case ExprKind::kMap: {
      Value::Map m;
      for (size_t i = 0; i < e.args.size(); ++i) {
        auto v = ConstantValue(*e.args[i]);
        if (!v) return std::nullopt;
        m.emplace_back(e.keys[i], std::move(*v));
      }
      return Value::MakeMap(std::move(m));
    }
    default: return std::nullopt;
  }
}

PropKey PropKeyOf(std::string_view key) {
  static const std::pair<std::string_view, PropKey> kKeys[] = {
      {"name", PropKey::kName},         {"type", PropKey::kType},
      {"predicate", PropKey::kPredicate}, {"aliases", PropKey::kAliases},
      {"mentions", PropKey::kMentions}, {"first_seen", PropKey::kFirstSeen},
      {"id", PropKey::kId},             {"text", PropKey::kText},
      {"surface", PropKey::kSurface},   {"confidence", PropKey::kConfidence},
      {"polarity", PropKey::kPolarity}, {"negated", PropKey::kNegated},
      {"modality", PropKey::kModality}, {"support", PropKey::kSupport},
      {"articles", PropKey::kArticles}};
  for (const auto& [name, k] : kKeys) {
    if (name == key) return k;
  }
  return PropKey::kOther;
}

bool IsIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// A view is a prefix of the log: the one for a date is the longest prefix that
// holds no article dated after that day, so nothing "from the future" is ever
// included, even when articles arrived out of date order. Same definition as
// `kg export/diff/stats --as-of DATE` (exports::ResolvePoint).
Result<ArticleSeq> SeqAsOfDate(store::Reader& latest, const std::string& date) {
  ArticleSeq last = 0;
  Status s = latest.ScanLog([&](const store::LogEntry& e) {
    if (e.kind == store::LogEntry::Kind::kArticle && !e.article.date.empty() &&
        e.article.date.compare(0, 10, date) > 0) {
      return false;
    }
    last = e.seq;
    return true;
  });
  if (!s.ok()) return s;
  return last;
}

std::variant<store::View, QueryError> ResolveView(const ast::Query& query, const Params& params,
                                                  store::Reader& latest, const store::View& base) {
  store::View view = base;
  bool seen_as_of = false, seen_from = false;
  for (const auto& tc : query.time) {
    Value v;
    if (tc.value->kind == ExprKind::kParam) {
      bool found = false;
      for (const auto& [name, value] : params) {
        if (name == tc.value->name) {
          v = value;
          found = true;
        }
      }
      if (!found) return QueryError{tc.value->pos, "missing parameter $" + tc.value->name};
    } else {
      v = tc.value->literal;
    }
    switch (tc.kind) {
      case ast::TimeClause::Kind::kAsOfArticle:
      case ast::TimeClause::Kind::kAsOfDate: {
        if (seen_as_of) return QueryError{tc.pos, "only one AS OF per query"};
        seen_as_of = true;
        if (tc.kind == ast::TimeClause::Kind::kAsOfArticle) {
          if (v.kind() != Value::Kind::kInt || v.as_int() < 0) {
            return QueryError{tc.value->pos, "AS OF ARTICLE takes an article number (its seq, see `kg log`)"};
          }
          view.as_of = static_cast<ArticleSeq>(v.as_int());
        } else {
          if (v.kind() != Value::Kind::kString || !IsIsoDate(v.as_string())) {
            return QueryError{tc.value->pos, "AS OF DATE takes a date \"YYYY-MM-DD\""};
          }
          auto seq = SeqAsOfDate(latest, v.as_string());
          if (!seq.ok()) return QueryError{tc.pos, "reading the log: " + seq.status().ToString()};
          view.as_of = *seq;
        }
        break;
      }
      case ast::TimeClause::Kind::kFromArticle: {
        if (seen_from) return QueryError{tc.pos, "only one FROM ARTICLE per query"};
        seen_from = true;
        if (v.kind() == Value::Kind::kInt && v.as_int() > 0) {
          view.only_article = static_cast<ArticleSeq>(v.as_int());
        } else if (v.kind() == Value::Kind::kString) {
          auto seq = latest.FindArticle(v.as_string());
          if (!seq) return QueryError{tc.value->pos, "no article with id \"" + v.as_string() + "\" in the store"};
          view.only_article = *seq;
        } else {
          return QueryError{tc.value->pos, "FROM ARTICLE takes an article id string or a seq number"};
        }
        break;
      }
    }
  }
  return view;
}

std::variant<BoundQuery, QueryError> Bind(const ast::Query& query, const Params& params,
                                          store::Reader& reader, const BindOptions& options) {
  try {
    return Binder(params, reader, options).Run(query);
  } catch (const BindFailure& f) {
    return f.error;
  }
}

}  // namespace kg::query
