/* scenario_run.c — the test around the installer scenario (issue 4, "Done when"): start the
 * application fixture holding two files, run the primary installer (which runs the secondary)
 * from this folder, where the drop-in rstrtmgr.dll sits beside them, and check what happened:
 *
 *   scenario-run.exe RMFX_APP_EXE
 *
 * Checks: the installers loaded the rstrtmgr.dll beside them; the primary succeeded; the
 * application got WM_QUERYENDSESSION(ENDSESSION_CLOSEAPP) and WM_ENDSESSION(TRUE,
 * ENDSESSION_CLOSEAPP) and exited; it was restarted exactly when the platform can read its
 * restart registration (Wine cannot: GetApplicationRestartSettings is not implemented there). */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static int failures;

static void check(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAIL", what);
    if (!ok) failures++;
}

static char *read_all(const WCHAR *path)
{
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, 0, NULL);
    if (f == INVALID_HANDLE_VALUE) return _strdup("");
    DWORD size = GetFileSize(f, NULL), got = 0;
    char *s = calloc(size + 1, 1);
    ReadFile(f, s, size, &got, NULL);
    CloseHandle(f);
    return s;
}

static void write_file(const WCHAR *path, const char *text)
{
    HANDLE f = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    DWORD written;
    if (f != INVALID_HANDLE_VALUE) { WriteFile(f, text, (DWORD)strlen(text), &written, NULL); CloseHandle(f); }
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++) n++;
    return n;
}

/* Run the primary with its output captured (and echoed). */
static DWORD run_primary(WCHAR *cmd, char **output)
{
    SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, TRUE };
    HANDLE rd, wr;
    CreatePipe(&rd, &wr, &sa, 0);
    SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
    STARTUPINFOW si = { sizeof si };
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdOutput = si.hStdError = wr;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    PROCESS_INFORMATION pi;
    if (!CreateProcessW(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        printf("cannot start the primary installer: %lu\n", GetLastError());
        CloseHandle(rd); CloseHandle(wr);
        *output = _strdup("");
        return 1000;
    }
    CloseHandle(wr);
    size_t len = 0, cap = 4096;
    char *out = malloc(cap);
    DWORD got;
    char buf[1024];
    while (ReadFile(rd, buf, sizeof buf, &got, NULL) && got) {
        fwrite(buf, 1, got, stdout);
        if (len + got + 1 > cap) { cap = (len + got + 1) * 2; out = realloc(out, cap); }
        memcpy(out + len, buf, got);
        len += got;
    }
    out[len] = 0;
    CloseHandle(rd);
    DWORD code = 1000;
    if (WaitForSingleObject(pi.hProcess, 120000) == WAIT_OBJECT_0) GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    *output = out;
    return code;
}

static void kill_restarted(const char *journal, DWORD first_pid)
{
    for (const char *p = journal; (p = strstr(p, "start pid=")); p++) {
        DWORD pid = strtoul(p + 10, NULL, 10);
        if (pid == first_pid) continue;
        HANDLE h = OpenProcess(PROCESS_TERMINATE, FALSE, pid);
        if (h) { TerminateProcess(h, 0); CloseHandle(h); }
    }
}

int wmain(int argc, WCHAR **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc != 2) { printf("usage: scenario-run RMFX_APP_EXE\n"); return 2; }
    WCHAR dir[MAX_PATH];
    GetModuleFileNameW(NULL, dir, MAX_PATH);
    *wcsrchr(dir, L'\\') = 0;

    WCHAR data[MAX_PATH + 64], config[MAX_PATH + 64], journal[MAX_PATH + 64], event[64];
    swprintf(data, MAX_PATH + 64, L"%ls\\scenario-data.bin", dir);
    swprintf(config, MAX_PATH + 64, L"%ls\\scenario-config.ini", dir);
    swprintf(journal, MAX_PATH + 64, L"%ls\\scenario-app.journal", dir);
    swprintf(event, 64, L"Local\\rmref-scenario-ready-%lu", GetCurrentProcessId());
    write_file(data, "version 1\r\n");
    write_file(config, "[app]\r\n");
    DeleteFileW(journal);

    /* the running application: locks the data file, has the config file open, one window */
    HANDLE ready = CreateEventW(NULL, TRUE, FALSE, event);
    WCHAR cmd[4096];
    swprintf(cmd, 4096, L"\"%ls\" --lock \"%ls\" --open \"%ls\" --window main --ready-event %ls --journal \"%ls\" "
             L"--restart-cmdline \"--window main --journal %ls\"", argv[1], data, config, event, journal, journal);
    STARTUPINFOW si = { sizeof si };
    PROCESS_INFORMATION app;
    if (!CreateProcessW(argv[1], cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &app)) {
        printf("cannot start %ls: %lu\n", argv[1], GetLastError());
        return 1;
    }
    check(WaitForSingleObject(ready, 20000) == WAIT_OBJECT_0, "the application is ready");
    WCHAR args[16];
    DWORD cch = 16, flags = 0;
    HRESULT hr = GetApplicationRestartSettings(app.hProcess, args, &cch, &flags);
    int restart_readable = hr == S_OK;
    printf("restart registration readable: %s (0x%08lx)\n", restart_readable ? "yes" : "no", (unsigned long)hr);

    swprintf(cmd, 4096, L"\"%ls\\installer-primary.exe\" \"%ls\" \"%ls\" \"%ls\\installer-secondary.exe\"",
             dir, data, config, dir);
    char *out;
    DWORD code = run_primary(cmd, &out);
    check(code == 0, "the primary installer succeeded");
    char expect[MAX_PATH * 3];
    snprintf(expect, sizeof expect, "rstrtmgr: %ls\\rstrtmgr.dll", dir);
    check(_strnicmp(strstr(out, "rstrtmgr: ") ? strstr(out, "rstrtmgr: ") : "", expect, strlen(expect)) == 0,
          "the installers loaded the drop-in rstrtmgr.dll beside them");
    check(strstr(out, "secondary: RmJoinSession 0") != NULL, "the secondary joined from another process");
    check(count(out, "app pid=") >= 1, "RmGetList listed the application");

    check(WaitForSingleObject(app.hProcess, 10000) == WAIT_OBJECT_0, "the application exited");
    char *j = read_all(journal);
    check(strstr(j, "WM_QUERYENDSESSION") && strstr(j, "lParam=0x1"), "it got WM_QUERYENDSESSION(ENDSESSION_CLOSEAPP)");
    check(strstr(j, "WM_ENDSESSION") && strstr(j, "wParam=0x1 lParam=0x1"), "it got WM_ENDSESSION(TRUE, ENDSESSION_CLOSEAPP)");
    Sleep(1000);
    free(j);
    j = read_all(journal);
    size_t starts = count(j, "start pid=");
    if (restart_readable) check(starts == 2, "RmRestart restarted it with its registered command line");
    else check(starts == 1, "not registered as far as the platform says, so not restarted");
    char *data_text = read_all(data);
    check(strcmp(data_text, "version 2\r\n") == 0, "the primary replaced the data file");

    kill_restarted(j, app.dwProcessId);
    TerminateProcess(app.hProcess, 0);
    CloseHandle(app.hThread);
    CloseHandle(app.hProcess);
    printf("%s\n", failures ? "scenario FAILED" : "scenario passed");
    return failures ? 1 : 0;
}
