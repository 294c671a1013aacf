#!/usr/bin/env bash
# FolioLab: run every test. Usage: ./test.sh
# Works on a fresh Debian 12 machine with JDK 17 and Maven; installs anything else it needs.
set -euo pipefail
cd "$(dirname "$0")"
command -v mvn >/dev/null || { echo "test.sh: Maven (mvn) is required: apt-get install maven" >&2; exit 2; }
# Unit and model tests (JUnit 5, Maven Surefire); also builds target/foliolab.jar.
mvn -B -ntp verify
