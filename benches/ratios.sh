#!/usr/bin/env bash
# Side-by-side timings for docs/PERFORMANCE.md: the floor (`wc -l`), what a user would
# otherwise write (an awk field split), and watchtrail parse/analyze, on the same
# generated kubectl-faithful pods watch, with peak memory. Usage:
#   benches/ratios.sh [SIZE] [DIR]      # SIZE like 200M (default), DIR for the file
set -euo pipefail
size="${1:-200M}"
dir="${2:-${TMPDIR:-/tmp}}"
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/watchtrail
file="$dir/watchtrail-churn-$size.log"
[ -s "$file" ] || "$bin" simulate --churn "$size" --seed 1 > "$file"
# the hard case (WATCHTRAIL_SOAK=1): a chaos soak of the same size, 2,000 pods, one
# failure per 100 KB (and WATCHTRAIL_SOAK_NODES=1: with a nodes watch beside;
# WATCHTRAIL_SOAK_EVENTS=1: with an events watch beside;
# WATCHTRAIL_SOAK_RELIST=1: captured as a loop around the watch, re-listed each run;
# WATCHTRAIL_SOAK_NARROW=1: printed without `-o wide`;
# WATCHTRAIL_SOAK_IN_PLACE=1: also 30 MB of in-place reboots only, pods weeks old;
# WATCHTRAIL_SOAK_ROLLOUTS=1: also 30 MB of the same with Deployment rollouts in a
# quiet namespace)
soak="$dir/watchtrail-soak-$size"
if [ -n "${WATCHTRAIL_SOAK:-}" ] && [ ! -s "$soak/pods.log" ]; then
    bytes=$(stat -c %s "$file")
    "$bin" simulate --churn "$size" --failures $((bytes / 102400)) --pods 2000 --seed 1 -o "$soak"
fi
cat "$file" > /dev/null # into the page cache

# seconds and peak KB of a command (GNU time when present, else bash's time only)
measure() {
    local label="$1"
    shift
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "%e %M" -o /tmp/watchtrail-ratio.$$ "$@" > /dev/null
        read -r secs kb < /tmp/watchtrail-ratio.$$
        rm -f /tmp/watchtrail-ratio.$$
    else
        local t0 t1
        t0=$(date +%s.%N)
        "$@" > /dev/null
        t1=$(date +%s.%N)
        secs=$(echo "$t1 - $t0" | bc)
        kb="?"
    fi
    printf '%-34s %8.2f s  %9s KB\n' "$label" "$secs" "$kb"
    eval "t_${label//[^a-z0-9]/_}=$secs"
}

echo "file: $file ($(du -h "$file" | cut -f1), $(wc -l < "$file") lines), $(nproc) cores"
measure "wc" wc -l "$file"
measure "awk" awk '{print $1, $3, $5}' "$file"
measure "parse" "$bin" parse "$file"
measure "analyze_1" env RAYON_NUM_THREADS=1 "$bin" analyze "$file"
measure "analyze_all" "$bin" analyze "$file"
if [ -n "${WATCHTRAIL_SOAK:-}" ]; then
    cat "$soak/pods.log" > /dev/null
    echo "soak: $soak/pods.log ($(du -h "$soak/pods.log" | cut -f1), $(grep -c '"node"' "$soak/truth.json") failures)"
    measure "soak_wc" wc -l "$soak/pods.log"
    measure "soak_awk" awk '{print $1, $3, $5}' "$soak/pods.log"
    measure "soak_parse" "$bin" parse "$soak/pods.log"
    measure "soak_analyze_1" env RAYON_NUM_THREADS=1 "$bin" analyze "$soak/pods.log"
    measure "soak_analyze_all" "$bin" analyze "$soak/pods.log"
    awk -v awk_="$t_soak_awk" -v a1="$t_soak_analyze_1" 'BEGIN {
        printf "soak: awk / analyze (1 thread): %.4fx  (target >= 0.3x)\n", awk_ / a1
    }'
    # the same soak with a watch beside it or captured otherwise, when its variable
    # is set: NAME, the variable, the simulate flag, the file to analyse in its dir
    variant() {
        local name=$1 wanted=$2 flag=$3 input=$4
        [ -n "$wanted" ] || return 0
        local d="$dir/watchtrail-soak-$name-$size"
        if [ ! -s "$d/$input" ]; then
            bytes=$(stat -c %s "$file")
            "$bin" simulate --churn "$size" --failures $((bytes / 102400)) --pods 2000 --seed 1 \
                "$flag" -o "$d"
        fi
        echo "soak ($name): $d ($(wc -l < "$d/$input") lines of $input)"
        local what="$d"
        [ "$input" = pods.log ] && what="$d/pods.log"
        measure "soak_${name}_analyze_1" env RAYON_NUM_THREADS=1 "$bin" analyze "$what"
    }
    # a nodes watch beside (its pods' lines are the same, nodes.log is new)
    variant nodes "${WATCHTRAIL_SOAK_NODES:-}" --node-stream nodes.log
    # an events watch beside (bindings, starts, NodeNotReady, evictions)
    variant events "${WATCHTRAIL_SOAK_EVENTS:-}" --events events.log
    # captured as a loop around the watch: the apiserver ends a watch after 30-60
    # min, each run lists every pod again
    variant relist "${WATCHTRAIL_SOAK_RELIST:-}" --relist pods.log
    # printed without `-o wide` (no NODE column: nodes told by the marks' passes);
    # the same failures in 70 % more, shorter lines
    variant narrow "${WATCHTRAIL_SOAK_NARROW:-}" --no-wide pods.log
    # every node back before its pods' eviction (restarts in place), in a namespace
    # whose pods are up to 20 days old: 30 MB whatever SIZE, one failure per 100 KB
    if [ -n "${WATCHTRAIL_SOAK_IN_PLACE:-}" ]; then
        d="$dir/watchtrail-soak-in-place-30M"
        [ -s "$d/pods.log" ] || "$bin" simulate --churn 30M --failures 300 --pods 2000 --seed 1 \
            --in-place 1 --pod-age 20 -o "$d"
        echo "soak (in-place): $d ($(wc -l < "$d/pods.log") lines of pods.log)"
        measure "soak_in_place_analyze_1" env RAYON_NUM_THREADS=1 "$bin" analyze "$d/pods.log"
    fi
    # the same with 22 rolling updates an hour (new ReplicaSets: young pods' creations
    # with nothing settled to bound them) and a background change a minute, so 30 MB
    # span a week: the settling grew faster than the capture on it before a free point
    # started after the latest settled (30 MB 6.5 s, 60 MB 24 s; now 1.2 s, 2.2 s)
    if [ -n "${WATCHTRAIL_SOAK_ROLLOUTS:-}" ]; then
        d="$dir/watchtrail-soak-rollouts-30M"
        [ -s "$d/pods.log" ] || "$bin" simulate --churn 30M --failures 300 --pods 2000 --seed 1 \
            --in-place 1 --pod-age 20 --rollouts 22 --churn-gap 60 -o "$d"
        echo "soak (rollouts): $d ($(wc -l < "$d/pods.log") lines of pods.log)"
        measure "soak_rollouts_analyze_1" env RAYON_NUM_THREADS=1 "$bin" analyze "$d/pods.log"
    fi
fi
echo
awk -v wc="$t_wc" -v awk_="$t_awk" -v a1="$t_analyze_1" -v aa="$t_analyze_all" 'BEGIN {
    printf "analyze (1 thread) / wc -l : %.1fx   (target <= 15x)\n", a1 / wc
    printf "awk / analyze (1 thread)   : %.2fx  (target >= 3x)\n", awk_ / a1
    printf "analyze all cores vs 1     : %.2fx faster\n", a1 / aa
}'
