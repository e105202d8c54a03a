/* listview.c - see listview.h. */
#include "tui/listview.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "tui/app.h"

void stc_listview_set_count(stc_listview *lv, int count)
{
    lv->count = count;
    if (count <= 0) {
        lv->sel = -1;
        lv->top = 0;
        return;
    }
    if (lv->sel < 0)
        lv->sel = 0;
    if (lv->sel >= count)
        lv->sel = count - 1;
    if (lv->top >= count)
        lv->top = count - 1;
    if (lv->top < 0)
        lv->top = 0;
}

void stc_listview_fit(stc_listview *lv, int height)
{
    lv->height = height;
    if (height <= 0 || lv->sel < 0)
        return;
    if (lv->sel < lv->top)
        lv->top = lv->sel;
    if (lv->sel >= lv->top + height)
        lv->top = lv->sel - height + 1;
    if (lv->top + height > lv->count)
        lv->top = lv->count - height;
    if (lv->top < 0)
        lv->top = 0;
}

void stc_listview_select(stc_listview *lv, int row)
{
    if (lv->count <= 0)
        return;
    if (row < 0)
        row = 0;
    if (row >= lv->count)
        row = lv->count - 1;
    lv->sel = row;
    if (lv->height > 0) {
        if (row < lv->top || row >= lv->top + lv->height)
            lv->top = row - lv->height / 3;
        stc_listview_fit(lv, lv->height);
    }
}

int stc_listview_act(stc_listview *lv, stc_action a)
{
    int page = lv->height > 1 ? lv->height - 1 : 1;
    int to;
    switch (a) {
    case STC_ACT_UP: to = lv->sel - 1; break;
    case STC_ACT_DOWN: to = lv->sel + 1; break;
    case STC_ACT_PAGE_UP: to = lv->sel - page; break;
    case STC_ACT_PAGE_DOWN: to = lv->sel + page; break;
    case STC_ACT_FIRST: to = 0; break;
    case STC_ACT_LAST: to = lv->count - 1; break;
    default: return 0;
    }
    if (lv->count <= 0)
        return STC_PANE_HANDLED;
    if (to < 0)
        to = 0;
    if (to >= lv->count)
        to = lv->count - 1;
    lv->sel = to;
    stc_listview_fit(lv, lv->height);
    return STC_PANE_HANDLED | STC_PANE_REDRAW;
}

bool stc_listview_click(stc_listview *lv, int y)
{
    int row = lv->top + y;
    if (y < 0 || row >= lv->count)
        return false;
    lv->sel = row;
    return true;
}

bool stc_listview_contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0)
        return true;
    for (const char *p = hay; *p; p++) {
        size_t i = 0;
        while (i < n && p[i] && tolower((unsigned char)p[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

bool stc_listview_search(stc_listview *lv, const char *q, int dir,
                         char *(*text)(void *ctx, int row), void *ctx)
{
    if (lv->count <= 0 || !q || !*q)
        return false;
    int step = dir < 0 ? -1 : 1;
    int start = lv->sel < 0 ? 0 : lv->sel;
    if (dir != 0)
        start += step;
    for (int k = 0; k < lv->count; k++) {
        int row = ((start + step * k) % lv->count + lv->count) % lv->count;
        char *t = text(ctx, row);
        bool hit = t && stc_listview_contains(t, q);
        free(t);
        if (hit) {
            stc_listview_select(lv, row);
            return true;
        }
    }
    return false;
}

int stc_listview_find(int n, int cur, int dir, const char *q, const char *(*text)(void *ctx, int row), void *ctx)
{
    if (n <= 0 || !q || !*q)
        return -1;
    int step = dir < 0 ? -1 : 1;
    int start = (cur < 0 ? 0 : cur) + (dir != 0 ? step : 0);
    for (int k = 0; k < n; k++) {
        int row = ((start + step * k) % n + n) % n;
        if (stc_listview_contains(text(ctx, row), q))
            return row;
    }
    return -1;
}

void stc_listview_light(stc_cells *c, int x0, int y, const char *text, const char *q)
{
    size_t n = q ? strlen(q) : 0;
    if (!n)
        return;
    for (const char *s = text; *s; s++) {
        size_t i = 0;
        while (i < n && s[i] && (s[i] | 0x20) == (q[i] | 0x20))
            i++;
        if (i < n)
            continue;
        char *pre = stc_xstrndup(text, (size_t)(s - text));
        char *hit = stc_xstrndup(s, n);
        stc_cells_restyle(c, x0 + stc_cells_width(pre), y, stc_cells_width(hit), STC_EL_SEARCH_MATCH);
        free(pre);
        free(hit);
        s += n - 1;
    }
}
