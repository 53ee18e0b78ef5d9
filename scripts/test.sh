#!/usr/bin/env bash
# The whole test suite: formatting, lints, and every test of the workspace.
# Oracles (real helm/kubectl, ../shared) are used when present; tests that need an
# absent oracle print why they skip.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -d ../shared/tools ]] && [[ -z "${HKE_SKIP_GET_HELM:-}" ]]; then
  bash ../shared/tools/get-helm.sh >/dev/null
  # shellcheck disable=SC1091
  source "${HKE_TOOLS_DIR:-$HOME/.cache/hke-tools}/env.sh"
fi

cargo fmt --all --check
cargo clippy --all-targets -- -D warnings
cargo test --all-targets 2>&1 | tee /tmp/hke-test.log
