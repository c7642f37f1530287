#!/usr/bin/env bash
# The test command. It installs what the tests need that Go does not fetch
# by itself (LibreOffice, for the test that recalculates the budget workbook
# in a real spreadsheet engine), then vets and runs every test with the race
# detector. CI runs it through .ci/run on a clean clone.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v soffice >/dev/null 2>&1; then
	sudo=""
	[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
	if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; }; then
		echo "installing libreoffice-calc-nogui for the real-client workbook tests…" >&2
		$sudo apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
	else
		echo "warning: soffice not found and cannot be installed here; the LibreOffice tests will be skipped" >&2
	fi
fi

go vet ./...
go test -race -count=1 ./...
