#!/bin/sh
# bench/run.sh — the benchmarks of rmconform (issue 8), run by `./rmc bench`.
#
#   bench/run.sh BUILD_ROOT [options]        what ./rmc bench calls: binaries in BUILD_ROOT/x64/bin,
#                                            Wine prefix BUILD_ROOT/wineprefix, output BUILD_ROOT/bench
#   bench/run.sh --bin DIR [options]         any build (e.g. your own), with
#       --prefix DIR      its Wine prefix (default: DIR/../wineprefix); or set RMC_EMULATOR to a
#                         wrapper that runs a Windows program (the build's wine-run)
#   options:
#       --out DIR         where results.json, bench.svg, table.txt and the raw samples go
#       --reps N          repetitions of every figure (default 5; the report wants at least 5)
#       --suite-reps N    repetitions of the full suite (default: --reps)
#       --lockers LIST    locker process counts (default 1,8,32,128)
#       --files LIST      registered file counts (default 1,100,1000,5000)
#       --no-suite        skip the full-suite timing
#       --dll PATH        one more implementation to time beside rmref and the floor (repeatable;
#                         a Windows path such as C:\windows\system32\rstrtmgr.dll is taken as is)
#       --no-overhead     skip the runner's per-case overhead, step by step
#       --matrix          also time `./rmc conform --matrix` (long: minutes per run; rewrites
#                         build/reports), --long-reps times
#       --ctest           also time `./rmc test` (CTest's own time is the figure; builds i686 too),
#                         --long-reps times
#       --long-reps N     runs of --matrix and --ctest (default 3: the targets want the median of 3)
#       --smoke           the smallest size (1 locker, 1 file, 2 repetitions, a few cases), then
#                         check that the outputs are produced and well-formed; what CTest runs
#
# The suite runs at the runner's default --jobs (no --jobs is passed), as a user runs it.
# It only measures and never fails on a missed target: exit 0 when the figures were produced,
# 1 when a measurement could not be made, 2 on bad options.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PYTHON=${PYTHON:-python3}

die() { printf 'bench: error: %s\n' "$*" >&2; exit 2; }
say() { printf 'bench: %s\n' "$*" >&2; }

BUILD='' BIN=${RMC_BENCH_BIN:-} PREFIX=${RMC_BENCH_PREFIX:-} OUT=''
REPS=5 SUITE_REPS='' LOCKERS=1,8,32,128 FILES=1,100,1000,5000 SUITE=1 SMOKE='' OVERHEAD=1 NDLL=0
MATRIX='' CTEST='' LONG_REPS=3
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then BUILD=$1; shift; fi
while [ $# -gt 0 ]; do
    case "$1" in
        --bin) [ $# -ge 2 ] || die "--bin needs a folder"; BIN=$2; shift 2;;
        --prefix) [ $# -ge 2 ] || die "--prefix needs a folder"; PREFIX=$2; shift 2;;
        --out) [ $# -ge 2 ] || die "--out needs a folder"; OUT=$2; shift 2;;
        --reps) [ $# -ge 2 ] || die "--reps needs a number"; REPS=$2; shift 2;;
        --suite-reps) [ $# -ge 2 ] || die "--suite-reps needs a number"; SUITE_REPS=$2; shift 2;;
        --lockers) [ $# -ge 2 ] || die "--lockers needs a list"; LOCKERS=$2; shift 2;;
        --files) [ $# -ge 2 ] || die "--files needs a list"; FILES=$2; shift 2;;
        --no-suite) SUITE=; shift;;
        --no-overhead) OVERHEAD=; shift;;
        --dll) [ $# -ge 2 ] || die "--dll needs a path"
               NDLL=$((NDLL + 1)); eval "DLL_$NDLL=\$2"; shift 2;;
        --smoke) SMOKE=1; shift;;
        --matrix) MATRIX=1; shift;;
        --ctest) CTEST=1; shift;;
        --long-reps) [ $# -ge 2 ] || die "--long-reps needs a number"; LONG_REPS=$2; shift 2;;
        -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
        *) die "unknown option: $1";;
    esac
done
case "$REPS" in ''|*[!0-9]*) die "--reps takes a number";; esac
case "$LONG_REPS" in ''|*[!0-9]*|0) die "--long-reps takes a number from 1";; esac
if [ -n "$SMOKE" ]; then REPS=2 SUITE_REPS=1 LOCKERS=1 FILES=1; fi
SUITE_REPS=${SUITE_REPS:-$REPS}

if [ -n "$BUILD" ]; then
    BIN=${BIN:-$BUILD/x64/bin}
    PREFIX=${PREFIX:-$BUILD/wineprefix}
    OUT=${OUT:-$BUILD/bench}
fi
# Wine wants an absolute prefix
case "$PREFIX" in ''|/*) ;; *) PREFIX=$PWD/$PREFIX;; esac
[ -n "$BIN" ] || die "give the build root (./rmc bench does) or --bin DIR"
[ -f "$BIN/rmbench.exe" ] || die "no rmbench.exe in $BIN (build first)"
[ -f "$BIN/rmref.dll" ] || die "no rmref.dll in $BIN"
BIN=$(cd "$BIN" && pwd)
OUT=${OUT:-$ROOT/build/bench}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# How Windows programs run: directly on Windows (MSYS2), through the build's wrapper (CTest sets
# RMC_EMULATOR), or with Wine in a prefix.
case "$(uname -s)" in MINGW*|MSYS*|CYGWIN*) ON_WINDOWS=1;; *) ON_WINDOWS=;; esac
if [ -z "$ON_WINDOWS" ] && [ -z "${RMC_EMULATOR:-}" ]; then
    . "$ROOT/cmake/wine-env.sh"
    PREFIX=${PREFIX:-$(dirname "$BIN")/../wineprefix}
    rmc_wine_prefix_init "$PREFIX" || die "could not create the Wine prefix $PREFIX"
    rmc_wine_env "$PREFIX"
fi

# A path as the Windows programs see it (under Wine, drive Z: is the root in every prefix).
if [ -n "$ON_WINDOWS" ]; then winpath() { cygpath -w "$1"; }
else winpath() { printf 'Z:%s' "$1" | tr '/' "\\\\"; }; fi

# Run a Windows program in the background and wait, so that an interrupted bench ends it (and
# with it, through its kill-on-close job, every locker it started). The program itself is the
# background job (not a subshell around it), so $! is the process a signal must reach.
CHILD=
# shellcheck disable=SC2317  # reached through the trap below, which shellcheck 0.9 does not follow
on_signal() {
    if [ -n "$CHILD" ]; then
        kill "$CHILD" 2>/dev/null
        wait "$CHILD" 2>/dev/null
    fi
    say "interrupted"
    exit 130
}
trap on_signal INT TERM HUP
run_bg() {
    if [ -n "$ON_WINDOWS" ]; then "$@" &
    elif [ -n "${RMC_EMULATOR:-}" ]; then "$RMC_EMULATOR" "$@" &
    else wine "$@" &
    fi
    CHILD=$!
    set +e
    wait "$CHILD"
    rc=$?
    set -e
    CHILD=
    return $rc
}

# The --dll paths as rmbench sees them: a Unix path must exist and is translated; a Windows path
# (a drive letter or a backslash in it) is passed as it is.
i=1 d=''
while [ "$i" -le "$NDLL" ]; do
    eval "d=\$DLL_$i"
    case "$d" in
        [A-Za-z]:*|*\\*) ;;
        *) [ -f "$d" ] || die "--dll $d: no such file"
           d=$(winpath "$(cd "$(dirname "$d")" && pwd)/$(basename "$d")");;
    esac
    eval "DLLW_$i=\$d"
    i=$((i + 1))
done

RAW=$OUT/raw.jsonl
SUITE_RAW=$OUT/suite.jsonl
LONG_RAW=$OUT/long.jsonl
rm -f "$RAW" "$SUITE_RAW" "$LONG_RAW" "$OUT/results.json" "$OUT/bench.svg" "$OUT/table.txt"
failed=0

say "grid: lockers $LOCKERS × files $FILES, $REPS repetitions, $NDLL more DLL(s)"
set -- "$BIN/rmbench.exe" grid --bin "$(winpath "$BIN")" --out "$(winpath "$RAW")" \
    --lockers "$LOCKERS" --files "$FILES" --reps "$REPS"
i=1
while [ "$i" -le "$NDLL" ]; do
    eval "set -- \"\$@\" --dll \"\$DLLW_$i\""
    i=$((i + 1))
done
run_bg "$@" || { say "rmbench exited with $rc"; failed=1; }

if [ -n "$OVERHEAD" ]; then
    say "the runner's per-case overhead, step by step, $REPS repetitions"
    run_bg "$BIN/rmbench.exe" overhead --bin "$(winpath "$BIN")" --out "$(winpath "$RAW")" --reps "$REPS" \
        || { say "rmbench overhead exited with $rc"; failed=1; }
fi

if [ -n "$SUITE" ]; then
    case_args=
    [ -n "$SMOKE" ] && case_args="--case exports.*"
    i=1
    while [ "$i" -le "$SUITE_REPS" ]; do
        dir=$OUT/suite/run-$i
        rm -rf "$dir"
        say "full suite against rmref.dll, run $i of $SUITE_REPS"
        start=$(date +%s.%N)
        # shellcheck disable=SC2086
        if run_bg "$BIN/rmconform.exe" --dll "$(winpath "$BIN/rmref.dll")" --quiet \
                $case_args --out "$(winpath "$dir")" >"$OUT/suite-$i.log" 2>&1; then rc=0; fi
        end=$(date +%s.%N)
        # jobs null: the runner's default (report.py reads how many ran at once from the results)
        printf '{"kind": "suite", "rep": %s, "start": %s, "end": %s, "rc": %s, "jobs": null, "results": "%s"}\n' \
            "$i" "$start" "$end" "$rc" "$dir/results.json" >>"$SUITE_RAW"
        # 0: every case passed, 1: some did not (still a timing); 2 and up: the run failed
        [ "$rc" -le 1 ] || { say "rmconform exited with $rc (see $OUT/suite-$i.log)"; failed=1; }
        i=$((i + 1))
    done
fi

# The long rows (opt-in): ./rmc conform --matrix and ./rmc test, each timed --long-reps times.
# A run that fails (a gate, a test) is still a timing; only the bench's own failures fail it.
time_long() {   # KIND LOG COMMAND...
    kind=$1 log=$2
    shift 2
    j=1
    while [ "$j" -le "$LONG_REPS" ]; do
        say "$kind, run $j of $LONG_REPS (log: $log-$j.log)"
        start=$(date +%s.%N)
        rc=0
        "$@" >"$log-$j.log" 2>&1 || rc=$?
        end=$(date +%s.%N)
        ctest_s=$(sed -n 's/^Total Test time (real) = *\([0-9.]*\) sec.*/\1/p' "$log-$j.log" | tail -n 1)
        printf '{"kind": "%s", "rep": %s, "wall_s": %s, "ctest_s": %s, "rc": %s}\n' "$kind" "$j" \
            "$(awk "BEGIN { print $end - $start }")" "${ctest_s:-null}" "$rc" >>"$LONG_RAW"
        j=$((j + 1))
    done
}
RMC=${RMC_BENCH_RMC:-$ROOT/rmc}     # RMC_BENCH_RMC: another rmc (tests of this script)
if [ -n "$MATRIX" ] || [ -n "$CTEST" ]; then
    [ -x "$RMC" ] || die "--matrix and --ctest need the rmc script ($RMC)"
fi
[ -n "$MATRIX" ] && time_long matrix "$OUT/matrix" "$RMC" conform --matrix
[ -n "$CTEST" ] && time_long ctest "$OUT/ctest" "$RMC" test

set -- "$PYTHON" "$HERE/report.py" --raw "$RAW" --out "$OUT"
[ -f "$SUITE_RAW" ] && set -- "$@" --suite "$SUITE_RAW"
[ -f "$LONG_RAW" ] && set -- "$@" --long "$LONG_RAW"
[ -n "$SMOKE" ] && set -- "$@" --smoke
"$@" || failed=1
if [ -n "$SMOKE" ]; then
    "$PYTHON" "$HERE/report.py" --check "$OUT" --dlls "$NDLL" || failed=1
fi
exit $failed
