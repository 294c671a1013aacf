#!/usr/bin/env bash
# FolioLab: run every test. Usage: ./test.sh
# Works on a fresh Debian 12 machine with JDK 17 and Maven; installs anything else it needs
# (as root, with apt-get: the Jupyter client packages and Chromium the kernel and notebook tests use).
#   1. unit and model tests (JUnit 5, mvn verify), which also build target/foliolab.jar;
#   2. the Jupyter kernel against a real jupyter_client (kernel/test-kernel.sh);
#   3. every notebook executed headless by nbclient, and a rendered notebook screenshotted by
#      headless Chromium (notebooks/tests/test-notebooks.sh).
# Parts 2 and 3 each end with 'N passed, M failed'.
set -euo pipefail
cd "$(dirname "$0")"
command -v mvn >/dev/null || { echo "test.sh: Maven (mvn) is required: apt-get install maven" >&2; exit 2; }

# Debian packages for the client tests, installed once when missing.
need_pkgs=(python3-jupyter-client python3-jupyter-kernel-test python3-nbclient jupyter-nbconvert chromium)
if ! /usr/bin/python3 -c 'import jupyter_client, jupyter_kernel_test, nbclient, nbformat, nbconvert' 2>/dev/null \
    || ! command -v chromium >/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then
    echo "== Installing test packages: ${need_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    log="$(mktemp)"
    timeout 600 apt-get update -qq
    timeout 1200 apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" > "$log" 2>&1 \
      || { cat "$log" >&2; exit 1; }
    rm -f "$log"
  else
    echo "test.sh: please install: sudo apt-get install -y ${need_pkgs[*]}" >&2
    exit 2
  fi
fi

start=$SECONDS
# 1. Unit and model tests (JUnit 5, Maven Surefire); also builds target/foliolab.jar.
echo "== 1/3 mvn verify"
mvn -B -ntp verify
t1=$SECONDS

# 2. The Jupyter kernel against a real jupyter_client (ends with 'N passed, M failed').
echo "== 2/3 kernel tests"
kernel_status=0
kernel/test-kernel.sh || kernel_status=$?
t2=$SECONDS

# 3. The notebooks, executed headless; one rendered and screenshotted (ends 'N passed, M failed').
echo "== 3/3 notebook tests"
notebook_status=0
notebooks/tests/test-notebooks.sh || notebook_status=$?
t3=$SECONDS

echo "== test.sh: mvn verify $((t1 - start)) s, kernel tests $((t2 - t1)) s ($([[ $kernel_status -eq 0 ]] && echo ok || echo FAILED)), notebook tests $((t3 - t2)) s ($([[ $notebook_status -eq 0 ]] && echo ok || echo FAILED)); total $((t3 - start)) s"
[[ $kernel_status -eq 0 && $notebook_status -eq 0 ]]
