#!/usr/bin/env bash
# Installer (tools/README.md contract): the kubelet and the static pause binary of e2e:kubelet, from the one build
# script of the Kubernetes binaries, tools/kubernetes.sh (same cache, lock, source tree and last line: the bin folder).
# Usage: bash tools/kubelet.sh. Env: as tools/kubernetes.sh (KUBERNETES_CACHE or KUBELET_CACHE, K8S_VERSION).
set -euo pipefail
exec bash "$(dirname "$0")/kubernetes.sh" kubelet pause
