/* fixed_buffer_lister.c — a lister with a fixed array on the stack: ten RM_PROCESS_INFO
 * entries, one retry into a heap array of `needed` when ten are not enough (ERROR_MORE_DATA),
 * then it gives up (spec §9 items 2-4, the bounded retry of Microsoft's sample).
 *
 *   fixed-buffer-lister.exe FILE
 *
 * Prints {"dll","start","register","first","first_needed","first_count","retry","needed",
 * "count","reasons","pids","names","end"}; exit code 0 when it got the whole list. */
#include "report.h"
#include <stdlib.h>

int wmain(int argc, WCHAR **argv)
{
    if (argc != 2) return 2;
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
    LPCWSTR files[] = {argv[1]};
    rc = RmRegisterResources(session, 1, files, 0, NULL, 0, NULL);
    report_num("register", rc);

    RM_PROCESS_INFO apps[10], *list = apps;
    UINT needed = 0, count = 10;
    DWORD reasons = 0;
    rc = RmGetList(session, &needed, &count, apps, &reasons);
    report_num("first", rc);
    report_num("first_needed", needed);
    report_num("first_count", count);
    if (rc == ERROR_MORE_DATA) {
        list = calloc(needed, sizeof(*list));
        count = needed;
        rc = RmGetList(session, &needed, &count, list, &reasons);
        report_num("retry", rc);
        report_num("needed", needed);
    }
    if (rc == ERROR_SUCCESS) {
        report_num("count", count);
        report_num("reasons", reasons);
        report_apps(list, count);
    }
    if (list != apps) free(list);
    report_num("end", RmEndSession(session));
    report_end();
    return rc == ERROR_SUCCESS ? 0 : 1;
}
