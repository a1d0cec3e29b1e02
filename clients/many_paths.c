/* many_paths.c — a lock finder asked about a whole folder tree at once: 2000 paths in one
 * RmRegisterResources call, 1999 of them files that do not exist (deleted, or never installed),
 * one held by a running process (spec §21.2: accepted with 0, the held one still found).
 *
 *   many-paths.exe HELD_FILE MISSING_DIR
 *
 * Prints {"dll","start","paths","register","getlist","needed","count","pids","names","end"}. */
#include "report.h"
#include <stdlib.h>
#include <wchar.h>

#define PATHS 2000

int wmain(int argc, WCHAR **argv)
{
    if (argc != 3) return 2;
    report_begin();
    report_dll();
    static WCHAR missing[PATHS][MAX_PATH];
    static LPCWSTR paths[PATHS];
    for (int i = 0; i < PATHS; i++) {
        swprintf(missing[i], MAX_PATH, L"%ls\\missing-%04d.dll", argv[2], i);
        paths[i] = missing[i];
    }
    paths[PATHS / 2] = argv[1];

    DWORD session;
    WCHAR key[CCH_RM_SESSION_KEY + 1] = {0};
    DWORD rc = RmStartSession(&session, 0, key);
    report_num("start", rc);
    if (rc) {
        report_end();
        return 1;
    }
    report_num("paths", PATHS);
    report_num("register", RmRegisterResources(session, PATHS, paths, 0, NULL, 0, NULL));

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
