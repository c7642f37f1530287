#!/usr/bin/env bash
# The test command. It installs what the tests need that Go does not fetch
# by itself (LibreOffice and Gnumeric, the two spreadsheet engines the
# real-client tests recalculate the workbooks in), then vets and runs every
# test with the race detector. CI runs it through .ci/run on a clean clone.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
command -v ssconvert >/dev/null 2>&1 || missing+=(gnumeric)
if [ ${#missing[@]} -gt 0 ]; then
	sudo=""
	[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
	if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || [ -n "$sudo" ]; }; then
		echo "installing ${missing[*]} for the real-client workbook tests…" >&2
		$sudo apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	else
		echo "warning: ${missing[*]} not found and cannot be installed here; the real-client tests will be skipped" >&2
	fi
fi

go vet ./...
go test -race -count=1 -timeout 30m ./...
