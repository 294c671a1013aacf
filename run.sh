#!/usr/bin/env bash
# FolioLab: set everything up and run the main job. Usage: ./run.sh
#
# Works on a fresh Debian 12 machine with JDK 17 and Maven; installs anything else it needs:
#   1. Jupyter from Debian packages, if missing (apt-get, as root);
#   2. builds target/foliolab.jar;
#   3. installs the FolioLab Jupyter kernel for this user (~/.local/share/jupyter/kernels/foliolab);
#   4. executes every notebook in notebooks/ headless and writes its HTML to target/notebooks/;
#   5. says how to open the notebooks in Jupyter.
# The notebooks in notebooks/ are not modified (they are committed with their outputs).
set -euo pipefail
cd "$(dirname "$0")"
repo="$(pwd)"
py=/usr/bin/python3

command -v mvn >/dev/null || { echo "run.sh: Maven (mvn) is required: apt-get install maven" >&2; exit 2; }
command -v java >/dev/null || { echo "run.sh: a JDK 17 is required: apt-get install openjdk-17-jdk-headless" >&2; exit 2; }

# 1. Jupyter (Debian's packages, used through /usr/bin/python3 so that a pyenv or conda Python on
#    PATH cannot get in the way).
jupyter_pkgs=(jupyter-nbconvert python3-nbclient python3-jupyter-client jupyter-notebook)
if ! "$py" -c 'import nbconvert, nbclient, nbformat, jupyter_client, notebook' 2>/dev/null \
    || ! command -v jupyter-notebook >/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then
    echo "== Installing Jupyter from Debian packages: ${jupyter_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -qq
    log="$(mktemp)"
    timeout 1200 apt-get install -y -qq --no-install-recommends "${jupyter_pkgs[@]}" \
      > "$log" 2>&1 || { cat "$log" >&2; exit 1; }
    rm -f "$log"
  else
    echo "run.sh: Jupyter is missing; please run: sudo apt-get install -y ${jupyter_pkgs[*]}" >&2
    exit 2
  fi
fi

# 2. Build.
echo "== Building target/foliolab.jar"
mvn -B -ntp -q -Dstyle.color=never package -DskipTests

# 3. The kernel, for this user: no root needed, and it does not write into /usr (Debian's
#    sys-prefix), which belongs to dpkg. Re-installed on every run so that kernel.json and the
#    class-data archive match the jar just built.
echo "== Installing the FolioLab kernel (--user)"
timeout 300 java -jar target/foliolab.jar kernel install --user

# 4. Execute the notebooks headless; HTML to target/notebooks/. Each cell may take 180 s, each
#    notebook 600 s; the kernel starts in the notebook's directory (relative paths as in Jupyter).
out="$repo/target/notebooks"
mkdir -p "$out"
status=0
total_start=$SECONDS
for nb in notebooks/*.ipynb; do
  name="$(basename "$nb" .ipynb)"
  start=$SECONDS
  if timeout --kill-after=30 600 "$py" -m nbconvert --to html --execute \
      --ExecutePreprocessor.kernel_name=foliolab \
      --ExecutePreprocessor.timeout=180 --ExecutePreprocessor.startup_timeout=60 \
      --template-file "$repo/kernel/nbconvert/foliolab.html.j2" \
      --output-dir "$out" --output "$name" "$nb" > "$out/$name.log" 2>&1; then
    printf '   %-28s %4d s  %s\n' "$name" $((SECONDS - start)) "target/notebooks/$name.html"
  else
    printf '   %-28s FAILED after %d s (see target/notebooks/%s.log)\n' "$name" $((SECONDS - start)) "$name"
    tail -20 "$out/$name.log" >&2
    status=1
  fi
done
echo "   all notebooks: $((SECONDS - total_start)) s"

# 5. Trust the committed notebooks for this user, so that Jupyter shows their stored outputs
#    (pictures, tables) as they are instead of sanitizing them; the files are not changed.
"$py" -m nbformat.sign notebooks/*.ipynb >/dev/null 2>&1 || true

cat <<EOF

The executed notebooks are in target/notebooks/*.html (open them in a browser).
To work with them in Jupyter:

    jupyter notebook notebooks/$([[ $(id -u) -eq 0 ]] && echo ' --allow-root')

and pick any notebook (kernel "FolioLab (Java)"); Cell > Run All re-runs it.
The command line: java -jar target/foliolab.jar --help
EOF
exit $status
