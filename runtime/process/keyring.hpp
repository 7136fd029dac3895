// A new session keyring per container ("_ses.<id>"), so containers do not
// share the caller's kernel keys (--no-new-keyring keeps the caller's).
#pragma once

#include <string>

#include "runtime/base/error.hpp"

namespace rt::process {

Result<> join_session_keyring(const std::string& container_id);

}  // namespace rt::process
