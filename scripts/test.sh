#!/usr/bin/env bash
# The whole test suite: formatting, lints, and every test of the workspace.
# Oracles (real helm/kubectl, ../shared) are used when present; tests that need an
# absent oracle print why they skip. Tests run optimised: the corpus test renders 261
# real charts and the conformance suites are large.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -d "${HKE_SHARED_DIR:-../shared}/tools" ]] && [[ -z "${HKE_SKIP_GET_HELM:-}" ]]; then
  bash "${HKE_SHARED_DIR:-../shared}/tools/get-helm.sh" >/dev/null || echo "note: get-helm.sh failed; helm-based tests will skip" >&2
  env_sh="${HKE_TOOLS_DIR:-$HOME/.cache/hke-tools}/env.sh"
  # shellcheck disable=SC1090
  [[ -f "$env_sh" ]] && source "$env_sh"
fi

cargo fmt --all --check
cargo clippy --all-targets -- -D warnings
# The corpus report (per repository: data, bytes, error text) is printed with --nocapture.
cargo test --release --workspace --lib --bins --tests --examples -- --skip corpus_renders_like_helm
cargo test --release --workspace --benches
cargo test --release -p hke-cli --test corpus -- --nocapture
