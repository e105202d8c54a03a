/* trig.h - the triggers of SERVICE.stc.yaml (docs/triggers.md), fired
 * locally by `stc-tui serve` in the served mode:
 *
 *   schedule         on the real clock (serve/sched.h), in UTC; and on
 *                    request: POST /_stc/schedules/NAME fires one now, POST
 *                    /_stc/schedules fires every one now (NAME is the rule's
 *                    logical name in the template, <Unit>Trigger<n>);
 *   object_created / object_removed
 *                    when the service puts or deletes an object in its own
 *                    bucket (the prefix and suffix filters apply);
 *   queue            when the service sends a message to its own queue:
 *                    batches of up to batch_size, as the SQS event source
 *                    mapping delivers them; the messages a batch reports in
 *                    batchItemFailures (or all of them when the call fails)
 *                    come back after the visibility timeout, with their
 *                    receive counts raised; the others are deleted;
 *   topic            when the service sends on a channel bound to the
 *                    topic (Channel.send), and on request: POST
 *                    /_stc/publish (a topic outside the service).
 *
 * What the target gets is what it gets on AWS (the template's rule
 * targets): a function the event itself (EventBridge's Scheduled Event or
 * S3 event, the SQS or SNS batch), converted by its generated handler --
 * except a schedule with `input` or a `time` parameter, which sends the
 * input object with "time" added (a direct invocation); a workflow the
 * execution input: the schedule's input, or the event's fields its
 * parameters name.
 *
 * The engine only decides what to deliver when; the worker runs the
 * deliveries (serve/worker.c), one at a time between requests.
 *
 * Ownership: stc_trig owns its entries and pending deliveries and borrows
 * the generation given to stc_trig_load until the next load. Worker thread
 * only.
 */
#ifndef STC_SERVE_TRIG_H
#define STC_SERVE_TRIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/triggers.h"
#include "serve/gen.h"
#include "serve/store.h"

typedef struct stc_delivery {
    stc_trigger_kind kind;
    char *target;          /* the method */
    bool workflow;         /* start an execution with `payload` as input */
    cJSON *payload;        /* the event (function) or the input (workflow) */
    char *what;            /* for the log: "object_created photos/a.jpg" */
    char *queue;           /* queue batches: the queue ... */
    int64_t *seqs;         /* ... and its messages (store handles) */
    char **ids;            /* ... by message id */
    size_t nmsgs;
    struct stc_delivery *next;
} stc_delivery;

void stc_delivery_free(stc_delivery *d);

typedef struct stc_trig stc_trig;

/* `fast`: a failed queue message comes back after 1 s instead of its
 * visibility timeout. */
stc_trig *stc_trig_new(bool fast);
void stc_trig_free(stc_trig *t);

/* Take the triggers of generation g enabled in its mode. A schedule that
 * was there before (same expression and target) keeps its clock. Queues
 * are polled at once (with --state they may hold messages). */
void stc_trig_load(stc_trig *t, stc_gen *g, int64_t now_ms);

/* A bucket write or delete by the service. */
void stc_trig_object(stc_trig *t, const char *bucket, const char *key, bool created, int64_t size, const char *etag,
                     int64_t now_ms);
/* A message sent to a queue by the service. */
void stc_trig_message(stc_trig *t, const char *queue);

/* The next delivery due now (the caller owns it), or NULL. */
stc_delivery *stc_trig_take(stc_trig *t, stc_store *store, int64_t now_ms);
/* When the next delivery will be due (epoch ms), or -1 for nothing planned;
 * 0 when one is due now. */
int64_t stc_trig_due(stc_trig *t, stc_store *store, int64_t now_ms);

/* A queue batch was delivered: `result` is the function's answer (NULL
 * when the call failed: every message comes back). Deletes the messages
 * that succeeded; returns how many failed. */
size_t stc_trig_settle(stc_trig *t, stc_store *store, const stc_delivery *d, const cJSON *result, int64_t now_ms);

/* POST /_stc/schedules[/NAME]: queue the schedule `name` (NULL: every
 * one) to fire now. Returns how many were queued (0: no such schedule). */
size_t stc_trig_fire(stc_trig *t, const char *name, int64_t now_ms);

/* POST /_stc/publish {"topic", "message", "subject"}: an SNS delivery to
 * each function subscribed to the topic. Returns how many, or -1 with
 * *err when the request is malformed. */
int stc_trig_publish(stc_trig *t, const cJSON *req, int64_t now_ms, char **err);
/* A message published to `topic` (subject may be NULL): the same deliveries;
 * `id` gets the message's id. Returns how many. */
int stc_trig_publish_text(stc_trig *t, const char *topic, const char *text, const char *subject, int64_t now_ms,
                          char id[37]);

/* GET /_stc/schedules: {"schedules": [{"name", "expression", "target",
 * "next"}]}. */
cJSON *stc_trig_schedules_json(const stc_trig *t);

#endif
