/* style.c - names of the style ids (render/styles.def). */
#include "render/style.h"

#include <strings.h>

static const char *const style_names[] = {
#define STYLE(name) #name,
#include "render/styles.def"
#undef STYLE
};

const char *stc_style_name(int style)
{
    /* Lower-case copies, built once from the upper-case X-macro names. */
    static char lower[STC_STYLE_COUNT][24];
    if (style < 0 || style >= STC_STYLE_COUNT)
        return "?";
    if (!lower[style][0]) {
        const char *s = style_names[style];
        size_t i = 0;
        for (; s[i] && i + 1 < sizeof lower[style]; i++)
            lower[style][i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
        lower[style][i] = '\0';
    }
    return lower[style];
}

int stc_style_from_name(const char *name)
{
    for (int i = 0; i < STC_STYLE_COUNT; i++)
        if (name && strcasecmp(name, style_names[i]) == 0)
            return i;
    return -1;
}
