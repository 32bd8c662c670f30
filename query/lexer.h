// Stage 1: query text -> tokens.
//
// Keywords are not special here: they come out as identifiers and the parser
// compares them case-insensitively, which keeps "did you mean MATCH?" simple.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "query/error.h"

namespace kg::query {

enum class Tok {
  kEnd,
  kIdent,        // name or keyword; text as written
  kQuotedIdent,  // `any name`; text unescaped
  kString,       // text unescaped
  kInt,
  kFloat,
  kParam,        // $name; text is the name
  kLParen, kRParen, kLBracket, kRBracket, kLBrace, kRBrace,
  kComma, kDot, kDotDot, kColon, kPipe, kSemicolon,
  kPlus, kMinus, kStar, kSlash, kPercent,
  kEq, kNe, kLt, kGt, kLe, kGe, kRegexMatch,
};

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;
  int64_t int_value = 0;
  double float_value = 0.0;
  SourcePos pos;
  size_t end = 0;     // byte offset just past the token
};

// A printable name for a token kind: "'('", "a string", "end of query".
std::string TokName(Tok t);
// How a token is quoted in messages: "'MATCH'", "end of query".
std::string Describe(const Token& t);

// Splits the whole query; the last token is kEnd. Comments (// and /* */)
// and white space are dropped.
std::variant<std::vector<Token>, QueryError> Lex(std::string_view text);

}  // namespace kg::query
