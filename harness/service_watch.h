/* service_watch.h — services a case left installed (service_watch.c). */
#ifndef RMC_SERVICE_WATCH_H
#define RMC_SERVICE_WATCH_H
#include "internal.h"

typedef struct service_set { WCHAR **names; int n; int valid; } service_set;

/* Every service installed now (valid = 0 when the SCM could not be listed). */
void services_snapshot(service_set *set);
/* Whether a service is one of the suite's own fixtures, of any run sharing the machine: named
 * prefix…, and running rmfx-svc.exe, or a file under scratch_root (the runs' scratch folders),
 * or of a configuration that can no longer be read (binary "": being deleted). */
int service_is_suite_fixture(const WCHAR *name, const WCHAR *binary, const WCHAR *prefix, const WCHAR *scratch_root);
/* Services installed now that known_set lacks, other than the suite's own fixture services:
 * appends "name (binary X) fate; ..." to message and a JSON array to obs_json, adds them to
 * known_set, removes those outside the system folders when remove is set; returns how many. */
int services_report_new(service_set *known_set, const WCHAR *skip_prefix, const WCHAR *scratch_root, int remove,
                        rmc_buf *message, rmc_buf *obs_json);
void services_free(service_set *set);

#endif
