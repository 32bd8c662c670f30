#include "query/engine.h"

#include <atomic>
#include <cctype>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include "query/executor.h"
#include "query/parser.h"
#include "query/planner.h"

namespace kg::query {

namespace {

// What a query text becomes after binding and planning against one store
// state (see QueryCache).
struct BoundEntry {
  BoundQuery bound;
  Plan plan;  // points into `bound`
  PlanKey plan_key;  // what `plan` was made from (PlanKeyOf)
  store::StateToken state;
  store::View view;
  BindOptions options;
};

// One query text: its syntax tree, shared, and a bound form that one run at
// a time borrows (null while borrowed or before the first run).
struct CacheSlot {
  std::shared_ptr<const ast::Query> ast;
  std::mutex mu;
  std::unique_ptr<BoundEntry> bound;

  std::unique_ptr<BoundEntry> Take() {
    std::lock_guard<std::mutex> lock(mu);
    return std::move(bound);
  }
  void Give(std::unique_ptr<BoundEntry> e) {
    std::lock_guard<std::mutex> lock(mu);
    if (!bound) bound = std::move(e);
  }
};

// Queries by text, shared by every store and thread. A query the shell, a
// script or a program runs again (usually with new $parameters) skips the
// lexer and the parser, and, when the store has not changed since (the same
// Store object at the same RocksDB sequence number) and the view and options
// are the same, binding too: the bound form of the last run is given the
// new parameter values (Rebind: constants, and the entities a {name: $p}
// finds) and planned again, unless nothing the planner reads changed
// (PlanKeyOf). Any write to the store makes the next run bind afresh.
// Syntax errors are not kept.
class QueryCache {
 public:
  std::variant<std::shared_ptr<CacheSlot>, QueryError> Get(std::string_view text) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = map_.find(text);
      if (it != map_.end()) return it->second;
    }
    auto parsed = Parse(text);
    if (auto* err = std::get_if<QueryError>(&parsed)) return std::move(*err);
    auto slot = std::make_shared<CacheSlot>();
    slot->ast = std::make_shared<const ast::Query>(std::move(std::get<ast::Query>(parsed)));
    std::lock_guard<std::mutex> lock(mu_);
    // Bounded: a program that builds query text instead of passing
    // parameters would otherwise grow it forever; starting over is enough
    // (a run holding a slot keeps it alive).
    if (map_.size() >= kMaxEntries) map_.clear();
    map_.emplace(std::string(text), slot);
    return slot;
  }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  static constexpr size_t kMaxEntries = 256;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<CacheSlot>, Hash, std::equal_to<>> map_;
};

std::atomic<uint64_t> g_reuses{0};
std::atomic<uint64_t> g_plan_reuses{0};

QueryCache& TheQueryCache() {
  static QueryCache cache;
  return cache;
}

// One run's query: the cache slot, the reader, and the bound form borrowed
// from the slot (given back when the run ends, if it can be used again).
struct Prepared {
  std::shared_ptr<CacheSlot> slot;
  std::unique_ptr<store::Reader> reader;
  std::unique_ptr<BoundEntry> entry;

  Prepared() = default;
  Prepared(const Prepared&) = delete;
  Prepared& operator=(const Prepared&) = delete;
  ~Prepared() {
    reader.reset();  // before the entry is given to another run
    if (slot && entry && entry->bound.rebindable) slot->Give(std::move(entry));
  }
  const BoundQuery& bound() const { return entry->bound; }
  const Plan& plan() const { return entry->plan; }
};

bool SameView(const store::View& a, const store::View& b) {
  return a.as_of == b.as_of && a.only_article == b.only_article;
}

// Lex, parse, resolve the view, bind and plan (or rebind and plan).
Status Prepare(const store::Store& store, std::string_view text, const QueryOptions& options, Prepared* out) {
  auto cached = TheQueryCache().Get(text);
  if (auto* err = std::get_if<QueryError>(&cached)) return ToStatus(text, *err);
  out->slot = std::move(std::get<std::shared_ptr<CacheSlot>>(cached));
  const ast::Query& ast = *out->slot->ast;
  store::View view = options.view;
  if (!options.as_of_date.empty()) {
    if (!IsIsoDate(options.as_of_date)) {
      return Status::InvalidArgument("--as-of wants an article seq or a date YYYY-MM-DD, got \"" +
                                     options.as_of_date + "\"");
    }
    auto latest = store.NewReader(options.view);
    auto seq = SeqAsOfDate(*latest, options.as_of_date);
    if (!seq.ok()) return seq.status();
    view.as_of = *seq;
  }
  if (!ast.time.empty()) {
    auto latest = store.NewReader(options.view);
    auto resolved = ResolveView(ast, options.params, *latest, view);
    if (auto* err = std::get_if<QueryError>(&resolved)) return ToStatus(text, *err);
    view = std::get<store::View>(resolved);
  }
  out->reader = store.NewReader(view);
  BindOptions bo;
  bo.default_max_hops = options.default_max_hops;
  bo.max_hops_limit = options.max_hops_limit;
  std::unique_ptr<BoundEntry> e = out->slot->Take();
  if (e && e->state == out->reader->state() && SameView(e->view, view) &&
      e->options.default_max_hops == bo.default_max_hops && e->options.max_hops_limit == bo.max_hops_limit &&
      Rebind(&e->bound, options.params, *out->reader)) {
    // Planning again gives the same plan when nothing it reads changed
    // (usually a new name with as many entities as the last).
    PlanKey key = PlanKeyOf(e->bound);
    if (!(key == e->plan_key)) {
      e->plan = MakePlan(e->bound);
      e->plan_key = std::move(key);
    } else {
      g_plan_reuses.fetch_add(1, std::memory_order_relaxed);
    }
    out->entry = std::move(e);
    g_reuses.fetch_add(1, std::memory_order_relaxed);
    return Status::Ok();
  }
  auto bound = Bind(ast, options.params, *out->reader, bo);
  if (auto* err = std::get_if<QueryError>(&bound)) return ToStatus(text, *err);
  e = std::make_unique<BoundEntry>();
  e->bound = std::move(std::get<BoundQuery>(bound));
  e->plan = MakePlan(e->bound);
  e->plan_key = PlanKeyOf(e->bound);
  e->state = out->reader->state();
  e->view = view;
  e->options = bo;
  out->entry = std::move(e);
  return Status::Ok();
}

ExecOptions MakeExecOptions(const QueryOptions& options, std::chrono::steady_clock::time_point start) {
  ExecOptions eo;
  eo.max_expansions = options.max_expansions;
  eo.max_paths = options.max_paths;
  if (options.timeout_seconds > 0) {
    eo.deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(options.timeout_seconds));
  }
  return eo;
}

}  // namespace

Status RunQuery(const store::Store& store, std::string_view text, const QueryOptions& options,
                const std::function<void(const std::vector<std::string>&)>& on_columns,
                const std::function<bool(std::vector<Value>&)>& on_row) {
  auto start = std::chrono::steady_clock::now();
  Prepared p;
  if (Status s = Prepare(store, text, options, &p); !s.ok()) return s;
  if (on_columns) on_columns(p.bound().columns);
  return Execute(p.bound(), p.plan(), *p.reader, MakeExecOptions(options, start), text, on_row);
}

namespace {

void CollectEndpoints(const Value& v, std::set<EntityId>* ids) {
  switch (v.kind()) {
    case Value::Kind::kRel:
      ids->insert(v.as_rel().subject);
      ids->insert(v.as_rel().object);
      break;
    case Value::Kind::kList:
      for (const auto& e : v.as_list()) CollectEndpoints(e, ids);
      break;
    case Value::Kind::kMap:
      for (const auto& [k, e] : v.as_map()) CollectEndpoints(e, ids);
      break;
    case Value::Kind::kPath:
      for (const auto& r : v.as_path().rels) {
        ids->insert(r->subject);
        ids->insert(r->object);
      }
      break;
    default: break;
  }
}

// Rows a collecting run reserves room for at its first row.
constexpr size_t kFirstRows = 16;

}  // namespace

Result<ResultSet> RunQuery(const store::Store& store, std::string_view text, const QueryOptions& options) {
  auto start = std::chrono::steady_clock::now();
  Prepared p;
  if (Status s = Prepare(store, text, options, &p); !s.ok()) return s;
  ResultSet rs;
  rs.columns = p.bound().columns;
  ExecOptions eo = MakeExecOptions(options, start);
  Status s = Execute(p.bound(), p.plan(), *p.reader, eo, text, [&](std::vector<Value>& row) {
    // Room for a typical neighbourhood at once rather than five doublings.
    if (rs.rows.empty()) rs.rows.reserve(kFirstRows);
    rs.rows.push_back(std::move(row));
    return true;
  });
  if (!s.ok()) return s;
  std::set<EntityId> ids;
  for (const auto& row : rs.rows) {
    for (const auto& v : row) CollectEndpoints(v, &ids);
  }
  for (EntityId id : ids) {
    if (auto e = p.reader->GetEntity(id)) rs.endpoints.emplace(id, std::make_shared<const Entity>(std::move(*e)));
  }
  return rs;
}

Result<std::string> ExplainQuery(const store::Store& store, std::string_view text, const QueryOptions& options) {
  Prepared p;
  if (Status s = Prepare(store, text, options, &p); !s.ok()) return s;
  return DescribePlan(p.bound(), p.plan());
}

uint64_t BoundQueryReuses() { return g_reuses.load(std::memory_order_relaxed); }
uint64_t PlanReuses() { return g_plan_reuses.load(std::memory_order_relaxed); }

Status ParseParam(std::string_view arg, std::pair<std::string, Value>* out) {
  size_t eq = arg.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return Status::InvalidArgument("--param wants name=value, got \"" + std::string(arg) + "\"");
  }
  std::string name(arg.substr(0, eq));
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) {
      return Status::InvalidArgument("--param: bad parameter name \"" + name + "\"");
    }
  }
  std::string_view text = arg.substr(eq + 1);
  Value value = Value::String(std::string(text));
  auto parsed = ParseExpression(text);
  if (auto* e = std::get_if<ast::ExprPtr>(&parsed)) {
    if (auto v = ConstantValue(**e)) value = std::move(*v);
  }
  *out = {name, value};
  return Status::Ok();
}

}  // namespace kg::query
