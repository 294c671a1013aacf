#!/usr/bin/env bash
# Client tests of the FolioLab Jupyter kernel with a real jupyter_client.
#
# Needs target/foliolab.jar (mvn -q -B package -DskipTests) and the Debian packages
#   python3-jupyter-client python3-jupyter-kernel-test python3-nbclient
# Installs the kernelspec into a temporary prefix, points JUPYTER_PATH at it, runs
# kernel/tests/run_tests.py through /usr/bin/python3, and ends with 'N passed, M failed'.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
jar="${FOLIOLAB_JAR:-$repo/target/foliolab.jar}"
py=/usr/bin/python3

if [[ ! -f "$jar" ]]; then
  echo "test-kernel.sh: $jar is missing; run mvn -q -B package -DskipTests first" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
if ! "$py" -c 'import jupyter_client, jupyter_kernel_test, nbclient, nbformat' 2>/dev/null; then
  echo "test-kernel.sh: $py lacks jupyter_client, jupyter_kernel_test or nbclient;" >&2
  echo "  apt-get install -y python3-jupyter-client python3-jupyter-kernel-test python3-nbclient" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/foliolab-kernel-tests.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
timeout 300 java -jar "$jar" kernel install --prefix "$tmp/prefix" --jar "$jar"
export JUPYTER_PATH="$tmp/prefix/share/jupyter"
export JUPYTER_DATA_DIR="$tmp/data"
export JUPYTER_RUNTIME_DIR="$tmp/runtime"
export JUPYTER_CONFIG_DIR="$tmp/config"
export JUPYTER_PLATFORM_DIRS=0
export PYTHONDONTWRITEBYTECODE=1
cd "$here/tests"
status=0
timeout --kill-after=30 900 "$py" run_tests.py "$@" || status=$?
if [[ $status -eq 124 || $status -eq 137 ]]; then
  echo "test-kernel.sh: the test run hit its 900 s limit" >&2
  echo "0 passed, 1 failed"
fi
exit $status
