#!/usr/bin/env bash
# Measures fundalloc at scale: generates the presets (once, cached in
# $BENCH_DIR), runs each scenario of the README's table three times under
# /usr/bin/time -v, and prints the median wall time and peak RSS as a
# Markdown table. Usage: scripts/bench.sh [scenario ...]
# Scenarios: sample province national-csv national-csv-workbook national-xlsx
# reconcile notices (default: all). BIN=path measures that binary instead of
# building this tree (to compare with an older build on the same data).
# Needs /usr/bin/time (Debian package "time") and about 2 GB of disk.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR=${BENCH_DIR:-/tmp/fundalloc-bench}
RUNS=${RUNS:-3}
mkdir -p "$BENCH_DIR"
bin="$BENCH_DIR/fundalloc"
go build -o "$bin" ./cmd/fundalloc
gen_bin=$bin
[ -z "${BIN:-}" ] || bin=$BIN
[ -x /usr/bin/time ] || { echo "bench.sh needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

gen() { # gen NAME ARGS...: generate a data set once
	local name=$1; shift
	[ -f "$BENCH_DIR/$name/fundalloc.yaml" ] || "$gen_bin" generate --out "$BENCH_DIR/$name" -q "$@"
}

# measure LABEL ARGS...: runs fundalloc ARGS $RUNS times, prints a table row.
measure() {
	local label=$1; shift
	local walls=() rss=()
	for _ in $(seq "$RUNS"); do
		local log="$BENCH_DIR/time.log"
		/usr/bin/time -v "$bin" "$@" -q 2>"$log" >/dev/null || { cat "$log" >&2; exit 1; }
		walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$log")")
		rss+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")")
	done
	local w r
	w=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	r=$(printf '%s\n' "${rss[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	printf '| %s | %.2f s | %d MB | %s |\n' "$label" "$w" "$((r / 1024))" "$(printf '%s ' "${walls[@]}")"
}

scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(sample province national-csv national-csv-workbook national-xlsx reconcile notices)
echo "fundalloc benchmarks · $(date -u +%Y-%m-%d) · $(nproc) cores · $(free -g | awk '/Mem:/ {print $2}') GiB · median of $RUNS"
echo
echo "| run | wall | peak RSS | all runs (s) |"
echo "|---|---|---|---|"
for s in "${scenarios[@]}"; do
	case $s in
	sample)
		measure "sample city budget (JSON + workbook)" budget --out "$BENCH_DIR/out-sample" ;;
	province)
		gen province-xlsx --preset province --format xlsx
		measure "province, xlsx inputs, budget JSON + workbook" budget --config "$BENCH_DIR/province-xlsx/fundalloc.yaml" --out "$BENCH_DIR/out-province" ;;
	national-csv)
		gen national-csv --preset national
		measure "national, CSV inputs, budget JSON only" budget --no-workbook --config "$BENCH_DIR/national-csv/fundalloc.yaml" --out "$BENCH_DIR/out-national-csv" ;;
	national-csv-workbook)
		gen national-csv --preset national
		measure "national, CSV inputs, budget JSON + workbook" budget --config "$BENCH_DIR/national-csv/fundalloc.yaml" --out "$BENCH_DIR/out-national-csv-wb" ;;
	notices)
		gen province-xlsx --preset province --format xlsx
		"$bin" budget --config "$BENCH_DIR/province-xlsx/fundalloc.yaml" --out "$BENCH_DIR/out-notices" -q
		measure "province notices (1,301 workbooks and an index)" notices --config "$BENCH_DIR/province-xlsx/fundalloc.yaml" --out "$BENCH_DIR/out-notices" ;;
	national-xlsx)
		gen national-xlsx --preset national --format xlsx
		measure "national, xlsx inputs, budget JSON + workbook" budget --config "$BENCH_DIR/national-xlsx/fundalloc.yaml" --out "$BENCH_DIR/out-national-xlsx" ;;
	reconcile)
		gen national-csv --preset national
		measure "national reconcile, 3,000,000 vouchers" reconcile --month 2026-10 --config "$BENCH_DIR/national-csv/fundalloc.yaml" --out "$BENCH_DIR/out-reconcile" ;;
	*) echo "unknown scenario $s" >&2; exit 2 ;;
	esac
done
