/* viewport.c - scrolling a window over a canvas. */
#include "render/viewport.h"

void stc_viewport_init(stc_viewport *v, int canvas_w, int canvas_h, int w, int h)
{
    v->x = v->y = 0;
    v->w = w > 0 ? w : 1;
    v->h = h > 0 ? h : 1;
    v->canvas_w = canvas_w > 0 ? canvas_w : 0;
    v->canvas_h = canvas_h > 0 ? canvas_h : 0;
    stc_viewport_clamp(v);
}

void stc_viewport_resize(stc_viewport *v, int w, int h)
{
    v->w = w > 0 ? w : 1;
    v->h = h > 0 ? h : 1;
    stc_viewport_clamp(v);
}

void stc_viewport_clamp(stc_viewport *v)
{
    int maxx = v->canvas_w - v->w, maxy = v->canvas_h - v->h;
    if (v->x > maxx)
        v->x = maxx;
    if (v->y > maxy)
        v->y = maxy;
    if (v->x < 0)
        v->x = 0;
    if (v->y < 0)
        v->y = 0;
}

void stc_viewport_scroll(stc_viewport *v, int dx, int dy)
{
    v->x += dx;
    v->y += dy;
    stc_viewport_clamp(v);
}

void stc_viewport_page(stc_viewport *v, int dx_pages, int dy_pages)
{
    int pw = v->w > 1 ? v->w - 1 : 1, ph = v->h > 1 ? v->h - 1 : 1;
    stc_viewport_scroll(v, dx_pages * pw, dy_pages * ph);
}

void stc_viewport_center(stc_viewport *v, stc_rect r)
{
    v->x = r.x + r.w / 2 - v->w / 2;
    v->y = r.y + r.h / 2 - v->h / 2;
    stc_viewport_clamp(v);
}

bool stc_viewport_center_on_state(stc_viewport *v, const stc_layout *l, const char *name)
{
    stc_rect r;
    if (!stc_layout_state_rect(l, name, &r))
        return false;
    stc_viewport_center(v, r);
    return true;
}

void stc_viewport_reveal(stc_viewport *v, stc_rect r)
{
    if (r.x + r.w > v->x + v->w)
        v->x = r.x + r.w - v->w;
    if (r.x < v->x)
        v->x = r.x;
    if (r.y + r.h > v->y + v->h)
        v->y = r.y + r.h - v->h;
    if (r.y < v->y)
        v->y = r.y;
    stc_viewport_clamp(v);
}

bool stc_viewport_wants_compact(const stc_layout *l, int screen_w)
{
    return l && !l->compact && l->width > screen_w;
}
