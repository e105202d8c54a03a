/* mocks.h - scripted Task results (the mocks file of shared/cli.md).
 *
 *   _send_email:            # a key: a Task state name (plain ASL) or an
 *     - return: false       #   internal function name (service mode)
 *     - return: true        # call by call; the last entry repeats
 *   _charge_card:
 *     - raise: PaymentDeclined
 *       cause: card expired
 *
 * YAML or JSON (JSON when the text starts with '{'). A key may also map to a
 * single entry instead of a list.
 *
 * Ownership: stc_mocks owns its entries; stc_mocks_get() returns borrowed
 * pointers valid until stc_mocks_free().
 */
#ifndef STC_MOCKS_H
#define STC_MOCKS_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "stepsim/sim.h"

typedef struct stc_mocks stc_mocks;

/* A mock entry: either a return value, or an error (raise) with a cause. */
typedef struct stc_mock_entry {
    const cJSON *ret;  /* the raw Task result when `raise` is NULL */
    const char *raise; /* error name, or NULL */
    const char *cause; /* may be NULL */
} stc_mock_entry;

/* Read a mocks file. Returns 0, or -1 with *err (allocated) and *io_error
 * true when the file could not be read (false: it is malformed). */
int stc_mocks_load(const char *path, stc_mocks **out, char **err, bool *io_error);

/* Parse mocks text (YAML or JSON). `name` is used in messages. */
int stc_mocks_parse(const char *text, const char *name, stc_mocks **out, char **err);

/* Build from a cJSON object (copied). */
int stc_mocks_from_json(const cJSON *obj, stc_mocks **out, char **err);

/* Empty mocks (every lookup misses). */
stc_mocks *stc_mocks_new(void);

void stc_mocks_free(stc_mocks *m);

/* Entry `call` (0-based) for `key`; the last entry repeats. False when the
 * key has no mock. */
bool stc_mocks_get(const stc_mocks *m, const char *key, unsigned call, stc_mock_entry *out);

bool stc_mocks_has(const stc_mocks *m, const char *key);

/* The default Task handler (ctx: const stc_mocks *): looks the Task state
 * name up, call by call (stc_sim_call_index). A Task with no mock aborts the
 * simulation with "no mock for Task state 'X' ...". */
int stc_mocks_task_handler(void *ctx, stc_sim *sim, const char *state_name, const char *resource,
                           const cJSON *input, cJSON **result, char **error, char **cause);

/* libyaml document -> cJSON (plain scalars typed as YAML 1.2 core: null,
 * true/false, integers, floats; quoted scalars are strings). */
cJSON *stc_yaml_to_json(const char *text, char **err);

#endif
