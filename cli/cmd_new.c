/* cmd_new.c - `stc-tui new SERVICE.py --entities ENTITY[,ENTITY...]`: a working
 * CRUD service from a list of entities (core/scaffold.h, docs/new.md).
 *
 * Writes SERVICE.py, SERVICE.mocks.yaml and SERVICE.stc.yaml, all or none,
 * never over an existing file (exit 3, nothing written). Before writing, the
 * generated module is compiled and the configuration loaded: what `new`
 * writes checks clean, or nothing is written (exit 1). A list that cannot be
 * read, or a module name that is not a Python name, is a usage error (2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/aws/template.h"
#include "core/config.h"
#include "core/routes.h"
#include "core/scaffold.h"
#include "core/util.h"
#include "core/workflow.h"

/* "x/library.py" -> "x/library<suffix>" (allocated). */
static char *stc_new_beside(const char *path, const char *suffix)
{
    return stc_xasprintf("%.*s%s", (int)(strlen(path) - 3), path, suffix);
}

/* The generated files must check clean: the module (no diagnostic at all)
 * and the configuration (every mode). */
static int stc_new_self_check(const char *path, const char *module, const char *config_path, const char *config)
{
    stc_service *svc = stc_service_compile_source(path, module, strlen(module), NULL);
    int rc = STC_EXIT_OK;
    if (svc->diags.count) {
        fprintf(stderr, "stc-tui: new: the generated module does not check clean (nothing was written):\n");
        stc_cli_print_diags(svc);
        rc = STC_EXIT_INPUT;
    }
    stc_diags d = STC_DIAGS_INIT;
    stc_config *c = rc == STC_EXIT_OK ? stc_config_load(stc_aws_config_schema(), "dev", config_path, config,
                                                        strlen(config), svc->units, svc->nunits, &d)
                                      : NULL;
    if (rc == STC_EXIT_OK && (!c || d.count)) {
        fprintf(stderr, "stc-tui: new: the generated configuration is not valid (nothing was written):\n");
        stc_diags_print(&d, stderr, NULL);
        rc = STC_EXIT_INPUT;
    }
    stc_config_free(c);
    stc_diags_free(&d);
    stc_service_free(svc);
    return rc;
}

int stc_cmd_new(int argc, char **argv)
{
    const char *path = NULL, *entities = NULL;
    const stc_cli_opt opts[] = {{"--entities", NULL, NULL, &entities}, {NULL, NULL, NULL, NULL}};
    if (stc_cli_parse("new", argc, argv, opts, &path, 1) != STC_EXIT_OK)
        return STC_EXIT_USAGE;
    if (!path)
        return stc_cli_usage("new", "missing SERVICE.py");
    if (!entities)
        return stc_cli_usage("new", "--entities ENTITY[,ENTITY...] is required, e.g. --entities book,shelf/book,person");
    char *cls = stc_scaffold_class_name(path);
    if (!cls)
        return stc_cli_usage("new", "'%s' is not a Python module name: letters, digits and '_', starting with a "
                                    "letter, ending in .py",
                             path);
    char *err = NULL;
    stc_scaffold *s = stc_scaffold_parse(entities, &err);
    if (!s) {
        int rc = stc_cli_usage("new", "%s", err);
        free(err);
        free(cls);
        return rc;
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char *mocks_path = stc_new_beside(path, ".mocks.yaml");
    char *config_path = stc_config_default_path(path);
    const char *mocks_base = strrchr(mocks_path, '/') ? strrchr(mocks_path, '/') + 1 : mocks_path;
    char *module = stc_scaffold_module(s, base, cls);
    char *mocks = stc_scaffold_mocks(s, base);
    char *config = stc_scaffold_config(s, base);
    const char *paths[] = {path, mocks_path, config_path};
    int rc = STC_EXIT_OK;
    /* Existing files first: nothing is compiled against them, nothing replaces them. */
    for (size_t i = 0; i < 3 && rc == STC_EXIT_OK; i++)
        if (access(paths[i], F_OK) == 0) {
            fprintf(stderr, "stc-tui: new: '%s' exists already: nothing was written (remove it, or choose another "
                            "name)\n",
                    paths[i]);
            rc = STC_EXIT_IO;
        }
    if (rc == STC_EXIT_OK)
        rc = stc_new_self_check(path, module, config_path, config);
    if (rc == STC_EXIT_OK) {
        const char *data[] = {module, mocks, config};
        const size_t lens[] = {strlen(module), strlen(mocks), strlen(config)};
        if (stc_files_create(paths, data, lens, 3, &err) != 0) {
            fprintf(stderr, "stc-tui: new: %s\n", err);
            free(err);
            rc = STC_EXIT_IO;
        }
    }
    if (rc == STC_EXIT_OK) {
        printf("wrote %s (%s: %zu entities, %zu routes, the workflow _report), %s and %s\n", path, cls, s->count,
               5 * s->count, mocks_base, strrchr(config_path, '/') ? strrchr(config_path, '/') + 1 : config_path);
        printf("next: stc-tui %s   (the workbench), or stc-tui routes %s\n", path, path);
    }
    free(module);
    free(mocks);
    free(config);
    free(mocks_path);
    free(config_path);
    stc_scaffold_free(s);
    free(cls);
    return rc;
}
