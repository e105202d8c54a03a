/* usage.c - the tables of commands.def and exit_codes.def, and the help texts
 * made from them. See usage.h. */
#include "cli/usage.h"

#include <stdlib.h>
#include <string.h>

const stc_usage_command stc_usage_commands[] = {
#define STC_COMMAND(name, fn, flags, operands, summary, description) \
    {#name, flags, operands, summary, description},
#include "cli/commands.def"
};
const size_t stc_usage_ncommands = sizeof stc_usage_commands / sizeof stc_usage_commands[0];

const stc_usage_option stc_usage_options[] = {
#define STC_OPTION(command, spelling, alias, arg, values, flags, help) \
    {#command, spelling, alias, arg, values, flags, help},
#include "cli/commands.def"
};
const size_t stc_usage_noptions = sizeof stc_usage_options / sizeof stc_usage_options[0];

const stc_usage_exit stc_usage_exits[] = {
#define STC_EXIT_CODE(id, code, meaning) {#id, code, meaning},
#include "cli/exit_codes.def"
#undef STC_EXIT_CODE
};
const size_t stc_usage_nexits = sizeof stc_usage_exits / sizeof stc_usage_exits[0];

/* Lines of the help texts are wrapped at this many columns. */
#define STC_USAGE_WIDTH 79

const stc_usage_command *stc_usage_command_find(const char *name)
{
    for (size_t i = 0; name && i < stc_usage_ncommands; i++)
        if (!(stc_usage_commands[i].flags & STC_CMD_DEFAULT) && strcmp(stc_usage_commands[i].name, name) == 0)
            return &stc_usage_commands[i];
    return NULL;
}

const stc_usage_command *stc_usage_default(void)
{
    for (size_t i = 0; i < stc_usage_ncommands; i++)
        if (stc_usage_commands[i].flags & STC_CMD_DEFAULT)
            return &stc_usage_commands[i];
    return NULL;
}

const stc_usage_option *stc_usage_option_next(const stc_usage_command *c, const stc_usage_option *prev)
{
    size_t i = prev ? (size_t)(prev - stc_usage_options) + 1 : 0;
    for (; c && i < stc_usage_noptions; i++)
        if (strcmp(stc_usage_options[i].command, c->name) == 0)
            return &stc_usage_options[i];
    return NULL;
}

const stc_usage_option *stc_usage_option_find(const stc_usage_command *c, const char *arg)
{
    for (const stc_usage_option *o = stc_usage_option_next(c, NULL); o && arg; o = stc_usage_option_next(c, o))
        if (strcmp(o->spelling, arg) == 0 || (o->alias && strcmp(o->alias, arg) == 0))
            return o;
    return NULL;
}

static void stc_usage_put_options(FILE *f, const stc_usage_command *c)
{
    for (const stc_usage_option *o = stc_usage_option_next(c, NULL); o; o = stc_usage_option_next(c, o)) {
        if (o->flags & STC_OPT_OPERAND)
            continue;
        bool req = o->flags & STC_OPT_REQUIRED;
        fprintf(f, " %s%s%s%s%s", req ? "" : "[", o->spelling, o->arg ? " " : "", o->arg ? o->arg : "",
                req ? "" : "]");
    }
}

/* A string built with stdio; only allocation can fail, and that aborts. */
static FILE *stc_usage_memstream(char **s, size_t *len)
{
    FILE *f = open_memstream(s, len);
    if (!f)
        abort();
    return f;
}

char *stc_usage_synopsis(const stc_usage_command *c)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = stc_usage_memstream(&s, &len);
    fputs("stc-tui", f);
    if (c->flags & STC_CMD_DEFAULT) {
        stc_usage_put_options(f, c);
        fprintf(f, " %s", c->operands);
    } else {
        fprintf(f, " %s%s%s", c->name, c->operands[0] ? " " : "", c->operands);
        stc_usage_put_options(f, c);
    }
    fclose(f);
    return s;
}

char *stc_usage_option_label(const stc_usage_option *o)
{
    char *s = NULL;
    size_t len = 0;
    FILE *f = stc_usage_memstream(&s, &len);
    fprintf(f, "%s%s%s%s%s", o->spelling, o->alias ? ", " : "", o->alias ? o->alias : "", o->arg ? " " : "",
            o->arg ? o->arg : "");
    fclose(f);
    return s;
}

const char *stc_usage_operand_values(const char *metavariable)
{
    static const struct {
        const char *name, *values;
    } known[] = {
        {"SERVICE.py", "file:*.py"},       {"METHOD", "method"}, {"FILE.asl.json", "file:*.json"},
        {"FILE.jsonl", "file:*.jsonl"},    {"DIR", "dir"},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(known[i].name, metavariable) == 0)
            return known[i].values;
    return NULL;
}

void stc_usage_wrap(FILE *out, const char *text, int indent, int width, bool first_done)
{
    int col = 0;
    bool line_empty = true;
    if (first_done) {
        col = indent;
    } else {
        fprintf(out, "%*s", indent, "");
        col = indent;
    }
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        int n = (int)(p - w);
        if (!line_empty && col + 1 + n > width) {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
            line_empty = true;
        }
        if (!line_empty) {
            fputc(' ', out);
            col++;
        }
        fwrite(w, 1, (size_t)n, out);
        col += n;
        line_empty = false;
    }
    fputc('\n', out);
}

static void stc_usage_print_exits(FILE *out)
{
    fputs("exit status:\n", out);
    for (size_t i = 0; i < stc_usage_nexits; i++) {
        fprintf(out, "  %d  ", stc_usage_exits[i].code);
        stc_usage_wrap(out, stc_usage_exits[i].meaning, 5, STC_USAGE_WIDTH, true);
    }
}

void stc_usage_print_help(FILE *out)
{
    fputs("stc-tui - Service Template Compiler: a Python class in, AWS out.\n\nusage:\n", out);
    const stc_usage_command *d = stc_usage_default();
    if (d) {
        char *syn = stc_usage_synopsis(d);
        fprintf(out, "  %s\n      %s\n", syn, d->summary);
        free(syn);
    }
    fputs("  stc-tui COMMAND ...\n      a batch command, below (stc-tui COMMAND --help explains one)\n"
          "  stc-tui --help | --version\n\n"
          "commands:\n",
          out);
    for (size_t i = 0; i < stc_usage_ncommands; i++) {
        const stc_usage_command *c = &stc_usage_commands[i];
        if (c->flags & (STC_CMD_DEFAULT | STC_CMD_HIDDEN))
            continue;
        char *syn = stc_usage_synopsis(c);
        fprintf(out, "  %s\n      %s\n", syn, c->summary);
        free(syn);
    }
    fputs("\nM is one of dev (default), test, stage, prod. man stc-tui has every command, option,\n"
          "environment variable and file.\n\n",
          out);
    stc_usage_print_exits(out);
}

void stc_usage_print_command_help(const stc_usage_command *c, FILE *out)
{
    char *syn = stc_usage_synopsis(c);
    fprintf(out, "usage: %s\n\n", syn);
    free(syn);
    stc_usage_wrap(out, c->description, 0, STC_USAGE_WIDTH, false);
    fputs("\noptions:\n", out);
    enum { COL = 26 };
    for (const stc_usage_option *o = stc_usage_option_next(c, NULL);; o = stc_usage_option_next(c, o)) {
        char *label = o ? stc_usage_option_label(o) : NULL;
        const char *l = o ? label : "-h, --help";
        const char *help = o ? o->help : "print this help and exit";
        int n = fprintf(out, "  %s", l);
        if (n + 2 > COL)
            fprintf(out, "\n%*s", COL, "");
        else
            fprintf(out, "%*s", COL - n, "");
        stc_usage_wrap(out, help, COL, STC_USAGE_WIDTH, true);
        free(label);
        if (!o)
            break;
    }
    fputc('\n', out);
    stc_usage_print_exits(out);
}
