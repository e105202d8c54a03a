/* scaffold.h - a working CRUD service from a list of entities
 * (`stc-tui new SERVICE.py --entities ...`, docs/new.md).
 *
 * The list: ENTITY[,ENTITY...], each ENTITY
 *
 *     [parent/]name[(field[:type][,field[:type]...])]
 *
 * `name` and `parent` are singular snake_case words (book, order_item); a
 * nested entity (shelf/book) lives under its parent's collection and takes
 * the parent's id (shelf_id) in every method. Fields are snake_case names with
 * a type among str (the default), int, float, bool, list and dict; the commas
 * inside the parentheses do not separate entities. An entity without fields
 * gets one, `name: str`. Example:
 *
 *     book(title:str,pages:int),shelf/book(title),person(name,age:int)
 *
 * For each entity the module has a store (MutableMapping[str, dict]: a
 * table) and five methods the naming convention turns into routes: create
 * (POST), get, list (GET), update (PUT), delete (DELETE); an internal
 * function counting it; and one internal workflow, _report, gathering the
 * counts. Alongside: a mocks file for _report and a commented
 * SERVICE.stc.yaml.
 *
 * Ownership: a stc_scaffold owns its strings; every generated text is
 * allocated for the caller.
 */
#ifndef STC_SCAFFOLD_H
#define STC_SCAFFOLD_H

#include <stddef.h>

typedef struct stc_scaffold_field {
    char *name;
    char *type; /* "str", "int", "float", "bool", "list", "dict" */
} stc_scaffold_field;

typedef struct stc_scaffold_entity {
    char *name;          /* "book" */
    char *parent;        /* "shelf", or NULL */
    stc_scaffold_field *fields;
    size_t nfields;
    char *store;         /* "shelf_books": the store attribute and the list method's entity */
    char *id;            /* "book_id" */
    int parent_index;    /* the parent when it is listed too, else -1 */
} stc_scaffold_entity;

typedef struct stc_scaffold {
    stc_scaffold_entity *items;
    size_t count;
    char *entities;      /* the list as given */
} stc_scaffold;

/* Parse the list. Returns the scaffold, or NULL with *err (allocated: what
 * is wrong and where, "--entities: ..."). */
stc_scaffold *stc_scaffold_parse(const char *entities, char **err);
void stc_scaffold_free(stc_scaffold *s);

/* The service class of a module path: "library.py" -> "LibraryService",
 * "book_store_service.py" -> "BookStoreService"; NULL when the file name is
 * not a Python module name (allocated). */
char *stc_scaffold_class_name(const char *path);

/* The module, the mocks file (YAML) and the configuration (YAML), for the
 * module file `module_file` (its base name, in comments) and class `cls`. */
char *stc_scaffold_module(const stc_scaffold *s, const char *module_file, const char *cls);
char *stc_scaffold_mocks(const stc_scaffold *s, const char *module_file);
char *stc_scaffold_config(const stc_scaffold *s, const char *module_file);

#endif
