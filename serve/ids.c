/* ids.c - see ids.h. */
#include "serve/ids.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

static void stc_ids_random(void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t got = getrandom(p, n, 0);
        if (got <= 0) { /* no entropy source: fall back to the clocks */
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            uint64_t x = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ull ^ (uint64_t)ts.tv_sec;
            for (; n > 0; n--, p++) {
                x ^= x >> 31;
                x *= 0xBF58476D1CE4E5B9ull;
                *p = (unsigned char)(x >> 56);
            }
            return;
        }
        p += got;
        n -= (size_t)got;
    }
}

void stc_ids_uuid(char out[37])
{
    unsigned char b[16];
    stc_ids_random(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
             b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

void stc_ids_short(char out[17])
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char b[15];
    stc_ids_random(b, sizeof b);
    for (int i = 0; i < 15; i++)
        out[i] = abc[b[i] & 63];
    out[15] = '=';
    out[16] = '\0';
}

void stc_ids_md5(const void *data, size_t len, char out[33])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(data, len, md, &n, EVP_md5(), NULL) != 1)
        n = 0;
    for (unsigned int i = 0; i < n && i < 16; i++) {
        out[2 * i] = digits[md[i] >> 4];
        out[2 * i + 1] = digits[md[i] & 15];
    }
    out[n ? 32 : 0] = '\0';
}

int64_t stc_ids_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double stc_ids_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void stc_ids_tm(int64_t epoch_ms, struct tm *tm)
{
    time_t t = (time_t)(epoch_ms / 1000);
    gmtime_r(&t, tm);
}

void stc_ids_iso8601(int64_t epoch_ms, char *out, size_t n)
{
    struct tm tm;
    stc_ids_tm(epoch_ms, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void stc_ids_iso8601_ms(int64_t epoch_ms, char *out, size_t n)
{
    struct tm tm;
    stc_ids_tm(epoch_ms, &tm);
    char base[32];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, n, "%s.%03dZ", base, (int)(epoch_ms % 1000));
}

void stc_ids_clf_time(int64_t epoch_ms, char *out, size_t n)
{
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    stc_ids_tm(epoch_ms, &tm);
    snprintf(out, n, "%02d/%s/%04d:%02d:%02d:%02d +0000", tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
             tm.tm_min, tm.tm_sec);
}
