/* settings_guard.c — user-global settings that cases may change (the hung-application timeout
 * that RmForceShutdown waits for, §10.6), saved before a case that runs alone and put back after
 * it, so a case that crashes or is killed before its own clean-up leaves the machine as it was. */
#include "internal.h"
#include <string.h>

static const WCHAR desktop_key[] = L"Control Panel\\Desktop";

void settings_save(rmc_saved_settings *s)
{
    memset(s, 0, sizeof(*s));
    HKEY k;
    if (RegOpenKeyExW(HKEY_CURRENT_USER, desktop_key, 0, KEY_QUERY_VALUE, &k) == ERROR_SUCCESS) {
        s->hung_size = sizeof(s->hung);
        s->hung_present = RegQueryValueExW(k, L"HungAppTimeout", NULL, &s->hung_type, s->hung, &s->hung_size) == ERROR_SUCCESS;
        RegCloseKey(k);
    }
    s->spi_present = SystemParametersInfoW(SPI_GETHUNGAPPTIMEOUT, 0, &s->spi_hung, 0) != 0;
}

void settings_restore(const rmc_saved_settings *s)
{
    HKEY k;
    if (RegOpenKeyExW(HKEY_CURRENT_USER, desktop_key, 0, KEY_QUERY_VALUE | KEY_SET_VALUE, &k) == ERROR_SUCCESS) {
        BYTE now[sizeof(s->hung)];
        DWORD type = 0, size = sizeof(now);
        int present = RegQueryValueExW(k, L"HungAppTimeout", NULL, &type, now, &size) == ERROR_SUCCESS;
        int same = present == s->hung_present &&
                   (!present || (type == s->hung_type && size == s->hung_size && !memcmp(now, s->hung, size)));
        if (!same) {
            if (s->hung_present) RegSetValueExW(k, L"HungAppTimeout", 0, s->hung_type, s->hung, s->hung_size);
            else RegDeleteValueW(k, L"HungAppTimeout");
            fputs("rmconform: restored HungAppTimeout, which a case left changed\n", stderr);
        }
        RegCloseKey(k);
    }
    UINT spi = 0;
    if (s->spi_present && SystemParametersInfoW(SPI_GETHUNGAPPTIMEOUT, 0, &spi, 0) && spi != s->spi_hung)
        SystemParametersInfoW(SPI_SETHUNGAPPTIMEOUT, s->spi_hung, NULL, 0);
}
