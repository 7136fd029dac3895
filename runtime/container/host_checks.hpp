// Checks of a valid config against this host: does the rootfs exist, does
// the kernel have these namespaces and capabilities, can the LSM labels be
// applied. Used by `check` and, before anything is created, by `create`.
#pragma once

#include "oci/issue.hpp"
#include "runtime/container/bundle.hpp"

namespace rt::container {

oci::Issues host_checks(const Bundle& bundle);

}  // namespace rt::container
