/* self_holder.c — a tool that asks who locks a file it has open itself (spec §21.5: the native
 * DLL lists exactly one entry, the caller's own PID, with reboot reasons exactly
 * RmRebootReasonDetectedSelf; before the file is opened the reasons are 0; §21.1: after it is
 * closed the list is empty again). The WhoIsLocking sizing-then-fetch pattern each time.
 *
 *   self-holder.exe FILE
 *
 * Prints {"dll","self","start","register","before":{..},"holding":{..},"after":{..},"end"}
 * with {"rc","needed","count","reasons","pids","names"} per list. */
#include "report.h"
#include <stdlib.h>

static void list(const char *when, DWORD session)
{
    UINT needed = 0, count = 0;
    DWORD reasons = 0;
    RM_PROCESS_INFO *apps = NULL;
    DWORD rc = RmGetList(session, &needed, &count, NULL, &reasons);
    if (rc == ERROR_MORE_DATA) {
        apps = calloc(needed, sizeof(*apps));
        count = needed;
        rc = RmGetList(session, &needed, &count, apps, &reasons);
    }
    report_object_begin(when);
    report_num("rc", rc);
    report_num("needed", needed);
    if (rc == ERROR_SUCCESS) {
        report_num("count", count);
        report_num("reasons", reasons);
        report_apps(apps, count);
    }
    report_object_end();
    free(apps);
}

int wmain(int argc, WCHAR **argv)
{
    if (argc != 2) return 2;
    report_begin();
    report_dll();
    DWORD session;
    WCHAR key[CCH_RM_SESSION_KEY + 1] = {0};
    DWORD rc = RmStartSession(&session, 0, key);
    report_num("self", GetCurrentProcessId());
    report_num("start", rc);
    if (rc) {
        report_end();
        return 1;
    }
    LPCWSTR files[] = {argv[1]};
    report_num("register", RmRegisterResources(session, 1, files, 0, NULL, 0, NULL));
    list("before", session);

    HANDLE held = CreateFileW(argv[1], GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    report_bool("opened", held != INVALID_HANDLE_VALUE);
    list("holding", session);
    CloseHandle(held);
    list("after", session);

    report_num("end", RmEndSession(session));
    report_end();
    return 0;
}
