#!/usr/bin/env bash
# FolioLab: set everything up and run the main job. Usage: ./run.sh
# Works on a fresh Debian 12 machine with JDK 17 and Maven; installs anything else it needs.
set -euo pipefail
cd "$(dirname "$0")"
command -v mvn >/dev/null || { echo "run.sh: Maven (mvn) is required: apt-get install maven" >&2; exit 2; }
mvn -B -ntp -q package -DskipTests
java -jar target/foliolab.jar demo
