// Rendering DOT to SVG/PNG/PDF through the Graphviz programs when they are
// installed. Runs a child process; prints nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "graph/status.h"

namespace kg::exports {

// The full path of `program` found on $PATH, or nullopt.
std::optional<std::string> FindProgram(std::string_view program);

// Runs `<engine> -T<format> -o out_path` on `dot` ("dot" or "sfdp";
// format "svg", "png" or "pdf"). kNotFound with an install hint when the
// engine is not on $PATH; kIoError with Graphviz's own message when it fails.
Status RenderDot(const std::string& dot, std::string_view engine, std::string_view format,
                 const std::string& out_path);

}  // namespace kg::exports
