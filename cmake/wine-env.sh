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
        wineserver -p300 </dev/null >/dev/null 2>&1 8>&- || true
        # The next starter must see this server: wait (up to 10 s) until its socket exists.
        _n=0
        while ! rmc_wine_server_running && [ $_n -lt 100 ]; do sleep 0.1; _n=$((_n + 1)); done
        wine cmd.exe /c exit </dev/null >/dev/null 2>&1 8>&- || true
    ) 8>"$WINEPREFIX.server-lock"
}

# rmc_wine_server_running: whether the prefix's server socket exists ($_id set by the caller).
rmc_wine_server_running() {
    for _sock in /tmp/wine-*/"$_id"/socket "/tmp/.wine-$(id -u)/$_id/socket"; do
        [ -S "$_sock" ] && return 0
    done
    return 1
}

# rmc_wine_prefix_init PREFIX: create the prefix once (null graphics driver, no crash
# debugger). Safe to call from several processes at once. With RMC_WINE_TEMPLATE set (a path),
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
            echo "rmc: creating Wine prefix $_p (a copy of $_t)" >&2
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
        echo "rmc: creating Wine prefix $_p" >&2
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
