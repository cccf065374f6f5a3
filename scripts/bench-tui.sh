#!/usr/bin/env bash
# Benchmarks the wizard's start in a real terminal against the smallest bubbletea
# program (scripts/bench/minimaltea), both measured in the same run:
#
#   first frame  time from `tmux new-session` to the first capture-pane that
#                shows anything (polled every 5 ms)
#   peak RSS     VmHWM of the process, sampled from /proc until it exits
#   anon         RssAnon when the first screen is up (the rest of RSS is the
#                executable's pages, shared through the page cache)
#
# Each run is a fresh session (100x30, TERM=xterm-256color) in one private tmux
# server (-L, -f /dev/null) started beforehand, so the server's own start is in
# neither time. After its first screen the baseline is quit with q and
# `atlas-iam demo` with ctrl+c. Prints every run, the medians and the ratios
# demo/baseline (target: at most 1.5x). Linux only (/proc).
#
# usage: scripts/bench-tui.sh [-n RUNS] [-- extra demo flags]
set -euo pipefail
cd "$(dirname "$0")/.."

runs=10
while [ $# -gt 0 ]; do
  case $1 in
    -n) runs=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "usage: $0 [-n RUNS] [-- extra demo flags]" >&2; exit 2 ;;
  esac
done
demo_flags=("$@")

command -v tmux >/dev/null || { echo "bench-tui: tmux is required" >&2; exit 1; }
[ -r /proc/self/status ] || { echo "bench-tui: needs /proc (Linux)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-tui.XXXXXX")
sock="bench-tui-$$"
tm=(tmux -L "$sock" -f /dev/null)
socket_path=""
cleanup() {
  "${tm[@]}" kill-server 2>/dev/null || true
  if [ -n "$socket_path" ]; then rm -f "$socket_path"; fi # tmux leaves it behind
  rm -rf "$work"
}
trap cleanup EXIT

echo "building atlas-iam and minimaltea into $work" >&2
go build -o "$work/atlas-iam" .
go build -o "$work/minimaltea" ./scripts/bench/minimaltea
mkdir -p "$work/home" "$work/tmp"

# The server, kept up by an idle session.
socket_path=$("${tm[@]}" new-session -d -s idle -x 100 -y 30 "sleep 86400" \; display-message -p '#{socket_path}')

now_ns() { date +%s%N; }
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null || true; }

# measure NAME QUITKEY MARKER PROGRAM [ARGS...]
# prints "FIRST_FRAME_US PEAK_RSS_KB ANON_KB". MARKER is text the program's first
# screen shows: a pane that only shows an error message is not a first frame.
measure() {
  local name=$1 quit=$2 marker=$3; shift 3
  local session="$name-$RANDOM$RANDOM" cmd start end pid
  printf -v cmd '%q ' "$@"
  start=$(now_ns)
  # exec all the way down, so the pane's pid is the program's; a temp HOME and
  # TMPDIR keep the user's configuration out and the demo's files in $work.
  pid=$("${tm[@]}" new-session -d -P -F '#{pane_pid}' -s "$session" -x 100 -y 30 \
    "exec env HOME=$work/home TMPDIR=$work/tmp TERM=xterm-256color $cmd")
  local deadline=$((start + 10000000000))
  until [ -n "$("${tm[@]}" capture-pane -p -t "$session" 2>/dev/null | tr -d ' \n')" ]; do
    [ "$(now_ns)" -lt "$deadline" ] || { echo "bench-tui: $name drew nothing within 10 s" >&2; exit 1; }
    sleep 0.005
  done
  end=$(now_ns)
  until "${tm[@]}" capture-pane -p -t "$session" 2>/dev/null | grep -qF -- "$marker"; do
    [ "$(now_ns)" -lt "$deadline" ] || {
      echo "bench-tui: $name never showed \"$marker\":" >&2
      "${tm[@]}" capture-pane -p -t "$session" >&2
      exit 1
    }
    sleep 0.005
  done
  local anon peak=0 v
  anon=$(status_kb "$pid" RssAnon)
  "${tm[@]}" send-keys -t "$session" "$quit"
  while v=$(status_kb "$pid" VmHWM) && [ -n "$v" ]; do # empty once it exited
    peak=$v
    [ "$(now_ns)" -lt "$deadline" ] || { echo "bench-tui: $name did not quit on $quit" >&2; exit 1; }
    sleep 0.005
  done
  "${tm[@]}" kill-session -t "$session" 2>/dev/null || true
  echo "$(((end - start) / 1000)) $peak ${anon:-0}"
}

median() { sort -n | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

base() { measure base q minimaltea "$work/minimaltea"; }
demo() { measure demo C-c atlas-iam "$work/atlas-iam" demo "${demo_flags[@]}"; }

# One unmeasured run of each: page cache, first exec.
base >/dev/null
demo >/dev/null

: >"$work/base.txt"
: >"$work/demo.txt"
printf '%-4s %12s %12s %12s   %12s %12s %12s\n' run "tea ms" "tea KB" "tea anon KB" "demo ms" "demo KB" "demo anon KB"
for i in $(seq 1 "$runs"); do
  # Alternate the order so drift (other load, caches) hits both alike.
  if [ $((i % 2)) -eq 1 ]; then
    b=$(base); d=$(demo)
  else
    d=$(demo); b=$(base)
  fi
  echo "$b" >>"$work/base.txt"
  echo "$d" >>"$work/demo.txt"
  read -r bus bkb ban <<<"$b"
  read -r dus dkb dan <<<"$d"
  awk -v i="$i" -v bus="$bus" -v bkb="$bkb" -v ban="$ban" -v dus="$dus" -v dkb="$dkb" -v dan="$dan" \
    'BEGIN { printf "%-4s %12.1f %12d %12d   %12.1f %12d %12d\n", i, bus / 1000, bkb, ban, dus / 1000, dkb, dan }'
done

col() { cut -d' ' -f"$1" "$work/$2.txt" | median; }
awk -v n="$runs" -v flags="${demo_flags[*]}" \
  -v bff="$(col 1 base)" -v dff="$(col 1 demo)" \
  -v brss="$(col 2 base)" -v drss="$(col 2 demo)" \
  -v banon="$(col 3 base)" -v danon="$(col 3 demo)" 'BEGIN {
  printf "\nmedians of %d runs (tmux 100x30, TERM=xterm-256color; atlas-iam demo %s)\n", n, flags
  printf "  first frame  minimaltea %7.1f ms   atlas-iam demo %7.1f ms   ratio %.2fx\n", bff / 1000, dff / 1000, dff / bff
  printf "  peak RSS     minimaltea %7.1f MB   atlas-iam demo %7.1f MB   ratio %.2fx\n", brss / 1024, drss / 1024, drss / brss
  printf "  anon RSS     minimaltea %7.1f MB   atlas-iam demo %7.1f MB   ratio %.2fx\n", banon / 1024, danon / 1024, danon / banon
  printf "  target: ratio <= 1.50x\n"
}'
