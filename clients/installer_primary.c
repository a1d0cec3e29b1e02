/* installer_primary.c — a primary installer, written the way an installer author uses the
 * Restart Manager (spec §13.1, §13.2: Microsoft's "Using Restart Manager with a Primary / a
 * Secondary Installer"), importing rstrtmgr.dll normally.
 *
 *   installer-primary.exe DATA_FILE CONFIG_FILE SECONDARY_EXE
 *
 * Starts a session, hands the key to the secondary installer (another process, which joins and
 * registers CONFIG_FILE), registers DATA_FILE itself, lists the affected applications with the
 * bounded ERROR_MORE_DATA retry loop (§9), and when no reboot is needed shuts them down,
 * "installs" (rewrites DATA_FILE, which must now be free), restarts them and ends the session.
 *
 * Prints {"dll","start","key","secondary":{..}|null,"secondary_exit","register","getlist",
 * "count","reasons","pids","names","shutdown","replaced","restart","end","ok"}; exit code 0
 * when every step worked. */
#include "report.h"
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define SECONDARY_WAIT_MS 15000

static void progress(UINT percent) { (void)percent; }

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

/* Runs the secondary installer with the key and reports what it printed and its exit code. */
static int run_secondary(const WCHAR *exe, const WCHAR *key, const WCHAR *file)
{
    WCHAR cmd[2048];
    swprintf(cmd, 2048, L"\"%ls\" \"%ls\" \"%ls\"", exe, key, file);
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE out_read, out_write;
    CreatePipe(&out_read, &out_write, &sa, 0);
    SetHandleInformation(out_read, HANDLE_FLAG_INHERIT, 0);
    STARTUPINFOW si = {sizeof si};
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = out_write;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    PROCESS_INFORMATION pi;
    if (!CreateProcessW(exe, cmd, NULL, NULL, TRUE, CREATE_NO_WINDOW, NULL, NULL, &si, &pi)) {
        report_num("secondary_start_error", GetLastError());
        CloseHandle(out_read);
        CloseHandle(out_write);
        return 0;
    }
    CloseHandle(out_write);
    /* Read what it prints while it runs (a full pipe would stop it), up to the deadline. */
    char text[4096] = "";
    DWORD got = 0, total = 0, avail, code = STILL_ACTIVE, start = GetTickCount();
    for (;;) {
        while (PeekNamedPipe(out_read, NULL, 0, NULL, &avail, NULL) && avail) {
            char chunk[512];
            if (!ReadFile(out_read, chunk, sizeof chunk, &got, NULL) || !got) break;
            for (DWORD i = 0; i < got && total < sizeof text - 1; i++) text[total++] = chunk[i];
        }
        if (WaitForSingleObject(pi.hProcess, 50) == WAIT_OBJECT_0) {
            GetExitCodeProcess(pi.hProcess, &code);
            if (!PeekNamedPipe(out_read, NULL, 0, NULL, &avail, NULL) || !avail) break;
        } else if (GetTickCount() - start > SECONDARY_WAIT_MS) {
            TerminateProcess(pi.hProcess, code);   /* it hung: give up on it */
            break;
        }
    }
    text[total] = 0;
    while (total && (text[total - 1] == '\n' || text[total - 1] == '\r')) text[--total] = 0;
    report_key("secondary");
    printf("%s", total && text[0] == '{' && text[total - 1] == '}' ? text : "null");
    report_num("secondary_exit", code);
    CloseHandle(out_read);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    return code == 0;
}

static int replace_file(const WCHAR *path)
{
    HANDLE f = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (f == INVALID_HANDLE_VALUE) return 0;
    DWORD written;
    WriteFile(f, "version 2\r\n", 11, &written, NULL);
    CloseHandle(f);
    return 1;
}

int wmain(int argc, WCHAR **argv)
{
    if (argc != 4) return 2;
    report_begin();
    report_dll();
    DWORD session = 0xFFFFFFFF;
    WCHAR key[CCH_RM_SESSION_KEY + 1] = {0};   /* zeroed: older RMs leave it unterminated (§7.2) */
    DWORD err = RmStartSession(&session, 0, key);
    report_num("start", err);
    if (err) {
        report_end();
        return 1;
    }
    report_wstr("key", key);

    int ok = run_secondary(argv[3], key, argv[2]);

    LPCWSTR files[] = {argv[1]};
    err = RmRegisterResources(session, 1, files, 0, NULL, 0, NULL);
    report_num("register", err);
    if (err) ok = 0;

    RM_PROCESS_INFO *apps = NULL;
    UINT count = 0;
    DWORD reasons = 0;
    err = get_affected_apps(session, &apps, &count, &reasons);
    report_num("getlist", err);
    report_num("count", count);
    report_num("reasons", reasons);
    report_apps(apps, count);
    free(apps);
    if (err || !count) ok = 0;

    if (ok && reasons == RmRebootReasonNone) {
        err = RmShutdown(session, 0, progress);
        report_num("shutdown", err);
        if (err) ok = 0;
        /* the documented advice: replace the files, then always call RmRestart */
        int replaced = replace_file(argv[1]);
        report_bool("replaced", replaced);
        if (!replaced) ok = 0;
        err = RmRestart(session, 0, progress);
        report_num("restart", err);
        if (err) ok = 0;
    }

    err = RmEndSession(session);
    report_num("end", err);
    if (err) ok = 0;
    report_bool("ok", ok);
    report_end();
    return ok ? 0 : 1;
}
