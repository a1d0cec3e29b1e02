/* preflight.h — the fixture preflight (preflight.c): before a run, a quick start/ready/stop of
 * each fixture program; a fixture that fails makes the cases that need it `unsupported`. */
#ifndef RMC_PREFLIGHT_H
#define RMC_PREFLIGHT_H

#include "internal.h"

/* The environment variable through which the runner tells its case processes which fixtures
 * failed: lines "<image>=<reason>". Unset or empty: every fixture passed (or none was checked). */
#define RMC_PREFLIGHT_ENV L"RMC_FIXTURE_PREFLIGHT"
/* Test-only: "<image>=<path>" makes the preflight check that path instead of the fixture image
 * beside rmconform.exe (tests/runner/test_runner.py points it at a broken or missing binary). */
#define RMC_PREFLIGHT_OVERRIDE_ENV L"RMC_PREFLIGHT_IMAGE_OVERRIDE"

/* Runner side. Checks every fixture (services only when caps has RMC_CAP_SERVICES), sets
 * RMC_PREFLIGHT_ENV in this process's environment for the case processes it will start, prints
 * a line per failed fixture on stderr (every fixture when verbose), and returns the outcome as a
 * JSON object (malloc'd) for results.json's platform section. *nfailed receives the failures. */
char *preflight_run(unsigned caps, const WCHAR *run_id, int verbose, int *nfailed);
/* Returns platform_json (a JSON object, malloc'd or NULL) with "fixtures": preflight_json added;
 * frees both. */
char *preflight_add_to_platform(char *platform_json, char *preflight_json);

/* Case side: NULL when `image` ("rmfx-app.exe") passed the runner's preflight, else the reason. */
const char *preflight_failure(const WCHAR *image);

#endif
