/* context.c - what a native function reads from its evaluation context:
 * the focus, the evaluation's clock, its random generator, the host data. */
#include "stepsim/jsonata/context.h"

jn_val *jn_ctx_focus(jn_ctx *cx) { return cx->focus; }

int64_t jn_ctx_now_ms(jn_ctx *cx) { return cx->now_ms; }

/* splitmix64: any state, zero included, gives a full-period sequence. */
double jn_ctx_random(jn_ctx *cx)
{
    uint64_t z = (cx->rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * (1.0 / 9007199254740992.0);
}

void *jn_ctx_host_data(jn_ctx *cx) { return cx->host_data; }
