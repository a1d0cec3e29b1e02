/* null_path.c — a client whose path array has a hole: it collects the files to register into an
 * array and one slot stayed NULL (spec §21.4: the native DLL ignores the NULL element, returns 0
 * and keeps the paths before and after it registered). Then it lists who uses the files.
 *
 *   null-path.exe FILE_BEFORE FILE_AFTER
 *
 * Prints {"dll","start","register","getlist","needed","count","pids","names","end"}. */
#include "report.h"
#include <stdlib.h>

int wmain(int argc, WCHAR **argv)
{
    if (argc != 3) return 2;
    report_begin();
    report_dll();
    DWORD session;
    WCHAR key[CCH_RM_SESSION_KEY + 1] = {0};
    DWORD rc = RmStartSession(&session, 0, key);
    report_num("start", rc);
    if (rc) {
        report_end();
        return 1;
    }
    LPCWSTR files[] = {argv[1], NULL, argv[2]};
    report_num("register", RmRegisterResources(session, 3, files, 0, NULL, 0, NULL));

    UINT needed = 0, count = 0;
    DWORD reasons = 0;
    RM_PROCESS_INFO *apps = NULL;
    rc = RmGetList(session, &needed, &count, NULL, &reasons);
    if (rc == ERROR_MORE_DATA) {
        apps = calloc(needed, sizeof(*apps));
        count = needed;
        rc = RmGetList(session, &needed, &count, apps, &reasons);
    }
    report_num("getlist", rc);
    report_num("needed", needed);
    if (rc == ERROR_SUCCESS) {
        report_num("count", count);
        report_apps(apps, count);
    }
    free(apps);
    report_num("end", RmEndSession(session));
    report_end();
    return 0;
}
