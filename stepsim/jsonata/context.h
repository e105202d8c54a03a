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

/* The reference's try/catch blocks that rewrite an error on its way out
 * (evaluateBinary, evaluateFunction, applyInner) and the ones that catch it
 * ($eval, the evaluation's entry), as records on a stack the evaluator pushes
 * and pops around the guarded code (no setjmp for the rewriting ones).
 * jn_throw* walks them from the innermost, applying each rewrite, up to the
 * first catching record, then formats the message and jumps there. */
typedef enum jn_catch_kind {
    JN_CATCH_SET,   /* and/or: position and token := the operator's */
    JN_CATCH_CALL,  /* evaluateFunction: position and token filled when missing */
    JN_CATCH_APPLY, /* applyInner: token from the function when missing; the
                       function's last call position, when it has one, wins */
    JN_CATCH_JUMP,  /* a catcher: longjmp to *jmp */
} jn_catch_kind;

typedef struct jn_catch {
    struct jn_catch *up;
    jn_catch_kind kind;
    int position;          /* SET, CALL */
    const char *token;     /* SET, CALL */
    const int *ppos;       /* APPLY: the function's last call position (<= 0: none) */
    const char *const *ptok; /* APPLY: the function's last call token (NULL: none) */
    jmp_buf *jmp;          /* JUMP */
} jn_catch;

typedef struct jn_arena {
    jn_block *head;       /* current block (a chain through ->next) */
    jn_block *spare;      /* blocks kept for reuse after a reset */
    size_t spare_bytes;   /* their size */
    size_t nblocks;       /* blocks this context has taken, ever */
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
    jn_catch *catches; /* innermost first; NULL: jump to `jmp` */

    /* The current call, for errors thrown by natives. */
    int cur_position;
    const char *cur_token;
    jn_val *focus;
    void *host_data; /* the native being called: jn_ctx_host_data() */

    /* Limits and clock. */
    int64_t now_ms;
    uint64_t rng;
    int depth, max_depth;
    int64_t deadline_ms; /* 0: none (monotonic clock) */
    unsigned long ticks;

    void *eval; /* the evaluator's private state (environment, hooks) */
};

void jn_ctx_init(jn_ctx *cx);
/* The lowest stack address the current thread's recursion may reach (its
 * stack's end plus a margin for what runs below a check); computed once per
 * thread. The parser and the evaluator compare __builtin_frame_address(0)
 * with it and stop with an error instead of overflowing. */
uintptr_t jn_stack_floor(void);
/* Empty the arena (run deferred cleanups), keep its memory for reuse. */
void jn_ctx_reset(jn_ctx *cx);
/* Release everything. */
void jn_ctx_dispose(jn_ctx *cx);

#endif
