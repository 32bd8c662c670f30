#include "query/lexer.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace kg::query {

std::string TokName(Tok t) {
  switch (t) {
    case Tok::kEnd: return "end of query";
    case Tok::kIdent: return "a name";
    case Tok::kQuotedIdent: return "a `quoted name`";
    case Tok::kString: return "a string";
    case Tok::kInt: return "an integer";
    case Tok::kFloat: return "a number";
    case Tok::kParam: return "a $parameter";
    case Tok::kLParen: return "'('";
    case Tok::kRParen: return "')'";
    case Tok::kLBracket: return "'['";
    case Tok::kRBracket: return "']'";
    case Tok::kLBrace: return "'{'";
    case Tok::kRBrace: return "'}'";
    case Tok::kComma: return "','";
    case Tok::kDot: return "'.'";
    case Tok::kDotDot: return "'..'";
    case Tok::kColon: return "':'";
    case Tok::kPipe: return "'|'";
    case Tok::kSemicolon: return "';'";
    case Tok::kPlus: return "'+'";
    case Tok::kMinus: return "'-'";
    case Tok::kStar: return "'*'";
    case Tok::kSlash: return "'/'";
    case Tok::kPercent: return "'%'";
    case Tok::kEq: return "'='";
    case Tok::kNe: return "'<>'";
    case Tok::kLt: return "'<'";
    case Tok::kGt: return "'>'";
    case Tok::kLe: return "'<='";
    case Tok::kGe: return "'>='";
    case Tok::kRegexMatch: return "'=~'";
  }
  return "a token";
}

std::string Describe(const Token& t) {
  switch (t.kind) {
    case Tok::kEnd: return "end of query";
    case Tok::kIdent: return "'" + t.text + "'";
    case Tok::kQuotedIdent: return "`" + t.text + "`";
    case Tok::kString: return "string \"" + t.text.substr(0, 40) + "\"";
    case Tok::kInt:
    case Tok::kFloat: return "number " + t.text;
    case Tok::kParam: return "$" + t.text;
    default: return TokName(t.kind);
  }
}

namespace {

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  std::variant<std::vector<Token>, QueryError> Run() {
    std::vector<Token> out;
    while (true) {
      if (auto err = SkipSpaceAndComments(); !err.message.empty()) return err;
      Token t;
      t.pos = pos_;
      if (AtEnd()) {
        t.kind = Tok::kEnd;
        t.end = pos_.offset;
        out.push_back(std::move(t));
        return out;
      }
      char c = Peek();
      auto u = static_cast<unsigned char>(c);
      if (std::isalpha(u) || c == '_' || u >= 0x80) {
        size_t start = pos_.offset;
        while (!AtEnd() && IsIdentChar(Peek())) Advance();
        t.kind = Tok::kIdent;
        t.text = std::string(text_.substr(start, pos_.offset - start));
      } else if (std::isdigit(u)) {
        if (auto err = LexNumber(&t); !err.message.empty()) return err;
      } else if (c == '"' || c == '\'') {
        if (auto err = LexString(&t); !err.message.empty()) return err;
      } else if (c == '`') {
        Advance();
        t.kind = Tok::kQuotedIdent;
        while (true) {
          if (AtEnd()) return QueryError{t.pos, "unterminated `quoted name`"};
          if (Peek() == '`') {
            Advance();
            if (!AtEnd() && Peek() == '`') {
              t.text.push_back('`');
              Advance();
              continue;
            }
            break;
          }
          t.text.push_back(Peek());
          Advance();
        }
        if (t.text.empty()) return QueryError{t.pos, "empty `quoted name`"};
      } else if (c == '$') {
        Advance();
        size_t start = pos_.offset;
        while (!AtEnd() && IsIdentChar(Peek())) Advance();
        if (start == pos_.offset) return QueryError{t.pos, "expected a parameter name after '$'"};
        t.kind = Tok::kParam;
        t.text = std::string(text_.substr(start, pos_.offset - start));
      } else {
        if (auto err = LexPunct(&t); !err.message.empty()) return err;
      }
      t.end = pos_.offset;
      out.push_back(std::move(t));
    }
  }

 private:
  static bool IsIdentChar(char c) {
    auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || c == '_' || u >= 0x80;
  }
  bool AtEnd() const { return pos_.offset >= text_.size(); }
  char Peek(size_t ahead = 0) const {
    return pos_.offset + ahead < text_.size() ? text_[pos_.offset + ahead] : '\0';
  }
  void Advance() {
    char c = text_[pos_.offset++];
    if (c == '\n') {
      ++pos_.line;
      pos_.column = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      // Count code points: UTF-8 continuation bytes do not move the column...
      ++pos_.column;
    }
    // ...but a continuation byte belongs to the character already counted.
  }

  QueryError SkipSpaceAndComments() {
    while (!AtEnd()) {
      char c = Peek();
      if (std::isspace(static_cast<unsigned char>(c))) {
        Advance();
      } else if (c == '/' && Peek(1) == '/') {
        while (!AtEnd() && Peek() != '\n') Advance();
      } else if (c == '/' && Peek(1) == '*') {
        SourcePos start = pos_;
        Advance();
        Advance();
        while (true) {
          if (AtEnd()) return QueryError{start, "unterminated /* comment"};
          if (Peek() == '*' && Peek(1) == '/') {
            Advance();
            Advance();
            break;
          }
          Advance();
        }
      } else {
        break;
      }
    }
    return {};
  }

  QueryError LexNumber(Token* t) {
    size_t start = pos_.offset;
    bool is_float = false;
    while (std::isdigit(static_cast<unsigned char>(Peek()))) Advance();
    // "1..3" is a range, not a float: only take '.' when a digit follows.
    if (Peek() == '.' && std::isdigit(static_cast<unsigned char>(Peek(1)))) {
      is_float = true;
      Advance();
      while (std::isdigit(static_cast<unsigned char>(Peek()))) Advance();
    }
    if ((Peek() == 'e' || Peek() == 'E') &&
        (std::isdigit(static_cast<unsigned char>(Peek(1))) ||
         ((Peek(1) == '-' || Peek(1) == '+') && std::isdigit(static_cast<unsigned char>(Peek(2)))))) {
      is_float = true;
      Advance();
      Advance();
      while (std::isdigit(static_cast<unsigned char>(Peek()))) Advance();
    }
    if (IsIdentChar(Peek())) return QueryError{pos_, "unexpected character '" + std::string(1, Peek()) + "' in a number"};
    t->text = std::string(text_.substr(start, pos_.offset - start));
    errno = 0;
    if (is_float) {
      t->kind = Tok::kFloat;
      t->float_value = std::strtod(t->text.c_str(), nullptr);
    } else {
      t->kind = Tok::kInt;
      t->int_value = std::strtoll(t->text.c_str(), nullptr, 10);
      if (errno == ERANGE) return QueryError{t->pos, "integer " + t->text + " is too large"};
    }
    return {};
  }

  static void AppendUtf8(std::string* out, uint32_t cp) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  QueryError LexString(Token* t) {
    char quote = Peek();
    Advance();
    t->kind = Tok::kString;
    while (true) {
      if (AtEnd()) return QueryError{t->pos, "unterminated string"};
      char c = Peek();
      if (c == quote) {
        Advance();
        return {};
      }
      if (c != '\\') {
        t->text.push_back(c);
        Advance();
        continue;
      }
      SourcePos esc = pos_;
      Advance();
      if (AtEnd()) return QueryError{t->pos, "unterminated string"};
      char e = Peek();
      Advance();
      switch (e) {
        case '\\': t->text.push_back('\\'); break;
        case '\'': t->text.push_back('\''); break;
        case '"': t->text.push_back('"'); break;
        case 'n': t->text.push_back('\n'); break;
        case 't': t->text.push_back('\t'); break;
        case 'r': t->text.push_back('\r'); break;
        case 'b': t->text.push_back('\b'); break;
        case 'f': t->text.push_back('\f'); break;
        case 'u': {
          uint32_t cp = 0;
          for (int i = 0; i < 4; ++i) {
            char h = Peek();
            if (!std::isxdigit(static_cast<unsigned char>(h))) {
              return QueryError{esc, "bad \\u escape: expected 4 hex digits"};
            }
            cp = cp * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(h))
                                                     ? h - '0'
                                                     : std::tolower(static_cast<unsigned char>(h)) - 'a' + 10);
            Advance();
          }
          AppendUtf8(&t->text, cp);
          break;
        }
        default:
          return QueryError{esc, std::string("unknown escape '\\") + e + "' (use \\\\, \\', \\\", \\n, \\t, \\r or \\uXXXX)"};
      }
    }
  }

  QueryError LexPunct(Token* t) {
    char c = Peek();
    char n = Peek(1);
    auto one = [&](Tok k) { t->kind = k; Advance(); };
    auto two = [&](Tok k) { t->kind = k; Advance(); Advance(); };
    switch (c) {
      case '(': one(Tok::kLParen); break;
      case ')': one(Tok::kRParen); break;
      case '[': one(Tok::kLBracket); break;
      case ']': one(Tok::kRBracket); break;
      case '{': one(Tok::kLBrace); break;
      case '}': one(Tok::kRBrace); break;
      case ',': one(Tok::kComma); break;
      case ':': one(Tok::kColon); break;
      case '|': one(Tok::kPipe); break;
      case ';': one(Tok::kSemicolon); break;
      case '+': one(Tok::kPlus); break;
      case '-': one(Tok::kMinus); break;
      case '*': one(Tok::kStar); break;
      case '/': one(Tok::kSlash); break;
      case '%': one(Tok::kPercent); break;
      case '.': if (n == '.') two(Tok::kDotDot); else one(Tok::kDot); break;
      case '=': if (n == '~') two(Tok::kRegexMatch); else one(Tok::kEq); break;
      case '!':
        if (n == '=') { two(Tok::kNe); break; }
        return QueryError{pos_, "unexpected character '!' (use NOT, or <> for not equal)"};
      case '<':
        if (n == '>') two(Tok::kNe);
        else if (n == '=') two(Tok::kLe);
        else one(Tok::kLt);
        break;
      case '>': if (n == '=') two(Tok::kGe); else one(Tok::kGt); break;
      default: {
        std::string shown = std::isprint(static_cast<unsigned char>(c)) ? std::string(1, c)
                                                                         : "\\x" + std::to_string(static_cast<unsigned char>(c));
        return QueryError{pos_, "unexpected character '" + shown + "'"};
      }
    }
    return {};
  }

  std::string_view text_;
  SourcePos pos_;
};

}  // namespace

std::variant<std::vector<Token>, QueryError> Lex(std::string_view text) { return Lexer(text).Run(); }

}  // namespace kg::query
