#!/bin/sh
# Dumps class-data-sharing archives for the JVM compilers (run once at image build, as root):
# scalac and kotlinc then map their classes pre-parsed instead of loading ~5,000 classes from jars on
# every compile (scalac on a busy 2-core host: ~20 s -> ~4 s with C1 only). The compilers and their
# output are unchanged; languages.json passes the same flags (the archive is only valid with them).
set -eu
out="$1"
mkdir -p "$out" /tmp/cds-w
cd /tmp/cds-w
export HOME=/tmp/cds-w
JVM="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
printf 'object Main { def main(args: Array[String]): Unit = { println(scala.io.StdIn.readLine()) } }\n' > main.scala
JAVA_OPTS="$JVM -XX:ArchiveClassesAtExit=$out/scalac.jsa" scalac -d . main.scala
printf 'println("warm " + listOf(1, 2).sum())\n' > main.kts
JAVA_OPTS="$JVM -XX:ArchiveClassesAtExit=$out/kotlinc.jsa" kotlinc -script main.kts >/dev/null
chmod a+r "$out"/*.jsa
cd / && rm -rf /tmp/cds-w
