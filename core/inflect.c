/* inflect.c - see inflect.h and docs/routes.md ("Pluralization").
 *
 * Plural: the convention's rules in order (uncountable, irregular, f/fe ->
 * ves for the known list, consonant + y -> ies, s x z ch sh -> es, + s).
 * Singular: the same rules inverted. Where an inversion is ambiguous
 * ("cases" could come from "cas" or "case"), small lists of English words
 * decide, and a candidate is kept only when it pluralizes back to the word:
 * singularization never invents a plural the rules would not produce.
 */
#include "core/inflect.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static const char *const rule_names[] = {
#define X(id, name, text) name,
    STC_PLURAL_RULES(X)
#undef X
};
static const char *const rule_texts[] = {
#define X(id, name, text) text,
    STC_PLURAL_RULES(X)
#undef X
};

const char *stc_inflect_rule_name(stc_plural_rule r)
{
    return (size_t)r < STC_ARRAY_LEN(rule_names) ? rule_names[r] : "none";
}

const char *stc_inflect_rule_text(stc_plural_rule r)
{
    return (size_t)r < STC_ARRAY_LEN(rule_texts) ? rule_texts[r] : "not a plural";
}

/* The convention's lists, exactly. */
static const char *const irregular[][2] = {
    {"person", "people"},   {"child", "children"},      {"man", "men"},
    {"woman", "women"},     {"mouse", "mice"},          {"goose", "geese"},
    {"tooth", "teeth"},     {"foot", "feet"},           {"ox", "oxen"},
    {"datum", "data"},      {"criterion", "criteria"},  {"analysis", "analyses"},
    {"index", "indices"},
};
static const char *const uncountable[] = {
    "data", "information", "equipment", "news", "series", "species", "feedback", "metadata",
};
static const char *const ves_words[][2] = {
    {"leaf", "leaves"}, {"wife", "wives"},   {"knife", "knives"}, {"life", "lives"},
    {"half", "halves"}, {"shelf", "shelves"}, {"wolf", "wolves"}, {"calf", "calves"},
};

/* Lists that only decide between two inversions of a rule (they never
 * change a plural): see docs/routes.md, "Recognizing a plural". */
static const char *const s_singulars[] = {/* singular words that end in s */
    "alias", "atlas", "bias", "canvas", "gas", "lens", "chaos", "cosmos", "ethos", "kudos", "pathos",
    "thermos",
    /* ...in "is" but not "sis"/"itis" */
    "axis", "aegis", "chassis", "debris", "epidermis", "ibis", "iris", "mantis", "metropolis", "pelvis",
    "tennis", "trellis"};
static const char *const u_nouns[] = {/* nouns in "u": their plural ends in "us" */
    "bayou", "cpu", "emu", "gnu", "gpu", "guru", "haiku", "menu", "sku", "tofu", "tutu", "vcpu", "zebu"};
static const char *const use_nouns[] = {/* nouns in "use" (plural "uses", not "us" + es) */
    "abuse", "cause", "clause", "excuse", "fuse", "misuse", "muse", "pause", "refuse", "reuse", "ruse", "use"};
static const char *const che_nouns[] = {/* nouns in "che" (plural "ches", not "ch" + es) */
    "attache", "avalanche", "cache", "cliche", "creche", "headache", "microfiche", "moustache",
    "mustache", "niche", "psyche", "quiche"};
static const char *const z_nouns[] = {"fez", "quiz", "topaz", "whiz"}; /* single z + es */
static const char *const ie_nouns[] = {/* nouns in "ie" (plural "ies", not y -> ies) */
    "auntie", "birdie", "brownie", "calorie", "cookie", "die", "freebie", "genie", "goalie", "hippie",
    "hoodie", "indie", "lie", "movie", "newbie", "pie", "pixie", "prairie", "rookie", "selfie",
    "smoothie", "sortie", "tie", "veggie", "zombie"};

static bool stc_in(const char *const *list, size_t n, const char *w)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], w) == 0)
            return true;
    return false;
}
#define STC_IN(list, w) stc_in(list, STC_ARRAY_LEN(list), w)

static bool stc_ends(const char *w, const char *suffix)
{
    size_t n = strlen(w), k = strlen(suffix);
    return n >= k && strcmp(w + n - k, suffix) == 0;
}

static bool stc_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

static bool stc_uncountable(const char *w)
{
    return STC_IN(uncountable, w);
}

/* The general rules only (no irregular or uncountable list). */
static char *stc_rules_plural(const char *w, stc_plural_rule *rule)
{
    size_t n = strlen(w);
    for (size_t i = 0; i < STC_ARRAY_LEN(ves_words); i++)
        if (strcmp(ves_words[i][0], w) == 0) {
            *rule = STC_PLURAL_VES;
            return stc_xstrdup(ves_words[i][1]);
        }
    if (n >= 2 && w[n - 1] == 'y' && !stc_vowel(w[n - 2])) {
        *rule = STC_PLURAL_IES;
        return stc_xasprintf("%.*sies", (int)(n - 1), w);
    }
    if (stc_ends(w, "s") || stc_ends(w, "x") || stc_ends(w, "z") || stc_ends(w, "ch") || stc_ends(w, "sh")) {
        *rule = STC_PLURAL_ES;
        return stc_xasprintf("%ses", w);
    }
    *rule = STC_PLURAL_REGULAR;
    return stc_xasprintf("%ss", w);
}

char *stc_inflect_plural(const char *word, stc_plural_rule *rule)
{
    stc_plural_rule r;
    char *out;
    if (stc_uncountable(word)) {
        r = STC_PLURAL_UNCOUNTABLE;
        out = stc_xstrdup(word);
    } else {
        out = NULL;
        for (size_t i = 0; i < STC_ARRAY_LEN(irregular) && !out; i++)
            if (strcmp(irregular[i][0], word) == 0 || strcmp(irregular[i][1], word) == 0)
                out = stc_xstrdup(irregular[i][1]);
        if (out)
            r = STC_PLURAL_IRREGULAR;
        else
            out = stc_rules_plural(word, &r);
    }
    if (rule)
        *rule = r;
    return out;
}

/* A word in s that is a singular: no rule of ours makes a plural ending in
 * "ss"; "us" and "is" only come from nouns in u and i. */
static bool stc_s_singular(const char *w)
{
    size_t n = strlen(w);
    if (STC_IN(s_singulars, w))
        return true;
    if (stc_ends(w, "ss"))
        return true;
    if (stc_ends(w, "us")) {
        char *stem = stc_xstrndup(w, n - 1);
        bool u_noun = STC_IN(u_nouns, stem);
        free(stem);
        return !u_noun;
    }
    return stc_ends(w, "sis") || stc_ends(w, "itis");
}

/* The candidate singular of a word in s, before verification. */
static char *stc_candidate(const char *w)
{
    size_t n = strlen(w);
    for (size_t i = 0; i < STC_ARRAY_LEN(ves_words); i++)
        if (strcmp(ves_words[i][1], w) == 0)
            return stc_xstrdup(ves_words[i][0]);
    if (stc_s_singular(w))
        return NULL;
    if (stc_ends(w, "ies") && n > 3) {
        char *ie = stc_xstrndup(w, n - 1);
        if (STC_IN(ie_nouns, ie))
            return ie;
        free(ie);
        if (!stc_vowel(w[n - 4]))
            return stc_xasprintf("%.*sy", (int)(n - 3), w);
        return stc_xstrndup(w, n - 1);
    }
    if (stc_ends(w, "es") && n > 3) {
        char *stem = stc_xstrndup(w, n - 2); /* without "es" */
        char *e_stem = stc_xstrndup(w, n - 1); /* without "s" */
        char *pick = NULL;
        if (stc_ends(stem, "s")) {
            if (STC_IN(use_nouns, e_stem) || stc_ends(stem, "ous"))
                pick = e_stem;
            else if (stc_s_singular(stem))
                pick = stem;
            else
                pick = e_stem;
        } else if (stc_ends(stem, "x") || stc_ends(stem, "sh")) {
            pick = stem;
        } else if (stc_ends(stem, "ch")) {
            pick = STC_IN(che_nouns, e_stem) ? e_stem : stem;
        } else if (stc_ends(stem, "z")) {
            pick = stc_ends(stem, "zz") || stc_ends(stem, "tz") || STC_IN(z_nouns, stem) ? stem : e_stem;
        } else {
            pick = e_stem;
        }
        if (pick == stem)
            free(e_stem);
        else
            free(stem);
        return pick;
    }
    if (stc_ends(w, "s") && n >= 3)
        return stc_xstrndup(w, n - 1);
    return NULL;
}

char *stc_inflect_singular(const char *word, stc_plural_rule *rule)
{
    stc_plural_rule r = STC_PLURAL_NONE;
    char *out = NULL;
    for (size_t i = 0; i < STC_ARRAY_LEN(irregular) && !out; i++)
        if (strcmp(irregular[i][1], word) == 0) {
            out = stc_xstrdup(irregular[i][0]);
            r = STC_PLURAL_IRREGULAR;
        }
    if (!out && stc_uncountable(word)) {
        out = stc_xstrdup(word);
        r = STC_PLURAL_UNCOUNTABLE;
    }
    bool irregular_singular = false;
    for (size_t i = 0; i < STC_ARRAY_LEN(irregular) && !out; i++)
        if (strcmp(irregular[i][0], word) == 0)
            irregular_singular = true;
    if (!out && !irregular_singular) {
        char *c = stc_candidate(word);
        if (c && strlen(c) >= 2) {
            /* Keep the candidate only when it pluralizes back to `word`, by
             * the full rules or (for "indexes", "persons") by the general
             * rules alone. */
            stc_plural_rule pr;
            char *back = stc_inflect_plural(c, &pr);
            if (strcmp(back, word) != 0) {
                free(back);
                back = stc_rules_plural(c, &pr);
            }
            if (strcmp(back, word) == 0 && pr != STC_PLURAL_UNCOUNTABLE) {
                out = c;
                c = NULL;
                r = pr;
            }
            free(back);
        }
        free(c);
    }
    if (!out)
        out = stc_xstrdup(word);
    if (rule)
        *rule = r;
    return out;
}

bool stc_inflect_is_plural(const char *word, char **singular, stc_plural_rule *rule)
{
    if (stc_uncountable(word))
        return false;
    stc_plural_rule r;
    char *s = stc_inflect_singular(word, &r);
    bool plural = r != STC_PLURAL_NONE && r != STC_PLURAL_UNCOUNTABLE && strcmp(s, word) != 0;
    if (plural && singular) {
        *singular = s;
        s = NULL;
    }
    if (plural && rule)
        *rule = r;
    free(s);
    return plural;
}
