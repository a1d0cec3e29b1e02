/* rmt_printf.dll: the reference implementation, with a debug printf (one line, flushed) in every
 * export — including JSON-looking text — as a developer's leftover would be. */
#include <stdio.h>
#define RMT_BEFORE(name) do { printf("rmt_printf: entering %s {\"event\":\"exit\",\"code\":0}\n", name); fflush(stdout); } while (0)
#include "rmt_forward.h"
