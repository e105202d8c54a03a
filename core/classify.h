/* classify.h - method names -> cloud units (naming convention, section 1).
 *
 * stc_classify() reads the service class of a module and fills one
 * stc_unit_info per method, in definition order, with a one-line explanation.
 * Problems (async __init__, near-miss names, ...) go to the diagnostics list.
 * The unit infos own their strings and borrow their method from the module.
 */
#ifndef STC_CLASSIFY_H
#define STC_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "core/ir.h"
#include "core/naming.h"

typedef enum stc_method_kind {
#define KIND(id, json, badge) STC_KIND_##id,
#include "core/method_kinds.def"
#undef KIND
} stc_method_kind;

typedef enum stc_unit_type {
    STC_UNIT_NONE,
    STC_UNIT_LAMBDA,
    STC_UNIT_STATE_MACHINE,
} stc_unit_type;

typedef struct stc_unit_info {
    stc_method *method;   /* borrowed */
    stc_method_kind kind;
    stc_unit_type unit;
    bool is_async;
    char *explain;        /* one line, "name: why -> what" */
    char *hint;           /* near-miss suggestion, or NULL */
    /* rest only */
    stc_verb_group group;
    char *verb;           /* "register" */
    char *entity;         /* "person", "order_item" */
    /* websocket only */
    char *ws_name;        /* "message" for on_message */
} stc_unit_info;

const char *stc_kind_json(stc_method_kind k);  /* "rest" */
const char *stc_kind_badge(stc_method_kind k); /* "REST" ("WF" is the workbench's for async units) */
const char *stc_unit_json(stc_unit_type u);    /* "lambda", "state_machine", "none" */

/* Classify every method of m->service. Returns an array of m->service->nmethods
 * infos (caller frees with stc_units_free), or NULL when there is no service
 * class (a diagnostic explains why). */
stc_unit_info *stc_classify(const stc_module *m, stc_diags *d);
void stc_units_free(stc_unit_info *units, size_t n);

#endif
