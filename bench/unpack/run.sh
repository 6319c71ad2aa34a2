#!/usr/bin/env bash
# Unpack benchmark (not a test): the updater's Unpacker against unzip and tar for one ~100 MiB
# distribution (bin/ scripts, lib/*.jar taken from ~/.m2, config/), zip and tar.gz, each timed by
# hyperfine into a fresh folder. The Unpacker row includes a JVM start; a second part repeats the
# unpack in one JVM, which is how the agent runs. Writes bench/unpack/results.md.
#
#   bench/unpack/run.sh            (env SIZE_MIB, default 100; RUNS, default 5)
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE_MIB=${SIZE_MIB:-100}
RUNS=${RUNS:-5}
command -v hyperfine >/dev/null || apt-get install -y hyperfine
if [ ! -f core/target/classes/dev/updater/core/archive/Unpacker.class ]; then
  flock /tmp/mvn.lock ./mvnw -B -o -q -pl core compile
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/updater-bench-unpack.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
DIST="$WORK/app-1.0.0"
mkdir -p "$DIST/bin" "$DIST/lib" "$DIST/config"
printf '#!/bin/sh\nexec java -cp "$(dirname "$0")/../lib/*" app.Main "$@"\n' > "$DIST/bin/app"
chmod 755 "$DIST/bin/app"
printf 'port=8080\n' > "$DIST/config/app.properties"
limit=$((SIZE_MIB * 1024 * 1024))
total=0
while IFS= read -r jar; do
  size=$(stat -c %s "$jar")
  [ $((total + size)) -gt "$limit" ] && continue
  cp "$jar" "$DIST/lib/" 2>/dev/null || continue
  total=$((total + size))
  [ "$total" -gt $((limit - 512 * 1024)) ] && break
done < <(find "$HOME/.m2/repository" -name '*.jar' -size +20k | sort)
(cd "$WORK" && zip -qr app-1.0.0.zip app-1.0.0 && tar czf app-1.0.0.tar.gz app-1.0.0)
FILES=$(find "$DIST" -type f | wc -l)
javac -d "$WORK/classes" -cp core/target/classes bench/unpack/UnpackBench.java
ROOT=$(pwd)
CP="$ROOT/core/target/classes:$WORK/classes"
cd "$WORK"
hyperfine --runs "$RUNS" --warmup 1 --export-markdown hyperfine.md \
  --prepare 'rm -rf out-unzip out-java-zip out-tar out-java-tar; sync' \
  -n 'unzip -q' "unzip -q app-1.0.0.zip -d out-unzip" \
  -n 'Unpacker zip (JVM start included)' "java -cp $CP UnpackBench zip app-1.0.0.zip out-java-zip" \
  -n 'tar xzf' "mkdir out-tar && tar xzf app-1.0.0.tar.gz -C out-tar" \
  -n 'Unpacker tar.gz (JVM start included)' "java -cp $CP UnpackBench tar.gz app-1.0.0.tar.gz out-java-tar"
rm -rf in-jvm-zip-* in-jvm-tar-*
IN_JVM_ZIP=$(java -cp "$CP" UnpackBench zip app-1.0.0.zip in-jvm-zip 5)
IN_JVM_TAR=$(java -cp "$CP" UnpackBench tar.gz app-1.0.0.tar.gz in-jvm-tar 5)
rm -rf check-*
mkdir check-tar
unzip -q app-1.0.0.zip -d check-unzip
tar xzf app-1.0.0.tar.gz -C check-tar
java -cp "$CP" UnpackBench zip app-1.0.0.zip check-java-zip
java -cp "$CP" UnpackBench tar.gz app-1.0.0.tar.gz check-java-tar
diff -r check-unzip check-java-zip
diff -r check-tar check-java-tar
diff -r check-unzip check-tar
SAME="Checked: unzip, tar and the Unpacker write the same files (diff -r)."
echo "$SAME"
cd "$ROOT"
{
  echo "# Unpack benchmark"
  echo
  echo "Measured $(date -u +%F) on $(nproc) cores, $(java -version 2>&1 | head -1), $(unzip -v | head -1 | cut -c1-40), $(tar --version | head -1)."
  echo "$SAME"
  echo "Distribution: $FILES files, $(du -sm "$DIST" | cut -f1) MiB unpacked; zip $(du -m "$WORK/app-1.0.0.zip" | cut -f1) MiB, tar.gz $(du -m "$WORK/app-1.0.0.tar.gz" | cut -f1) MiB."
  echo
  cat "$WORK/hyperfine.md"
  echo
  echo "In one JVM (as the agent runs), zip:"
  echo '```'; echo "$IN_JVM_ZIP"; echo '```'
  echo "tar.gz:"
  echo '```'; echo "$IN_JVM_TAR"; echo '```'
} > bench/unpack/results.md
cat bench/unpack/results.md
