// A finding about a document, located by its JSON path ("$.process.args[0]").
#pragma once

#include <string>
#include <vector>

namespace oci {

enum class Severity { kError, kWarning };

struct Issue {
  std::string path;
  std::string message;
  Severity severity = Severity::kError;

  std::string to_string() const { return path + ": " + message; }
  bool is_error() const { return severity == Severity::kError; }
  bool operator==(const Issue&) const = default;
};

using Issues = std::vector<Issue>;

inline bool has_errors(const Issues& issues) {
  for (const auto& i : issues)
    if (i.is_error()) return true;
  return false;
}

// Quotes a string for a message the way JSON would ("a\"b"), so that odd
// bytes in user input cannot break a log line.
std::string quote(std::string_view s);

}  // namespace oci
