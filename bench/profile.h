/* profile.h — replays of rmref's RmGetList steps, timed one by one (profile.c). */
#ifndef RMBENCH_PROFILE_H
#define RMBENCH_PROFILE_H
#include <windows.h>
#include <stddef.h>

/* The replay of rmref's current RmGetList steps (and RmRegisterResources' path work) for the
 * m files registered in session_key, reps times; rmref_found is what RmGetList reported at the
 * same point, written beside the replay's own count. */
void profile_point(const WCHAR *out, size_t reps, const WCHAR *session_key, const WCHAR *const *files, size_t m,
                   size_t rmref_found, size_t lockers);
#endif
