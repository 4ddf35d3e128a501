#!/usr/bin/env bash
# Regenerates Uid, StorageSopClasses, Tag and the element table of ElementDictionary from the PS3.6 registries in
# core/src/main/dicom. The output is committed; DictionaryTest fails when it is out of date.
# Usage: scripts/generate-dictionary.sh   (needs a JDK 17+ on PATH or in JAVA_HOME; no other dependency)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
cd "$root"
"$java" core/src/build/java/org/dimse4j/build/DictionaryGenerator.java \
  core/src/main/dicom core/src/main/java core/src/main/resources
