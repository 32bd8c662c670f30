#include "query/parser.h"

#include <algorithm>
#include <cctype>

#include "query/lexer.h"

namespace kg::query {

using ast::Clause;
using ast::Expr;
using ast::ExprKind;
using ast::ExprPtr;
using ast::Op;

std::string ast::OpName(Op op) {
  switch (op) {
    case Op::kNone: return "";
    case Op::kOr: return "OR";
    case Op::kXor: return "XOR";
    case Op::kAnd: return "AND";
    case Op::kNot: return "NOT";
    case Op::kEq: return "=";
    case Op::kNe: return "<>";
    case Op::kLt: return "<";
    case Op::kGt: return ">";
    case Op::kLe: return "<=";
    case Op::kGe: return ">=";
    case Op::kRegex: return "=~";
    case Op::kIn: return "IN";
    case Op::kContains: return "CONTAINS";
    case Op::kStartsWith: return "STARTS WITH";
    case Op::kEndsWith: return "ENDS WITH";
    case Op::kIsNull: return "IS NULL";
    case Op::kIsNotNull: return "IS NOT NULL";
    case Op::kAdd: return "+";
    case Op::kSub: return "-";
    case Op::kMul: return "*";
    case Op::kDiv: return "/";
    case Op::kMod: return "%";
    case Op::kNeg: return "-";
    case Op::kPos: return "+";
  }
  return "";
}

const std::vector<std::string>& Keywords() {
  static const std::vector<std::string> kWords = {
      "MATCH", "OPTIONAL", "WHERE", "RETURN", "WITH", "UNWIND", "AS", "DISTINCT", "ORDER", "BY",
      "ASC", "ASCENDING", "DESC", "DESCENDING", "SKIP", "LIMIT", "AND", "OR", "XOR", "NOT", "IN",
      "IS", "NULL", "TRUE", "FALSE", "CONTAINS", "STARTS", "ENDS", "OF", "ARTICLE", "DATE", "FROM"};
  return kWords;
}

namespace {

// Words that cannot name a variable (they would make clauses ambiguous).
bool IsReserved(std::string_view word) {
  static const std::vector<std::string> kReserved = {
      "MATCH", "OPTIONAL", "WHERE", "RETURN", "WITH", "UNWIND", "AS", "DISTINCT", "ORDER",
      "SKIP", "LIMIT", "AND", "OR", "XOR", "NOT", "IN", "IS", "CONTAINS", "STARTS", "ENDS", "FROM"};
  for (const auto& k : kReserved) {
    if (k.size() == word.size() &&
        std::equal(k.begin(), k.end(), word.begin(), [](char a, char b) {
          return a == std::toupper(static_cast<unsigned char>(b));
        })) {
      return true;
    }
  }
  return false;
}

struct ParseFailure {
  QueryError error;
};

constexpr int kMaxDepth = 200;

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens) : text_(text), toks_(std::move(tokens)) {}

  ast::Query ParseQuery() {
    ast::Query q;
    bool returned = false;
    while (true) {
      while (Is(Tok::kSemicolon)) Next();
      if (Is(Tok::kEnd)) break;
      if (IsKw("AS") || IsKw("FROM")) {
        q.time.push_back(ParseTimeClause());
        continue;
      }
      if (returned) {
        Fail(Cur(), "unexpected " + Describe(Cur()) + " after RETURN (RETURN ends the query)" + KeywordHint(Cur()));
      }
      q.clauses.push_back(ParseClause());
      if (q.clauses.back().kind == Clause::Kind::kReturn) returned = true;
    }
    if (!returned) {
      Fail(Cur(), q.clauses.empty() ? "empty query: expected MATCH, UNWIND, WITH or RETURN"
                                    : "a query must end with RETURN");
    }
    return q;
  }

  ExprPtr ParseStandaloneExpression() {
    ExprPtr e = ParseExpr();
    if (!Is(Tok::kEnd)) Fail(Cur(), "unexpected " + Describe(Cur()) + " after the expression");
    return e;
  }

 private:
  // ---- token helpers ----
  const Token& Cur() const { return toks_[i_]; }
  const Token& PeekTok(size_t ahead = 1) const { return toks_[std::min(i_ + ahead, toks_.size() - 1)]; }
  bool Is(Tok k) const { return Cur().kind == k; }
  const Token& Next() {
    const Token& t = toks_[i_];
    if (i_ + 1 < toks_.size()) ++i_;
    return t;
  }
  static bool KwEq(const Token& t, std::string_view kw) {
    if (t.kind != Tok::kIdent || t.text.size() != kw.size()) return false;
    for (size_t j = 0; j < kw.size(); ++j) {
      if (std::toupper(static_cast<unsigned char>(t.text[j])) != kw[j]) return false;
    }
    return true;
  }
  bool IsKw(std::string_view kw) const { return KwEq(Cur(), kw); }
  bool AcceptKw(std::string_view kw) {
    if (!IsKw(kw)) return false;
    Next();
    return true;
  }
  bool Accept(Tok k) {
    if (!Is(k)) return false;
    Next();
    return true;
  }
  [[noreturn]] void Fail(const Token& at, std::string message) {
    throw ParseFailure{QueryError{at.pos, std::move(message)}};
  }
  [[noreturn]] void Fail(SourcePos at, std::string message) {
    throw ParseFailure{QueryError{at, std::move(message)}};
  }
  static std::string KeywordHint(const Token& t) {
    if (t.kind != Tok::kIdent) return "";
    return DidYouMean(t.text, Keywords());
  }
  const Token& Expect(Tok k, const std::string& context = "") {
    if (!Is(k)) {
      Fail(Cur(), "expected " + TokName(k) + (context.empty() ? "" : " " + context) + ", found " +
                      Describe(Cur()) + KeywordHint(Cur()));
    }
    return Next();
  }
  void ExpectKw(std::string_view kw, const std::string& context = "") {
    if (!AcceptKw(kw)) {
      Fail(Cur(), "expected " + std::string(kw) + (context.empty() ? "" : " " + context) + ", found " +
                      Describe(Cur()) + KeywordHint(Cur()));
    }
  }
  // A variable, label or key name: a plain or `quoted` identifier.
  const Token& ExpectName(const std::string& what) {
    if (Is(Tok::kIdent) || Is(Tok::kQuotedIdent)) return Next();
    Fail(Cur(), "expected " + what + ", found " + Describe(Cur()));
  }
  std::string_view TextBetween(size_t begin, size_t end) const {
    return text_.substr(begin, end > begin ? end - begin : 0);
  }
  size_t PrevEnd() const { return i_ == 0 ? 0 : toks_[i_ - 1].end; }

  // ---- clauses ----
  ast::TimeClause ParseTimeClause() {
    ast::TimeClause tc;
    tc.pos = Cur().pos;
    if (AcceptKw("AS")) {
      ExpectKw("OF", "after AS");
      if (AcceptKw("ARTICLE")) {
        tc.kind = ast::TimeClause::Kind::kAsOfArticle;
      } else if (AcceptKw("DATE")) {
        tc.kind = ast::TimeClause::Kind::kAsOfDate;
      } else {
        Fail(Cur(), "expected ARTICLE or DATE after AS OF, found " + Describe(Cur()) +
                        DidYouMean(Cur().text, {"ARTICLE", "DATE"}));
      }
    } else {
      ExpectKw("FROM");
      ExpectKw("ARTICLE", "after FROM");
      tc.kind = ast::TimeClause::Kind::kFromArticle;
    }
    if (!(Is(Tok::kInt) || Is(Tok::kString) || Is(Tok::kParam))) {
      Fail(Cur(), std::string("expected ") +
                      (tc.kind == ast::TimeClause::Kind::kAsOfArticle ? "an article number" : "a string") +
                      " or a $parameter, found " + Describe(Cur()));
    }
    tc.value = ParsePrimary();
    return tc;
  }

  Clause ParseClause() {
    Clause c;
    c.pos = Cur().pos;
    if (AcceptKw("MATCH")) {
      c.kind = Clause::Kind::kMatch;
      ParseMatchBody(&c);
    } else if (AcceptKw("OPTIONAL")) {
      ExpectKw("MATCH", "after OPTIONAL");
      c.kind = Clause::Kind::kOptionalMatch;
      ParseMatchBody(&c);
    } else if (AcceptKw("UNWIND")) {
      c.kind = Clause::Kind::kUnwind;
      c.unwind = ParseExpr();
      ExpectKw("AS", "after the UNWIND expression");
      c.unwind_variable_pos = Cur().pos;
      c.unwind_variable = VariableName();
    } else if (AcceptKw("WITH")) {
      c.kind = Clause::Kind::kWith;
      ParseProjection(&c.projection, true);
    } else if (AcceptKw("RETURN")) {
      c.kind = Clause::Kind::kReturn;
      ParseProjection(&c.projection, false);
    } else {
      static const std::vector<std::string> kClauses = {"MATCH", "OPTIONAL", "UNWIND", "WITH", "RETURN",
                                                        "WHERE", "ORDER", "SKIP", "LIMIT"};
      if (IsKw("WHERE")) Fail(Cur(), "WHERE must follow MATCH, OPTIONAL MATCH or WITH");
      if (IsKw("ORDER") || IsKw("SKIP") || IsKw("LIMIT")) {
        Fail(Cur(), Cur().text + " must follow RETURN or WITH");
      }
      std::string hint = Cur().kind == Tok::kIdent ? DidYouMean(Cur().text, kClauses) : "";
      if (!hint.empty()) Fail(Cur(), "unknown clause " + Describe(Cur()) + hint);
      // A misspelled operator after an expression ("CONTIANS").
      hint = KeywordHint(Cur());
      if (!hint.empty()) Fail(Cur(), "unexpected " + Describe(Cur()) + hint);
      Fail(Cur(), "expected MATCH, OPTIONAL MATCH, UNWIND, WITH or RETURN, found " + Describe(Cur()));
    }
    return c;
  }

  std::string VariableName() {
    if (Is(Tok::kIdent) && IsReserved(Cur().text)) {
      Fail(Cur(), "'" + Cur().text + "' is a keyword and cannot name a variable");
    }
    return ExpectName("a variable name").text;
  }

  void ParseMatchBody(Clause* c) {
    do {
      c->patterns.push_back(ParsePatternPart());
    } while (Accept(Tok::kComma));
    if (AcceptKw("WHERE")) c->where = ParseExpr();
  }

  void ParseProjection(ast::Projection* p, bool is_with) {
    if (AcceptKw("DISTINCT")) p->distinct = true;
    if (Accept(Tok::kStar)) {
      p->star = true;
      if (Accept(Tok::kComma)) ParseItems(p);
    } else {
      ParseItems(p);
    }
    if (AcceptKw("ORDER")) {
      ExpectKw("BY", "after ORDER");
      do {
        ast::SortItem s;
        s.expr = ParseExpr();
        if (AcceptKw("DESC") || AcceptKw("DESCENDING")) s.descending = true;
        else if (AcceptKw("ASC") || AcceptKw("ASCENDING")) s.descending = false;
        p->order_by.push_back(std::move(s));
      } while (Accept(Tok::kComma));
    }
    if (AcceptKw("SKIP")) p->skip = ParseExpr();
    if (AcceptKw("LIMIT")) p->limit = ParseExpr();
    if (is_with && AcceptKw("WHERE")) p->where = ParseExpr();
  }

  void ParseItems(ast::Projection* p) {
    do {
      ast::ReturnItem item;
      if (Is(Tok::kEnd) || IsKw("ORDER") || IsKw("SKIP") || IsKw("LIMIT")) {
        Fail(Cur(), "expected an expression to return, found " + Describe(Cur()));
      }
      item.expr = ParseExpr();
      // "RETURN x AS OF ARTICLE 3": that AS starts the time clause.
      bool time_clause = IsKw("AS") && KwEq(PeekTok(), "OF") &&
                         (KwEq(PeekTok(2), "ARTICLE") || KwEq(PeekTok(2), "DATE"));
      if (!time_clause && AcceptKw("AS")) {
        item.alias_pos = Cur().pos;
        item.alias = VariableName();
      }
      p->items.push_back(std::move(item));
    } while (Accept(Tok::kComma));
  }

  // ---- patterns ----
  ast::PatternPart ParsePatternPart() {
    ast::PatternPart part;
    part.pos = Cur().pos;
    if ((Is(Tok::kIdent) || Is(Tok::kQuotedIdent)) && PeekTok().kind == Tok::kEq) {
      part.path_variable_pos = Cur().pos;
      part.path_variable = VariableName();
      Next();  // '='
    }
    bool shortest = false;
    if (Is(Tok::kIdent) && PeekTok().kind == Tok::kLParen) {
      std::string lower = Cur().text;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      if (lower == "shortestpath") {
        part.kind = ast::PatternPart::Kind::kShortest;
      } else if (lower == "allshortestpaths") {
        part.kind = ast::PatternPart::Kind::kAllShortest;
      } else {
        Fail(Cur(), "expected a pattern such as (a)-[r]->(b), found " + Describe(Cur()) +
                        DidYouMean(Cur().text, {"shortestPath", "allShortestPaths"}));
      }
      shortest = true;
      Next();
      Next();  // '('
    }
    part.nodes.push_back(ParseNode());
    while (Is(Tok::kMinus) || Is(Tok::kLt)) {
      part.rels.push_back(ParseRel());
      part.nodes.push_back(ParseNode());
    }
    if (shortest) {
      Expect(Tok::kRParen, "to close " + std::string(part.kind == ast::PatternPart::Kind::kShortest
                                                         ? "shortestPath("
                                                         : "allShortestPaths("));
      if (part.rels.size() != 1) {
        Fail(part.pos, "shortestPath needs exactly one relationship: shortestPath((a)-[*..5]-(b))");
      }
    }
    return part;
  }

  ast::NodePattern ParseNode() {
    ast::NodePattern n;
    n.pos = Cur().pos;
    Expect(Tok::kLParen, "to start a node pattern");
    if (Is(Tok::kIdent) || Is(Tok::kQuotedIdent)) {
      n.variable_pos = Cur().pos;
      n.variable = VariableName();
    }
    if (Accept(Tok::kColon)) {
      do {
        Accept(Tok::kColon);
        n.label_pos.push_back(Cur().pos);
        n.labels.push_back(ExpectName("a label (Person, Organization, Place, Group, Misc, Concept)").text);
      } while (Accept(Tok::kPipe));
      if (Is(Tok::kColon)) {
        Fail(Cur(), "an entity has exactly one type; write (a:Person|Place) to accept either");
      }
    }
    if (Is(Tok::kLBrace)) n.properties = ParsePropertyMap();
    Expect(Tok::kRParen, "to close the node pattern");
    return n;
  }

  ast::RelPattern ParseRel() {
    ast::RelPattern r;
    r.pos = Cur().pos;
    bool left = Accept(Tok::kLt);
    Expect(Tok::kMinus, "in the relationship pattern");
    if (Accept(Tok::kLBracket)) {
      if (Is(Tok::kIdent) || Is(Tok::kQuotedIdent)) {
        r.variable_pos = Cur().pos;
        r.variable = VariableName();
      }
      if (Accept(Tok::kColon)) {
        do {
          Accept(Tok::kColon);
          r.type_pos.push_back(Cur().pos);
          r.types.push_back(ExpectName("a relationship type").text);
        } while (Accept(Tok::kPipe));
      }
      if (Is(Tok::kStar)) {
        r.hops_pos = Cur().pos;
        Next();
        r.variable_length = true;
        if (Is(Tok::kInt)) {
          r.min_hops = Next().int_value;
          if (!Accept(Tok::kDotDot)) r.max_hops = r.min_hops;
          else if (Is(Tok::kInt)) r.max_hops = Next().int_value;
        } else if (Accept(Tok::kDotDot)) {
          if (!Is(Tok::kInt)) Fail(Cur(), "expected the maximum number of hops after '..', found " + Describe(Cur()));
          r.max_hops = Next().int_value;
        }
      }
      if (Is(Tok::kLBrace)) r.properties = ParsePropertyMap();
      Expect(Tok::kRBracket, "to close the relationship pattern");
    }
    Expect(Tok::kMinus, "in the relationship pattern");
    bool right = Accept(Tok::kGt);
    if (left && right) Fail(r.pos, "a relationship points one way or none: use <-[]-, -[]-> or -[]-");
    r.direction = left ? ast::Direction::kIn : (right ? ast::Direction::kOut : ast::Direction::kBoth);
    return r;
  }

  std::vector<ast::PropertyEntry> ParsePropertyMap() {
    std::vector<ast::PropertyEntry> out;
    Expect(Tok::kLBrace);
    if (!Is(Tok::kRBrace)) {
      do {
        ast::PropertyEntry e;
        e.pos = Cur().pos;
        e.key = ExpectName("a property name").text;
        Expect(Tok::kColon, "after the property name");
        e.value = ParseExpr();
        out.push_back(std::move(e));
      } while (Accept(Tok::kComma));
    }
    Expect(Tok::kRBrace, "to close the property map");
    return out;
  }

  // ---- expressions ----
  struct DepthGuard {
    explicit DepthGuard(Parser* p) : p_(p) {
      if (++p_->depth_ > kMaxDepth) p_->Fail(p_->Cur(), "expression nested too deeply");
    }
    ~DepthGuard() { --p_->depth_; }
    Parser* p_;
  };

  ExprPtr MakeExpr(ExprKind kind, SourcePos pos) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->pos = pos;
    return e;
  }
  // `op_pos`: where the operator is written; errors about the operation point there.
  ExprPtr Binary(Op op, ExprPtr a, ExprPtr b, size_t begin, SourcePos op_pos) {
    auto e = MakeExpr(ExprKind::kBinary, op_pos);
    e->op = op;
    e->args.push_back(std::move(a));
    e->args.push_back(std::move(b));
    e->text = std::string(TextBetween(begin, PrevEnd()));
    return e;
  }

  ExprPtr ParseExpr() {
    DepthGuard guard(this);
    size_t begin = Cur().pos.offset;
    ExprPtr e = ParseXor();
    while (IsKw("OR")) {
      SourcePos at = Next().pos;
      e = Binary(Op::kOr, std::move(e), ParseXor(), begin, at);
    }
    return e;
  }
  ExprPtr ParseXor() {
    size_t begin = Cur().pos.offset;
    ExprPtr e = ParseAnd();
    while (IsKw("XOR")) {
      SourcePos at = Next().pos;
      e = Binary(Op::kXor, std::move(e), ParseAnd(), begin, at);
    }
    return e;
  }
  ExprPtr ParseAnd() {
    size_t begin = Cur().pos.offset;
    ExprPtr e = ParseNot();
    while (IsKw("AND")) {
      SourcePos at = Next().pos;
      e = Binary(Op::kAnd, std::move(e), ParseNot(), begin, at);
    }
    return e;
  }
  ExprPtr ParseNot() {
    DepthGuard guard(this);
    if (IsKw("NOT")) {
      size_t begin = Cur().pos.offset;
      auto e = MakeExpr(ExprKind::kUnary, Cur().pos);
      Next();
      e->op = Op::kNot;
      e->args.push_back(ParseNot());
      e->text = std::string(TextBetween(begin, PrevEnd()));
      return e;
    }
    return ParseComparison();
  }
  ExprPtr ParseComparison() {
    size_t begin = Cur().pos.offset;
    ExprPtr e = ParseAdditive();
    while (true) {
      Op op = Op::kNone;
      SourcePos at = Cur().pos;
      switch (Cur().kind) {
        case Tok::kEq: op = Op::kEq; break;
        case Tok::kNe: op = Op::kNe; break;
        case Tok::kLt: op = Op::kLt; break;
        case Tok::kGt: op = Op::kGt; break;
        case Tok::kLe: op = Op::kLe; break;
        case Tok::kGe: op = Op::kGe; break;
        case Tok::kRegexMatch: op = Op::kRegex; break;
        default: break;
      }
      if (op != Op::kNone) {
        Next();
        e = Binary(op, std::move(e), ParseAdditive(), begin, at);
      } else if (AcceptKw("IN")) {
        e = Binary(Op::kIn, std::move(e), ParseAdditive(), begin, at);
      } else if (AcceptKw("CONTAINS")) {
        e = Binary(Op::kContains, std::move(e), ParseAdditive(), begin, at);
      } else if (AcceptKw("STARTS")) {
        ExpectKw("WITH", "after STARTS");
        e = Binary(Op::kStartsWith, std::move(e), ParseAdditive(), begin, at);
      } else if (AcceptKw("ENDS")) {
        ExpectKw("WITH", "after ENDS");
        e = Binary(Op::kEndsWith, std::move(e), ParseAdditive(), begin, at);
      } else if (IsKw("IS")) {
        Next();
        bool negate = AcceptKw("NOT");
        ExpectKw("NULL", negate ? "after IS NOT" : "after IS");
        auto u = MakeExpr(ExprKind::kUnary, e->pos);
        u->op = negate ? Op::kIsNotNull : Op::kIsNull;
        u->args.push_back(std::move(e));
        u->text = std::string(TextBetween(begin, PrevEnd()));
        e = std::move(u);
      } else {
        return e;
      }
    }
  }
  ExprPtr ParseAdditive() {
    size_t begin = Cur().pos.offset;
    ExprPtr e = ParseMultiplicative();
    while (Is(Tok::kPlus) || Is(Tok::kMinus)) {
      Op op = Is(Tok::kPlus) ? Op::kAdd : Op::kSub;
      SourcePos at = Next().pos;
      e = Binary(op, std::move(e), ParseMultiplicative(), begin, at);
    }
    return e;
  }
  ExprPtr ParseMultiplicative() {
    size_t begin = Cur().pos.offset;
    ExprPtr e = ParseUnary();
    while (Is(Tok::kStar) || Is(Tok::kSlash) || Is(Tok::kPercent)) {
      Op op = Is(Tok::kStar) ? Op::kMul : (Is(Tok::kSlash) ? Op::kDiv : Op::kMod);
      SourcePos at = Next().pos;
      e = Binary(op, std::move(e), ParseUnary(), begin, at);
    }
    return e;
  }
  ExprPtr ParseUnary() {
    DepthGuard guard(this);
    if (Is(Tok::kMinus) || Is(Tok::kPlus)) {
      size_t begin = Cur().pos.offset;
      auto e = MakeExpr(ExprKind::kUnary, Cur().pos);
      e->op = Is(Tok::kMinus) ? Op::kNeg : Op::kPos;
      Next();
      e->args.push_back(ParseUnary());
      e->text = std::string(TextBetween(begin, PrevEnd()));
      return e;
    }
    return ParsePostfix();
  }
  ExprPtr ParsePostfix() {
    size_t begin = Cur().pos.offset;
    ExprPtr e = ParsePrimary();
    // WHERE n:Person (or n:Person|Place): a label test on a variable.
    if (e->kind == ExprKind::kVariable && Is(Tok::kColon)) {
      auto t = MakeExpr(ExprKind::kHasLabel, Cur().pos);
      Next();
      do {
        t->keys.push_back(ExpectName("a label after ':'").text);
      } while (Accept(Tok::kPipe));
      t->args.push_back(std::move(e));
      t->text = std::string(TextBetween(begin, PrevEnd()));
      return t;
    }
    while (true) {
      if (Accept(Tok::kDot)) {
        auto p = MakeExpr(ExprKind::kProperty, Cur().pos);
        p->name = ExpectName("a property name after '.'").text;
        p->args.push_back(std::move(e));
        p->text = std::string(TextBetween(begin, PrevEnd()));
        e = std::move(p);
      } else if (Is(Tok::kLBracket)) {
        SourcePos pos = Cur().pos;
        Next();
        auto ix = MakeExpr(ExprKind::kIndex, pos);
        ix->args.push_back(std::move(e));
        ix->args.push_back(ParseExpr());
        Expect(Tok::kRBracket, "to close the index");
        ix->text = std::string(TextBetween(begin, PrevEnd()));
        e = std::move(ix);
      } else {
        return e;
      }
    }
  }
  ExprPtr ParsePrimary() {
    DepthGuard guard(this);
    const Token& t = Cur();
    size_t begin = t.pos.offset;
    ExprPtr e;
    switch (t.kind) {
      case Tok::kInt:
        e = MakeExpr(ExprKind::kLiteral, t.pos);
        e->literal = Value::Int(t.int_value);
        Next();
        break;
      case Tok::kFloat:
        e = MakeExpr(ExprKind::kLiteral, t.pos);
        e->literal = Value::Float(t.float_value);
        Next();
        break;
      case Tok::kString:
        e = MakeExpr(ExprKind::kLiteral, t.pos);
        e->literal = Value::String(t.text);
        Next();
        break;
      case Tok::kParam:
        e = MakeExpr(ExprKind::kParam, t.pos);
        e->name = t.text;
        Next();
        break;
      case Tok::kLParen: {
        Next();
        e = ParseExpr();
        Expect(Tok::kRParen, "to close '('");
        // Keep the parenthesised text so the column reads as written.
        e->text = std::string(TextBetween(begin, PrevEnd()));
        return e;
      }
      case Tok::kLBracket: {
        e = MakeExpr(ExprKind::kList, t.pos);
        Next();
        if (!Is(Tok::kRBracket)) {
          do {
            e->args.push_back(ParseExpr());
          } while (Accept(Tok::kComma));
        }
        Expect(Tok::kRBracket, "to close the list");
        break;
      }
      case Tok::kLBrace: {
        e = MakeExpr(ExprKind::kMap, t.pos);
        for (auto& entry : ParsePropertyMap()) {
          e->keys.push_back(entry.key);
          e->args.push_back(std::move(entry.value));
        }
        break;
      }
      case Tok::kQuotedIdent:
        e = MakeExpr(ExprKind::kVariable, t.pos);
        e->name = t.text;
        Next();
        break;
      case Tok::kIdent: {
        if (KwEq(t, "TRUE") || KwEq(t, "FALSE")) {
          e = MakeExpr(ExprKind::kLiteral, t.pos);
          e->literal = Value::Bool(KwEq(t, "TRUE"));
          Next();
          break;
        }
        if (KwEq(t, "NULL")) {
          e = MakeExpr(ExprKind::kLiteral, t.pos);
          Next();
          break;
        }
        if (PeekTok().kind == Tok::kLParen) {
          e = ParseCall();
          break;
        }
        if (IsReserved(t.text)) Fail(t, "expected an expression, found keyword '" + t.text + "'");
        e = MakeExpr(ExprKind::kVariable, t.pos);
        e->name = t.text;
        Next();
        break;
      }
      default:
        Fail(t, "expected an expression, found " + Describe(t));
    }
    e->text = std::string(TextBetween(begin, PrevEnd()));
    return e;
  }
  ExprPtr ParseCall() {
    const Token& name = Next();
    auto e = MakeExpr(ExprKind::kCall, name.pos);
    e->name = name.text;
    Next();  // '('
    std::string lower = name.text;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (lower == "count" && Is(Tok::kStar)) {
      Next();
      Expect(Tok::kRParen, "after count(*");
      e->kind = ExprKind::kCountStar;
      return e;
    }
    if (AcceptKw("DISTINCT")) e->distinct = true;
    if (!Is(Tok::kRParen)) {
      do {
        e->args.push_back(ParseExpr());
      } while (Accept(Tok::kComma));
    }
    Expect(Tok::kRParen, "to close the arguments of " + name.text + "()");
    return e;
  }

  std::string_view text_;
  std::vector<Token> toks_;
  size_t i_ = 0;
  int depth_ = 0;
};

}  // namespace

std::variant<ast::Query, QueryError> Parse(std::string_view text) {
  auto lexed = Lex(text);
  if (auto* err = std::get_if<QueryError>(&lexed)) return *err;
  Parser parser(text, std::move(std::get<std::vector<Token>>(lexed)));
  try {
    return parser.ParseQuery();
  } catch (const ParseFailure& f) {
    return f.error;
  }
}

std::variant<ast::ExprPtr, QueryError> ParseExpression(std::string_view text) {
  auto lexed = Lex(text);
  if (auto* err = std::get_if<QueryError>(&lexed)) return *err;
  Parser parser(text, std::move(std::get<std::vector<Token>>(lexed)));
  try {
    return parser.ParseStandaloneExpression();
  } catch (const ParseFailure& f) {
    return f.error;
  }
}

}  // namespace kg::query
