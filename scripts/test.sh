#!/usr/bin/env bash
# Installs what is missing, builds and runs every test suite (run as root:
# the integration tests create real containers). Each stage ends with
# CTest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh

# Sanitizer stage: the unit tests under AddressSanitizer and UBSan.
BUILD_DIR=build-asan ./scripts/build.sh -DCMAKE_BUILD_TYPE=Debug -DOCIRUN_SANITIZE=ON
(cd build-asan && ctest -L unit --output-on-failure)

# Main stage: the release build, unit and integration suites.
./scripts/build.sh
(cd build && ctest --output-on-failure)

# Fuzz stage: the config and state.json fuzzers (clang, libFuzzer, ASan and
# UBSan), 15 s each from the spec-fixtures seeds. Longer runs: tests/fuzz/.
BUILD_DIR=build-fuzz ./scripts/build.sh -DOCIRUN_FUZZ=ON \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++
cd build-fuzz
ctest --output-on-failure
