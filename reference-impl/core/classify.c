/* classify.c — from the facts about one process (and the service it hosts, if any) to an
 * RM_PROCESS_INFO: ApplicationType, friendly name, TSSessionId, bRestartable, and the reboot
 * reasons it contributes (spec §4.1, §5.2, §11, §12). */
#include "core_internal.h"
#include <string.h>

/* Documented critical processes (critical-system-services page). "System" is the kernel's
 * pseudo-process (PID 4 on NT 6+). */
static const WCHAR *const critical_images[] = {
    L"smss.exe", L"csrss.exe", L"wininit.exe", L"logonui.exe", L"lsass.exe", L"services.exe",
    L"winlogon.exe", L"System",
};

/* Services that cannot be stopped without a reboot: RPCSS and the DCOM / Plug and Play host
 * services the documentation names, and the RPC endpoint mapper RPCSS depends on. */
static const WCHAR *const critical_services[] = {
    L"RpcSs", L"RpcEptMapper", L"DcomLaunch", L"PlugPlay", L"Power", L"BrokerInfrastructure",
    L"SamSs", L"LSM",
};

int rmref_is_critical_image(const WCHAR *image)
{
    const WCHAR *base = rmref_path_basename(image);
    for (size_t i = 0; i < sizeof critical_images / sizeof *critical_images; i++)
        if (!rmref_wcsicmp(base, critical_images[i])) return 1;
    return 0;
}

int rmref_is_critical_service(const WCHAR *name)
{
    for (size_t i = 0; i < sizeof critical_services / sizeof *critical_services; i++)
        if (!rmref_wcsicmp(name, critical_services[i])) return 1;
    return 0;
}

/* The friendly name: the image's FileDescription when it has one, else its file name
 * (also what the docs say for critical processes). */
static void app_name(const rmref_proc_facts *f, DWORD pid, WCHAR *out)
{
    if (f->description[0]) rmref_wcsncpy0(out, f->description, CCH_RM_MAX_APP_NAME + 1);
    else if (f->image[0]) rmref_wcsncpy0(out, rmref_path_basename(f->image), CCH_RM_MAX_APP_NAME + 1);
    else rmref_wcsncpy0(out, pid == 4 ? L"System" : L"", CCH_RM_MAX_APP_NAME + 1);
}

/* In another Terminal Services session than the caller (both known)? RM never crosses
 * sessions: such a process sets SessionMismatch whether or not the caller may open it (§11.2;
 * native lists it and sets the reason, §21.7). */
static int other_session(const rmref_proc_facts *f, DWORD self_ts)
{
    return f->ts_session != (DWORD)RM_INVALID_TS_SESSION && self_ts != (DWORD)RM_INVALID_TS_SESSION &&
           f->ts_session != self_ts;
}

void rmref_classify(const rmref_proc_facts *f, DWORD pid, const rmref_service_facts *svc,
                    const RM_UNIQUE_PROCESS *self, DWORD self_ts, rmref_entry *e)
{
    RM_PROCESS_INFO *p = &e->info;
    memset(e, 0, sizeof *e);
    p->Process.dwProcessId = pid;
    p->Process.ProcessStartTime = f->start;
    p->TSSessionId = f->ts_session;
    p->AppStatus = RmStatusRunning;
    e->live = 1;
    rmref_wcsncpy0(e->image, f->image, RMREF_PATH_CHARS);
    app_name(f, pid, p->strAppName);

    int host_critical = (f->flags & RMREF_PF_CRITICAL) || pid == 4 ||
                        (f->image[0] && rmref_is_critical_image(f->image));
    if (pid == self->dwProcessId) {
        /* the caller itself: it cannot shut itself down */
        p->ApplicationType = RmCritical;
        e->reasons = RmRebootReasonDetectedSelf;
    } else if (svc) {
        rmref_wcsncpy0(p->strServiceShortName, svc->name, CCH_RM_MAX_SVC_NAME + 1);
        rmref_wcsncpy0(p->strAppName, svc->display[0] ? svc->display : svc->name, CCH_RM_MAX_APP_NAME + 1);
        e->svc_type = svc->type;
        if (host_critical || rmref_is_critical_service(svc->name)) {
            p->ApplicationType = RmCritical;
            e->reasons = RmRebootReasonCriticalService;
        } else {
            p->ApplicationType = RmService;
            p->bRestartable = TRUE;          /* documented: always TRUE for services */
        }
    } else if (host_critical) {
        p->ApplicationType = RmCritical;
        e->reasons = RmRebootReasonCriticalProcess;
    } else if (f->flags & RMREF_PF_OPEN_DENIED) {
        p->ApplicationType = RmCritical;     /* documented: "the current user lacks permission" */
        e->reasons = RmRebootReasonPermissionDenied;
        if (other_session(f, self_ts)) e->reasons |= RmRebootReasonSessionMismatch;   /* §21.7 */
    } else {
        if (!rmref_wcsicmp(rmref_path_basename(f->image), L"explorer.exe"))
            p->ApplicationType = RmExplorer;
        else if (f->flags & RMREF_PF_MAIN_WINDOW)
            p->ApplicationType = RmMainWindow;
        else if (f->flags & RMREF_PF_OTHER_WINDOW)
            p->ApplicationType = RmOtherWindow;
        else if (f->flags & RMREF_PF_CONSOLE)
            p->ApplicationType = RmConsole;
        else
            p->ApplicationType = RmUnknownApp;
        e->console = (f->flags & RMREF_PF_CONSOLE) != 0;
        /* Restartable when registered for restart, unless it asked not to be restarted for
         * updates (RESTART_NO_PATCH, which is what an RM shutdown is). */
        if ((f->flags & RMREF_PF_RESTART_REG) && !(f->restart_flags & 4 /* RESTART_NO_PATCH */)) {
            p->bRestartable = TRUE;
            rmref_wcsncpy0(e->args, f->restart_args, RMREF_CMDLINE_CHARS);
        }
        /* Documented (§8.7, §10.7, §13.7 item 7): RmRestart never restarts an application
         * that runs elevated or that does not run as the current user (Run As), even when RM
         * shut it down. Such an application is reported not restartable, so RmRestart skips
         * it and RmShutdownOnlyRegistered refuses to stop it. "Current user" is the caller's
         * user: rmref restarts with the caller's own identity, so an application of any other
         * account (or one whose account cannot be read) is never started again by it. */
        if (f->flags & (RMREF_PF_ELEVATED | RMREF_PF_OTHER_USER)) {
            p->bRestartable = FALSE;
            e->args[0] = 0;
        }
        /* another Terminal Services session: RM never crosses sessions */
        if (other_session(f, self_ts)) {
            e->reasons |= RmRebootReasonSessionMismatch;
            p->bRestartable = FALSE;
        }
    }
    if (p->ApplicationType == RmCritical) p->bRestartable = FALSE;
}
