/* who_is_locking.c — the "WhoIsLocking" lock finder, as the widely copied snippet does it
 * (spec §9, §21): start a session, register the one file, ask RmGetList for the size with
 * count 0 and a NULL array, then fetch once into exactly `needed` entries. A first answer other
 * than 0 (nobody) or 234 (ERROR_MORE_DATA) is an error, so is a second answer other than 0.
 *
 *   who-is-locking.exe FILE
 *
 * Prints {"dll","start","register","sizing","needed","fetch","count","reasons","pids","names",
 * "error","end"}; exit code 0 when it could tell who locks FILE (possibly nobody), 1 if not. */
#include "report.h"
#include <stdlib.h>

int wmain(int argc, WCHAR **argv)
{
    if (argc != 2) return 2;
    report_begin();
    report_dll();
    DWORD session;
    WCHAR key[CCH_RM_SESSION_KEY + 1] = {0};
    const char *error = NULL;

    DWORD rc = RmStartSession(&session, 0, key);
    report_num("start", rc);
    if (rc) {
        report_wstr("error", L"Could not begin restart session. Unable to determine file locker.");
        report_end();
        return 1;
    }
    LPCWSTR resources[] = {argv[1]};
    rc = RmRegisterResources(session, 1, resources, 0, NULL, 0, NULL);
    report_num("register", rc);
    if (rc) error = "Could not register resource.";

    UINT needed = 0, count = 0;
    DWORD reasons = RmRebootReasonNone;
    if (!error) {
        rc = RmGetList(session, &needed, &count, NULL, &reasons);
        report_num("sizing", rc);
        report_num("needed", needed);
        if (rc == ERROR_MORE_DATA) {
            RM_PROCESS_INFO *info = calloc(needed, sizeof(*info));
            count = needed;
            rc = RmGetList(session, &needed, &count, info, &reasons);
            report_num("fetch", rc);
            if (rc == ERROR_SUCCESS) {
                report_num("count", count);
                report_num("reasons", reasons);
                report_apps(info, count);
            } else {
                error = "Could not list processes locking resource.";
            }
            free(info);
        } else if (rc != ERROR_SUCCESS) {
            error = "Could not list processes locking resource. Failed to get size of result.";
        } else {
            report_num("count", 0);   /* nobody */
            report_num("reasons", reasons);
            report_apps(NULL, 0);
        }
    }
    if (error) {
        report_key("error");
        printf("\"%s\"", error);
    }
    report_num("end", RmEndSession(session));
    report_end();
    return error ? 1 : 0;
}
