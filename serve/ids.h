/* ids.h - identifiers of the local service, in the shapes AWS gives them:
 * UUIDs (execution names, SQS message ids, EventBridge event ids), API
 * Gateway request ids and WebSocket connection ids, MD5 digests, and the
 * timestamp formats of the events. Random bits come from getrandom(2).
 *
 * Every function writes into the caller's buffer.
 */
#ifndef STC_SERVE_IDS_H
#define STC_SERVE_IDS_H

#include <stddef.h>
#include <stdint.h>

/* A random UUID (version 4), lower case: 36 characters + NUL. */
void stc_ids_uuid(char out[37]);

/* 16 characters ending in '=', like API Gateway's request ids
 * ("JKJaXmPLvHcESHA=") and connection ids ("L0SM9cOFvHcCIhw="), from the
 * URL-safe base64 alphabet (a connection id goes into /@connections/ID).
 * + NUL. */
void stc_ids_short(char out[17]);

/* The MD5 of len bytes in lower-case hex (an S3 ETag, an SQS md5OfBody):
 * 32 characters + NUL. */
void stc_ids_md5(const void *data, size_t len, char out[33]);

/* Wall clock, epoch milliseconds; monotonic clock, milliseconds. */
int64_t stc_ids_now_ms(void);
double stc_ids_mono_ms(void);

/* "2024-05-01T03:00:00Z" (EventBridge, S3 events; seconds) into out (>= 21 bytes). */
void stc_ids_iso8601(int64_t epoch_ms, char *out, size_t n);
/* "2024-05-01T03:00:00.123Z" (millisecond precision; S3 notifications). */
void stc_ids_iso8601_ms(int64_t epoch_ms, char *out, size_t n);
/* "12/Mar/2020:19:03:58 +0000" (API Gateway's requestContext.time). */
void stc_ids_clf_time(int64_t epoch_ms, char *out, size_t n);

#endif
