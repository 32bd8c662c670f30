#include "query/engine.h"

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

// Parsed queries by text, shared by every store and thread: a query the
// shell or a program runs again (with new $parameters) skips the lexer and
// parser, a tenth of a 1-hop. Only the AST is kept: binding resolves names
// against the store and the parameters, so it runs on every call and a
// cached query sees every write. Syntax errors are not kept.
class ParseCache {
 public:
  std::variant<std::shared_ptr<const ast::Query>, QueryError> Get(std::string_view text) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = map_.find(std::string(text));
      if (it != map_.end()) return it->second;
    }
    auto parsed = Parse(text);
    if (auto* err = std::get_if<QueryError>(&parsed)) return std::move(*err);
    auto ast = std::make_shared<const ast::Query>(std::move(std::get<ast::Query>(parsed)));
    std::lock_guard<std::mutex> lock(mu_);
    // Bounded: a program that builds query text instead of passing
    // parameters would otherwise grow it forever; starting over is enough.
    if (map_.size() >= kMaxEntries) map_.clear();
    map_.emplace(std::string(text), ast);
    return ast;
  }

 private:
  static constexpr size_t kMaxEntries = 256;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const ast::Query>> map_;
};

ParseCache& TheParseCache() {
  static ParseCache cache;
  return cache;
}

struct Prepared {
  std::shared_ptr<const ast::Query> ast;
  std::unique_ptr<store::Reader> reader;
  BoundQuery bound;
  Plan plan;
};

// Lex, parse, resolve the view, bind and plan.
Status Prepare(const store::Store& store, std::string_view text, const QueryOptions& options, Prepared* out) {
  auto parsed = TheParseCache().Get(text);
  if (auto* err = std::get_if<QueryError>(&parsed)) return ToStatus(text, *err);
  out->ast = std::move(std::get<std::shared_ptr<const ast::Query>>(parsed));
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
  if (!out->ast->time.empty()) {
    auto latest = store.NewReader(options.view);
    auto resolved = ResolveView(*out->ast, options.params, *latest, view);
    if (auto* err = std::get_if<QueryError>(&resolved)) return ToStatus(text, *err);
    view = std::get<store::View>(resolved);
  }
  out->reader = store.NewReader(view);
  BindOptions bo;
  bo.default_max_hops = options.default_max_hops;
  bo.max_hops_limit = options.max_hops_limit;
  auto bound = Bind(*out->ast, options.params, *out->reader, bo);
  if (auto* err = std::get_if<QueryError>(&bound)) return ToStatus(text, *err);
  out->bound = std::move(std::get<BoundQuery>(bound));
  out->plan = MakePlan(out->bound);
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
  if (on_columns) on_columns(p.bound.columns);
  return Execute(p.bound, p.plan, *p.reader, MakeExecOptions(options, start), text, on_row);
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

}  // namespace

Result<ResultSet> RunQuery(const store::Store& store, std::string_view text, const QueryOptions& options) {
  auto start = std::chrono::steady_clock::now();
  Prepared p;
  if (Status s = Prepare(store, text, options, &p); !s.ok()) return s;
  ResultSet rs;
  rs.columns = p.bound.columns;
  ExecOptions eo = MakeExecOptions(options, start);
  Status s = Execute(p.bound, p.plan, *p.reader, eo, text, [&](std::vector<Value>& row) {
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
  return DescribePlan(p.bound, p.plan);
}

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
