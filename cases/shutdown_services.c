/* shutdown_services.c — a service that refuses to stop: a plain RmShutdown fails with
 * ERROR_FAIL_SHUTDOWN and marks it RmStatusErrorOnStop; a forced one ends its process.
 * Spec §3 (351: "AppStatus is updated"), §4.2, §8.6, §10.3, §10.6. The fixture is rmfx-svc
 * --stop refuse: it does not accept SERVICE_CONTROL_STOP. Both wait out the service kill
 * timeout (20 s by default), so they run with it lowered to RMC_LOW_SERVICE_MS
 * (RMC_LOWERED_TIMEOUTS; §10.6: the timeout is configurable, §2/§15: where it lives). */
#include "rmcase.h"
#include "fixture.h"
#include <stdio.h>

#define GONE_MS 5000u

static void register_service(DWORD h, const WCHAR *name)
{
    LPCWSTR svcs[] = { name };
    check_rc("RmRegisterResources(service)", pRmRegisterResources(h, 0, NULL, 0, NULL, 1, svcs), ERROR_SUCCESS);
}

static void refuses_stop_fails(void **state)
{
    rmc_lowered_timeouts();
    fixture_service *svc = fixture_service_install(L"refuse", L"--stop refuse");
    fixture_service_start(svc);
    DWORD pid = fixture_service_pid(svc);
    DWORD h = rmc_session_start(NULL);
    register_service(h, fixture_service_name(svc));
    rmc_list(h, "before");
    require(rmc_listed_service(fixture_service_name(svc)) != NULL, "detect.service_type_and_name",
            "RmGetList does not list the registered running service");
    DWORD rc = pRmShutdown(h, 0, NULL);
    rmc_obs_rc("RmShutdown", rc);
    DWORD state_after = fixture_service_state(svc);
    rmc_obs_int("service_state_after", state_after);
    check(state_after == SERVICE_RUNNING && fixture_service_pid(svc) == pid,
          "the service that refuses to stop is in state %lu (pid %lu, was %lu) after a plain RmShutdown", state_after,
          fixture_service_pid(svc), pid);
    check_rc("RmShutdown(service refuses to stop, no force)", rc, ERROR_FAIL_SHUTDOWN);
    rmc_list(h, "after");
    const RM_PROCESS_INFO *e = rmc_listed_service(fixture_service_name(svc));
    check(e != NULL, "after the failed RmShutdown, RmGetList no longer lists the running service");
    rmc_obs_hex("after.AppStatus", e->AppStatus);
    check(e->AppStatus & RmStatusErrorOnStop,
          "after RmShutdown returned 351, the service it could not stop has AppStatus 0x%lx, RmStatusErrorOnStop (0x10) not set",
          e->AppStatus);
    check(!(e->AppStatus & RmStatusStopped), "AppStatus 0x%lx claims RmStatusStopped for a service that still runs", e->AppStatus);
}

static void refuses_stop_forced(void **state)
{
    rmc_lowered_timeouts();
    fixture_service *svc = fixture_service_install(L"refuse", L"--stop refuse");
    fixture_service_start(svc);
    DWORD pid = fixture_service_pid(svc);
    HANDLE process = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    check(process != NULL, "OpenProcess(service pid %lu) failed: %s", pid, rmc_rc_str(GetLastError()));
    DWORD h = rmc_session_with_service(fixture_service_name(svc));
    ULONGLONG t0 = GetTickCount64();
    DWORD rc = pRmShutdown(h, RmForceShutdown, NULL);
    rmc_obs_int("RmShutdown.ms", (long long)(GetTickCount64() - t0));
    rmc_obs_rc("RmShutdown", rc);
    /* Wine's SCM is slow to report a killed service as stopped (docs/wine-notes.md): the
     * process is what must be gone. */
    DWORD w = WaitForSingleObject(process, GONE_MS);
    CloseHandle(process);
    check(w == WAIT_OBJECT_0, "the service process (pid %lu) still runs after RmShutdown(RmForceShutdown) returned %s",
          pid, rmc_rc_str(rc));
    check_rc("RmShutdown(RmForceShutdown, service refuses to stop)", rc, ERROR_SUCCESS);
}

#define SL (RMX(StartSession) | RMX(EndSession) | RMX(RegisterResources) | RMX(GetList) | RMX(Shutdown))

const rmc_case rmc_cases_shutdown_services[] = {
    RMC_CASE("shutdown.service_refuses_stop_fails", "A service that refuses to stop: plain RmShutdown returns 351 and marks it RmStatusErrorOnStop",
             "§10.6", "doc", .exports = SL, .needs = RMC_CAP_SERVICES, .flags = RMC_LOWERED_TIMEOUTS,
             .timeout_s = 120, .body = refuses_stop_fails),
    RMC_CASE("shutdown.service_refuses_stop_forced", "A service that refuses to stop is terminated by RmShutdown(RmForceShutdown)",
             "§10.6", "doc", .exports = SL, .needs = RMC_CAP_SERVICES, .flags = RMC_LOWERED_TIMEOUTS,
             .timeout_s = 120, .body = refuses_stop_forced),
};
RMC_AREA_COUNT(shutdown_services);
