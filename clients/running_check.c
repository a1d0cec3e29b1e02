/* running_check.c — the installer's "is the application still running?" check, as NSIS and
 * Tauri installer scripts do it (spec §21): register the application's files, make the sizing
 * call alone (count 0, NULL array) and read 234 (ERROR_MORE_DATA) as "running" and 0 as
 * "free"; anything else leaves the question open. Nothing is fetched and nothing shut down.
 *
 *   running-check.exe FILE...
 *
 * Prints {"dll","start","register","sizing","needed","running","end"}; "running" is true,
 * false or null (could not tell). Exit code 0 free, 1 running, 2 could not tell. */
#include "report.h"

int wmain(int argc, WCHAR **argv)
{
    if (argc < 2) return 2;
    report_begin();
    report_dll();
    DWORD session;
    WCHAR key[CCH_RM_SESSION_KEY + 1] = {0};
    DWORD rc = RmStartSession(&session, 0, key);
    report_num("start", rc);
    if (rc) {
        report_end();
        return 2;
    }
    int answer = 2;
    rc = RmRegisterResources(session, (UINT)(argc - 1), (LPCWSTR *)&argv[1], 0, NULL, 0, NULL);
    report_num("register", rc);
    if (rc == ERROR_SUCCESS) {
        UINT needed = 0, count = 0;
        DWORD reasons = 0;
        rc = RmGetList(session, &needed, &count, NULL, &reasons);
        report_num("sizing", rc);
        report_num("needed", needed);
        answer = rc == ERROR_MORE_DATA ? 1 : rc == ERROR_SUCCESS ? 0 : 2;
    }
    report_key("running");
    printf(answer == 1 ? "true" : answer == 0 ? "false" : "null");
    report_num("end", RmEndSession(session));
    report_end();
    return answer;
}
