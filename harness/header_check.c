/* header_check.c — the header the suite is compiled with (restartmanager.h, winerror.h) must
 * say what the spec says: struct layouts (§5), constants (§2), enumerations (§4) and the error
 * codes the cases expect (§3, §16). These were once cases; they judge the build, not an
 * implementation, so they are compile-time assertions: a wrong header stops the build. */
#include "rmcase.h"
#include <stddef.h>

#define SIZE_IS(type, want) _Static_assert(sizeof(type) == (want), "sizeof(" #type ") is not " #want)
#define OFFSET_IS(type, field, want) \
    _Static_assert(offsetof(type, field) == (want), "offsetof(" #type ", " #field ") is not " #want)
#define VALUE_IS(name, want) _Static_assert((long long)(name) == (long long)(want), #name " is not " #want)

/* §5.1, §5.2 */
SIZE_IS(RM_UNIQUE_PROCESS, 12);
OFFSET_IS(RM_UNIQUE_PROCESS, dwProcessId, 0);
OFFSET_IS(RM_UNIQUE_PROCESS, ProcessStartTime, 4);
SIZE_IS(RM_PROCESS_INFO, 668);
OFFSET_IS(RM_PROCESS_INFO, Process, 0);
OFFSET_IS(RM_PROCESS_INFO, strAppName, 12);
OFFSET_IS(RM_PROCESS_INFO, strServiceShortName, 524);
OFFSET_IS(RM_PROCESS_INFO, ApplicationType, 652);
OFFSET_IS(RM_PROCESS_INFO, AppStatus, 656);
OFFSET_IS(RM_PROCESS_INFO, TSSessionId, 660);
OFFSET_IS(RM_PROCESS_INFO, bRestartable, 664);

/* §5.3: the union follows three DWORDs, aligned for a pointer. */
#define FILTER_UNION_AT (sizeof(void *) == 8 ? 16 : 12)
SIZE_IS(RM_FILTER_INFO, sizeof(void *) == 8 ? 32 : 24);
OFFSET_IS(RM_FILTER_INFO, FilterAction, 0);
OFFSET_IS(RM_FILTER_INFO, FilterTrigger, 4);
OFFSET_IS(RM_FILTER_INFO, cbNextOffset, 8);
OFFSET_IS(RM_FILTER_INFO, strFilename, FILTER_UNION_AT);
OFFSET_IS(RM_FILTER_INFO, Process, FILTER_UNION_AT);
OFFSET_IS(RM_FILTER_INFO, strServiceShortName, FILTER_UNION_AT);

/* §2 */
VALUE_IS(RM_SESSION_KEY_LEN, 16);
VALUE_IS(CCH_RM_SESSION_KEY, 32);
VALUE_IS(CCH_RM_MAX_APP_NAME, 255);
VALUE_IS(CCH_RM_MAX_SVC_NAME, 63);
VALUE_IS(RM_INVALID_TS_SESSION, -1);
VALUE_IS(RM_INVALID_PROCESS, -1);
/* §16 item 18: the macro is not parenthesised; 64 / CCH_RM_SESSION_KEY expands to 64/16*2. */
VALUE_IS(64 / CCH_RM_SESSION_KEY, 8);

/* §4 */
VALUE_IS(RmUnknownApp, 0); VALUE_IS(RmMainWindow, 1); VALUE_IS(RmOtherWindow, 2); VALUE_IS(RmService, 3);
VALUE_IS(RmExplorer, 4); VALUE_IS(RmConsole, 5); VALUE_IS(RmCritical, 1000);
VALUE_IS(RmStatusUnknown, 0); VALUE_IS(RmStatusRunning, 1); VALUE_IS(RmStatusStopped, 2);
VALUE_IS(RmStatusStoppedOther, 4); VALUE_IS(RmStatusRestarted, 8); VALUE_IS(RmStatusErrorOnStop, 0x10);
VALUE_IS(RmStatusErrorOnRestart, 0x20); VALUE_IS(RmStatusShutdownMasked, 0x40); VALUE_IS(RmStatusRestartMasked, 0x80);
VALUE_IS(RmRebootReasonNone, 0); VALUE_IS(RmRebootReasonPermissionDenied, 1); VALUE_IS(RmRebootReasonSessionMismatch, 2);
VALUE_IS(RmRebootReasonCriticalProcess, 4); VALUE_IS(RmRebootReasonCriticalService, 8);
VALUE_IS(RmRebootReasonDetectedSelf, 0x10);
VALUE_IS(RmForceShutdown, 1); VALUE_IS(RmShutdownOnlyRegistered, 0x10);
VALUE_IS(RmInvalidFilterAction, 0); VALUE_IS(RmNoRestart, 1); VALUE_IS(RmNoShutdown, 2);
VALUE_IS(RmFilterTriggerInvalid, 0); VALUE_IS(RmFilterTriggerFile, 1); VALUE_IS(RmFilterTriggerProcess, 2);
VALUE_IS(RmFilterTriggerService, 3);
_Static_assert(sizeof(RM_APP_TYPE) == 4 && sizeof(RM_FILTER_ACTION) == 4 && sizeof(RM_FILTER_TRIGGER) == 4,
               "RM enumerations are not 4 bytes wide");

/* §3, §16: from winerror.h (not the doc pages' misprints). */
VALUE_IS(ERROR_BAD_ARGUMENTS, 160); VALUE_IS(ERROR_FILE_NOT_FOUND, 2); VALUE_IS(ERROR_MORE_DATA, 234);
VALUE_IS(ERROR_FAIL_NOACTION_REBOOT, 350); VALUE_IS(ERROR_FAIL_SHUTDOWN, 351); VALUE_IS(ERROR_FAIL_RESTART, 352);
VALUE_IS(ERROR_MAX_SESSIONS_REACHED, 353); VALUE_IS(ERROR_REQUEST_OUT_OF_SEQUENCE, 776);
VALUE_IS(ERROR_SESSION_CREDENTIAL_CONFLICT, 1219); VALUE_IS(ERROR_CANCELLED, 1223); VALUE_IS(ERROR_SEM_TIMEOUT, 121);
VALUE_IS(ERROR_WRITE_FAULT, 29);
