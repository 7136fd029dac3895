#include "runtime/base/error.hpp"

#include <cstring>

namespace rt {

std::string Error::to_string() const {
  if (errnum == 0) return msg;
  return msg + ": " + std::strerror(errnum);
}

}  // namespace rt
