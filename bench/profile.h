/* profile.h — replays of the steps of a detection beyond the floor, timed one by one (profile.c). */
#ifndef RMBENCH_PROFILE_H
#define RMBENCH_PROFILE_H
#include <windows.h>
#include <stddef.h>

void profile_point(const WCHAR *out, size_t reps, int file_type, const WCHAR *session_key,
                   const WCHAR *const *files, size_t m, const DWORD *found_pids, size_t nfound, size_t lockers);
#endif
