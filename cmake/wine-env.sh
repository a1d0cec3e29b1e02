# shellcheck shell=sh
# Shared by ./rmc and the CTest emulator (wine-run): the private Wine prefix rmconform uses.
# Sourced, not run. POSIX sh.

# rmc_wine_env PREFIX: export what every Wine call of the project needs.
rmc_wine_env() {
    WINEPREFIX=$1
    WINEARCH=win64
    WINEDEBUG=-all
    # No Mono/Gecko install prompts; they are never needed here.
    WINEDLLOVERRIDES=${RMC_WINEDLLOVERRIDES:-mscoree,mshtml=}
    export WINEPREFIX WINEARCH WINEDEBUG WINEDLLOVERRIDES
}

# rmc_wine_server_start: start the prefix's wineserver and Wine's session processes (services,
# winedevice, plugplay, rpcss) detached from our stdout/stderr. Otherwise the first Wine program
# starts them and they inherit its pipes, so whoever reads those (CTest, CI) waits until they
# exit. Cheap when the server already runs (its socket exists). Call after rmc_wine_env.
rmc_wine_server_start() {
    # The server's socket: <tmp>/wine-<random>/server-<dev>-<inode of the prefix>/socket on
    # Debian's Wine 8 (/tmp/.wine-<uid>/... upstream).
    _id=server-$(stat -L -c %D "$WINEPREFIX" 2>/dev/null)-$(printf %x "$(stat -L -c %i "$WINEPREFIX" 2>/dev/null || echo 0)")
    rmc_wine_server_running && return 0
    # One starter at a time per prefix. Debian's Wine 8 gives each server a folder of its own
    # (/tmp/wine-<random>, named in $WINEPREFIX/wineserver), so its lock file no longer stops a
    # second server: two Wine programs started at the same moment with no server running each
    # start one, and the prefix then has two worlds (two services.exe, each half of the tests'
    # processes talking to one of them). Seen in a clean-clone CI run under CTest -j6: two server
    # folders for the build's prefix made 3 ms apart, then runner tests that ended with no
    # results or hung. `rmc_wine_server_start` is the one way the project starts a server (the
    # CTest emulator wine-run calls it before every program), so a lock here serialises them.
    (
        flock 8
        rmc_wine_server_running && exit 0
        # Persistent for 5 min after the last client, not 5 s: the socket check races with a
        # server that is about to exit, and a server (and session processes) started by the next
        # program instead would hold that program's pipes for as long as other tests keep the
        # server busy (seen twice in CI: a runner test's `wine` "hung" 300 s after the runner had
        # ended). `./rmc test|conform|bench` stop the server when they finish.
        # (8>&-: the server and the session processes must not inherit the lock and hold it)
        # Its stderr goes to the prefix's server log (rmc_wine_server_log): what it says when it
        # ends a client for a protocol error, which rmc_wine_run_watched reads.
        wineserver -p300 </dev/null >/dev/null 2>>"$(rmc_wine_server_log)" 8>&- || true
        # The next starter must see this server: wait (up to 10 s) until its socket exists.
        _n=0
        while ! rmc_wine_server_running && [ $_n -lt 100 ]; do sleep 0.1; _n=$((_n + 1)); done
        wine cmd.exe /c exit </dev/null >/dev/null 2>&1 8>&- || true
    ) 8>"$WINEPREFIX.server-lock"
}

# rmc_wine_server_log: the file the prefix's server writes its complaints to (beside the prefix,
# like its locks; kept across server starts). Call after rmc_wine_env.
rmc_wine_server_log() {
    echo "$WINEPREFIX.server-log"
}

# rmc_wine_protocol_errors FROM: the "Protocol error" lines of the server log from byte FROM on.
# Wine's server ends a client thread it cannot understand with exit code 1 and such a line
# (server/request.c, fatal_protocol_error); when that thread is a program's main thread, the
# program ends with code 1 and its work half done. Seen once in CI: a runner ended with exit code
# 1 before it wrote any results.
rmc_wine_protocol_errors() {
    tail -c +"$1" "$(rmc_wine_server_log)" 2>/dev/null | grep "Protocol error" | head -n 3
}

# rmc_wine_server_pid: the process id of the prefix's wineserver (the live one, lowest pid
# first, whose environment names $WINEPREFIX), or nothing. Call after rmc_wine_env. Not a
# `wineserver -k` or `-w`: that is a client that asks the server something and exits, and the
# watcher would take its exit for a crash.
rmc_wine_server_pid() {
    for _p in $(pgrep -x -d ' ' wineserver64 2>/dev/null; pgrep -x -d ' ' wineserver 2>/dev/null); do
        rmc_process_alive "$_p" || continue
        case " $(tr '\0' ' ' <"/proc/$_p/cmdline" 2>/dev/null)" in *" -k"*|*" -w"*) continue;; esac
        tr '\0' '\n' <"/proc/$_p/environ" 2>/dev/null | grep -qxF "WINEPREFIX=$WINEPREFIX" && { echo "$_p"; return 0; }
    done
    return 0
}

# rmc_process_alive PID: whether the process runs (a zombie does not: a daemon such as the
# wineserver is reparented to an init that may not reap it for a long while).
rmc_process_alive() {
    _stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    _state=${_stat##*) }
    case ${_state%% *} in Z|X|x|"") return 1;; esac
    return 0
}

# rmc_process_started PID: when the process started (clock ticks since boot), or nothing.
rmc_process_started() {
    _stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
    # shellcheck disable=SC2086  # split into the fields after the command name
    set -- ${_stat##*) }
    eval "echo \${20}"
}

# rmc_wine_kill_orphans: after this prefix's server died, end the Windows programs it served,
# which otherwise stay blocked for good: every Wine program of $WINEPREFIX that started before
# the prefix's current server (all of them when none runs).
rmc_wine_kill_orphans() {
    _live=$(rmc_wine_server_pid)
    _since=${_live:+$(rmc_process_started "$_live")}
    for _d in /proc/[0-9]*; do
        _p=${_d#/proc/}
        # (Windows programs run in Wine's loader, wine64 or wine-preloader; not the server)
        case $(readlink "$_d/exe" 2>/dev/null) in */wineserver*) continue;; */wine*) ;; *) continue;; esac
        tr '\0' '\n' <"$_d/environ" 2>/dev/null | grep -qxF "WINEPREFIX=$WINEPREFIX" || continue
        _t=$(rmc_process_started "$_p")
        if [ -z "$_since" ] || { [ -n "$_t" ] && [ "$_t" -lt "$_since" ]; }; then kill -9 "$_p" 2>/dev/null; fi
    done
    return 0
}

# rmc_wine_server_gone SERVER SOCKET: whether the server that ran when a program started has
# ended: its process is gone or a zombie, or its socket was removed (a crashing server removes
# it before it exits, so a program that ends at once because of the crash is not mistaken for
# one that just ended).
rmc_wine_server_gone() {
    ! rmc_process_alive "$1" || [ ! -S "$2" ]
}

# rmc_wine_run_watched ARGS...: `wine ARGS...` in this prefix, watched: Wine 8's wineserver
# sometimes crashes (SIGSEGV, seen under the tests' load: docs/wine-notes.md), and the
# programs it served then either end at once, with exit code 0 and their work half done, or
# hang for good (a test waited 600 s for one); and it sometimes ends a client thread for a
# "protocol error" (rmc_wine_protocol_errors), which ends a program with exit code 1 when it is
# its main thread. When the server ends, or logs a protocol error, while the program runs,
# the program is stopped (after 2 s of grace), this says so on stderr, creates the file
# $RMC_WINE_SERVER_DIED_FILE when that is set (the callers' cue to run it again), and returns
# 125 whatever the program returned. Otherwise it returns the program's exit code. TERM, INT
# and HUP are passed on to the program. Call after rmc_wine_server_start.
rmc_wine_run_watched() {
    _server=$(rmc_wine_server_pid)
    # Its socket, in its working folder (rmc_wine_server_gone).
    _sock=${_server:+$(readlink "/proc/$_server/cwd" 2>/dev/null)/socket}
    # What the server says from now on (rmc_wine_protocol_errors).
    _log_from=$(($(wc -c <"$(rmc_wine_server_log)" 2>/dev/null || echo 0) + 1))
    exec 3<&0
    wine "$@" <&3 3<&- &
    _prog=$!
    exec 3<&-
    trap 'kill -TERM $_prog 2>/dev/null' TERM INT HUP
    if [ -n "$_server" ]; then
        (
            while kill -0 "$_prog" 2>/dev/null; do
                # Whoever killed this shell outright (SIGKILL, a CTest timeout) meant the program.
                if ! kill -0 $$ 2>/dev/null; then kill -9 "$_prog" 2>/dev/null; exit 0; fi
                if rmc_wine_server_gone "$_server" "$_sock" || [ -n "$(rmc_wine_protocol_errors "$_log_from")" ]; then
                    sleep 2
                    kill -9 "$_prog" 2>/dev/null
                    exit 0
                fi
                sleep 1
            done
        ) </dev/null >/dev/null 2>&1 &
        _watch=$!
    fi
    # (wait returns early when a trapped signal arrives: wait again until the program ended)
    while :; do
        wait "$_prog"
        _rc=$?
        kill -0 "$_prog" 2>/dev/null || break
    done
    [ -z "${_watch:-}" ] || kill "$_watch" 2>/dev/null
    trap - TERM INT HUP
    _errors=$(rmc_wine_protocol_errors "$_log_from")
    if [ -n "$_server" ] && rmc_wine_server_gone "$_server" "$_sock"; then
        echo "rmc: the wineserver of $WINEPREFIX (pid $_server) ended while this program ran (exit code $_rc): Wine's server crashed; the program's run does not count" >&2
        rmc_wine_kill_orphans
    elif [ -n "$_errors" ]; then
        echo "rmc: the wineserver of $WINEPREFIX ended a thread of this run for a protocol error (exit code $_rc), a fault of Wine's, not the program's: the program's run does not count; the server said: $(echo "$_errors" | tr '\n' ' ')" >&2
    else
        return "$_rc"
    fi
    [ -z "${RMC_WINE_SERVER_DIED_FILE:-}" ] || : >"$RMC_WINE_SERVER_DIED_FILE"
    return 125
}

# rmc_wine_server_running: whether the prefix's server runs: its socket exists ($_id set by the
# caller) and a live wineserver names the prefix. (A server killed with SIGKILL leaves its socket
# behind; trusting that file, nobody started a server under the lock any more, and the first
# program started one of its own.)
rmc_wine_server_running() {
    for _sock in /tmp/wine-*/"$_id"/socket "/tmp/.wine-$(id -u)/$_id/socket"; do
        [ -S "$_sock" ] && [ -n "$(rmc_wine_server_pid)" ] && return 0
    done
    return 1
}

# rmc_wine_prefix_init PREFIX: create the prefix once (null graphics driver, no crash
# debugger); RMC_WINE_QUIET set: without saying so (the CTest emulator, whose stderr is the
# program's). Safe to call from several processes at once. With RMC_WINE_TEMPLATE set (a path),
# the template prefix is booted once and never run in, and PREFIX is a copy of it: ~5 s of
# copying instead of ~25 s of wineboot per prefix, for the build's prefix, each test prefix of
# its own and each profile of the matrix. A copy is what a boot would make: nothing has run in it.
rmc_wine_prefix_init() {
    [ -f "$1/.rmc-ready" ] && return 0
    if [ -n "${RMC_WINE_TEMPLATE:-}" ] && [ "$RMC_WINE_TEMPLATE" != "$1" ]; then
        rmc_wine_prefix_init "$RMC_WINE_TEMPLATE" || return 1   # boots it (the names below are global)
        _p=$1 _t=$RMC_WINE_TEMPLATE
        mkdir -p "$(dirname "$_p")"
        (
            flock 9
            [ -f "$_p/.rmc-ready" ] && exit 0
            [ -n "${RMC_WINE_QUIET:-}" ] || echo "rmc: creating Wine prefix $_p (a copy of $_t)" >&2
            rm -rf "$_p" "$_p.tmp"
            # (without the template's pointer to its server folder: each prefix makes its own)
            if ! cp -a "$_t" "$_p.tmp" || ! rm -f "$_p.tmp/wineserver" || ! mv "$_p.tmp" "$_p"; then
                echo "rmc: could not copy $_t to $_p" >&2
                exit 1
            fi
        ) 9>"$_p.lock"
        return
    fi
    _p=$1
    mkdir -p "$_p"
    (
        flock 9
        [ -f "$_p/.rmc-ready" ] && exit 0
        rmc_wine_env "$_p"
        [ -n "${RMC_WINE_QUIET:-}" ] || echo "rmc: creating Wine prefix $_p" >&2
        wineboot -i >/dev/null 2>&1 || { echo "rmc: wineboot failed for $_p" >&2; exit 1; }
        # Windows without a display: top-level windows exist, messages are delivered.
        wine reg add 'HKCU\Software\Wine\Drivers' /v Graphics /d null /f >/dev/null 2>&1
        # An unhandled exception must end the process, never start winedbg.
        wine reg delete 'HKLM\Software\Microsoft\Windows NT\CurrentVersion\AeDebug' /v Debugger /f >/dev/null 2>&1
        wine reg add 'HKCU\Software\Wine\WineDbg' /v ShowCrashDialog /t REG_DWORD /d 0 /f >/dev/null 2>&1
        wineserver -w
        touch "$_p/.rmc-ready"
    ) 9>"$_p.lock"
}

# rmc_wine_set_profile PREFIX PROFILE: make the prefix report that Windows version to
# RtlGetVersion. Wine 8.0 knows vista..win10 (winecfg -v); it has no win11, so win11 is win10
# with build 22000 in the registry, which Wine's ntdll then reports (probed).
rmc_wine_set_profile() {
    (
        rmc_wine_env "$1"
        case "$2" in
            win11) winecfg -v win10 >/dev/null 2>&1 || exit 1
                   for v in CurrentBuild CurrentBuildNumber; do
                       wine reg add 'HKLM\Software\Microsoft\Windows NT\CurrentVersion' /v $v /d 22000 /f >/dev/null 2>&1 || exit 1
                   done;;
            vista|win7|win8|win10) winecfg -v "$2" >/dev/null 2>&1 || exit 1;;
            *) echo "rmc: unknown profile $2" >&2; exit 2;;
        esac
        wineserver -w
    )
}
