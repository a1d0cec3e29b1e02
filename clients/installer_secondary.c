/* installer_secondary.c — a secondary installer (spec §13.2): joins the primary's session with
 * the key it was given, registers the file it will update, and leaves.
 *
 *   installer-secondary.exe SESSION_KEY FILE
 *
 * Prints {"dll","join","register","end"}; exit code 0 when every call returned 0. */
#include "report.h"

int wmain(int argc, WCHAR **argv)
{
    if (argc != 3) return 2;
    report_begin();
    report_dll();
    DWORD session = 0xFFFFFFFF;
    WCHAR key[CCH_RM_SESSION_KEY + 1] = {0};
    lstrcpynW(key, argv[1], CCH_RM_SESSION_KEY + 1);
    DWORD err = RmJoinSession(&session, key);
    report_num("join", err);
    if (err) {
        report_end();
        return 1;
    }
    LPCWSTR files[] = {argv[2]};
    err = RmRegisterResources(session, 1, files, 0, NULL, 0, NULL);
    report_num("register", err);
    DWORD end = RmEndSession(session);
    report_num("end", end);
    report_end();
    return err || end ? 1 : 0;
}
