#!/usr/bin/env bash
# Configures and builds ocirun into build/ (or $BUILD_DIR). Extra args go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DOCIRUN_WERROR=ON "$@" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
