#!/usr/bin/env bash
# Installs what is missing, builds and runs every test suite (run as root:
# the integration tests create real containers). Ends with CTest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh

# Sanitizer stage: the unit tests under AddressSanitizer and UBSan.
BUILD_DIR=build-asan ./scripts/build.sh -DCMAKE_BUILD_TYPE=Debug -DOCIRUN_SANITIZE=ON
(cd build-asan && ctest -L unit --output-on-failure)

# Main stage: the release build, unit and integration suites.
./scripts/build.sh
cd build
ctest --output-on-failure
