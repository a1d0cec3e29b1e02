/* installer_primary.c — a primary installer, written the way an installer author uses the
 * Restart Manager (Microsoft's "Using Restart Manager with a Secondary Installer" pattern).
 * It imports rstrtmgr.dll normally (linked against the system import library).
 *
 *   installer-primary.exe DATA_FILE CONFIG_FILE SECONDARY_EXE
 *
 * Starts a session, hands the key to the secondary installer (which registers CONFIG_FILE),
 * registers DATA_FILE itself, lists the affected applications with the usual ERROR_MORE_DATA
 * retry loop, shuts them down, "installs" (rewrites DATA_FILE, which must now be free),
 * restarts them, and ends the session. Exit code 0 when every step worked. */
#include <windows.h>
#include <restartmanager.h>
#include <stdio.h>
#include <stdlib.h>

static void progress(UINT percent)
{
    printf("progress %u%%\n", percent);
}

static void print_apps(const RM_PROCESS_INFO *apps, UINT n)
{
    for (UINT i = 0; i < n; i++)
        printf("app pid=%lu name=\"%ls\" type=%d status=0x%lx restartable=%d\n",
               apps[i].Process.dwProcessId, apps[i].strAppName, (int)apps[i].ApplicationType,
               apps[i].AppStatus, apps[i].bRestartable);
}

/* The ERROR_MORE_DATA loop from the documentation: ask, allocate, ask again (bounded). */
static DWORD get_affected_apps(DWORD session, RM_PROCESS_INFO **apps, UINT *count, DWORD *reasons)
{
    UINT needed = 0, have = 0;
    DWORD err;
    *apps = NULL;
    for (int attempt = 0; attempt < 4; attempt++) {
        err = RmGetList(session, &needed, &have, *apps, reasons);
        if (err != ERROR_MORE_DATA) break;
        free(*apps);
        *apps = calloc(needed, sizeof **apps);
        if (!*apps) return ERROR_OUTOFMEMORY;
        have = needed;
    }
    *count = err ? 0 : have;
    return err;
}

static int run_secondary(const WCHAR *exe, const WCHAR *key, const WCHAR *file)
{
    WCHAR cmd[2048];
    swprintf(cmd, 2048, L"\"%ls\" %ls \"%ls\"", exe, key, file);
    STARTUPINFOW si = { sizeof si };
    PROCESS_INFORMATION pi;
    if (!CreateProcessW(exe, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        printf("cannot start the secondary installer: error %lu\n", GetLastError());
        return 0;
    }
    DWORD code = 1;
    WaitForSingleObject(pi.hProcess, 60000);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    printf("secondary installer exit code %lu\n", code);
    return code == 0;
}

static int replace_file(const WCHAR *path)
{
    HANDLE f = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (f == INVALID_HANDLE_VALUE) {
        printf("cannot replace %ls: error %lu\n", path, GetLastError());
        return 0;
    }
    DWORD written;
    WriteFile(f, "version 2\r\n", 11, &written, NULL);
    CloseHandle(f);
    printf("replaced %ls\n", path);
    return 1;
}

int wmain(int argc, WCHAR **argv)
{
    if (argc != 4) {
        printf("usage: installer-primary DATA_FILE CONFIG_FILE SECONDARY_EXE\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    DWORD session = 0xFFFFFFFF;
    WCHAR key[CCH_RM_SESSION_KEY + 1] = { 0 };   /* zeroed: older RMs leave it unterminated */
    DWORD err = RmStartSession(&session, 0, key);
    if (err) { printf("RmStartSession failed: %lu\n", err); return 1; }

    WCHAR dll[MAX_PATH] = L"?";
    GetModuleFileNameW(GetModuleHandleW(L"rstrtmgr.dll"), dll, MAX_PATH);
    printf("rstrtmgr: %ls\n", dll);
    printf("session key %ls\n", key);

    int ok = run_secondary(argv[3], key, argv[2]);

    LPCWSTR files[] = { argv[1] };
    err = RmRegisterResources(session, 1, files, 0, NULL, 0, NULL);
    if (err) { printf("RmRegisterResources failed: %lu\n", err); ok = 0; }

    RM_PROCESS_INFO *apps = NULL;
    UINT count = 0;
    DWORD reasons = 0;
    err = get_affected_apps(session, &apps, &count, &reasons);
    printf("RmGetList: %lu, %u application(s), reboot reasons 0x%lx\n", err, count, reasons);
    print_apps(apps, count);
    free(apps);
    if (err || !count) ok = 0;

    if (ok && reasons == RmRebootReasonNone) {
        err = RmShutdown(session, 0, progress);
        printf("RmShutdown: %lu\n", err);
        if (err) ok = 0;
        /* the documented advice: replace the files, then always call RmRestart */
        if (!replace_file(argv[1])) ok = 0;
        err = RmRestart(session, 0, progress);
        printf("RmRestart: %lu\n", err);
        if (err) ok = 0;
        err = get_affected_apps(session, &apps, &count, &reasons);
        printf("after restart: RmGetList %lu\n", err);
        print_apps(apps, count);
        free(apps);
    } else if (reasons) {
        printf("a reboot is required; nothing shut down\n");
        ok = 0;
    }

    err = RmEndSession(session);
    printf("RmEndSession: %lu\n", err);
    if (err) ok = 0;
    printf("primary installer %s\n", ok ? "succeeded" : "FAILED");
    return ok ? 0 : 1;
}
