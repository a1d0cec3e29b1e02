/* exe_instances.c — an updater about to replace a program's .exe: it registers the image path
 * and asks which processes use it (spec §21.12: the native DLL lists every running instance of
 * that image; medium evidence, so the case records rather than asserts).
 *
 *   exe-instances.exe IMAGE_PATH
 *
 * Prints {"dll","start","register","getlist","needed","count","reasons","pids","names","end"}. */
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
    report_num("register", RmRegisterResources(session, 1, files, 0, NULL, 0, NULL));

    UINT needed = 0, count = 0;
    DWORD reasons = 0;
    RM_PROCESS_INFO *apps = NULL;
    for (int attempt = 0; attempt < 3; attempt++) {
        rc = RmGetList(session, &needed, &count, apps, &reasons);
        if (rc != ERROR_MORE_DATA) break;
        free(apps);
        apps = calloc(needed, sizeof(*apps));
        count = needed;
    }
    report_num("getlist", rc);
    report_num("needed", needed);
    if (rc == ERROR_SUCCESS) {
        report_num("count", count);
        report_num("reasons", reasons);
        report_apps(apps, count);
    }
    free(apps);
    report_num("end", RmEndSession(session));
    report_end();
    return 0;
}
