/* uninitialised_count.c — a client that forgets to set *pnProcInfo before the sizing call
 * (spec §21: seen in shipping clients): the count holds what the stack held (here the 0xCCCCCCCC
 * a debug build leaves) while the array is NULL. An implementation must not write through the
 * NULL array; which code it returns is recorded.
 *
 *   uninitialised-count.exe FILE
 *
 * Prints {"dll","start","register","sizing","needed","count_after","reasons","end"}. */
#include "report.h"

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

    UINT needed = 0, count = 0xCCCCCCCC;   /* never set: the forgotten initialisation */
    DWORD reasons = 0;
    rc = RmGetList(session, &needed, &count, NULL, &reasons);
    report_num("sizing", rc);
    report_num("needed", needed);
    report_num("count_after", count);
    report_num("reasons", reasons);
    report_num("end", RmEndSession(session));
    report_end();
    return 0;
}
