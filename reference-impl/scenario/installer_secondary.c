/* installer_secondary.c — a secondary installer: joins the primary's session with the key it
 * was given, registers the file it will update, and leaves. Imports rstrtmgr.dll normally.
 *
 *   installer-secondary.exe SESSION_KEY FILE */
#include <windows.h>
#include <restartmanager.h>
#include <stdio.h>

int wmain(int argc, WCHAR **argv)
{
    if (argc != 3) {
        printf("usage: installer-secondary SESSION_KEY FILE\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    DWORD session = 0xFFFFFFFF;
    WCHAR key[CCH_RM_SESSION_KEY + 1] = { 0 };
    lstrcpynW(key, argv[1], CCH_RM_SESSION_KEY + 1);
    DWORD err = RmJoinSession(&session, key);
    printf("secondary: RmJoinSession %lu\n", err);
    if (err) return 1;
    LPCWSTR files[] = { argv[2] };
    err = RmRegisterResources(session, 1, files, 0, NULL, 0, NULL);
    printf("secondary: RmRegisterResources %lu\n", err);
    DWORD end = RmEndSession(session);
    printf("secondary: RmEndSession %lu\n", end);
    return err || end ? 1 : 0;
}
