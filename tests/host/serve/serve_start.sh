# serve_start.sh: sourced by the shell tests that run `wasmhost serve`: starting it and waiting for its port.
#
# serve_start LOG COMMAND...: runs COMMAND (a `wasmhost serve ...` command line listening on
# 127.0.0.1:0) in the background, its output in LOG, and waits up to 10 s for its "listening on"
# line; sets $pid and $port. When it does not start: prints the log, stops it and exits 1.
serve_start() {
    local log=$1
    shift
    "$@" > "$log" 2>&1 &
    pid=$!
    port=""
    for _ in $(seq 100); do
        port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$log" | head -1)
        [ -n "$port" ] && return 0
        sleep 0.1
    done
    echo "${0##*/}: serve did not start: $(cat "$log")" >&2
    kill "$pid" 2>/dev/null
    exit 1
}
