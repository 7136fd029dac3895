// Decoding of config.json (and of the documents derived from it: an exec
// process.json and an update resources document) into oci:: types.
//
// Every error names the JSON path of the offending value, e.g.
//   $.process.args[0]: expected string, got number
// Unknown members are ignored, as the spec requires. No exception escapes.
#pragma once

#include <string_view>

#include "oci/expected.hpp"
#include "oci/issue.hpp"
#include "oci/spec.hpp"

namespace oci {

template <class T>
using Parsed = Expected<T, Issue>;

Parsed<Spec> parse_config(std::string_view json_text);
Parsed<Process> parse_process(std::string_view json_text);
Parsed<Resources> parse_resources(std::string_view json_text);

}  // namespace oci
