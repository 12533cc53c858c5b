#!/usr/bin/env bash
# Serving benchmark on loopback: builds a synthetic bundle, starts the server, drives POST /recommend with wrk
# (apt-get install wrk) at 2 and 8 connections, prints p50/p99/rps and per-stage means. Bounded: about
# 2 x --seconds plus the build. Options pass through to dev.recsys.serving.ServingBenchmark, e.g.
#   serving-lite/bench.sh --items 100000 --index IVF1024,Flat
#   serving-lite/bench.sh --items 1000000 --index IVF4096,Flat --users 100000
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -o -pl features,export,serving-lite -am install -DskipTests
cp_file="$PWD/serving-lite/target/bench.classpath"
mvn -q -o -pl serving-lite dependency:build-classpath -Dmdep.outputFile="$cp_file" >/dev/null
# The modules' own classes first: the shared ~/.m2 SNAPSHOT jars may come from another checkout.
exec java -Xmx6g -cp "serving-lite/target/classes:export/target/classes:features/target/classes:$(cat "$cp_file")" dev.recsys.serving.ServingBenchmark "$@"
