/* machine.h - load and validate an ASL document (JSONPath and JSONata
 * states, mixed as AWS allows) into C structs.
 *
 * A machine holds its own deep copy of the document; states point into it
 * (`def`), with transitions resolved to indices. Parallel branches and Map
 * item processors are nested machines that share the top machine's copy.
 *
 * Errors are one line naming the place: "state 'Check': Choices[1]: 'Next'
 * names no state 'Nowhere'"; nested places read "state 'Par': Branches[0]:
 * state 'X': ...".
 *
 * Query languages (AWS's rules): the top-level QueryLanguage (default
 * JSONPath) is every state's unless the state sets its own; a JSONata machine
 * cannot have JSONPath states; states inside Parallel branches and Map
 * processors inherit the top level's (ItemProcessor cannot set one). A
 * JSONata state's `{% %}` expressions are compiled here (stepsim/jexpr.h):
 * a syntax error refuses the machine naming the state and the field. Each
 * language's fields are refused in the other's states with AWS's message
 * "The QueryLanguage is set to 'JSONata', but field 'InputPath' is only
 * supported for the 'JSONPath' QueryLanguage".
 *
 * Ownership: stc_machine_load() copies `asl`; the caller frees the result
 * with stc_machine_free(), which frees the compiled expressions too.
 */
#ifndef STC_MACHINE_H
#define STC_MACHINE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "stepsim/jexpr.h"

/* X-macro: state types and their ASL names. */
#define STC_STATE_TYPES(X) \
    X(PASS, "Pass")        \
    X(TASK, "Task")        \
    X(CHOICE, "Choice")    \
    X(WAIT, "Wait")        \
    X(SUCCEED, "Succeed")  \
    X(FAIL, "Fail")        \
    X(PARALLEL, "Parallel") \
    X(MAP, "Map")

typedef enum stc_state_type {
#define X(id, name) STC_STATE_##id,
    STC_STATE_TYPES(X)
#undef X
} stc_state_type;

const char *stc_state_type_name(stc_state_type t);

typedef struct stc_machine stc_machine;

/* The fields of a state that the simulator reads at every visit, looked up
 * once when the machine is loaded (cJSON_GetObjectItemCaseSensitive: the
 * first of duplicate keys, as a lookup at run time would find). Borrowed:
 * they point into the machine's copy of the document; NULL when absent. */
typedef struct stc_state_fields {
    const cJSON *input_path, *output_path, *result_path;
    const cJSON *parameters, *result, *result_selector, *assign;
    const cJSON *choices; /* Choice: the Choices array */
} stc_state_fields;

/* A JSONata state's fields, compiled (NULL: absent). A template may be a
 * literal (a number for Seconds, an array for Items...). */
typedef struct stc_state_jsonata {
    stc_jtmpl *arguments, *output, *assign;
    stc_jtmpl *items, *item_selector, *max_concurrency, *tol_count, *tol_percentage; /* Map */
    stc_jtmpl *seconds, *timestamp;                                             /* Wait */
    stc_jtmpl *timeout, *heartbeat, *credentials;                               /* Task */
    stc_jtmpl *error, *cause;                                                   /* Fail */
    stc_jtmpl **rule_condition, **rule_output, **rule_assign; /* Choice: per Choices entry */
    stc_jtmpl **catch_output, **catch_assign;                 /* per Catch entry */
} stc_state_jsonata;

typedef struct stc_state {
    char *name;
    stc_state_type type;
    bool jsonata;           /* the state's query language is JSONata */
    stc_state_jsonata j;    /* its compiled fields (JSONata states only) */
    const cJSON *def;       /* the state's object, inside the machine's copy */
    stc_state_fields f;     /* fields of `def`, looked up at load */
    int next;               /* index of Next, or -1 (End, terminal or Choice) */
    int *choice_next;       /* Choice: Next of each Choices entry */
    const cJSON **choice_assign; /* Choice: Assign of each Choices entry (NULL: none) */
    size_t nchoices;
    int default_next;       /* Choice: Default, or -1 */
    int *catch_next;        /* Next of each Catch entry */
    size_t ncatch;
    stc_machine **branches; /* Parallel */
    size_t nbranches;
    stc_machine *processor; /* Map: ItemProcessor or Iterator */
} stc_state;

struct stc_machine {
    cJSON *doc; /* owned by the top machine only */
    bool jsonata; /* the top-level QueryLanguage is JSONata */
    bool any_jsonata; /* some state, here or nested, is a JSONata state */
    const cJSON *def;
    stc_state *states;
    size_t n;
    int start;
};

/* Validate and load. Returns NULL with *err (allocated) on an invalid machine. */
stc_machine *stc_machine_load(const cJSON *asl, char **err);

/* Parse JSON text first: invalid JSON is reported with its line and column. */
stc_machine *stc_machine_load_text(const char *text, char **err);

void stc_machine_free(stc_machine *m);

/* Index of the state named `name`, or -1. */
int stc_machine_find(const stc_machine *m, const char *name);

#endif
