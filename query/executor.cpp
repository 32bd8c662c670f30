#include "query/executor.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/reverse_graph.hpp>

namespace kg::query {

namespace {

using Row = std::vector<Value>;
using ast::Direction;
using ast::Op;

// ---------------------------------------------------------------- context

class Ctx {
 public:
  Ctx(store::Reader& reader, const ExecOptions& options, std::string_view text)
      : reader(reader), options(options), text(text) {
    frames_.reserve(kTypicalDepth);
  }

  store::Reader& reader;
  const ExecOptions& options;
  std::string_view text;
  Status status;
  uint64_t expansions = 0;

  bool failed() const { return !status.ok(); }

  // Relationship slots whose value may borrow the reader's fact for the
  // length of one scan callback instead of owning a copy (see
  // BorrowableRelSlots). Indexed by slot.
  std::vector<char> borrowable;
  // Whether scans fill each fact's surface words (see ReadsSurface).
  bool surface = true;

  bool Borrowable(int slot) const {
    return slot >= 0 && static_cast<size_t>(slot) < borrowable.size() && borrowable[static_cast<size_t>(slot)] != 0;
  }

  // Counts one unit of work; false (and an error) past the cap or deadline.
  bool Tick() {
    if (failed()) return false;
    ++expansions;
    if (expansions > options.max_expansions) {
      status = Status::Timeout("query stopped after reading " + std::to_string(options.max_expansions) +
                               " facts/entities (the expansion cap); bound the pattern more tightly, "
                               "e.g. start from a name or lower the hop count");
      return false;
    }
    if ((expansions & 255) == 0 && options.deadline && std::chrono::steady_clock::now() > *options.deadline) {
      status = Status::Timeout("query stopped: timeout reached after " + std::to_string(expansions) +
                               " expansions; bound the pattern more tightly or raise --timeout");
      return false;
    }
    return true;
  }

  void Error(SourcePos pos, std::string message) {
    if (status.ok()) status = ToStatus(text, QueryError{pos, std::move(message)});
  }
  void Check(const Status& s) {
    if (!s.ok() && status.ok()) status = s;
  }

  std::shared_ptr<const Entity> Load(EntityId id) {
    auto it = entities_.find(id);
    if (it != entities_.end()) return it->second;
    std::shared_ptr<const Entity> e;
    if (auto got = reader.GetEntity(id)) {
      e = std::make_shared<const Entity>(std::move(*got));
    } else {
      // Not visible in this view (should not happen for a visible fact).
      auto placeholder = std::make_shared<Entity>();
      placeholder->id = id;
      placeholder->name = "#" + std::to_string(id);
      e = placeholder;
    }
    entities_.emplace(id, e);
    return e;
  }
  void Remember(const Entity& e) {
    if (!entities_.count(e.id)) entities_.emplace(e.id, std::make_shared<const Entity>(e));
  }

  // Name and type of entities as the index rows of scanned facts carry them
  // (store::FactEnds), so that reading n.name or n.type, or checking a label,
  // needs no entity lookup. Names and types hold in every view.
  struct Brief {
    EntityId id = 0;  // 0: empty (entity ids start at 1)
    EntityType type = EntityType::kMisc;
    uint32_t name_at = 0;   // the name: brief_names_.substr(name_at, name_size)
    uint32_t name_size = 0;
  };
  // A direct-mapped cache (slot = id mod size): noting appends the name to
  // one arena string and allocates nothing once that has grown; a collision
  // only evicts, and a missing brief falls back to loading the entity. The
  // slots are plain data, so a query that notes none costs nothing, and one
  // that does zero-fills them once.
  void NoteBrief(EntityId id, std::string_view name, EntityType type) {
    if (name.empty()) return;  // not known to the row
    if (briefs_.empty()) {
      briefs_.resize(kBriefs);
      brief_names_.reserve(kBriefArenaStart);
    }
    Brief& b = briefs_[id % kBriefs];
    if (b.id == id) return;
    if (brief_names_.size() + name.size() > kBriefArena) {
      // Start the arena over: every brief pointing into it goes.
      for (Brief& x : briefs_) x.id = 0;
      brief_names_.clear();
    }
    b.id = id;
    b.type = type;
    b.name_at = static_cast<uint32_t>(brief_names_.size());
    b.name_size = static_cast<uint32_t>(name.size());
    brief_names_.append(name);
  }
  // The name and type of entity `id` from the index row an active scan is
  // at (innermost first), else from a noted brief; false when neither has it.
  bool FindBrief(EntityId id, std::string_view* name, EntityType* type) const {
    for (auto f = frames_.rbegin(); f != frames_.rend(); ++f) {
      for (int k = 0; k < 2; ++k) {
        if (f->id[k] == id && !f->name[k].empty()) {
          *name = f->name[k];
          *type = f->type[k];
          return true;
        }
      }
    }
    if (briefs_.empty()) return false;
    const Brief& b = briefs_[id % kBriefs];
    if (b.id != id) return false;
    *name = std::string_view(brief_names_).substr(b.name_at, b.name_size);
    *type = b.type;
    return true;
  }
  // The node's type, from the loaded entity, a brief, or a lookup.
  EntityType TypeOf(const NodeValue& n) {
    if (n.entity) return n.entity->type;
    std::string_view name;
    EntityType type;
    if (FindBrief(n.id, &name, &type)) return type;
    return Load(n.id)->type;
  }

  // Scan frames. While a fact scan runs a callback, the ends of the row it
  // is at are readable in place (views into the row, valid until the scan
  // moves on), so a row's far end needs no copy into the briefs: every
  // operator downstream runs inside that callback. Only an operator that
  // keeps rows past the scan (aggregation, ORDER BY) reads names after the
  // row is gone; for such queries `eager_briefs` makes scans note every end
  // as before. A frame is an index into frames_ (nested scans push more).
  struct Frame {
    EntityId id[2] = {0, 0};  // 0: no end (entity ids start at 1)
    std::string_view name[2];
    EntityType type[2] = {EntityType::kMisc, EntityType::kMisc};
  };
  bool eager_briefs = true;
  size_t PushFrame() {
    frames_.emplace_back();
    return frames_.size() - 1;
  }
  void PopFrame() { frames_.pop_back(); }
  // Makes the scan at frame `f` show end `k` (eager: notes a brief instead).
  // A frame keeps its last row's views until the next row or the scan's end:
  // nothing reads them in between (reads happen inside callbacks).
  void SetEnd(size_t f, int k, EntityId id, std::string_view name, EntityType type) {
    if (eager_briefs) {
      NoteBrief(id, name, type);
      return;
    }
    Frame& fr = frames_[f];
    fr.id[k] = id;
    fr.name[k] = name;
    fr.type[k] = type;
  }
  // A node property; name and type come from a brief when the node is not
  // loaded, every other property loads it.
  Value Property(const NodeValue& n, PropKey key);

  NodeValue LoadedNode(const NodeValue& n) {
    if (n.entity) return n;
    return NodeValue{n.id, Load(n.id)};
  }

  // Can a value hold nodes Materialize would load? (Others go out as they are.)
  static bool HoldsNodes(const Value& v) {
    switch (v.kind()) {
      case Value::Kind::kNode:
      case Value::Kind::kList:
      case Value::Kind::kMap:
      case Value::Kind::kPath: return true;
      default: return false;
    }
  }

  // Loads every node inside a value (for output).
  Value Materialize(const Value& v) {
    switch (v.kind()) {
      case Value::Kind::kNode: return Value::Node(LoadedNode(v.as_node()));
      case Value::Kind::kList: {
        Value::List l;
        for (const auto& e : v.as_list()) l.push_back(Materialize(e));
        return Value::MakeList(std::move(l));
      }
      case Value::Kind::kMap: {
        Value::Map m;
        for (const auto& [k, e] : v.as_map()) m.emplace_back(k, Materialize(e));
        return Value::MakeMap(std::move(m));
      }
      case Value::Kind::kPath: {
        PathValue p = v.as_path();
        for (auto& n : p.nodes) n = LoadedNode(n);
        return Value::Path(std::move(p));
      }
      default: return v;
    }
  }

  std::vector<Evidence> EvidenceOf(FactId id) {
    std::vector<Evidence> out;
    Check(reader.ScanEvidence(id, [&](const Evidence& e) {
      out.push_back(e);
      return Tick();
    }));
    return out;
  }

 private:
  std::unordered_map<EntityId, std::shared_ptr<const Entity>> entities_;
  static constexpr size_t kBriefs = 256;
  static constexpr size_t kBriefArena = 64 * 1024;  // bytes of names before starting over
  static constexpr size_t kBriefArenaStart = 1024;  // one allocation for a typical query's names
  std::vector<Brief> briefs_;  // kBriefs slots once the first brief is noted
  std::string brief_names_;
  std::vector<Frame> frames_;  // one per fact scan running, innermost last
  static constexpr size_t kTypicalDepth = 4;  // nested scans: one allocation for most queries
};

// ---------------------------------------------------------------- expressions

Value NodeProperty(const Entity& e, PropKey key) {
  switch (key) {
    case PropKey::kName: return Value::String(e.name);
    case PropKey::kType: return Value::String(EntityTypeName(e.type));
    case PropKey::kAliases: {
      Value::List l;
      for (const auto& a : e.aliases) l.push_back(Value::String(a));
      return Value::MakeList(std::move(l));
    }
    case PropKey::kMentions: return Value::Int(static_cast<int64_t>(e.mentions));
    case PropKey::kFirstSeen: return Value::Int(static_cast<int64_t>(e.first_seen));
    case PropKey::kId: return Value::Int(static_cast<int64_t>(e.id));
    default: return Value::Null();
  }
}

Value Ctx::Property(const NodeValue& n, PropKey key) {
  if (!n.entity && (key == PropKey::kName || key == PropKey::kType)) {
    std::string_view name;
    EntityType type;
    if (FindBrief(n.id, &name, &type)) {
      if (key == PropKey::kName) return Value::String(name);
      return Value::String(EntityTypeName(type));
    }
  }
  return NodeProperty(*LoadedNode(n).entity, key);
}

Value RelProperty(Ctx& ctx, const Fact& f, PropKey key) {
  switch (key) {
    case PropKey::kType:
    case PropKey::kPredicate: return Value::String(f.predicate);
    case PropKey::kText:
    case PropKey::kSurface: return Value::String(f.surface);
    case PropKey::kConfidence: return Value::Float(FloatToDouble(f.confidence));
    case PropKey::kPolarity: return Value::String(Polarity(f));
    case PropKey::kNegated: return Value::Bool(f.negated);
    case PropKey::kModality: return Value::String(ModalityName(f.modality));
    case PropKey::kSupport: return Value::Int(f.support);
    case PropKey::kFirstSeen: return Value::Int(static_cast<int64_t>(f.first_seen));
    case PropKey::kId: return Value::Int(static_cast<int64_t>(f.id));
    case PropKey::kArticles: {
      Value::List l;
      std::set<std::string> seen;
      for (const auto& e : ctx.EvidenceOf(f.id)) {
        if (seen.insert(e.article_id).second) l.push_back(Value::String(e.article_id));
      }
      return Value::MakeList(std::move(l));
    }
    default: return Value::Null();
  }
}

std::string CaseMap(std::string s, bool upper) {
  for (auto& c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x80) c = static_cast<char>(upper ? std::toupper(u) : std::tolower(u));
  }
  return s;
}

std::optional<bool> Truth(const Value& v) {
  if (v.kind() == Value::Kind::kBool) return v.as_bool();
  return std::nullopt;
}
Value FromTruth(std::optional<bool> b) { return b ? Value::Bool(*b) : Value::Null(); }

class Evaluator {
 public:
  explicit Evaluator(Ctx& ctx) : ctx_(ctx) {}

  Value Eval(const BExpr& e, const Row& row, const std::vector<Value>* aggs = nullptr) {
    switch (e.kind) {
      case BExpr::Kind::kConst: return e.value;
      case BExpr::Kind::kSlot: return row[static_cast<size_t>(e.slot)];
      case BExpr::Kind::kAggRef: return aggs ? (*aggs)[static_cast<size_t>(e.agg)] : Value::Null();
      case BExpr::Kind::kProperty: {
        // A variable's property reads the row's value in place (no copy of
        // the node or relationship per row).
        const BExpr& of = *e.args[0];
        if (of.kind == BExpr::Kind::kSlot) return PropertyOf(row[static_cast<size_t>(of.slot)], e);
        return PropertyOf(Eval(of, row, aggs), e);
      }
      case BExpr::Kind::kIndex: {
        Value obj = Eval(*e.args[0], row, aggs);
        Value ix = Eval(*e.args[1], row, aggs);
        if (obj.kind() == Value::Kind::kList && ix.kind() == Value::Kind::kInt) {
          const auto& l = obj.as_list();
          int64_t i = ix.as_int();
          if (i < 0) i += static_cast<int64_t>(l.size());
          if (i < 0 || i >= static_cast<int64_t>(l.size())) return Value::Null();
          return l[static_cast<size_t>(i)];
        }
        if (obj.kind() == Value::Kind::kMap && ix.kind() == Value::Kind::kString) return obj.Get(ix.as_string());
        return Value::Null();
      }
      case BExpr::Kind::kList: {
        Value::List l;
        for (const auto& a : e.args) l.push_back(Eval(*a, row, aggs));
        return Value::MakeList(std::move(l));
      }
      case BExpr::Kind::kMap: {
        Value::Map m;
        for (size_t i = 0; i < e.args.size(); ++i) m.emplace_back(e.keys[i], Eval(*e.args[i], row, aggs));
        return Value::MakeMap(std::move(m));
      }
      case BExpr::Kind::kUnary: return Unary(e, row, aggs);
      case BExpr::Kind::kBinary: return Binary(e, row, aggs);
      case BExpr::Kind::kFunc: return Call(e, row, aggs);
      case BExpr::Kind::kHasLabel: {
        Value v = Eval(*e.args[0], row, aggs);
        if (v.kind() != Value::Kind::kNode) return Value::Null();
        EntityType t = ctx_.TypeOf(v.as_node());
        return Value::Bool(std::find(e.types.begin(), e.types.end(), t) != e.types.end());
      }
    }
    return Value::Null();
  }

 private:
  Value PropertyOf(const Value& obj, const BExpr& e) {
    switch (obj.kind()) {
      case Value::Kind::kNode: return ctx_.Property(obj.as_node(), e.prop);
      case Value::Kind::kRel: return RelProperty(ctx_, obj.as_rel(), e.prop);
      case Value::Kind::kMap: return obj.Get(e.name);
      default: return Value::Null();
    }
  }

  const Value& Operand(const BExpr& e, const Row& row, const std::vector<Value>* aggs, Value* tmp) {
    if (e.kind == BExpr::Kind::kConst) return e.value;
    *tmp = Eval(e, row, aggs);
    return *tmp;
  }

  Value Unary(const BExpr& e, const Row& row, const std::vector<Value>* aggs) {
    Value v = Eval(*e.args[0], row, aggs);
    switch (e.op) {
      case Op::kNot: {
        auto t = Truth(v);
        return t ? Value::Bool(!*t) : Value::Null();
      }
      case Op::kIsNull: return Value::Bool(v.is_null());
      case Op::kIsNotNull: return Value::Bool(!v.is_null());
      case Op::kNeg:
        if (v.kind() == Value::Kind::kInt) return Value::Int(-v.as_int());
        if (v.kind() == Value::Kind::kFloat) return Value::Float(-v.as_float());
        return Value::Null();
      case Op::kPos: return v.is_number() ? v : Value::Null();
      default: return Value::Null();
    }
  }

  Value Binary(const BExpr& e, const Row& row, const std::vector<Value>* aggs) {
    // Three-valued logic with short circuits.
    if (e.op == Op::kAnd || e.op == Op::kOr) {
      auto a = Truth(Eval(*e.args[0], row, aggs));
      bool is_and = e.op == Op::kAnd;
      if (a && *a != is_and) return Value::Bool(*a);
      auto b = Truth(Eval(*e.args[1], row, aggs));
      if (b && *b != is_and) return Value::Bool(*b);
      if (a && b) return Value::Bool(is_and);
      return Value::Null();
    }
    // A constant operand (`r.confidence >= 0.8`, `c.type = 'place'`) is read
    // in place rather than copied for every row.
    Value a_tmp, b_tmp;
    const Value& a = Operand(*e.args[0], row, aggs, &a_tmp);
    const Value& b = Operand(*e.args[1], row, aggs, &b_tmp);
    switch (e.op) {
      case Op::kXor: {
        auto x = Truth(a), y = Truth(b);
        return (x && y) ? Value::Bool(*x != *y) : Value::Null();
      }
      case Op::kEq: return FromTruth(EqualValues(a, b));
      case Op::kNe: {
        auto eq = EqualValues(a, b);
        return eq ? Value::Bool(!*eq) : Value::Null();
      }
      case Op::kLt:
      case Op::kGt:
      case Op::kLe:
      case Op::kGe: {
        bool comparable = (a.is_number() && b.is_number()) || (a.kind() == b.kind() && (a.kind() == Value::Kind::kString || a.kind() == Value::Kind::kBool));
        if (!comparable) return Value::Null();
        int c = CompareValues(a, b);
        switch (e.op) {
          case Op::kLt: return Value::Bool(c < 0);
          case Op::kGt: return Value::Bool(c > 0);
          case Op::kLe: return Value::Bool(c <= 0);
          default: return Value::Bool(c >= 0);
        }
      }
      case Op::kRegex: {
        if (a.kind() != Value::Kind::kString || b.kind() != Value::Kind::kString) return Value::Null();
        std::shared_ptr<const std::regex> re = e.regex;
        if (!re) {
          std::string p = b.as_string();
          auto flags = std::regex::ECMAScript;
          if (p.rfind("(?i)", 0) == 0) {
            p = p.substr(4);
            flags |= std::regex::icase;
          }
          try {
            re = std::make_shared<const std::regex>(p, flags);
          } catch (const std::regex_error& err) {
            ctx_.Error(e.args[1]->pos, "invalid regular expression \"" + b.as_string() + "\": " + err.what());
            return Value::Null();
          }
        }
        try {
          return Value::Bool(std::regex_match(a.as_string(), *re));
        } catch (const std::regex_error& err) {
          ctx_.Error(e.pos, std::string("regular expression failed: ") + err.what());
          return Value::Null();
        }
      }
      case Op::kIn: {
        if (b.is_null()) return Value::Null();
        if (b.kind() != Value::Kind::kList) {
          ctx_.Error(e.args[1]->pos, "IN needs a list on its right, got " + std::string(KindName(b.kind())));
          return Value::Null();
        }
        bool unknown = false;
        for (const auto& item : b.as_list()) {
          auto eq = EqualValues(a, item);
          if (eq && *eq) return Value::Bool(true);
          if (!eq) unknown = true;
        }
        return unknown ? Value::Null() : Value::Bool(false);
      }
      case Op::kContains:
      case Op::kStartsWith:
      case Op::kEndsWith: {
        if (a.kind() != Value::Kind::kString || b.kind() != Value::Kind::kString) return Value::Null();
        const std::string& s = a.as_string();
        const std::string& t = b.as_string();
        if (e.op == Op::kContains) return Value::Bool(s.find(t) != std::string::npos);
        if (e.op == Op::kStartsWith) return Value::Bool(s.rfind(t, 0) == 0);
        return Value::Bool(s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0);
      }
      case Op::kAdd:
        if (a.kind() == Value::Kind::kString && b.kind() == Value::Kind::kString) return Value::String(a.as_string() + b.as_string());
        if (a.kind() == Value::Kind::kList) {
          Value::List l = a.as_list();
          if (b.kind() == Value::Kind::kList) l.insert(l.end(), b.as_list().begin(), b.as_list().end());
          else l.push_back(b);
          return Value::MakeList(std::move(l));
        }
        [[fallthrough]];
      case Op::kSub:
      case Op::kMul:
      case Op::kDiv:
      case Op::kMod: {
        if (!a.is_number() || !b.is_number()) {
          if (a.is_null() || b.is_null()) return Value::Null();
          ctx_.Error(e.pos, "cannot apply '" + ast::OpName(e.op) + "' to " + std::string(KindName(a.kind())) +
                                " and " + std::string(KindName(b.kind())));
          return Value::Null();
        }
        if (a.kind() == Value::Kind::kInt && b.kind() == Value::Kind::kInt) {
          int64_t x = a.as_int(), y = b.as_int();
          switch (e.op) {
            case Op::kAdd: return Value::Int(static_cast<int64_t>(static_cast<uint64_t>(x) + static_cast<uint64_t>(y)));
            case Op::kSub: return Value::Int(static_cast<int64_t>(static_cast<uint64_t>(x) - static_cast<uint64_t>(y)));
            case Op::kMul: return Value::Int(static_cast<int64_t>(static_cast<uint64_t>(x) * static_cast<uint64_t>(y)));
            default:
              if (y == 0) {
                ctx_.Error(e.pos, "division by zero");
                return Value::Null();
              }
              if (x == INT64_MIN && y == -1) return Value::Null();
              return Value::Int(e.op == Op::kDiv ? x / y : x % y);
          }
        }
        double x = a.as_number(), y = b.as_number();
        switch (e.op) {
          case Op::kAdd: return Value::Float(x + y);
          case Op::kSub: return Value::Float(x - y);
          case Op::kMul: return Value::Float(x * y);
          case Op::kDiv: return Value::Float(x / y);
          default: return Value::Float(std::fmod(x, y));
        }
      }
      default: return Value::Null();
    }
  }

  Value Call(const BExpr& e, const Row& row, const std::vector<Value>* aggs) {
    if (e.func == Func::kCoalesce) {
      for (const auto& a : e.args) {
        Value v = Eval(*a, row, aggs);
        if (!v.is_null()) return v;
      }
      return Value::Null();
    }
    // A variable argument (type(r), id(r)) is read in place, not copied.
    Value v_tmp;
    const Value& v = e.args[0]->kind == BExpr::Kind::kSlot ? row[static_cast<size_t>(e.args[0]->slot)]
                                                          : (v_tmp = Eval(*e.args[0], row, aggs));
    if (v.is_null()) return Value::Null();
    auto wrong = [&](const char* want) {
      ctx_.Error(e.args[0]->pos, "expected " + std::string(want) + ", got " + std::string(KindName(v.kind())));
      return Value::Null();
    };
    switch (e.func) {
      case Func::kId:
        if (v.kind() == Value::Kind::kNode) return Value::Int(static_cast<int64_t>(v.as_node().id));
        if (v.kind() == Value::Kind::kRel) return Value::Int(static_cast<int64_t>(v.as_rel().id));
        return wrong("a node or a relationship");
      case Func::kLabels:
        if (v.kind() != Value::Kind::kNode) return wrong("a node");
        return Value::MakeList({Value::String(LabelName(ctx_.LoadedNode(v.as_node()).entity->type))});
      case Func::kType:
        if (v.kind() != Value::Kind::kRel) return wrong("a relationship");
        return Value::String(v.as_rel().predicate);
      case Func::kLength:
        if (v.kind() == Value::Kind::kPath) return Value::Int(static_cast<int64_t>(v.as_path().rels.size()));
        if (v.kind() == Value::Kind::kList) return Value::Int(static_cast<int64_t>(v.as_list().size()));
        if (v.kind() == Value::Kind::kString) return Value::Int(static_cast<int64_t>(v.as_string().size()));
        return wrong("a path");
      case Func::kSize:
        if (v.kind() == Value::Kind::kList) return Value::Int(static_cast<int64_t>(v.as_list().size()));
        if (v.kind() == Value::Kind::kString) {
          int64_t n = 0;  // code points
          for (char c : v.as_string()) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
          return Value::Int(n);
        }
        return wrong("a list or a string");
      case Func::kNodes: {
        if (v.kind() != Value::Kind::kPath) return wrong("a path");
        Value::List l;
        for (const auto& n : v.as_path().nodes) l.push_back(Value::Node(n));
        return Value::MakeList(std::move(l));
      }
      case Func::kRelationships: {
        if (v.kind() != Value::Kind::kPath) return wrong("a path");
        Value::List l;
        for (const auto& r : v.as_path().rels) l.push_back(Value::Rel(r));
        return Value::MakeList(std::move(l));
      }
      case Func::kEvidence: {
        if (v.kind() != Value::Kind::kRel) return wrong("a relationship");
        Value::List l;
        for (const auto& ev : ctx_.EvidenceOf(v.as_rel().id)) {
          Value::Map m;
          m.emplace_back("article", Value::String(ev.article_id));
          m.emplace_back("seq", Value::Int(static_cast<int64_t>(ev.article_seq)));
          m.emplace_back("sentence", Value::String(ev.sentence));
          m.emplace_back("sentence_index", Value::Int(ev.sentence_index));
          m.emplace_back("begin", Value::Int(static_cast<int64_t>(ev.sentence_begin)));
          m.emplace_back("end", Value::Int(static_cast<int64_t>(ev.sentence_end)));
          m.emplace_back("text", Value::String(ev.surface));
          m.emplace_back("attribution", Value::String(ev.attribution));
          m.emplace_back("confidence", Value::Float(FloatToDouble(ev.confidence)));
          l.push_back(Value::MakeMap(std::move(m)));
        }
        return Value::MakeList(std::move(l));
      }
      case Func::kToLower:
      case Func::kToUpper:
        if (v.kind() != Value::Kind::kString) return wrong("a string");
        return Value::String(CaseMap(v.as_string(), e.func == Func::kToUpper));
      case Func::kToString:
        if (v.kind() == Value::Kind::kString) return v;
        return Value::String(ToDisplay(ctx_.Materialize(v)));
      case Func::kToInteger:
        if (v.kind() == Value::Kind::kInt) return v;
        if (v.kind() == Value::Kind::kFloat) {
          double d = v.as_float();
          if (!std::isfinite(d) || std::fabs(d) > 9.2e18) return Value::Null();
          return Value::Int(static_cast<int64_t>(d));
        }
        if (v.kind() == Value::Kind::kString) {
          char* end = nullptr;
          const char* s = v.as_string().c_str();
          errno = 0;
          long long n = std::strtoll(s, &end, 10);
          if (end == s || *end != '\0' || errno == ERANGE) return Value::Null();
          return Value::Int(n);
        }
        return Value::Null();
      case Func::kToFloat:
        if (v.is_number()) return Value::Float(v.as_number());
        if (v.kind() == Value::Kind::kString) {
          char* end = nullptr;
          const char* s = v.as_string().c_str();
          double d = std::strtod(s, &end);
          if (end == s || *end != '\0') return Value::Null();
          return Value::Float(d);
        }
        return Value::Null();
      case Func::kStartNode:
      case Func::kEndNode: {
        if (v.kind() != Value::Kind::kRel) return wrong("a relationship");
        EntityId id = e.func == Func::kStartNode ? v.as_rel().subject : v.as_rel().object;
        return Value::Node(NodeValue{id, ctx_.Load(id)});
      }
      case Func::kHead:
      case Func::kLast:
        if (v.kind() != Value::Kind::kList) return wrong("a list");
        if (v.as_list().empty()) return Value::Null();
        return e.func == Func::kHead ? v.as_list().front() : v.as_list().back();
      case Func::kAbs:
        if (v.kind() == Value::Kind::kInt) return Value::Int(v.as_int() < 0 ? -v.as_int() : v.as_int());
        if (v.kind() == Value::Kind::kFloat) return Value::Float(std::fabs(v.as_float()));
        return wrong("a number");
      default: return Value::Null();
    }
  }

  Ctx& ctx_;
};

// ---------------------------------------------------------------- borrowed relationships

// Marks slots read other than as the direct argument of a property access,
// type() or id(): such a read may copy the value into something that
// outlives the row (an output row, a list, a group, a path).
void MarkEscapes(const BExpr& e, bool direct_ok, std::vector<char>* escapes) {
  if (e.kind == BExpr::Kind::kSlot && !direct_ok && e.slot >= 0 &&
      static_cast<size_t>(e.slot) < escapes->size()) {
    (*escapes)[static_cast<size_t>(e.slot)] = 1;
  }
  for (size_t k = 0; k < e.args.size(); ++k) {
    const bool ok = k == 0 && (e.kind == BExpr::Kind::kProperty ||
                               (e.kind == BExpr::Kind::kFunc && (e.func == Func::kType || e.func == Func::kId)));
    if (e.args[k]) MarkEscapes(*e.args[k], ok, escapes);
  }
}

// The relationship slots an expansion may fill with a borrowed view of the
// reader's fact (valid during the scan callback only) instead of a copy
// owned by the row: those that every expression reads only through a
// property, type() or id(), that no path collects, in a query without
// aggregation (a group keeps its first row and evaluates it after the
// scans). The expansion clears the slot when its scan ends.
std::vector<char> BorrowableRelSlots(const BoundQuery& q) {
  const auto n = static_cast<size_t>(q.slot_count);
  std::vector<char> escapes(n, 0);
  auto mark = [&](const BExprPtr& e) {
    if (e) MarkEscapes(*e, false, &escapes);
  };
  for (const BClause& c : q.clauses) {
    if (!c.projection.aggregates.empty()) return std::vector<char>(n, 0);
    for (const BPart& part : c.parts) {
      for (const BNode& node : part.nodes) {
        mark(node.name_expr);
        for (const auto& [key, e] : node.properties) mark(e);
      }
      for (const BRel& rel : part.rels) {
        for (const auto& [key, e] : rel.properties) mark(e);
        if (part.path_slot >= 0 && rel.slot >= 0 && static_cast<size_t>(rel.slot) < n) {
          escapes[static_cast<size_t>(rel.slot)] = 1;
        }
      }
    }
    mark(c.where);
    mark(c.unwind);
    const BProjection& p = c.projection;
    for (const auto& e : p.items) mark(e);
    for (const auto& [e, desc] : p.order_by) mark(e);
    mark(p.where);
  }
  std::vector<char> out(n, 0);
  for (size_t s = 0; s < n; ++s) {
    out[s] = s < q.slot_kinds.size() && q.slot_kinds[s] == VarKind::kRel && escapes[s] == 0;
  }
  return out;
}

bool ReadsSurfaceKey(const BExpr& e) {
  if (e.kind == BExpr::Kind::kProperty && (e.prop == PropKey::kText || e.prop == PropKey::kSurface)) return true;
  for (const auto& a : e.args) {
    if (a && ReadsSurfaceKey(*a)) return true;
  }
  return false;
}

// Whether anything the query computes may read a scanned fact's surface
// words: an expression reading `.text` / `.surface` (of anything), a
// relationship property map with those keys, or a relationship that leaves
// the row whole (returned, collected, on a path, in a group: the slots that
// are not borrowable, and every list-of-relationships or path slot). When
// none does, the scans leave Fact::surface empty (store::TriplePattern::surface):
// the other uses of a relationship (type(), id(), evidence(r), r.articles,
// the other properties) read only its other fields.
bool ReadsSurface(const BoundQuery& q, const std::vector<char>& borrowable) {
  for (size_t s = 0; s < q.slot_kinds.size(); ++s) {
    const VarKind k = q.slot_kinds[s];
    if (k == VarKind::kRelList || k == VarKind::kPath) return true;
    if (k == VarKind::kRel && (s >= borrowable.size() || borrowable[s] == 0)) return true;
  }
  auto reads = [](const BExprPtr& e) { return e && ReadsSurfaceKey(*e); };
  auto surface_key = [](const std::string& key) {
    const PropKey k = PropKeyOf(key);
    return k == PropKey::kText || k == PropKey::kSurface;
  };
  for (const BClause& c : q.clauses) {
    for (const BPart& part : c.parts) {
      for (const BNode& node : part.nodes) {
        if (reads(node.name_expr)) return true;
        for (const auto& [key, e] : node.properties) {
          if (reads(e)) return true;
        }
      }
      for (const BRel& rel : part.rels) {
        for (const auto& [key, e] : rel.properties) {
          if (surface_key(key) || reads(e)) return true;
        }
      }
    }
    if (reads(c.where) || reads(c.unwind)) return true;
    const BProjection& p = c.projection;
    for (const auto& e : p.items) {
      if (reads(e)) return true;
    }
    for (const auto& [e, desc] : p.order_by) {
      if (reads(e)) return true;
    }
    for (const auto& a : p.aggregates) {
      if (reads(a.arg)) return true;
    }
    if (reads(p.where)) return true;
  }
  return false;
}

// ---------------------------------------------------------------- key set

// The keys DISTINCT has seen: open addressing over one arena of key bytes,
// so a new key costs a copy into the arena (and a doubling now and then)
// instead of a hash node and often a string of its own, and the set is freed
// in two deallocations. std::unordered_set<std::string> spent ~6 % of a
// 2-hop DISTINCT query's instructions inserting and destroying.
class KeySet {
 public:
  // Adds `key`; false when it was there already.
  bool Insert(std::string_view key) {
    if ((count_ + 1) * 4 > slots_.size() * 3) Grow();
    const size_t h = std::hash<std::string_view>()(key);
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.at == kEmpty) {
        s = Slot{h, arena_.size(), key.size()};
        arena_.append(key);
        ++count_;
        return true;
      }
      if (s.hash == h && s.size == key.size() && std::string_view(arena_).substr(s.at, s.size) == key) return false;
    }
  }

 private:
  struct Slot {
    size_t hash = 0;
    size_t at = kEmpty;  // the key: arena_.substr(at, size)
    size_t size = 0;
  };
  static constexpr size_t kEmpty = SIZE_MAX;
  static constexpr size_t kFirstSlots = 128;  // a LIMIT 100 query: no doubling

  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? kFirstSlots : old.size() * 2, Slot());
    const size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.at == kEmpty) continue;
      size_t i = s.hash & mask;
      while (slots_[i].at != kEmpty) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;  // a power of two, at most 3/4 full
  std::string arena_;
  size_t count_ = 0;
};

// ---------------------------------------------------------------- operators

// Pushes a scan frame (Ctx::Frame) for the length of one fact scan.
struct FrameScope {
  explicit FrameScope(Ctx& c) : ctx(c), f(c.PushFrame()) {}
  ~FrameScope() { ctx.PopFrame(); }
  FrameScope(const FrameScope&) = delete;
  FrameScope& operator=(const FrameScope&) = delete;
  Ctx& ctx;
  const size_t f;
};

class Operator {
 public:
  virtual ~Operator() = default;
  // Returns false to stop the producer (LIMIT reached, error).
  virtual bool Push(Row& row) = 0;
  virtual bool Finish() = 0;
  Operator* next = nullptr;
};

class MatchOp : public Operator {
 public:
  MatchOp(Ctx& ctx, const BClause& clause, const MatchPlan& plan)
      : ctx_(ctx), eval_(ctx), clause_(clause), plan_(plan) {
    used_.reserve(kTypicalUsed);
    for (const Step& s : plan_.steps) {
      rel_compares_.push_back(s.kind == Step::Kind::kFilter ? RelCompareOf(*s.filter) : std::nullopt);
    }
  }

  bool Push(Row& row) override {
    produced_ = false;
    bool cont = Run(0, row);
    if (ctx_.failed()) return false;
    if (cont && !produced_ && clause_.kind == ast::Clause::Kind::kOptionalMatch) {
      for (int s : clause_.new_slots) row[static_cast<size_t>(s)] = Value::Null();
      cont = next->Push(row);
    }
    return cont && !ctx_.failed();
  }
  bool Finish() override { return !ctx_.failed() && next->Finish(); }

 private:
  using FactFn = std::function<bool(const Fact&, EntityId other)>;

  bool Run(size_t i, Row& row) {
    if (ctx_.failed()) return false;
    if (i == plan_.steps.size()) {
      produced_ = true;
      return next->Push(row);
    }
    const Step& s = plan_.steps[i];
    switch (s.kind) {
      case Step::Kind::kFilter: {
        if (const auto& rc = rel_compares_[i]) {
          const Value& rel = row[static_cast<size_t>(rc->slot)];
          if (rel.kind() == Value::Kind::kRel) {
            return !RelCompare(*rc, rel.as_rel()) || Run(i + 1, row);
          }
        }
        Value v = eval_.Eval(*s.filter, row);
        if (ctx_.failed()) return false;
        if (v.kind() == Value::Kind::kBool && v.as_bool()) return Run(i + 1, row);
        return true;
      }
      case Step::Kind::kScanNode: return ScanNode(i, s, row);
      case Step::Kind::kScanRel: return ScanRel(i, s, row);
      case Step::Kind::kExpand: return s.rel->variable_length ? VarExpand(i, s, row) : Expand(i, s, row);
      case Step::Kind::kShortest: return Shortest(i, s, row);
      case Step::Kind::kBuildPath: return BuildPath(i, s, row);
    }
    return false;
  }

  static Value Node(EntityId id) { return Value::Node(NodeValue{id, nullptr}); }
  // The same assignments done in place when the slot already holds a node
  // (a relationship): inside a scan it does from the second row on, and
  // building a Value to move-assign through the variant was a measurable
  // part of each scanned row.
  static void SetNode(Value& slot, EntityId id) {
    if (auto* n = std::get_if<NodeValue>(&slot.data)) {
      n->id = id;
      n->entity.reset();
      return;
    }
    slot = Node(id);
  }
  static void SetBorrowedRel(Value& slot, const Fact& f) {
    if (auto* p = std::get_if<Value::RelPtr>(&slot.data)) {
      *p = Value::RelPtr(Value::RelPtr(), &f);
      return;
    }
    slot = Value::Rel(Value::RelPtr(Value::RelPtr(), &f));
  }

  // A WHERE conjunct `r.prop OP constant` on a relationship (OP one of
  // < > <= >=, prop a stored number: confidence, support, first_seen, id),
  // the usual filter of a scan. Run checks it on the fact directly, with the
  // same comparison Evaluator::Binary makes, instead of evaluating the
  // expression tree per row.
  struct RelCmp {
    int slot = -1;
    PropKey prop = PropKey::kOther;
    Op op = Op::kNone;
    const Value* constant = nullptr;
  };
  static std::optional<RelCmp> RelCompareOf(const BExpr& e) {
    if (e.kind != BExpr::Kind::kBinary || e.args.size() != 2) return std::nullopt;
    if (e.op != Op::kLt && e.op != Op::kGt && e.op != Op::kLe && e.op != Op::kGe) return std::nullopt;
    const BExpr& lhs = *e.args[0];
    const BExpr& rhs = *e.args[1];
    if (lhs.kind != BExpr::Kind::kProperty || lhs.args.empty() || lhs.args[0]->kind != BExpr::Kind::kSlot) {
      return std::nullopt;
    }
    if (lhs.prop != PropKey::kConfidence && lhs.prop != PropKey::kSupport && lhs.prop != PropKey::kFirstSeen &&
        lhs.prop != PropKey::kId) {
      return std::nullopt;
    }
    if (rhs.kind != BExpr::Kind::kConst || !rhs.value.is_number()) return std::nullopt;
    return RelCmp{lhs.args[0]->slot, lhs.prop, e.op, &rhs.value};
  }
  bool RelCompare(const RelCmp& rc, const Fact& f) {
    int c = 0;
    if (rc.prop == PropKey::kConfidence) {
      // CompareValues of a float with a number: both as doubles.
      const double x = FloatToDouble(f.confidence);
      const double y = rc.constant->as_number();
      c = x < y ? -1 : (y < x ? 1 : 0);
    } else {
      const Value a = RelProperty(ctx_, f, rc.prop);  // an integer, no store read for these keys
      c = CompareValues(a, *rc.constant);
    }
    switch (rc.op) {
      case Op::kLt: return c < 0;
      case Op::kGt: return c > 0;
      case Op::kLe: return c <= 0;
      default: return c >= 0;
    }
  }

  // Does entity `id` satisfy the node pattern's constraints?
  bool NodeOk(const BNode& n, EntityId id, const Row& row) {
    if (n.candidates && !std::binary_search(n.candidates->begin(), n.candidates->end(), id)) return false;
    if (n.name_expr) {
      Value v = eval_.Eval(*n.name_expr, row);
      if (v.kind() != Value::Kind::kString) return false;
      auto ids = ctx_.reader.FindByName(v.as_string());
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) return false;
    }
    if (n.types.empty() && n.properties.empty()) return true;
    const NodeValue node{id, nullptr};
    if (!n.types.empty() && std::find(n.types.begin(), n.types.end(), ctx_.TypeOf(node)) == n.types.end()) {
      return false;
    }
    for (const auto& [key, expr] : n.properties) {
      auto eq = EqualValues(ctx_.Property(node, PropKeyOf(key)), eval_.Eval(*expr, row));
      if (!eq || !*eq) return false;
    }
    return true;
  }

  bool RelOk(const BRel& r, const Fact& f, const Row& row) {
    for (const auto& [key, expr] : r.properties) {
      auto eq = EqualValues(RelProperty(ctx_, f, PropKeyOf(key)), eval_.Eval(*expr, row));
      if (!eq || !*eq) return false;
    }
    return true;
  }

  // The relationship value for the next row of an expansion: the fact the
  // previous row used, overwritten in place when nothing downstream kept a
  // reference to it (a filter rejected the row, or the projection read only
  // properties), else a new one. Spares an allocation per fact scanned.
  static std::shared_ptr<const Fact> Recycled(std::shared_ptr<Fact>* holder, const Fact& f, Value* slot) {
    *slot = Value();  // drop the row's own reference first
    if (*holder && holder->use_count() == 1) {
      **holder = f;
    } else {
      *holder = std::make_shared<Fact>(f);
    }
    return *holder;
  }

  bool Used(FactId id) const { return std::find(used_.begin(), used_.end(), id) != used_.end(); }

  // Calls fn for each fact touching `from` in direction `dir` (kOut: from is
  // the subject), restricted to `types` and to `other` when given.
  // `other_types`: when given and not empty, the store skips facts whose
  // other end has none of those types without decoding them.
  bool ForEachAdjacent(EntityId from, const std::vector<std::string>& types, Direction dir,
                       std::optional<EntityId> other, const FactFn& fn,
                       const std::vector<EntityType>* other_types = nullptr) {
    bool cont = true;
    auto scan = [&](const std::string* type, bool outgoing) {
      store::TriplePattern p;
      p.surface = ctx_.surface;
      if (type != nullptr) p.predicate = *type;
      if (outgoing) {
        p.subject = from;
        p.object = other;
        if (other_types) p.object_types = *other_types;
      } else {
        p.object = from;
        p.subject = other;
        if (other_types) p.subject_types = *other_types;
      }
      const FrameScope frame(ctx_);
      auto visit = [&](const Fact& f, const store::FactEnds& ends) {
        if (!ctx_.Tick()) return cont = false;
        // Both directions: a self-loop would come twice.
        if (!outgoing && dir == Direction::kBoth && f.subject == f.object) return true;
        if (outgoing) {
          ctx_.SetEnd(frame.f, 0, f.object, ends.object_name, ends.object_type);
        } else {
          ctx_.SetEnd(frame.f, 0, f.subject, ends.subject_name, ends.subject_type);
        }
        cont = fn(f, outgoing ? f.object : f.subject);
        return cont;
      };
      // Shortest paths read only ids: no ends to decode or note.
      if (no_briefs_) {
        const store::FactEnds none;
        ctx_.Check(ctx_.reader.ScanFacts(p, [&](const Fact& f) { return visit(f, none); }));
      } else {
        ctx_.Check(ctx_.reader.ScanFactsWithEnds(p, visit));
      }
    };
    auto both = [&](const std::string* t) {
      if (cont && dir != Direction::kIn) scan(t, true);
      if (cont && dir != Direction::kOut) scan(t, false);
    };
    if (types.empty()) both(nullptr);
    for (const auto& t : types) both(&t);
    return cont && !ctx_.failed();
  }

  bool ScanNode(size_t i, const Step& s, Row& row) {
    const BNode& n = *s.to;
    Value& slot = row[static_cast<size_t>(n.slot)];
    if (n.candidates) {
      for (EntityId id : *n.candidates) {
        if (!ctx_.Tick()) return false;
        if (!NodeOk(n, id, row)) continue;
        // Candidates come from Reader::FindByName, which returns visible
        // entities only, so the node can stay unloaded until a property is read.
        slot = Node(id);
        if (!Run(i + 1, row)) return false;
      }
      return true;
    }
    if (n.name_expr) {
      Value v = eval_.Eval(*n.name_expr, row);
      if (v.kind() != Value::Kind::kString) return true;
      auto ids = ctx_.reader.FindByName(v.as_string());
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      for (EntityId id : ids) {
        if (!ctx_.Tick()) return false;
        if (!NodeOk(n, id, row)) continue;
        slot = Node(id);
        if (!Run(i + 1, row)) return false;
      }
      return true;
    }
    bool cont = true;
    ctx_.Check(ctx_.reader.ScanEntities([&](const Entity& e) {
      if (!ctx_.Tick()) return cont = false;
      if (!n.types.empty() && std::find(n.types.begin(), n.types.end(), e.type) == n.types.end()) return true;
      ctx_.Remember(e);
      if (!NodeOk(n, e.id, row)) return true;
      row[static_cast<size_t>(n.slot)] = Node(e.id);
      cont = Run(i + 1, row);
      return cont;
    }));
    return cont && !ctx_.failed();
  }

  bool BindEnd(const BNode& n, EntityId id, Row& row) {
    Value& v = row[static_cast<size_t>(n.slot)];
    if (v.kind() == Value::Kind::kNode) return v.as_node().id == id && NodeOk(n, id, row);
    if (!NodeOk(n, id, row)) return false;
    v = Node(id);
    return true;
  }

  bool ScanRel(size_t i, const Step& s, Row& row) {
    const BRel& r = *s.rel;
    bool cont = true;
    std::shared_ptr<Fact> holder;
    for (const auto& type : r.types) {
      store::TriplePattern p;
      p.predicate = type;
      p.surface = ctx_.surface;
      const FrameScope frame(ctx_);
      ctx_.Check(ctx_.reader.ScanFactsWithEnds(p, [&](const Fact& f, const store::FactEnds& ends) {
        if (!ctx_.Tick()) return cont = false;
        ctx_.SetEnd(frame.f, 0, f.subject, ends.subject_name, ends.subject_type);
        ctx_.SetEnd(frame.f, 1, f.object, ends.object_name, ends.object_type);
        if (Used(f.id) || !RelOk(r, f, row)) return true;
        for (int orient = 0; orient < 2 && cont; ++orient) {
          if (orient == 0 && r.direction == Direction::kIn) continue;
          if (orient == 1 && (r.direction == Direction::kOut || (r.direction == Direction::kBoth && f.subject == f.object))) continue;
          // orient 0: left node is the subject; orient 1: left node is the object.
          EntityId left = orient == 0 ? f.subject : f.object;
          EntityId right = orient == 0 ? f.object : f.subject;
          Value saved_from = row[static_cast<size_t>(s.from->slot)];
          Value saved_to = row[static_cast<size_t>(s.to->slot)];
          if (BindEnd(*s.from, left, row) && BindEnd(*s.to, right, row)) {
            Value& rel_slot = row[static_cast<size_t>(r.slot)];
            rel_slot = Value::Rel(Recycled(&holder, f, &rel_slot));
            used_.push_back(f.id);
            cont = Run(i + 1, row);
            used_.pop_back();
          }
          row[static_cast<size_t>(s.from->slot)] = std::move(saved_from);
          row[static_cast<size_t>(s.to->slot)] = std::move(saved_to);
        }
        return cont;
      }));
      if (!cont) break;
    }
    return cont && !ctx_.failed();
  }

  bool Expand(size_t i, const Step& s, Row& row) {
    const Value& fv = row[static_cast<size_t>(s.from->slot)];
    if (fv.kind() != Value::Kind::kNode) return true;
    EntityId from = fv.as_node().id;
    std::optional<EntityId> target;
    if (s.to_bound) {
      const Value& tv = row[static_cast<size_t>(s.to->slot)];
      if (tv.kind() != Value::Kind::kNode) return true;
      target = tv.as_node().id;
    }
    Value& rel_slot = row[static_cast<size_t>(s.rel->slot)];
    std::shared_ptr<Fact> holder;
    // A borrowed relationship points at the reader's fact (an aliasing
    // shared_ptr with no owner): no copy, no reference count per row.
    const bool borrow = ctx_.Borrowable(s.rel->slot);
    const bool cont = ForEachAdjacent(from, s.rel->types, s.direction, target, [&](const Fact& f, EntityId other) {
      if (s.to_types && std::find(s.to_types->begin(), s.to_types->end(), ctx_.TypeOf(NodeValue{other, nullptr})) ==
                            s.to_types->end()) {
        return true;
      }
      if (Used(f.id)) return true;
      if (!NodeOk(*s.to, other, row)) return true;
      if (!RelOk(*s.rel, f, row)) return true;
      if (borrow) {
        SetBorrowedRel(rel_slot, f);
      } else {
        rel_slot = Value::Rel(Recycled(&holder, f, &rel_slot));
      }
      if (!s.to_bound) SetNode(row[static_cast<size_t>(s.to->slot)], other);
      used_.push_back(f.id);
      bool cont = Run(i + 1, row);
      used_.pop_back();
      return cont;
    }, s.to_types ? &*s.to_types : nullptr);
    if (borrow) rel_slot = Value();  // the fact it pointed at is gone
    return cont;
  }

  bool VarExpand(size_t i, const Step& s, Row& row) {
    const Value& fv = row[static_cast<size_t>(s.from->slot)];
    if (fv.kind() != Value::Kind::kNode) return true;
    std::optional<EntityId> target;
    if (s.to_bound) {
      const Value& tv = row[static_cast<size_t>(s.to->slot)];
      if (tv.kind() != Value::Kind::kNode) return true;
      target = tv.as_node().id;
    }
    std::vector<std::shared_ptr<const Fact>> rels;
    std::function<bool(EntityId, int)> dfs = [&](EntityId cur, int depth) -> bool {
      if (depth >= s.rel->min_hops && (!target || *target == cur) && NodeOk(*s.to, cur, row)) {
        Value::List l;
        for (const auto& r : rels) l.push_back(Value::Rel(r));
        if (s.reversed) std::reverse(l.begin(), l.end());
        row[static_cast<size_t>(s.rel->slot)] = Value::MakeList(std::move(l));
        if (!s.to_bound) row[static_cast<size_t>(s.to->slot)] = Node(cur);
        if (!Run(i + 1, row)) return false;
      }
      if (depth >= s.rel->max_hops) return true;
      return ForEachAdjacent(cur, s.rel->types, s.direction, std::nullopt, [&](const Fact& f, EntityId other) {
        if (Used(f.id) || !RelOk(*s.rel, f, row)) return true;
        used_.push_back(f.id);
        rels.push_back(std::make_shared<const Fact>(f));
        bool cont = dfs(other, depth + 1);
        rels.pop_back();
        used_.pop_back();
        return cont;
      });
    };
    return dfs(fv.as_node().id, 0) && !ctx_.failed();
  }

  bool BuildPath(size_t i, const Step& s, Row& row) {
    const BPart& part = *s.part;
    PathValue p;
    const Value& first = row[static_cast<size_t>(part.nodes[0].slot)];
    if (first.kind() != Value::Kind::kNode) return true;
    p.nodes.push_back(first.as_node());
    for (size_t k = 0; k < part.rels.size(); ++k) {
      const Value& rv = row[static_cast<size_t>(part.rels[k].slot)];
      std::vector<Value::RelPtr> rels;
      if (rv.kind() == Value::Kind::kRel) rels.push_back(rv.rel_ptr());
      if (rv.kind() == Value::Kind::kList) {
        for (const auto& r : rv.as_list()) rels.push_back(r.rel_ptr());
      }
      for (const auto& r : rels) {
        EntityId cur = p.nodes.back().id;
        EntityId nxt = r->subject == cur ? r->object : r->subject;
        p.rels.push_back(r);
        p.nodes.push_back(NodeValue{nxt, nullptr});
      }
      const Value& nv = row[static_cast<size_t>(part.nodes[k + 1].slot)];
      if (nv.kind() == Value::Kind::kNode) p.nodes.back() = nv.as_node();
    }
    row[static_cast<size_t>(part.path_slot)] = Value::Path(std::move(p));
    return Run(i + 1, row);
  }

  // ---- shortest paths: bidirectional breadth-first expansion over the
  // store, then Boost.Graph BFS over the collected subgraph.
  struct Edge {
    EntityId from;
    EntityId to;
    std::shared_ptr<const Fact> fact;
  };
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property,
                                      boost::property<boost::edge_index_t, size_t>>;

  struct DistanceRecorder : boost::default_bfs_visitor {
    std::vector<int>* dist;
    std::vector<long>* pred;  // edge index that reached each vertex, or -1
    template <class E, class G>
    void tree_edge(E e, const G& g) const {
      auto u = boost::source(e, g);
      auto v = boost::target(e, g);
      (*dist)[v] = (*dist)[u] + 1;
      if (pred) (*pred)[v] = static_cast<long>(boost::get(boost::edge_index, g, e));
    }
  };

  bool Shortest(size_t i, const Step& s, Row& row) {
    no_briefs_ = true;
    const bool cont = ShortestImpl(i, s, row);
    no_briefs_ = false;
    return cont;
  }
  bool ShortestImpl(size_t i, const Step& s, Row& row) {
    const Value& av = row[static_cast<size_t>(s.from->slot)];
    const Value& bv = row[static_cast<size_t>(s.to->slot)];
    if (av.kind() != Value::Kind::kNode || bv.kind() != Value::Kind::kNode) return true;
    EntityId a = av.as_node().id, b = bv.as_node().id;
    const BRel& r = *s.rel;
    auto emit = [&](PathValue p) {
      Value::List l;
      for (const auto& f : p.rels) l.push_back(Value::Rel(f));
      row[static_cast<size_t>(r.slot)] = Value::MakeList(std::move(l));
      row[static_cast<size_t>(s.part->path_slot)] = Value::Path(std::move(p));
      return Run(i + 1, row);
    };
    if (a == b) {
      if (r.min_hops > 0) return true;
      PathValue p;
      p.nodes.push_back(NodeValue{a, nullptr});
      return emit(std::move(p));
    }
    Direction back = r.direction == Direction::kOut ? Direction::kIn
                                                    : (r.direction == Direction::kIn ? Direction::kOut : Direction::kBoth);
    std::unordered_map<EntityId, int> df{{a, 0}}, db{{b, 0}};
    std::vector<EntityId> ff{a}, fb{b};
    std::vector<Edge> edges;
    std::set<std::pair<FactId, EntityId>> seen;  // (fact, from) already recorded
    int lf = 0, lb = 0;
    bool met = false;
    auto record = [&](EntityId from, EntityId to, const Fact& f) {
      if (seen.insert({f.id, from}).second) edges.push_back({from, to, std::make_shared<const Fact>(f)});
    };
    // Which end to expand first: the one with fewer relationships (probed up
    // to kProbe), so a hub endpoint is not scanned when the other end meets
    // it in one step. Later levels expand the smaller frontier.
    constexpr uint64_t kProbe = 64;
    auto probe = [&](EntityId x, Direction d) {
      uint64_t n = 0;
      (void)ForEachAdjacent(x, r.types, d, std::nullopt, [&](const Fact&, EntityId) { return ++n < kProbe; });
      return n;
    };
    bool first_forward = probe(a, r.direction) <= probe(b, back);
    if (ctx_.failed()) return false;
    bool first = true;
    while (!met && lf + lb < r.max_hops && !ff.empty() && !fb.empty()) {
      bool forward = first ? first_forward : ff.size() <= fb.size();
      first = false;
      auto& dist = forward ? df : db;
      auto& other_dist = forward ? db : df;
      auto& frontier = forward ? ff : fb;
      int level = forward ? lf : lb;
      std::vector<EntityId> next;
      for (EntityId x : frontier) {
        (void)ForEachAdjacent(x, r.types, forward ? r.direction : back, std::nullopt,
                              [&](const Fact& f, EntityId y) {
                                if (!RelOk(r, f, row)) return true;
                                auto it = dist.find(y);
                                if (it == dist.end()) {
                                  dist.emplace(y, level + 1);
                                  next.push_back(y);
                                } else if (it->second != level + 1) {
                                  return true;  // not on a shortest path
                                }
                                if (forward) record(x, y, f);
                                else record(y, x, f);
                                if (other_dist.count(y)) met = true;
                                // No meeting before this level means every path is longer
                                // than lf + lb, so the first meeting edge already closes a
                                // shortest path; only allShortestPaths needs the whole level.
                                return s.all || !met;
                              });
        if (ctx_.failed()) return false;
        if (met && !s.all) break;
      }
      frontier.swap(next);
      (forward ? lf : lb) = level + 1;
    }
    if (!met) return true;
    // Boost.Graph over the collected edges; for undirected patterns each
    // fact may be walked either way.
    std::unordered_map<EntityId, size_t> index;
    std::vector<EntityId> ids;
    auto vertex = [&](EntityId id) {
      auto [it, inserted] = index.emplace(id, ids.size());
      if (inserted) ids.push_back(id);
      return it->second;
    };
    vertex(a);
    vertex(b);
    Graph g;
    std::vector<Edge> all;
    for (const auto& e : edges) {
      all.push_back(e);
      if (r.direction == Direction::kBoth) all.push_back({e.to, e.from, e.fact});
    }
    for (const auto& e : all) vertex(e.from), vertex(e.to);
    g = Graph(ids.size());
    for (size_t k = 0; k < all.size(); ++k) boost::add_edge(index[all[k].from], index[all[k].to], k, g);
    std::vector<int> da(ids.size(), -1), dbv(ids.size(), -1);
    std::vector<long> pred(ids.size(), -1);
    size_t va = index[a], vb = index[b];
    da[va] = 0;
    boost::breadth_first_search(g, boost::vertex(va, g), boost::visitor(DistanceRecorder{{}, &da, &pred}));
    if (da[vb] < 0) return true;
    int d = da[vb];
    if (d < r.min_hops || d > r.max_hops) return true;
    if (!s.all) {
      PathValue p;
      std::vector<size_t> chain;
      for (size_t v = vb; v != va;) {
        long ei = pred[v];
        if (ei < 0) return true;
        chain.push_back(static_cast<size_t>(ei));
        v = index[all[static_cast<size_t>(ei)].from];
      }
      std::reverse(chain.begin(), chain.end());
      p.nodes.push_back(NodeValue{a, nullptr});
      for (size_t ei : chain) {
        p.rels.push_back(all[ei].fact);
        p.nodes.push_back(NodeValue{all[ei].to, nullptr});
      }
      return emit(std::move(p));
    }
    boost::reverse_graph<Graph> rg(g);
    dbv[vb] = 0;
    boost::breadth_first_search(rg, boost::vertex(vb, rg), boost::visitor(DistanceRecorder{{}, &dbv, nullptr}));
    // Every path a -> b whose each step moves one closer to b.
    uint64_t paths = 0;
    PathValue p;
    p.nodes.push_back(NodeValue{a, nullptr});
    std::function<bool(size_t, int)> walk = [&](size_t u, int k) -> bool {
      if (u == vb) {
        if (++paths > ctx_.options.max_paths) return false;
        return emit(p);
      }
      for (auto [it, end] = boost::out_edges(u, g); it != end; ++it) {
        size_t v = boost::target(*it, g);
        if (dbv[v] != d - k - 1) continue;
        if (!ctx_.Tick()) return false;
        const Edge& e = all[boost::get(boost::edge_index, g, *it)];
        p.rels.push_back(e.fact);
        p.nodes.push_back(NodeValue{e.to, nullptr});
        bool cont = walk(v, k + 1);
        p.rels.pop_back();
        p.nodes.pop_back();
        if (!cont) return false;
      }
      return true;
    };
    bool cont = walk(va, 0);
    return (cont || paths > ctx_.options.max_paths) && !ctx_.failed();
  }

  Ctx& ctx_;
  Evaluator eval_;
  const BClause& clause_;
  const MatchPlan& plan_;
  std::vector<std::optional<RelCmp>> rel_compares_;  // per step, see RelCompareOf
  std::vector<FactId> used_;   // relationships bound in the current match (no repeats)
  static constexpr size_t kTypicalUsed = 8;  // relationships of a pattern: one allocation
  bool no_briefs_ = false;     // set while a shortest-path search expands (see ForEachAdjacent)
  bool produced_ = false;
};

class UnwindOp : public Operator {
 public:
  UnwindOp(Ctx& ctx, const BClause& clause) : ctx_(ctx), eval_(ctx), clause_(clause) {}
  bool Push(Row& row) override {
    Value v = eval_.Eval(*clause_.unwind, row);
    if (ctx_.failed()) return false;
    auto slot = static_cast<size_t>(clause_.unwind_slot);
    if (v.is_null()) return true;
    if (v.kind() != Value::Kind::kList) {
      row[slot] = v;
      return next->Push(row);
    }
    for (const auto& item : v.as_list()) {
      row[slot] = item;
      if (!next->Push(row)) return false;
    }
    return true;
  }
  bool Finish() override { return !ctx_.failed() && next->Finish(); }

 private:
  Ctx& ctx_;
  Evaluator eval_;
  const BClause& clause_;
};

class ProjectOp : public Operator {
 public:
  ProjectOp(Ctx& ctx, const BProjection& p, size_t width) : ctx_(ctx), eval_(ctx), p_(p), width_(width) {}

  // For the final RETURN when nothing stands between it and the caller (no
  // aggregation, WHERE, DISTINCT or ORDER BY): each row's items are
  // evaluated straight into the row handed to `emit` instead of into the
  // row's slots and then moved out by the sink. SKIP, LIMIT and loading the
  // nodes work as in Emit and SinkOp.
  bool CanEmitDirectly() const {
    return p_.aggregates.empty() && !p_.where && !p_.distinct && p_.order_by.empty();
  }
  void EmitDirectly(const RowFn* emit) { direct_ = emit; }

  bool Push(Row& row) override {
    if (ctx_.failed()) return false;
    if (direct_ != nullptr) return PushDirect(row);
    if (!p_.aggregates.empty()) return Accumulate(row);
    for (size_t k = 0; k < p_.items.size(); ++k) {
      row[static_cast<size_t>(p_.out_slots[k])] = eval_.Eval(*p_.items[k], row);
    }
    return Output(row, nullptr);
  }

  bool Finish() override {
    if (ctx_.failed()) return false;
    if (!p_.aggregates.empty()) {
      bool has_keys = std::find(p_.item_has_agg.begin(), p_.item_has_agg.end(), false) != p_.item_has_agg.end();
      if (groups_.empty() && !has_keys) {
        groups_.push_back(Group{Row(width_), std::vector<AggState>(p_.aggregates.size())});
      }
      for (auto& g : groups_) {
        std::vector<Value> aggs;
        for (size_t a = 0; a < p_.aggregates.size(); ++a) aggs.push_back(Result(p_.aggregates[a], g.states[a]));
        for (size_t k = 0; k < p_.items.size(); ++k) {
          g.row[static_cast<size_t>(p_.out_slots[k])] = eval_.Eval(*p_.items[k], g.row, &aggs);
        }
        if (!Output(g.row, &aggs)) break;
        if (ctx_.failed()) return false;
      }
      groups_.clear();
    }
    if (!p_.order_by.empty() && !stopped_) {
      std::stable_sort(sorted_.begin(), sorted_.end(), [&](const Sorted& x, const Sorted& y) {
        for (size_t k = 0; k < p_.order_by.size(); ++k) {
          int c = CompareValues(x.keys[k], y.keys[k]);
          if (c != 0) return p_.order_by[k].second ? c > 0 : c < 0;
        }
        return false;
      });
      for (auto& s : sorted_) {
        if (!Emit(s.row)) break;
      }
      sorted_.clear();
    }
    return !ctx_.failed() && next->Finish();
  }

 private:
  struct AggState {
    int64_t count = 0;
    Value::List items;
    Value best;
    int64_t int_sum = 0;
    double float_sum = 0;
    bool any_float = false;
    std::unordered_set<std::string> seen;
  };
  struct Group {
    Row row;
    std::vector<AggState> states;
  };
  struct Sorted {
    Row row;
    std::vector<Value> keys;
  };

  bool PushDirect(const Row& row) {
    Row out;
    out.reserve(p_.items.size());
    for (const auto& item : p_.items) out.push_back(eval_.Eval(*item, row));
    if (p_.skip && skipped_ < *p_.skip) {
      ++skipped_;
      return true;
    }
    if (p_.limit && emitted_ >= *p_.limit) return Stop();
    ++emitted_;
    for (Value& v : out) {
      if (Ctx::HoldsNodes(v)) v = ctx_.Materialize(v);
    }
    if (!(*direct_)(out)) return Stop();
    if (p_.limit && emitted_ >= *p_.limit) return Stop();
    return true;
  }

  bool Accumulate(const Row& row) {
    std::string key;
    for (size_t k = 0; k < p_.items.size(); ++k) {
      if (!p_.item_has_agg[k]) key += ValueKey(eval_.Eval(*p_.items[k], row)) + '\x1f';
    }
    auto [it, inserted] = group_index_.emplace(key, groups_.size());
    if (inserted) groups_.push_back(Group{row, std::vector<AggState>(p_.aggregates.size())});
    Group& g = groups_[it->second];
    for (size_t a = 0; a < p_.aggregates.size(); ++a) {
      const BAggregate& agg = p_.aggregates[a];
      AggState& st = g.states[a];
      if (!agg.arg) {  // count(*)
        ++st.count;
        continue;
      }
      Value v = eval_.Eval(*agg.arg, row);
      if (v.is_null()) continue;
      if (agg.distinct && !st.seen.insert(ValueKey(v)).second) continue;
      ++st.count;
      switch (agg.func) {
        case Func::kCollect: st.items.push_back(v); break;
        case Func::kMin:
          if (st.best.is_null() || CompareValues(v, st.best) < 0) st.best = v;
          break;
        case Func::kMax:
          if (st.best.is_null() || CompareValues(v, st.best) > 0) st.best = v;
          break;
        case Func::kSum:
        case Func::kAvg:
          if (!v.is_number()) {
            ctx_.Error(agg.arg->pos, std::string(agg.func == Func::kSum ? "sum" : "avg") + "() needs numbers, got " +
                                         std::string(KindName(v.kind())));
            return false;
          }
          if (v.kind() == Value::Kind::kFloat) st.any_float = true;
          if (v.kind() == Value::Kind::kInt) st.int_sum += v.as_int();
          st.float_sum += v.as_number();
          break;
        default: break;
      }
    }
    return !ctx_.failed();
  }

  static Value Result(const BAggregate& agg, const AggState& st) {
    switch (agg.func) {
      case Func::kCount: return Value::Int(st.count);
      case Func::kCollect: return Value::MakeList(st.items);
      case Func::kMin:
      case Func::kMax: return st.best;
      case Func::kSum: return st.any_float ? Value::Float(st.float_sum) : Value::Int(st.int_sum);
      case Func::kAvg: return st.count ? Value::Float(st.float_sum / static_cast<double>(st.count)) : Value::Null();
      default: return Value::Null();
    }
  }

  // After projection: WHERE (of WITH), DISTINCT, then sort or emit.
  bool Output(Row& row, const std::vector<Value>* aggs) {
    if (p_.where) {
      Value w = eval_.Eval(*p_.where, row, aggs);
      if (!(w.kind() == Value::Kind::kBool && w.as_bool())) return !ctx_.failed();
    }
    if (p_.distinct) {
      // One reused buffer; a row seen before costs no allocation.
      distinct_key_.clear();
      for (int s : p_.out_slots) {
        AppendValueKey(row[static_cast<size_t>(s)], &distinct_key_);
        distinct_key_ += '\x1f';
      }
      // One hash and lookup: insert copies the key only when it is new.
      if (!distinct_.Insert(distinct_key_)) return true;
    }
    if (!p_.order_by.empty()) {
      Sorted s{row, {}};
      for (const auto& [e, desc] : p_.order_by) s.keys.push_back(eval_.Eval(*e, row, aggs));
      sorted_.push_back(std::move(s));
      return !ctx_.failed();
    }
    return Emit(row);
  }

  bool Emit(Row& row) {
    if (p_.skip && skipped_ < *p_.skip) {
      ++skipped_;
      return true;
    }
    if (p_.limit && emitted_ >= *p_.limit) return Stop();
    ++emitted_;
    if (!next->Push(row)) return Stop();
    if (p_.limit && emitted_ >= *p_.limit) return Stop();
    return true;
  }
  bool Stop() {
    stopped_ = true;
    return false;
  }

  Ctx& ctx_;
  Evaluator eval_;
  const BProjection& p_;
  size_t width_;
  std::vector<Group> groups_;
  std::unordered_map<std::string, size_t> group_index_;
  KeySet distinct_;
  std::string distinct_key_;  // the row's DISTINCT key (see Output)
  std::vector<Sorted> sorted_;
  int64_t skipped_ = 0;
  int64_t emitted_ = 0;
  bool stopped_ = false;
  const RowFn* direct_ = nullptr;  // see EmitDirectly
};

class SinkOp : public Operator {
 public:
  SinkOp(Ctx& ctx, const BProjection& p, const RowFn& emit) : ctx_(ctx), p_(p), emit_(emit) {}
  bool Push(Row& row) override {
    std::vector<Value> out;
    out.reserve(p_.out_slots.size());
    for (int s : p_.out_slots) {
      // The projection writes its output slots afresh for every row and
      // nothing reads them after this operator, so plain values move out.
      Value& v = row[static_cast<size_t>(s)];
      out.push_back(Ctx::HoldsNodes(v) ? ctx_.Materialize(v) : std::move(v));
    }
    return emit_(out);
  }
  bool Finish() override { return true; }

 private:
  Ctx& ctx_;
  const BProjection& p_;
  const RowFn& emit_;
};

}  // namespace

Status Execute(const BoundQuery& query, const Plan& plan, store::Reader& reader, const ExecOptions& options,
               std::string_view text, const RowFn& emit) {
  Ctx ctx(reader, options, text);
  ctx.borrowable = BorrowableRelSlots(query);
  ctx.surface = ReadsSurface(query, ctx.borrowable);
  ctx.eager_briefs = false;
  for (const BClause& c : query.clauses) {
    if (!c.projection.aggregates.empty() || !c.projection.order_by.empty()) ctx.eager_briefs = true;
  }
  std::vector<std::unique_ptr<Operator>> ops;
  auto width = static_cast<size_t>(query.slot_count);
  for (size_t c = 0; c < query.clauses.size(); ++c) {
    const BClause& clause = query.clauses[c];
    switch (clause.kind) {
      case ast::Clause::Kind::kMatch:
      case ast::Clause::Kind::kOptionalMatch:
        ops.push_back(std::make_unique<MatchOp>(ctx, clause, plan.matches[c]));
        break;
      case ast::Clause::Kind::kUnwind: ops.push_back(std::make_unique<UnwindOp>(ctx, clause)); break;
      case ast::Clause::Kind::kWith:
      case ast::Clause::Kind::kReturn: {
        auto op = std::make_unique<ProjectOp>(ctx, clause.projection, width);
        if (c + 1 == query.clauses.size() && op->CanEmitDirectly()) op->EmitDirectly(&emit);
        ops.push_back(std::move(op));
        break;
      }
    }
  }
  ops.push_back(std::make_unique<SinkOp>(ctx, query.clauses.back().projection, emit));
  for (size_t k = 0; k + 1 < ops.size(); ++k) ops[k]->next = ops[k + 1].get();
  Row row(width);
  (void)ops[0]->Push(row);
  if (ctx.failed()) return ctx.status;
  (void)ops[0]->Finish();
  return ctx.status;
}

}  // namespace kg::query
