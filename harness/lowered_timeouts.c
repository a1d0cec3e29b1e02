/* lowered_timeouts.c — the case side of RMC_LOWERED_TIMEOUTS (rmcase.h): the force timeouts
 * RmShutdown waits out (hung applications, services that do not stop; §10.6) lowered from
 * their 30 s and 20 s defaults, so the cases that must wait them out take a second, not half
 * a minute. The runner lowers them once for all such cases, which then run side by side
 * (runner.c); a case started on its own lowers them itself and puts them back after. */
#include "internal.h"

static rmc_saved_settings saved;

static void restore_saved(void *unused)
{
    (void)unused;
    settings_restore(&saved);
}

void rmc_lowered_timeouts(void)
{
    static const DWORD want[RMC_SETTING_COUNT] = { [RMC_SETTING_HUNG_APP] = RMC_LOW_HUNG_APP_MS,
                                                   [RMC_SETTING_SERVICE] = RMC_LOW_SERVICE_MS };
    static const char *const obs[RMC_SETTING_COUNT] = { [RMC_SETTING_HUNG_APP] = "hung_app_timeout_ms",
                                                        [RMC_SETTING_SERVICE] = "service_timeout_ms" };
    int saved_once = 0;
    for (int i = 0; i < RMC_SETTING_COUNT; i++) {
        if (settings_current_ms(i) != want[i]) {
            if (!saved_once++) {
                settings_save(&saved);
                rmc_defer(restore_saved, NULL);
            }
            int spi = 0;
            DWORD st = settings_set_ms(i, want[i], &spi);
            if (st != ERROR_SUCCESS)
                rmc_fail("setting %ls to %lu ms failed: %s", settings_name(i), (unsigned long)want[i], rmc_rc_str(st));
        }
        rmc_obs_int(obs[i], want[i]);
    }
    rmc_obs_bool("timeouts.lowered_by_case", saved_once > 0);
}
