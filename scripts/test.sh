#!/usr/bin/env bash
# Runs the whole suite except the browser journey (npm run test:e2e). Every database test runs on
# embedded PGlite, and again on PostgreSQL when TEST_DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find test src -name '*.test.ts' -not -path 'test/e2e/*' | sort)
exec node --import tsx --test --test-concurrency=2 "${files[@]}"
