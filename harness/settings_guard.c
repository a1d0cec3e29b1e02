/* settings_guard.c — the global settings cases may change: the force timeouts RmShutdown waits
 * for (§10.6, §2, §15): the hung-application timeout (per user) and the service kill timeout
 * (per machine). Each lives in the registry (what the older docs name, and what Wine has) and,
 * where the platform offers it, behind SystemParametersInfo (what the current docs name).
 *
 * The runner saves them before cases that may change them and puts them back after, so a case
 * that crashes or is killed leaves the machine as it was; it also lowers them itself for the
 * RMC_LOWERED_TIMEOUTS cases, which then run side by side (runner.c). A case run on its own
 * lowers them for itself and puts them back (rmc_lowered_timeouts). */
#include "internal.h"
#include <string.h>

#ifndef SPI_GETWAITTOKILLSERVICETIMEOUT
#define SPI_GETWAITTOKILLSERVICETIMEOUT 0x007C
#endif
#ifndef SPI_SETWAITTOKILLSERVICETIMEOUT
#define SPI_SETWAITTOKILLSERVICETIMEOUT 0x007D
#endif

typedef struct setting_place {
    HKEY root;
    const WCHAR *key, *value;
    UINT spi_get, spi_set;
} setting_place;

static const setting_place places[RMC_SETTING_COUNT] = {
    [RMC_SETTING_HUNG_APP] = { HKEY_CURRENT_USER, L"Control Panel\\Desktop", L"HungAppTimeout",
                               SPI_GETHUNGAPPTIMEOUT, SPI_SETHUNGAPPTIMEOUT },
    [RMC_SETTING_SERVICE] = { HKEY_LOCAL_MACHINE, L"SYSTEM\\CurrentControlSet\\Control", L"WaitToKillServiceTimeout",
                              SPI_GETWAITTOKILLSERVICETIMEOUT, SPI_SETWAITTOKILLSERVICETIMEOUT },
};

void settings_save(rmc_saved_settings *s)
{
    memset(s, 0, sizeof(*s));
    for (int i = 0; i < RMC_SETTING_COUNT; i++) {
        const setting_place *p = &places[i];
        rmc_saved_value *v = &s->v[i];
        HKEY k;
        if (RegOpenKeyExW(p->root, p->key, 0, KEY_QUERY_VALUE, &k) == ERROR_SUCCESS) {
            v->size = sizeof(v->data);
            v->present = RegQueryValueExW(k, p->value, NULL, &v->type, v->data, &v->size) == ERROR_SUCCESS;
            RegCloseKey(k);
        }
        v->spi_present = SystemParametersInfoW(p->spi_get, 0, &v->spi, 0) != 0;
    }
}

int settings_restore(const rmc_saved_settings *s)
{
    int restored = 0;
    for (int i = 0; i < RMC_SETTING_COUNT; i++) {
        const setting_place *p = &places[i];
        const rmc_saved_value *v = &s->v[i];
        HKEY k;
        if (RegOpenKeyExW(p->root, p->key, 0, KEY_QUERY_VALUE | KEY_SET_VALUE, &k) == ERROR_SUCCESS) {
            BYTE now[sizeof(v->data)];
            DWORD type = 0, size = sizeof(now);
            int present = RegQueryValueExW(k, p->value, NULL, &type, now, &size) == ERROR_SUCCESS;
            int same = present == v->present && (!present || (type == v->type && size == v->size && !memcmp(now, v->data, size)));
            if (!same) {
                if (v->present) RegSetValueExW(k, p->value, 0, v->type, v->data, v->size);
                else RegDeleteValueW(k, p->value);
                restored |= 1 << i;
            }
            RegCloseKey(k);
        }
        UINT spi = 0;
        if (v->spi_present && SystemParametersInfoW(p->spi_get, 0, &spi, 0) && spi != v->spi) {
            SystemParametersInfoW(p->spi_set, v->spi, NULL, 0);
            restored |= 1 << i;
        }
    }
    return restored;
}

const WCHAR *settings_name(int which) { return places[which].value; }

DWORD settings_current_ms(int which)
{
    const setting_place *p = &places[which];
    WCHAR buf[32];
    DWORD type = 0, size = sizeof(buf) - sizeof(WCHAR), v = 0;
    HKEY k;
    if (RegOpenKeyExW(p->root, p->key, 0, KEY_QUERY_VALUE, &k) != ERROR_SUCCESS) return 0;
    if (RegQueryValueExW(k, p->value, NULL, &type, (BYTE *)buf, &size) == ERROR_SUCCESS) {
        if (type == REG_DWORD && size == sizeof(DWORD)) memcpy(&v, buf, sizeof(v));
        else if (type == REG_SZ || type == REG_EXPAND_SZ) {
            buf[size / sizeof(WCHAR)] = 0;
            v = wcstoul(buf, NULL, 10);
        }
    }
    RegCloseKey(k);
    return v;
}

DWORD settings_set_ms(int which, DWORD ms, int *spi_set)
{
    const setting_place *p = &places[which];
    HKEY k;
    LSTATUS st = RegCreateKeyExW(p->root, p->key, 0, NULL, 0, KEY_QUERY_VALUE | KEY_SET_VALUE, NULL, &k, NULL);
    if (st == ERROR_SUCCESS) {
        WCHAR value[16];
        _snwprintf(value, 16, L"%lu", (unsigned long)ms);
        value[15] = 0;
        st = RegSetValueExW(k, p->value, 0, REG_SZ, (const BYTE *)value, (DWORD)((wcslen(value) + 1) * sizeof(WCHAR)));
        RegCloseKey(k);
    }
    UINT old = 0;
    int spi = SystemParametersInfoW(p->spi_get, 0, &old, 0) && SystemParametersInfoW(p->spi_set, ms, NULL, 0);
    if (spi_set) *spi_set = spi;
    return (DWORD)st;
}

int settings_lower(void)
{
    int ok = 1;
    ok &= settings_set_ms(RMC_SETTING_HUNG_APP, RMC_LOW_HUNG_APP_MS, NULL) == ERROR_SUCCESS;
    ok &= settings_set_ms(RMC_SETTING_SERVICE, RMC_LOW_SERVICE_MS, NULL) == ERROR_SUCCESS;
    return ok;
}
