/* jsonview.h - a JSON document (a state machine) written out as pretty
 * rows for the ASL tab: two-space indents, a container whose members are
 * all scalars on one line when it fits, a colour per byte (keys, strings,
 * numbers and literals, punctuation, and the expressions of the machine:
 * "{% ... %}" JSONata and the JSONPath of "x.$" values and *Path fields),
 * the fold range of every container that spans rows, and the state each
 * row belongs to.
 *
 * A state is a member of a "States" object whose parent has "StartAt" (the
 * top level, a Parallel branch, a Map's ItemProcessor or Iterator), so the
 * rows of a Parallel state hold the rows of the states of its branches:
 * a row belongs to the innermost one.
 *
 * Ownership: a stc_jsonview owns its rows, their strings and its state
 * names; it keeps nothing of the document. Free it with stc_jsonview_free().
 */
#ifndef STC_TUI_JSONVIEW_H
#define STC_TUI_JSONVIEW_H

#include <stdbool.h>

#include <cjson/cJSON.h>

typedef struct stc_json_row {
    char *text;          /* the line, indent included */
    unsigned short *sty; /* an stc_element per byte of text */
    int depth;           /* indent level */
    int end;             /* a header's last row (its closing bracket); its own index otherwise */
    bool header;         /* opens an object or array written over several rows (it can fold) */
    char *path;          /* a header's place: "States.Call x.Retry[0]" ("" for the document) */
    int state;           /* index into states of the innermost state holding the row, -1 */
    bool state_head;     /* the row that opens that state's entry */
} stc_json_row;

typedef struct stc_jsonview {
    stc_json_row *rows;
    int n;
    char **states; /* state names, in the order of their entries */
    int nstates;
} stc_jsonview;

/* Write `doc` into rows (an empty view for NULL). */
void stc_jsonview_build(stc_jsonview *v, const cJSON *doc);
void stc_jsonview_free(stc_jsonview *v);

/* The head row of state `name`, or -1. */
int stc_jsonview_state_row(const stc_jsonview *v, const char *name);
/* The name of the state row `row` belongs to (borrowed), or NULL. */
const char *stc_jsonview_state_at(const stc_jsonview *v, int row);
/* The innermost header whose range holds `row` (the row itself when it is
 * a header), or -1. */
int stc_jsonview_owner(const stc_jsonview *v, int row);

/* Where each state lies in a JSON text as written (a --asl file): the lines
 * of every member of a "States" object, its name unescaped. Returns the
 * count; *out (owned by the caller, free with stc_jsonview_spans_free) is
 * in the order of the text, so an inner state follows the one holding it.
 * A text that is not JSON gives what was found before the fault. */
typedef struct stc_json_span {
    char *name;
    int first, last; /* 1-based lines */
} stc_json_span;
int stc_jsonview_spans(const char *text, stc_json_span **out);
void stc_jsonview_spans_free(stc_json_span *v, int n);

#endif
