/* rmt_joincrash.dll: rmt_blind.dll whose RmJoinSession dereferences NULL (a secondary installer
 * dies in it while the primary goes on). */
#define RMT_JOIN_CRASHES
#include "rmt_blind.c"
