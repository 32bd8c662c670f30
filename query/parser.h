// Stage 2: tokens -> syntax tree (ast.h).
#pragma once

#include <string_view>
#include <variant>

#include "query/ast.h"
#include "query/error.h"

namespace kg::query {

// Lexes and parses one query. Never throws; a syntax error comes back as a
// QueryError pointing at the offending token.
std::variant<ast::Query, QueryError> Parse(std::string_view text);

// Parses a single expression (used for --param values: `[1, 2]`, `"x"`, `3`).
std::variant<ast::ExprPtr, QueryError> ParseExpression(std::string_view text);

// Every keyword of the language, upper case (for "did you mean").
const std::vector<std::string>& Keywords();

}  // namespace kg::query
