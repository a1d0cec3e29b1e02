/* detect_concurrent.c — RmGetList while another installer lists too, and next to named
 * objects. Every process using a registered resource is listed (spec §8.5, DOC), and only
 * those: an RM that looks at other processes' handles while it lists must never be taken for a
 * user of the files by an RM listing next door, nor hide a real user that happens to be listing
 * itself, nor hide a process because of some named object that exists for it. */
#include "rmcase.h"
#include "fixture.h"
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define S_LIST (RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(GetList))
#define SECONDARY_LISTS 24

/* A process using a registered file is listed even while a named event with its PID in the
 * name exists (rmref once left out every process holding "Local\rmref.resolving-handles.<pid>",
 * so any program could hide from it). The event is made by the case; it exists, named after
 * the fixture, for the whole RmGetList. */
static void named_event_hides_nothing(void **state)
{
    WCHAR file[MAX_PATH], name[96];
    fixture_app *app = fixture_locker_start(file, L"named-event.bin", L"--window none");
    DWORD pid = fixture_app_pid(app);
    swprintf(name, 96, L"Local\\rmref.resolving-handles.%lu", (unsigned long)pid);
    HANDLE ev = CreateEventW(NULL, TRUE, FALSE, name);
    check(ev != NULL, "CreateEventW(%ls) failed with error %lu", name, GetLastError());
    DWORD h = rmc_session_with_file(file);
    RM_PROCESS_INFO *apps;
    UINT n = 0;
    DWORD reasons = 0;
    check_rc("RmGetList", rmc_get_list_all(h, &apps, &n, &reasons), ERROR_SUCCESS);
    int found = 0;
    for (UINT i = 0; i < n; i++) found |= apps[i].Process.dwProcessId == pid;
    CloseHandle(ev);
    if (!found) rmc_require_detection(RMC_DETECT_LOCKED_FILE);
    check(found, "RmGetList does not list pid %lu, which holds the registered file, while an event named %ls exists (%u listed)",
          pid, name, n);
    check_rc("RmEndSession", pRmEndSession(h), ERROR_SUCCESS);
}

/* Two installers list at once: this case process holds the registered file open (a real
 * user) and lists over and over; a secondary in its own process joins and lists the same
 * session SECONDARY_LISTS times meanwhile. Each of the secondary's lists must name this
 * process; none of ours may name anything but this process. */
static void concurrent_listing(void **state)
{
    WCHAR file[MAX_PATH], key[CCH_RM_SESSION_KEY + 1];
    rmc_case_file(file, L"listed-by-two.bin", 1);
    HANDLE held = CreateFileW(file, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    check(held != INVALID_HANDLE_VALUE, "cannot open %ls: error %lu", file, GetLastError());
    DWORD me = GetCurrentProcessId();
    DWORD h = rmc_session_start(key);
    LPCWSTR files[] = { file };
    check_rc("RmRegisterResources", pRmRegisterResources(h, 1, files, 0, NULL, 0, NULL), ERROR_SUCCESS);

    WCHAR actions[SECONDARY_LISTS * 16 + 1] = L"";
    for (int i = 0; i < SECONDARY_LISTS; i++) wcscat(actions, L" --call getlist");
    fixture_secondary *sec = fixture_secondary_start(key, L"%ls --then end", actions);

    unsigned ours = 0, theirs = 0;
    for (int round = 0; round < 400 && theirs < SECONDARY_LISTS; round++) {
        RM_PROCESS_INFO *apps;
        UINT n = 0;
        DWORD reasons = 0;
        check_rc("RmGetList (primary, while the secondary lists)", rmc_get_list_all(h, &apps, &n, &reasons), ERROR_SUCCESS);
        ours++;
        for (UINT i = 0; i < n; i++)
            check(apps[i].Process.dwProcessId == me,
                  "RmGetList #%u lists pid %lu, which does not use the file (only this process, pid %lu, does); "
                  "another installer listing at the same time was taken for a user", ours, apps[i].Process.dwProcessId, me);
        if (n < 1) rmc_require_detection(RMC_DETECT_LOCKED_FILE);
        check(n >= 1, "RmGetList #%u does not list this process (pid %lu), which holds the file", ours, me);
        const char *line;
        while ((line = fixture_secondary_next(sec, 0)))
            if (strstr(line, "\"call\":\"RmGetList\"")) theirs++;
    }
    fixture_secondary_wait(sec, 60000);
    CloseHandle(held);
    rmc_obs_int("lists.primary", ours);

    char want[48];
    snprintf(want, sizeof want, "\"pid\":%lu,", (unsigned long)me);
    unsigned seen = 0;
    for (size_t i = 0; i < fixture_secondary_count(sec); i++) {
        const char *line = fixture_secondary_line(sec, i);
        if (!strstr(line, "\"call\":\"RmGetList\"")) continue;
        seen++;
        char rc[32];
        fixture_json_field(line, "rc", rc, sizeof rc);
        require(!strcmp(rc, "0"), "secondary.getlist_allowed", "the secondary's RmGetList returned %s: %.200s", rc, line);
        check(strstr(line, want) != NULL,
              "the secondary's RmGetList #%u does not list this process (pid %lu), which holds the file and was listing "
              "at the same time: %.300s", seen, me, line);
    }
    rmc_obs_int("lists.secondary", seen);
    check(seen == SECONDARY_LISTS, "the secondary printed %u RmGetList lines, expected %d", seen, SECONDARY_LISTS);
    check_rc("RmEndSession", pRmEndSession(h), ERROR_SUCCESS);
}

const rmc_case rmc_cases_detect_concurrent[] = {
    RMC_CASE("detect.named_event_hides_nothing", "A process using the file is listed while a named event carrying its PID exists",
             "§8.5", "doc", .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .body = named_event_hides_nothing),
    RMC_CASE("detect.concurrent_listing", "Two installers listing at once never list each other and never miss a real user",
             "§8.5", "doc", .os = RMC_OS_WIN7UP, .exports = S_LIST, .needs = RMC_CAP_HANDLE_ENUM, .timeout_s = 180,
             .body = concurrent_listing),
};
RMC_AREA_COUNT(detect_concurrent);
