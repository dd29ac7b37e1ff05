// Escaping text for HTML and SVG (XML) output.
#pragma once

#include <string>
#include <string_view>

namespace dpa {

// & < > " ' as character references: safe in element content and in
// attribute values in double or single quotes.
std::string escape_markup(std::string_view text);

}  // namespace dpa
