/* yaml_out.c - see yaml_out.h. */
#include "core/yaml_out.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

typedef struct stc_yw {
    yaml_emitter_t em;
    unsigned flags;
    int failed;
} stc_yw;

static int stc_yw_output(void *data, unsigned char *buffer, size_t size)
{
    stc_buf_add((stc_buf *)data, (const char *)buffer, size);
    return 1;
}

static void stc_yw_emit(stc_yw *w, yaml_event_t *ev)
{
    if (w->failed) {
        yaml_event_delete(ev);
        return;
    }
    /* yaml_emitter_emit consumes the event, also on failure. */
    if (!yaml_emitter_emit(&w->em, ev))
        w->failed = 1;
}

static bool stc_ieq(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

static bool stc_looks_numeric(const char *s)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (stc_ieq(p, ".inf") || stc_ieq(p, ".nan"))
        return true;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'o' || p[1] == 'b'))
        return p[2] != '\0';
    bool digits = false, dot = false;
    for (; *p; p++) {
        if (isdigit((unsigned char)*p) || *p == '_') {
            digits = digits || isdigit((unsigned char)*p);
        } else if (*p == '.' && !dot) {
            dot = true;
        } else if ((*p == 'e' || *p == 'E') && digits) {
            p++;
            if (*p == '+' || *p == '-')
                p++;
            if (!*p)
                return false;
            for (; *p; p++)
                if (!isdigit((unsigned char)*p))
                    return false;
            return true;
        } else if (*p == ':' && digits) {
            continue; /* YAML 1.1 sexagesimal, 1:30 */
        } else {
            return false;
        }
    }
    return digits || (dot && s[0] == '.' && s[1] == '\0');
}

static bool stc_looks_timestamp(const char *s)
{
    /* YYYY-MM-DD, optionally followed by a time. */
    for (int i = 0; i < 10; i++) {
        char c = s[i];
        if (i == 4 || i == 7) {
            if (c != '-')
                return false;
        } else if (!isdigit((unsigned char)c)) {
            return false;
        }
    }
    return true;
}

bool stc_yaml_out_needs_quotes(const char *s)
{
    static const char *const words[] = {"null", "~", "true", "false", "yes", "no", "on", "off", "y", "n"};
    if (!*s)
        return true;
    /* The words are at most 5 bytes long; numbers and timestamps start with
     * a digit, a sign or a dot (".inf", ".5"). */
    if (strnlen(s, 6) <= 5)
        for (size_t i = 0; i < STC_ARRAY_LEN(words); i++)
            if (stc_ieq(s, words[i]))
                return true;
    bool numeric_start = isdigit((unsigned char)s[0]) || s[0] == '+' || s[0] == '-' || s[0] == '.' ||
                         s[0] == '_';
    return (numeric_start && (stc_looks_numeric(s) || stc_looks_timestamp(s))) || s[0] == '=' || s[0] == '<';
}

static void stc_yw_scalar(stc_yw *w, const char *tag, const char *text, bool is_string)
{
    yaml_event_t ev;
    yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;
    int plain_implicit = 1, quoted_implicit = 1;
    if (is_string) {
        if (strchr(text, '\n'))
            style = YAML_LITERAL_SCALAR_STYLE;
        else if (stc_yaml_out_needs_quotes(text))
            style = YAML_SINGLE_QUOTED_SCALAR_STYLE;
        /* A quoted scalar is a string whatever its text; plain ones of this
         * text resolve to strings too. */
    } else {
        quoted_implicit = 0;
    }
    if (tag)
        plain_implicit = quoted_implicit = 0;
    yaml_scalar_event_initialize(&ev, NULL, (yaml_char_t *)tag, (yaml_char_t *)text, (int)strlen(text),
                                 plain_implicit, quoted_implicit, style);
    stc_yw_emit(w, &ev);
}

static void stc_yw_node(stc_yw *w, const cJSON *n, const char *tag);

/* The short-form tag of a one-key intrinsic object ("!Ref", "!Sub"), or NULL. */
static const char *stc_cfn_tag(const cJSON *n, char *buf, size_t bufsz)
{
    if (!cJSON_IsObject(n) || !n->child || n->child->next)
        return NULL;
    const char *k = n->child->string;
    if (strcmp(k, "Ref") == 0) {
        snprintf(buf, bufsz, "!Ref");
        return buf;
    }
    if (strncmp(k, "Fn::", 4) == 0 && k[4] && strcmp(k, "Fn::Transform") != 0) {
        snprintf(buf, bufsz, "!%s", k + 4);
        return buf;
    }
    return NULL;
}

static void stc_yw_node(stc_yw *w, const cJSON *n, const char *tag)
{
    char numbuf[64];
    yaml_event_t ev;
    if (w->flags & STC_YAML_CFN_TAGS) {
        char tbuf[64];
        const char *t = stc_cfn_tag(n, tbuf, sizeof tbuf);
        if (t) {
            const cJSON *v = n->child;
            /* !GetAtt Resource.Attribute, when both parts are plain strings. */
            if (strcmp(t, "!GetAtt") == 0 && cJSON_GetArraySize(v) == 2 &&
                cJSON_IsString(cJSON_GetArrayItem(v, 0)) && cJSON_IsString(cJSON_GetArrayItem(v, 1))) {
                char *s = stc_xasprintf("%s.%s", cJSON_GetArrayItem(v, 0)->valuestring,
                                        cJSON_GetArrayItem(v, 1)->valuestring);
                stc_yw_scalar(w, t, s, true);
                free(s);
                return;
            }
            stc_yw_node(w, v, t);
            return;
        }
    }
    if (cJSON_IsObject(n)) {
        yaml_mapping_start_event_initialize(&ev, NULL, (yaml_char_t *)tag, tag == NULL,
                                            YAML_BLOCK_MAPPING_STYLE);
        stc_yw_emit(w, &ev);
        for (const cJSON *c = n->child; c; c = c->next) {
            stc_yw_scalar(w, NULL, c->string, true);
            stc_yw_node(w, c, NULL);
        }
        yaml_mapping_end_event_initialize(&ev);
        stc_yw_emit(w, &ev);
    } else if (cJSON_IsArray(n)) {
        yaml_sequence_start_event_initialize(&ev, NULL, (yaml_char_t *)tag, tag == NULL,
                                             n->child ? YAML_BLOCK_SEQUENCE_STYLE : YAML_FLOW_SEQUENCE_STYLE);
        stc_yw_emit(w, &ev);
        for (const cJSON *c = n->child; c; c = c->next)
            stc_yw_node(w, c, NULL);
        yaml_sequence_end_event_initialize(&ev);
        stc_yw_emit(w, &ev);
    } else if (cJSON_IsString(n)) {
        stc_yw_scalar(w, tag, n->valuestring, true);
    } else if (cJSON_IsNumber(n)) {
        double v = n->valuedouble;
        if (isfinite(v) && v == floor(v) && fabs(v) < 1e15)
            snprintf(numbuf, sizeof numbuf, "%.0f", v);
        else
            snprintf(numbuf, sizeof numbuf, "%.17g", v);
        stc_yw_scalar(w, tag, numbuf, false);
    } else if (cJSON_IsBool(n)) {
        stc_yw_scalar(w, tag, cJSON_IsTrue(n) ? "true" : "false", false);
    } else {
        stc_yw_scalar(w, tag, "null", false);
    }
}

int stc_yaml_out_write(const cJSON *root, unsigned flags, stc_buf *out, char **err)
{
    size_t start = out->len;
    stc_yw w = {.flags = flags};
    yaml_event_t ev;
    if (!yaml_emitter_initialize(&w.em)) {
        *err = stc_xstrdup("cannot initialize the YAML emitter");
        return -1;
    }
    yaml_emitter_set_output(&w.em, stc_yw_output, out);
    yaml_emitter_set_unicode(&w.em, 1);
    yaml_emitter_set_indent(&w.em, 2);
    yaml_emitter_set_width(&w.em, -1);
    yaml_emitter_set_break(&w.em, YAML_LN_BREAK);
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    stc_yw_emit(&w, &ev);
    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
    stc_yw_emit(&w, &ev);
    stc_yw_node(&w, root, NULL);
    yaml_document_end_event_initialize(&ev, 1);
    stc_yw_emit(&w, &ev);
    yaml_stream_end_event_initialize(&ev);
    stc_yw_emit(&w, &ev);
    if (!w.failed && !yaml_emitter_flush(&w.em))
        w.failed = 1;
    int rc = 0;
    if (w.failed) {
        *err = stc_xasprintf("YAML emitter: %s", w.em.problem ? w.em.problem : "unknown error");
        rc = -1;
        out->len = start; /* nothing appended on failure */
        if (out->data)
            out->data[start] = '\0';
    }
    yaml_emitter_delete(&w.em);
    return rc;
}
