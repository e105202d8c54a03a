/* gendoc.c - the build-time generator of the man page stc-tui(1) and of the
 * bash and zsh completions, from the tables of cli/usage.h (commands.def,
 * exit_codes.def) and cli/manual.def. The binary's --help prints from the
 * same tables through the same functions, so none of them can drift.
 *
 *   stc-gendoc man OUT VERSION DATE DATADIR DOCDIR
 *       DATADIR, DOCDIR: the install's data and documentation folders as
 *       CMake names them (relative to the prefix, or absolute).
 *   stc-gendoc bash OUT TEMPLATE
 *   stc-gendoc zsh OUT TEMPLATE
 *       TEMPLATE: the completion script with one line "@STC_COMPLETION_DATA@",
 *       which is replaced by the generated tables (dist/stc-tui.bash.in,
 *       dist/_stc-tui.zsh.in).
 *   stc-gendoc check OUT SRCDIR
 *       commands.def and the commands' code agree (see check_sources());
 *       OUT is a stamp. The build of stc-tui depends on it, so a command
 *       that parses an option commands.def does not list, or the reverse,
 *       fails the build with the file, line and fix named.
 *
 * The file is written to OUT.tmp and renamed, so a failed run leaves no half
 * file for make to take as up to date. Exit status 0, or 1 with a message.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/usage.h"

typedef struct man_entry {
    const char *a, *b;
} man_entry;

static const char *const man_description[] = {
#define STC_MAN_DESCRIPTION(paragraph) paragraph,
#include "cli/manual.def"
};
static const man_entry man_env[] = {
#define STC_MAN_ENV(name, meaning) {name, meaning},
#include "cli/manual.def"
};
static const man_entry man_files[] = {
#define STC_MAN_FILE(path, meaning) {path, meaning},
#include "cli/manual.def"
};
static const man_entry man_examples[] = {
#define STC_MAN_EXAMPLE(command, meaning) {command, meaning},
#include "cli/manual.def"
};
static const char *const man_see_also[] = {
#define STC_MAN_SEE_ALSO(page) page,
#include "cli/manual.def"
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool visible(const stc_usage_command *c) { return !(c->flags & STC_CMD_HIDDEN); }

/* ---- roff ----------------------------------------------------------------- */

/* One character in roff: the ones groff would turn into something else
 * (backslash, quotes, tilde, caret, grave) by their names; a '-' as the
 * minus/hyphen an option is typed with when `literal`, else as a hyphen. */
static void roff_char(FILE *f, char c, bool literal)
{
    switch (c) {
    case '\\': fputs("\\e", f); break;
    case '\'': fputs("\\(aq", f); break;
    case '`': fputs("\\(ga", f); break;
    case '~': fputs("\\(ti", f); break;
    case '^': fputs("\\(ha", f); break;
    case '-': fputs(literal ? "\\-" : "-", f); break;
    default: fputc(c, f);
    }
}

/* Text for a filled line: a word that starts with '-' (an option) or is a
 * command line is literal; "@DATADIR@"/"@DOCDIR@" are replaced. A '.' or
 * '\'' that would start the line is protected. */
static void roff_text(FILE *f, const char *s, const char *datadir, const char *docdir)
{
    bool word_start = true, literal = false;
    if (*s == '.' || *s == '\'')
        fputs("\\&", f);
    for (; *s; s++) {
        if (datadir && strncmp(s, "@DATADIR@", 9) == 0) {
            roff_text(f, datadir, NULL, NULL);
            s += 8;
            continue;
        }
        if (docdir && strncmp(s, "@DOCDIR@", 8) == 0) {
            roff_text(f, docdir, NULL, NULL);
            s += 7;
            continue;
        }
        if (word_start)
            literal = *s == '-';
        word_start = *s == ' ' || *s == '(' || *s == '/' || *s == '[';
        roff_char(f, *s, literal);
    }
}

/* A macro argument in double quotes. */
static void roff_quoted(FILE *f, const char *s, bool literal)
{
    fputc('"', f);
    for (; *s; s++)
        if (*s == '"')
            fputs("\\(dq", f);
        else
            roff_char(f, *s, literal);
    fputc('"', f);
}

/* The words of a synopsis or an option label, with the usual fonts: what is
 * typed as it is in bold (options, command names, value words such as
 * yaml), metavariables in italics (SERVICE.py, FILE, M), brackets and bars
 * in roman. */
static void roff_marked(FILE *f, const char *s)
{
    while (*s) {
        if (strchr(" []|,", *s)) {
            fputc(*s++, f);
            continue;
        }
        if (*s == '@') { /* @FILE: the at sign is typed */
            fputs("\\fB@\\fR", f);
            s++;
            continue;
        }
        size_t n = strcspn(s, " []|,");
        bool meta = isupper((unsigned char)*s) || strncmp(s, "...", 3) == 0;
        fputs(meta ? "\\fI" : "\\fB", f);
        for (size_t i = 0; i < n; i++)
            roff_char(f, s[i], true);
        fputs("\\fR", f);
        s += n;
    }
}

static void roff_synopsis(FILE *f, const stc_usage_command *c)
{
    char *syn = stc_usage_synopsis(c);
    const char *rest = syn + strlen("stc-tui");
    fputs(".SY stc\\-tui\n", f);
    while (*rest == ' ')
        rest++;
    roff_marked(f, rest);
    fputs("\n.YS\n", f);
    free(syn);
}

static int write_man(FILE *f, int argc, char **argv)
{
    if (argc != 7) {
        fputs("usage: stc-gendoc man OUT VERSION DATE DATADIR DOCDIR\n", stderr);
        return 1;
    }
    const char *version = argv[3], *date = argv[4];
    /* The folders of the install, as the page names them. */
    char datadir[1024], docdir[1024];
    snprintf(datadir, sizeof datadir, "%s%s/stc-tui", argv[5][0] == '/' ? "" : "PREFIX/", argv[5]);
    snprintf(docdir, sizeof docdir, "%s%s", argv[6][0] == '/' ? "" : "PREFIX/", argv[6]);

    fputs(".\\\" stc-tui(1): generated by dist/gendoc.c from cli/commands.def,\n"
          ".\\\" cli/exit_codes.def and cli/manual.def; edit those, not this file.\n",
          f);
    fprintf(f, ".TH STC\\-TUI 1 \"%s\" \"stc\\-tui %s\" \"User Commands\"\n", date, version);
    fputs(".SH NAME\nstc\\-tui \\- Service Template Compiler for the cloud, with a terminal workbench\n", f);

    fputs(".SH SYNOPSIS\n", f);
    for (size_t i = 0; i < stc_usage_ncommands; i++)
        if (visible(&stc_usage_commands[i]))
            roff_synopsis(f, &stc_usage_commands[i]);
    fputs(".SY stc\\-tui\n\\fICOMMAND\\fR \\fB\\-\\-help\\fR\n.YS\n", f);
    fputs(".SY stc\\-tui\n\\fB\\-\\-help\\fR | \\fB\\-\\-version\\fR\n.YS\n", f);

    fputs(".SH DESCRIPTION\n", f);
    for (size_t i = 0; i < COUNT(man_description); i++) {
        fputs(i ? ".PP\n" : "", f);
        roff_text(f, man_description[i], datadir, docdir);
        fputc('\n', f);
    }

    fputs(".SH COMMANDS\n", f);
    for (size_t i = 0; i < stc_usage_ncommands; i++) {
        const stc_usage_command *c = &stc_usage_commands[i];
        if (!visible(c))
            continue;
        fputs(".SS ", f);
        if (c->flags & STC_CMD_DEFAULT) {
            fputs("\"The workbench (no command)\"\n", f);
        } else {
            roff_quoted(f, c->name, true);
            fputc('\n', f);
        }
        roff_synopsis(f, c);
        fputs(".PP\n", f);
        roff_text(f, c->description, datadir, docdir);
        fputc('\n', f);
        for (const stc_usage_option *o = stc_usage_option_next(c, NULL); o; o = stc_usage_option_next(c, o)) {
            char *label = stc_usage_option_label(o);
            fputs(".TP\n", f);
            roff_marked(f, label);
            fputc('\n', f);
            roff_text(f, o->help, datadir, docdir);
            fputs(".\n", f);
            free(label);
        }
    }
    fputs(".PP\nEvery command also takes \\fB\\-h\\fR, \\fB\\-\\-help\\fR: its synopsis, description "
          "and options.\n",
          f);

    fputs(".SH \"EXIT STATUS\"\n", f);
    for (size_t i = 0; i < stc_usage_nexits; i++) {
        fprintf(f, ".TP\n.B %d\n", stc_usage_exits[i].code);
        roff_text(f, stc_usage_exits[i].meaning, NULL, NULL);
        fputs(".\n", f);
    }

    fputs(".SH ENVIRONMENT\n", f);
    for (size_t i = 0; i < COUNT(man_env); i++) {
        fputs(".TP\n.B ", f);
        roff_quoted(f, man_env[i].a, false);
        fputc('\n', f);
        roff_text(f, man_env[i].b, datadir, docdir);
        fputs(".\n", f);
    }

    fputs(".SH FILES\n", f);
    for (size_t i = 0; i < COUNT(man_files); i++) {
        fputs(".TP\n.I ", f);
        fputc('"', f);
        roff_text(f, man_files[i].a, datadir, docdir);
        fputs("\"\n", f);
        roff_text(f, man_files[i].b, datadir, docdir);
        fputs(".\n", f);
    }
    fputs(".PP\nPREFIX is the folder above the one that holds the stc\\-tui binary (\\fI/usr\\fR for "
          "\\fI/usr/bin/stc\\-tui\\fR).\n",
          f);

    fputs(".SH EXAMPLES\n", f);
    for (size_t i = 0; i < COUNT(man_examples); i++) {
        fputs(".PP\n", f);
        fputc(toupper((unsigned char)man_examples[i].b[0]), f);
        roff_text(f, man_examples[i].b + 1, datadir, docdir);
        fputs(":\n.PP\n.RS\n.EX\n", f);
        for (const char *s = man_examples[i].a; *s; s++)
            roff_char(f, *s, true);
        fputs("\n.EE\n.RE\n", f);
    }

    fputs(".SH \"SEE ALSO\"\n", f);
    for (size_t i = 0; i < COUNT(man_see_also); i++) {
        const char *page = man_see_also[i];
        const char *paren = strchr(page, '(');
        int n = paren ? (int)(paren - page) : (int)strlen(page);
        fprintf(f, ".BR %.*s %s%s\n", n, page, paren ? paren : "", i + 1 < COUNT(man_see_also) ? " ," : "");
    }
    fputs(".PP\nThe documentation in \\fI", f);
    roff_text(f, docdir, NULL, NULL);
    fputs("\\fR: README.md, and docs/ for each stage of the compiler.\n", f);
    return 0;
}

/* ---- completions ---------------------------------------------------------- */

/* The command an option belongs to, or NULL (validate() reports it). */
static const stc_usage_command *option_command(const stc_usage_option *o)
{
    for (size_t k = 0; k < stc_usage_ncommands; k++)
        if (strcmp(stc_usage_commands[k].name, o->command) == 0)
            return &stc_usage_commands[k];
    return NULL;
}

/* The completion spec of an option's value: its `values`, "none" for a
 * value that nothing completes, NULL for a flag. */
static const char *value_spec(const stc_usage_option *o)
{
    return !o->arg ? NULL : o->values ? o->values : "none";
}

static bool spec_valid(const char *v)
{
    static const char *const prefixes[] = {"words:", "file:", "json-or-file:"};
    static const char *const whole[] = {"dir", "theme", "method", "none"};
    for (size_t i = 0; i < COUNT(prefixes); i++)
        if (strncmp(v, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    for (size_t i = 0; i < COUNT(whole); i++)
        if (strcmp(v, whole[i]) == 0)
            return true;
    return false;
}

/* The operands of the first alternative of `operands` (the words that are
 * not options nor an option's value), space-separated: "SERVICE.py METHOD".
 * Allocated. */
static char *operand_words(const stc_usage_command *c)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    const char *s = c->operands;
    const char *end = strstr(s, " | ");
    if (!end)
        end = s + strlen(s);
    bool after_option = false;
    int n = 0;
    while (s < end) {
        while (s < end && (*s == ' ' || *s == '[' || *s == ']'))
            s++;
        size_t w = strcspn(s, " []");
        if ((size_t)(end - s) < w)
            w = (size_t)(end - s);
        if (!w)
            break;
        char word[128];
        snprintf(word, sizeof word, "%.*s", (int)w, s);
        s += w;
        if (word[0] == '-') {
            after_option = true;
            continue;
        }
        if (after_option) {
            after_option = false;
            continue;
        }
        fprintf(f, "%s%s", n++ ? " " : "", word);
    }
    fclose(f);
    return out;
}

/* How an operand completes ("none": nothing completes it). */
static const char *operand_spec(const char *word)
{
    const char *spec = stc_usage_operand_values(word);
    return spec ? spec : "none";
}

/* Single-quoted for the shell. */
static void sh_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    fputc('\'', f);
}

static void bash_data(FILE *f)
{
    fputs("_stc_tui_commands=", f);
    char *names = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&names, &len);
    for (size_t i = 0, n = 0; i < stc_usage_ncommands; i++)
        if (visible(&stc_usage_commands[i]) && !(stc_usage_commands[i].flags & STC_CMD_DEFAULT))
            fprintf(m, "%s%s", n++ ? " " : "", stc_usage_commands[i].name);
    fclose(m);
    sh_quoted(f, names);
    free(names);
    fputc('\n', f);

    fputs("\n# _stc_tui_options COMMAND: its options (COMMAND '' is the workbench).\n"
          "_stc_tui_options() {\n    case $1 in\n",
          f);
    for (size_t i = 0; i < stc_usage_ncommands; i++) {
        const stc_usage_command *c = &stc_usage_commands[i];
        if (!visible(c))
            continue;
        bool dflt = c->flags & STC_CMD_DEFAULT;
        fprintf(f, "        %s) echo '", dflt ? "''" : c->name);
        for (const stc_usage_option *o = stc_usage_option_next(c, NULL); o; o = stc_usage_option_next(c, o))
            fprintf(f, "%s %s%s", o->spelling, o->alias ? o->alias : "", o->alias ? " " : "");
        fprintf(f, "%s';;\n", dflt ? "-h --help --version" : "-h --help");
    }
    fputs("    esac\n}\n", f);

    fputs("\n# _stc_tui_value COMMAND OPTION: how the option's value completes\n"
          "# (nothing for a flag or an unknown option).\n"
          "_stc_tui_value() {\n    case \"$1 $2\" in\n",
          f);
    for (size_t i = 0; i < stc_usage_noptions; i++) {
        const stc_usage_option *o = &stc_usage_options[i];
        const stc_usage_command *c = option_command(o);
        const char *spec = value_spec(o);
        if (!spec || !visible(c))
            continue;
        const char *cmd = c->flags & STC_CMD_DEFAULT ? "" : c->name;
        fprintf(f, "        '%s %s'", cmd, o->spelling);
        if (o->alias)
            fprintf(f, "|'%s %s'", cmd, o->alias);
        fputs(") echo ", f);
        sh_quoted(f, spec);
        fputs(";;\n", f);
    }
    fputs("    esac\n}\n", f);

    fputs("\n# _stc_tui_operands COMMAND: how each operand completes, in order.\n"
          "_stc_tui_operands() {\n    case $1 in\n",
          f);
    for (size_t i = 0; i < stc_usage_ncommands; i++) {
        const stc_usage_command *c = &stc_usage_commands[i];
        if (!visible(c))
            continue;
        char *words = operand_words(c);
        fprintf(f, "        %s) echo '", c->flags & STC_CMD_DEFAULT ? "''" : c->name);
        int n = 0;
        for (char *tok = strtok(words, " "); tok; tok = strtok(NULL, " "))
            fprintf(f, "%s%s", n++ ? " " : "", operand_spec(tok));
        fputs("';;\n", f);
        free(words);
    }
    fputs("    esac\n}\n", f);
}

/* Text inside an _arguments description "[...]" or message, single-quoted
 * by the caller: brackets and colons escaped, quotes closed and reopened. */
static void zsh_desc(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '[' || *s == ']' || *s == ':' || *s == '\\')
            fputc('\\', f);
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    }
}

/* The _arguments action that completes a value of spec `spec`. */
static void zsh_action(FILE *f, const char *spec)
{
    if (strncmp(spec, "words:", 6) == 0) {
        fputc('(', f);
        for (const char *p = spec + 6; *p; p++)
            fputc(*p == '|' ? ' ' : *p, f);
        fputc(')', f);
    } else if (strcmp(spec, "file:") == 0) {
        fputs("_files", f);
    } else if (strncmp(spec, "file:", 5) == 0) {
        fprintf(f, "_files -g \"(%s)\"", spec + 5);
    } else if (strncmp(spec, "json-or-file:", 13) == 0) {
        fprintf(f, "_stc_tui_json_or_file \"(%s)\"", spec + 13);
    } else if (strcmp(spec, "dir") == 0) {
        fputs("_files -/", f);
    } else if (strcmp(spec, "theme") == 0) {
        fputs("_stc_tui_themes", f);
    } else if (strcmp(spec, "method") == 0) {
        fputs("_stc_tui_methods", f);
    } else {
        fputc(' ', f); /* "none": the message only */
    }
}

static void zsh_data(FILE *f)
{
    fputs("_stc_tui_commands=(\n", f);
    for (size_t i = 0; i < stc_usage_ncommands; i++) {
        const stc_usage_command *c = &stc_usage_commands[i];
        if (!visible(c) || (c->flags & STC_CMD_DEFAULT))
            continue;
        fprintf(f, "    '%s:", c->name);
        zsh_desc(f, c->summary);
        fputs("'\n", f);
    }
    fputs(")\n", f);

    for (size_t i = 0; i < stc_usage_ncommands; i++) {
        const stc_usage_command *c = &stc_usage_commands[i];
        if (!visible(c))
            continue;
        bool dflt = c->flags & STC_CMD_DEFAULT;
        fprintf(f, "\n_stc_tui_cmd_%s() {\n    _arguments -s -S \\\n", dflt ? "_workbench" : c->name);
        for (const stc_usage_option *o = stc_usage_option_next(c, NULL); o; o = stc_usage_option_next(c, o)) {
            if (o->alias)
                fprintf(f, "        '(%s %s)'{%s,%s}'[", o->spelling, o->alias, o->spelling, o->alias);
            else
                fprintf(f, "        '%s[", o->spelling);
            zsh_desc(f, o->help);
            fputc(']', f);
            if (o->arg) {
                fputc(':', f);
                zsh_desc(f, o->arg);
                fputc(':', f);
                zsh_action(f, value_spec(o));
            }
            fputs("' \\\n", f);
        }
        fputs("        '(- *)'{-h,--help}'[print the help and exit]' \\\n", f);
        if (dflt)
            fputs("        '(- *)--version[print the version and exit]' \\\n", f);
        char *words = operand_words(c);
        int n = 0;
        for (char *tok = strtok(words, " "); tok; tok = strtok(NULL, " ")) {
            fprintf(f, "        '%d:", ++n);
            zsh_desc(f, n == 1 && dflt ? "command or SERVICE.py" : tok);
            fputc(':', f);
            if (n == 1 && dflt)
                fputs("_stc_tui_first", f);
            else
                zsh_action(f, operand_spec(tok));
            fputs("' \\\n", f);
        }
        free(words);
        fputs("        && return 0\n    return 1\n}\n", f);
    }
}

static int write_completion(FILE *f, int argc, char **argv, bool bash)
{
    if (argc != 4) {
        fprintf(stderr, "usage: stc-gendoc %s OUT TEMPLATE\n", argv[1]);
        return 1;
    }
    FILE *t = fopen(argv[3], "r");
    if (!t) {
        perror(argv[3]);
        return 1;
    }
    char line[4096];
    bool done = false;
    while (fgets(line, sizeof line, t)) {
        if (strcmp(line, "@STC_COMPLETION_DATA@\n") == 0) {
            fputs("# generated by dist/gendoc.c from cli/commands.def\n", f);
            if (bash)
                bash_data(f);
            else
                zsh_data(f);
            done = true;
        } else {
            fputs(line, f);
        }
    }
    fclose(t);
    if (!done) {
        fprintf(stderr, "stc-gendoc: %s has no line @STC_COMPLETION_DATA@\n", argv[3]);
        return 1;
    }
    return 0;
}

/* ---- commands.def against the code -------------------------------------- */

/* The C function of each command, in the order of stc_usage_commands[]. */
static const char *const command_fns[] = {
#define STC_COMMAND(name, fn, flags, operands, summary, description) #fn,
#include "cli/commands.def"
};

/* Where a command's options are parsed, relative to the source folder: the
 * workbench's in tui/main.c, every other command's in cli/cmd_X.c for its
 * function stc_cmd_X. */
static void command_source(size_t i, char *out, size_t size)
{
    const char *fn = command_fns[i];
    if (stc_usage_commands[i].flags & STC_CMD_DEFAULT)
        snprintf(out, size, "tui/main.c");
    else
        snprintf(out, size, "cli/cmd_%s.c", strncmp(fn, "stc_cmd_", 8) == 0 ? fn + 8 : fn);
}

/* The whole file, or NULL. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, n, m);
    fclose(f);
    fclose(m);
    return text;
}

/* The next option literal of `text` at or after `*p`: a C string that is
 * exactly an option, "--name" or "-x". Its spelling goes to `opt`, its line
 * to `*line` (counted from `*p`, which starts at line `*line`). */
static bool next_option_literal(const char **p, int *line, char *opt, size_t size)
{
    for (const char *s = *p; *s; s++) {
        if (*s == '\n')
            (*line)++;
        if (s[0] != '"' || s[1] != '-')
            continue;
        const char *b = s + 1, *e = b + 1;
        if (*e == '-')
            e++;
        if (!islower((unsigned char)*e))
            continue;
        bool long_opt = e - b == 2;
        while (long_opt && (islower((unsigned char)*e) || isdigit((unsigned char)*e) || *e == '-'))
            e++;
        if (!long_opt)
            e++;
        if (*e != '"')
            continue;
        snprintf(opt, size, "%.*s", (int)(e - b), b);
        *p = e + 1;
        return true;
    }
    return false;
}

/* The code of every command agrees with commands.def:
 *  - each cli/cmd_X.c is the file of a command whose function is stc_cmd_X,
 *    and each command has its file;
 *  - each option literal ("--name", "-x") in a command's file is one of its
 *    options in commands.def (or -h/--help, which main() handles);
 *  - each option of commands.def appears in its command's file (or in
 *    cli/common.c, for the parsing the commands share).
 * The words are the compiler's: FILE:LINE: error: ..., one a line. */
static int check_sources(const char *srcdir)
{
    int bad = 0;
    char path[4096], rel[256];
    snprintf(path, sizeof path, "%s/cli/common.c", srcdir);
    char *common = slurp(path);
    for (size_t i = 0; i < stc_usage_ncommands; i++) {
        const stc_usage_command *c = &stc_usage_commands[i];
        command_source(i, rel, sizeof rel);
        snprintf(path, sizeof path, "%s/%s", srcdir, rel);
        char *text = slurp(path);
        if (!text) {
            fprintf(stderr, "cli/commands.def: error: command %s: its function %s should be in %s, "
                            "which does not exist\n", c->name, command_fns[i], rel);
            bad = 1;
            continue;
        }
        const char *p = text;
        int line = 1;
        char opt[128];
        while (next_option_literal(&p, &line, opt, sizeof opt)) {
            if (strcmp(opt, "-h") == 0 || strcmp(opt, "--help") == 0 || stc_usage_option_find(c, opt))
                continue;
            fprintf(stderr, "%s:%d: error: %s parses \"%s\", which cli/commands.def does not list: add\n"
                            "    STC_OPTION(%s, \"%s\", NULL, \"ARG\" or NULL for a flag, VALUES or NULL, 0, "
                            "\"what it does\")\n",
                    rel, line, c->name, opt, c->name, opt);
            bad = 1;
        }
        for (const stc_usage_option *o = stc_usage_option_next(c, NULL); o; o = stc_usage_option_next(c, o)) {
            char q1[160], q2[160];
            snprintf(q1, sizeof q1, "\"%s\"", o->spelling);
            snprintf(q2, sizeof q2, "\"%s\"", o->alias ? o->alias : o->spelling);
            if (strstr(text, q1) || strstr(text, q2) || (common && (strstr(common, q1) || strstr(common, q2))))
                continue;
            fprintf(stderr, "cli/commands.def: error: option %s of %s: neither %s nor cli/common.c mentions %s; "
                            "parse it there or drop its STC_OPTION line\n", o->spelling, c->name, rel, q1);
            bad = 1;
        }
        free(text);
    }
    free(common);
    snprintf(path, sizeof path, "%s/cli", srcdir);
    DIR *d = opendir(path);
    if (!d) {
        perror(path);
        return 1;
    }
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, "cmd_", 4) != 0 || n < 7 || strcmp(e->d_name + n - 2, ".c") != 0)
            continue;
        bool found = false;
        for (size_t i = 0; i < stc_usage_ncommands && !found; i++) {
            command_source(i, rel, sizeof rel);
            found = strcmp(rel + 4, e->d_name) == 0;
        }
        if (!found) {
            fprintf(stderr, "cli/%s: error: no STC_COMMAND line of cli/commands.def has the function "
                            "stc_cmd_%.*s: add the command's STC_COMMAND and STC_OPTION lines\n",
                    e->d_name, (int)(n - 6), e->d_name + 4);
            bad = 1;
        }
    }
    closedir(d);
    return bad;
}

static int write_check(FILE *f, int argc, char **argv)
{
    if (argc != 4) {
        fputs("usage: stc-gendoc check OUT SRCDIR\n", stderr);
        return 1;
    }
    if (check_sources(argv[3]) != 0) {
        fputs("stc-gendoc: cli/commands.def and the commands' code disagree (see its header comment)\n", stderr);
        return 1;
    }
    fputs("cli/commands.def agrees with the commands' code\n", f);
    return 0;
}

/* The rules of commands.def that the compiler cannot check: every option
 * belongs to a command, is spelled with a dash, once per command; one
 * default form at most; every values spec is known. A line that breaks one
 * fails the build with its command and option named. */
static int validate(void)
{
    int bad = 0, ndefault = 0;
    for (size_t i = 0; i < stc_usage_ncommands; i++)
        ndefault += (stc_usage_commands[i].flags & STC_CMD_DEFAULT) != 0;
    if (ndefault > 1) {
        fputs("stc-gendoc: commands.def: more than one STC_CMD_DEFAULT command\n", stderr);
        bad = 1;
    }
    for (size_t i = 0; i < stc_usage_noptions; i++) {
        const stc_usage_option *o = &stc_usage_options[i];
        const stc_usage_command *c = option_command(o);
        const char *why = !c                                   ? "its command is not in commands.def"
                          : o->spelling[0] != '-'              ? "its spelling does not start with '-'"
                          : o->alias && o->alias[0] != '-'     ? "its alias does not start with '-'"
                          : value_spec(o) && !spec_valid(value_spec(o)) ? "its values spec is unknown"
                                                                        : NULL;
        for (size_t k = 0; !why && k < i; k++) {
            const stc_usage_option *p = &stc_usage_options[k];
            if (strcmp(p->command, o->command) == 0 &&
                (strcmp(p->spelling, o->spelling) == 0 || (p->alias && strcmp(p->alias, o->spelling) == 0) ||
                 (o->alias && strcmp(p->spelling, o->alias) == 0)))
                why = "it is listed twice";
        }
        if (why) {
            fprintf(stderr, "stc-gendoc: commands.def: option %s of %s: %s\n", o->spelling, o->command, why);
            bad = 1;
        }
    }
    return bad;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fputs("usage: stc-gendoc man|bash|zsh|check OUT ...\n", stderr);
        return 1;
    }
    if (validate() != 0)
        return 1;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[2]);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        perror(tmp);
        return 1;
    }
    int rc;
    if (strcmp(argv[1], "man") == 0)
        rc = write_man(f, argc, argv);
    else if (strcmp(argv[1], "bash") == 0 || strcmp(argv[1], "zsh") == 0)
        rc = write_completion(f, argc, argv, argv[1][0] == 'b');
    else if (strcmp(argv[1], "check") == 0)
        rc = write_check(f, argc, argv);
    else {
        fprintf(stderr, "stc-gendoc: unknown output '%s'\n", argv[1]);
        rc = 1;
    }
    if (fclose(f) != 0 && rc == 0) {
        perror(tmp);
        rc = 1;
    }
    if (rc == 0 && rename(tmp, argv[2]) != 0) {
        perror(argv[2]);
        rc = 1;
    }
    if (rc != 0)
        remove(tmp);
    return rc;
}
