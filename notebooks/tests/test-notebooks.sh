#!/usr/bin/env bash
# The notebooks' tests: every notebook in notebooks/ executed headless by nbclient on the FolioLab
# kernel (no error output, charts present), and one rendered notebook screenshotted by headless
# Chromium and checked not to be blank. Ends with 'N passed, M failed'.
#
# Needs target/foliolab.jar (mvn -q -B package -DskipTests), the Debian packages
#   python3-jupyter-client python3-nbclient jupyter-nbconvert chromium
# Installs the kernelspec into a temporary prefix, points JUPYTER_PATH at it and runs
# notebooks/tests/test_notebooks.py through /usr/bin/python3. Arguments select tests, e.g.
#   notebooks/tests/test-notebooks.sh NotebookTests.test_01_split_wrong_slot
# Set NOTEBOOK_TEST_OUT=DIR to keep the executed notebooks and the screenshot.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
jar="${FOLIOLAB_JAR:-$repo/target/foliolab.jar}"
py=/usr/bin/python3

fail() {
  echo "test-notebooks.sh: $*" >&2
  echo "0 passed, 1 failed"
  exit 1
}
[[ -f "$jar" ]] || fail "$jar is missing; run mvn -q -B package -DskipTests first"
"$py" -c 'import jupyter_client, nbclient, nbformat, nbconvert' 2>/dev/null \
  || fail "$py lacks jupyter_client, nbclient or nbconvert; apt-get install -y python3-jupyter-client python3-nbclient jupyter-nbconvert"
command -v chromium >/dev/null || fail "chromium is missing; apt-get install -y chromium"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/foliolab-notebook-tests.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
timeout 300 java -jar "$jar" kernel install --prefix "$tmp/prefix" --jar "$jar" >/dev/null
export JUPYTER_PATH="$tmp/prefix/share/jupyter"
export JUPYTER_DATA_DIR="$tmp/data"
export JUPYTER_RUNTIME_DIR="$tmp/runtime"
export JUPYTER_CONFIG_DIR="$tmp/config"
export JUPYTER_PLATFORM_DIRS=0
export PYTHONDONTWRITEBYTECODE=1
export NOTEBOOK_TEST_OUT="${NOTEBOOK_TEST_OUT:-$tmp/out}"
status=0
timeout --kill-after=30 1500 "$py" "$here/test_notebooks.py" "$@" || status=$?
if [[ $status -eq 124 || $status -eq 137 ]]; then
  echo "test-notebooks.sh: the notebook tests hit their 1500 s limit" >&2
  echo "0 passed, 1 failed"
fi
exit $status
