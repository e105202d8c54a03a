/* context.c - what a native function reads from its evaluation context:
 * the focus, the evaluation's clock, its random generator, the host data;
 * and the stack floor recursion checks against. */
#define _GNU_SOURCE /* pthread_getattr_np */
#include "stepsim/jsonata/context.h"

#include <pthread.h>

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

/* A quarter of the stack, at least 256 KiB, stays free below the floor:
 * room for what runs between two checks (PCRE2, printing, the C library)
 * and for the sanitizers' larger frames. */
uintptr_t jn_stack_floor(void)
{
    static _Thread_local uintptr_t floor_addr;
    if (floor_addr)
        return floor_addr;
    pthread_attr_t attr;
    void *addr = NULL;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        pthread_attr_getstack(&attr, &addr, &size);
        pthread_attr_destroy(&attr);
    }
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    if (!addr || !size || here < (uintptr_t)addr || here > (uintptr_t)addr + size) {
        /* unknown: assume 1 MiB below the current frame is ours */
        floor_addr = here > (1u << 20) ? here - (768u << 10) : 1;
        return floor_addr;
    }
    size_t margin = size / 4;
    if (margin < (256u << 10))
        margin = 256u << 10;
    floor_addr = (uintptr_t)addr + margin;
    if (floor_addr >= here) /* a tiny stack: leave half of what is left */
        floor_addr = (uintptr_t)addr + (here - (uintptr_t)addr) / 2;
    return floor_addr;
}
