/* restart.c — RmRestart sequencing. Spec §7.7, §8.7. */
#include "rmcase.h"

static void before_shutdown(void **state)
{
    DWORD h = rmc_session_start(NULL);
    check_rc("RmRestart(before RmShutdown)", pRmRestart(h, 0, NULL), ERROR_REQUEST_OUT_OF_SEQUENCE);
}

const rmc_case rmc_cases_restart[] = {
    RMC_CASE("restart.before_shutdown_out_of_sequence", "RmRestart before RmShutdown returns ERROR_REQUEST_OUT_OF_SEQUENCE",
             "§8.7", "doc", .exports = RMX(StartSession) | RMX(EndSession) | RMX(Restart), .body = before_shutdown),
};
RMC_AREA_COUNT(restart);
