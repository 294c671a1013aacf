#!/usr/bin/env bash
# FolioLab: run every test. Usage: ./test.sh
# Works on a fresh Debian 12 machine with JDK 17 and Maven; installs anything else it needs
# (as root, with apt-get: the Jupyter client packages the kernel tests use).
set -euo pipefail
cd "$(dirname "$0")"
command -v mvn >/dev/null || { echo "test.sh: Maven (mvn) is required: apt-get install maven" >&2; exit 2; }

# Debian packages for the Jupyter client tests, installed once when missing.
need_pkgs=(python3-jupyter-client python3-jupyter-kernel-test python3-nbclient)
if ! /usr/bin/python3 -c 'import jupyter_client, jupyter_kernel_test, nbclient, nbformat' 2>/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -qq
    timeout 900 apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  else
    echo "test.sh: please install: sudo apt-get install -y ${need_pkgs[*]}" >&2
    exit 2
  fi
fi

# 1. Unit and model tests (JUnit 5, Maven Surefire); also builds target/foliolab.jar.
mvn -B -ntp verify

# 2. The Jupyter kernel against a real jupyter_client (ends with 'N passed, M failed').
kernel/test-kernel.sh
