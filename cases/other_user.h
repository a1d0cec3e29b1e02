/* other_user.h — a process started as a second local user, for the cases about another user's
 * context (§7.4 join, §8.7/§10.7 restart). The account comes from RMC_OTHER_USER=[DOMAIN\]NAME:
 * PASSWORD in the runner's environment (CI runners can create one); without it, or where the
 * platform starts the process as the runner's own user anyway (Wine), the case ends
 * `unsupported` with the reason. */
#ifndef RMC_OTHER_USER_H
#define RMC_OTHER_USER_H

#include "rmcase.h"

/* Creates the folder rmc_case_dir()\name that every user may write (Everyone, full access), for
 * what the other user's process writes; its path into out. */
void other_user_shared_folder(WCHAR out[MAX_PATH], const WCHAR *name);

/* Starts cmdline (modified in place, as CreateProcessWithLogonW may) as the other user with
 * current directory dir; returns its process handle (ended after the case: it is not in our job)
 * and its PID. Unsupported when there is no second account, the logon fails or the process
 * runs as the runner's own user. */
HANDLE other_user_start(WCHAR *cmdline, const WCHAR *dir, DWORD flags, DWORD *pid);

#endif
