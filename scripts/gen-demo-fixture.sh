#!/usr/bin/env bash
# Regenerates hke-cli/tests/fixtures/demo-template.yaml: what real helm 3.17.2 prints for
# `helm template demo examples/demo --namespace web`. Needs ../shared/tools/get-helm.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
HELM="${HKE_HELM3:-$HOME/.cache/hke-tools/bin/helm3}"
"$HELM" template demo examples/demo --namespace web > hke-cli/tests/fixtures/demo-template.yaml
"$HELM" template demo examples/demo --namespace web --set replicaCount=3,image.tag=1.25 --show-only templates/deployment.yaml > hke-cli/tests/fixtures/demo-template-set.yaml
# Schema validation errors of a parent and a subchart.
(cd hke-cli/tests/fixtures/charts/schema && "$HELM" template r . 2> ../../schema-errors.err >/dev/null || true)
