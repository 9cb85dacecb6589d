#!/usr/bin/env bash
# Runs the whole suite except the browser journey (npm run test:e2e). Every database test runs on
# embedded PGlite, and again on PostgreSQL when TEST_DATABASE_URL is set. The tests that measure
# how the server answers while it works (latency under a large upload) run last and alone, so the
# rest of the suite does not share the two cores with them.
set -euo pipefail
cd "$(dirname "$0")/.."
alone=(test/server/upload-limits.test.ts)
mapfile -t files < <(find test src -name '*.test.ts' -not -path 'test/e2e/*' | sort | grep -v -x -F -f <(printf '%s\n' "${alone[@]}"))
# Every response body is also written through its zod contract and compared with the fast writer's
# (src/server/serializer.ts).
export RECIPROCITY_CHECK_RESPONSES=1
# A test that hangs fails after fifteen minutes with its name, instead of holding the run forever.
limits=(--test-timeout=900000 --test-force-exit)
node --import tsx --test --test-concurrency=2 "${limits[@]}" "${files[@]}"
exec node --import tsx --test --test-concurrency=1 "${limits[@]}" "${alone[@]}"
