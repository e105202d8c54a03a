/* workflow.h - async methods -> AWS Step Functions state machines.
 *
 * Every async method of the service class compiles into one state machine in
 * the Amazon States Language, JSONata with workflow variables (the default)
 * or JSONPath with intrinsic functions, keeping the promise of
 * shared/workflow-translation.md: for every input and every sequence of
 * internal function results, the execution output equals what the Python
 * method returns, and an escaping exception fails the execution with the
 * class name as error and the message as cause. What cannot keep the promise
 * is refused with a diagnostic (codes STC200-STC249, core/workflow/codes.def)
 * at the exact line and column. docs/workflow-compiler.md documents the
 * translation, the data layout, state names and error shapes.
 *
 * Ownership: stc_workflows_compile() returns a set owned by the caller (in the
 * pipeline: by stc_service), freed with stc_workflows_free(). Each workflow
 * owns its ASL tree (cJSON) and its state table; `method` is borrowed from
 * the module, which must outlive the set. Pointers returned by the lookups
 * are borrowed from the set.
 */
#ifndef STC_WORKFLOW_H
#define STC_WORKFLOW_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/classify.h"
#include "core/diag.h"
#include "core/ir.h"

/* What a Task state calls. */
typedef enum stc_wf_call {
    STC_WF_CALL_NONE,     /* not a Task */
    STC_WF_CALL_FUNCTION, /* the Lambda of an internal function (lambda:invoke) */
    STC_WF_CALL_WORKFLOW, /* a nested execution (states:startExecution.sync:2) */
    STC_WF_CALL_RESTART,  /* continue-as-new: a fresh execution of this machine */
} stc_wf_call;

/* One state of a compiled machine (Parallel branches and Map item processors
 * included): the source map entry and, for a Task, what it calls. */
typedef struct stc_wf_state {
    char *name;        /* unique within the whole machine; borrowed from names */
    const char *type;  /* "Pass", "Task", "Choice", ... (static) */
    stc_pos pos;       /* the Python source range it comes from */
    stc_wf_call call;
    char *callee;      /* method name for FUNCTION / WORKFLOW, else NULL */
} stc_wf_state;

/* The ASL dialect a workflow is compiled to. */
typedef enum stc_query_language {
    STC_QL_JSONATA = 0, /* the default */
    STC_QL_JSONPATH,
} stc_query_language;

/* "jsonata" / "jsonpath" */
const char *stc_query_language_name(stc_query_language q);
/* The dialect named `s` ("jsonata" or "jsonpath"); false when it names none. */
bool stc_query_language_parse(const char *s, stc_query_language *out);

typedef struct stc_workflow {
    const stc_method *method; /* borrowed */
    stc_query_language language;
    cJSON *asl;               /* the state machine; NULL when it has errors */
    stc_wf_state *states;     /* in emission order */
    size_t nstates;
    /* The state names (owned): the table's names, and the "Next" and
     * "Default" strings of asl that the compiler fills in, which the tree
     * keeps by reference (cJSON_CreateStringReference; cJSON_Duplicate
     * copies them). */
    char **names;
    size_t nnames;
} stc_workflow;

typedef struct stc_workflows {
    stc_workflow *items;      /* one per async method, in definition order */
    size_t count;
} stc_workflows;

/* Compile every async method of m->service whose unit is a state machine.
 * `units` are the classification results (stc_classify). Diagnostics go to d.
 * Never NULL. */
stc_workflows *stc_workflows_compile(const stc_module *m, const stc_unit_info *units,
                                     size_t nunits, stc_diags *d);

/* The dialect of each workflow: lang(ud, method name) when set, else
 * `language` for all. */
typedef struct stc_wf_options {
    stc_query_language language;
    stc_query_language (*lang)(void *ud, const char *method);
    void *ud;
} stc_wf_options;

/* stc_workflows_compile with a dialect per workflow (NULL options: JSONata). */
stc_workflows *stc_workflows_compile_opts(const stc_module *m, const stc_unit_info *units,
                                          size_t nunits, const stc_wf_options *o, stc_diags *d);
void stc_workflows_free(stc_workflows *w);

/* The workflow of method `name`, or NULL. */
const stc_workflow *stc_workflows_find(const stc_workflows *w, const char *name);

/* The state named `name`, or NULL. */
const stc_wf_state *stc_workflow_state(const stc_workflow *wf, const char *name);

/* The states whose source range covers `line`, innermost (narrowest range)
 * first. Writes up to `max` pointers into out; returns how many there are in
 * all (may exceed max). */
size_t stc_workflow_states_at_line(const stc_workflow *wf, int line, const stc_wf_state **out,
                                   size_t max);

/* The source map as JSON (a new tree owned by the caller):
 * {"method": "_onboard", "file": "people.py",
 *  "states": [{"name", "type", "line", "col", "end_line", "end_col", "calls"?}],
 *  "lines": {"48": ["name", ...], ...}} */
cJSON *stc_workflow_source_map_json(const stc_workflow *wf, const char *file);

/* The DefinitionSubstitutions placeholder name of a called method (allocated):
 * ("_send_email", FUNCTION) -> "SendEmailFunctionArn",
 * ("_onboard", WORKFLOW) -> "OnboardStateMachineArn". The ASL holds it as
 * "${SendEmailFunctionArn}". */
char *stc_workflow_placeholder(const char *method_name, stc_wf_call kind);

/* The diagnostic code of the workflow compiler's entries: "STC203" -> true. */
bool stc_workflow_is_code(const char *code);

#endif
