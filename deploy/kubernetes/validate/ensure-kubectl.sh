#!/usr/bin/env bash
# Installs Debian's kubectl when it is missing (KubernetesManifestsIT renders with
# `kubectl kustomize`). Used by .ci/run and by the test itself, so `mvn -B verify` works on a fresh
# machine. Needs root (or sudo) and apt.
set -euo pipefail
if command -v kubectl >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo -n"
fi
$SUDO apt-get update -q
$SUDO apt-get install -y -q kubectl
