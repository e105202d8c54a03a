/* context.h - the evaluation context of the JSONata engine (internal).
 *
 * One jn_ctx serves many evaluations one after another: jn_ctx_reset()
 * empties its arena (keeping the first blocks for reuse) and runs the
 * deferred cleanups. The evaluator (eval.c) owns the fields after `arena`;
 * value.c uses the arena only.
 */
#ifndef STC_JSONATA_CONTEXT_H
#define STC_JSONATA_CONTEXT_H

#include <setjmp.h>
#include <stdint.h>

#include "stepsim/jsonata/value.h"

typedef struct jn_block jn_block;
typedef struct jn_deferred jn_deferred;

typedef struct jn_arena {
    jn_block *head;       /* current block (a chain through ->next) */
    jn_block *spare;      /* blocks kept for reuse after a reset */
    jn_deferred *deferred;
    size_t bytes;         /* allocated in this evaluation, for limits */
} jn_arena;

struct jn_ctx {
    jn_arena arena;

    /* Error unwinding: the evaluation entry sets `jmp` and `have_jmp`. */
    jmp_buf jmp;
    int have_jmp;
    char err_code[8];
    int err_position;
    char *err_token;   /* arena */
    char *err_message; /* arena */
    jn_val *err_value; /* arena */

    /* The current call, for errors thrown by natives. */
    int cur_position;
    const char *cur_token;
    jn_val *focus;

    /* Limits and clock. */
    int64_t now_ms;
    uint64_t rng;
    int depth, max_depth;
    int64_t deadline_ms; /* 0: none (monotonic clock) */
    unsigned long ticks;

    void *eval; /* the evaluator's private state (environment, hooks) */
};

void jn_ctx_init(jn_ctx *cx);
/* Empty the arena (run deferred cleanups), keep its memory for reuse. */
void jn_ctx_reset(jn_ctx *cx);
/* Release everything. */
void jn_ctx_dispose(jn_ctx *cx);

#endif
