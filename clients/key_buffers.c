/* key_buffers.c — the session-key buffers real clients pass to RmStartSession (spec §7.2, §21):
 * a 36-character buffer that still holds the GUID string the caller put there (the C# samples
 * pass Guid.NewGuid().ToString()), and NSIS's 1024-character string buffer. The key is 32
 * characters and a NUL: 33 WCHARs written, never more; what follows the NUL is the caller's and
 * stays as it was.
 *
 *   key-buffers.exe
 *
 * Prints, per buffer ("guid36", "nsis1024"): {"rc","key","nul_at","last_changed",
 * "changed_past_end","end"} where nul_at is the index of the first NUL (-1: none), last_changed
 * the index of the last WCHAR that differs from what the caller left there (-1: none), and
 * changed_past_end (guid36 only) counts WCHARs changed in the 4 after the 36-WCHAR buffer. */
#include "report.h"
#include <string.h>
#include <wchar.h>

static struct {
    WCHAR key[36];
    WCHAR after[4];   /* whatever the caller keeps next to it */
} guid_string;

static WCHAR nsis_string[1024];

static int nul_at(const WCHAR *buf, int len)
{
    for (int i = 0; i < len; i++)
        if (!buf[i]) return i;
    return -1;
}

static void start_with(const char *what, WCHAR *buf, int len, const WCHAR *before)
{
    DWORD session = 0xFFFFFFFF;
    DWORD rc = RmStartSession(&session, 0, buf);
    int nul = nul_at(buf, len), last_changed = -1;
    for (int i = 0; i < len; i++)
        if (buf[i] != before[i]) last_changed = i;
    WCHAR shown[40];
    wcsncpy(shown, buf, 39);
    shown[nul >= 0 && nul < 39 ? nul : 39] = 0;

    report_object_begin(what);
    report_num("rc", rc);
    report_wstr("key", shown);
    report_num("nul_at", nul);
    report_num("last_changed", last_changed);
    if (buf == guid_string.key) {
        int past = 0;
        for (int i = 0; i < 4; i++) past += guid_string.after[i] != L'#';
        report_num("changed_past_end", past);
    }
    if (rc == ERROR_SUCCESS) report_num("end", RmEndSession(session));
    report_object_end();
}

int wmain(void)
{
    static WCHAR before[1024];
    report_begin();
    report_dll();

    memcpy(guid_string.key, L"6f9619ff-8b86-d011-b42d-00c04fc964ff", sizeof(guid_string.key));
    wmemset(guid_string.after, L'#', 4);
    memcpy(before, guid_string.key, sizeof(guid_string.key));
    start_with("guid36", guid_string.key, 36, before);

    wmemset(nsis_string, L'.', 1024);
    wmemcpy(before, nsis_string, 1024);
    start_with("nsis1024", nsis_string, 1024, before);

    report_end();
    return 0;
}
