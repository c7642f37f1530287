#!/usr/bin/env bash
# The test command: installs what the tests need, then vets and runs every
# test with the race detector. CI runs it through .ci/run on a clean clone.
set -euo pipefail
cd "$(dirname "$0")/.."

go vet ./...
go test -race -count=1 ./...
