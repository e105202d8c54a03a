/* screen.c - see screen.h. The only file that calls curses. */
#include "tui/screen.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/util.h"
#include "tui/keys.h"

static SCREEN *stc_scr;
static FILE *stc_scr_out, *stc_scr_in;
static bool stc_scr_headless, stc_scr_colour;
static attr_t stc_scr_attr[STC_EL_COUNT];
static short stc_scr_pair[STC_EL_COUNT];

bool stc_screen_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

int stc_screen_open(bool headless, char **err)
{
    const char *term = getenv("TERM");
    stc_scr_headless = headless;
    if (headless) {
        if (!term || !*term)
            term = "xterm-256color";
        stc_scr_out = fopen("/dev/null", "w");
        stc_scr_in = fopen("/dev/null", "r");
        if (!stc_scr_out || !stc_scr_in) {
            *err = stc_xasprintf("cannot open /dev/null: %s", strerror(errno));
            return -1;
        }
        stc_scr = newterm(term, stc_scr_out, stc_scr_in);
    } else {
        stc_scr = newterm(NULL, stdout, stdin);
    }
    if (!stc_scr) {
        *err = stc_xasprintf("cannot open the terminal '%s' with curses", term ? term : "(unset)");
        return -1;
    }
    set_term(stc_scr);
    cbreak();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    leaveok(stdscr, TRUE);
    if (!headless) {
        mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
        mouseinterval(0);
    }
    if (has_colors()) {
        start_color();
        use_default_colors();
        stc_scr_colour = true;
    }
    return 0;
}

void stc_screen_close(void)
{
    if (!stc_scr)
        return;
    endwin();
    delscreen(stc_scr);
    stc_scr = NULL;
    if (stc_scr_out)
        fclose(stc_scr_out);
    if (stc_scr_in)
        fclose(stc_scr_in);
    stc_scr_out = stc_scr_in = NULL;
}

void stc_screen_size(int *w, int *h)
{
    *w = COLS;
    *h = LINES;
}

void stc_screen_resize(int w, int h)
{
    resizeterm(h, w);
}

bool stc_screen_has_colour(void)
{
    return stc_scr_colour;
}

void stc_screen_invalidate(void)
{
    clearok(curscr, TRUE);
}

static attr_t stc_screen_attrs(unsigned a)
{
    attr_t r = A_NORMAL;
    if (a & STC_ATTR_BOLD)
        r |= A_BOLD;
    if (a & STC_ATTR_DIM)
        r |= A_DIM;
    if (a & STC_ATTR_UNDERLINE)
        r |= A_UNDERLINE;
    if (a & STC_ATTR_REVERSE)
        r |= A_REVERSE;
    if (a & STC_ATTR_STANDOUT)
        r |= A_STANDOUT;
    if (a & STC_ATTR_ITALIC)
        r |= A_ITALIC;
    if (a & STC_ATTR_BLINK)
        r |= A_BLINK;
    return r;
}

/* A colour the terminal cannot show falls back to its 8-colour base, or the default. */
static short stc_screen_colour_of(short c)
{
    if (c < 0 || c < COLORS)
        return c;
    if (c < 16)
        return (short)(c - 8);
    return -1;
}

void stc_screen_set_theme(const stc_theme *t, bool colour)
{
    bool use = colour && stc_scr_colour;
    for (int el = 0; el < STC_EL_COUNT; el++) {
        stc_scr_attr[el] = stc_screen_attrs(t->el[el].attrs);
        stc_scr_pair[el] = 0;
        if (use && el + 1 < COLOR_PAIRS) {
            init_pair((short)(el + 1), stc_screen_colour_of(t->el[el].fg),
                      stc_screen_colour_of(t->el[el].bg));
            stc_scr_pair[el] = (short)(el + 1);
        }
    }
}

/* UTF-8 cell text -> wide string for setcchar (base character and combining marks). */
static void stc_screen_wide(const char *s, wchar_t *out, size_t n)
{
    size_t k = 0, len = strlen(s), i = 0;
    while (i < len && k + 1 < n) {
        unsigned cp;
        i += (size_t)stc_cells_decode(s + i, len - i, &cp);
        out[k++] = (wchar_t)cp;
    }
    if (k == 0)
        out[k++] = L' ';
    out[k] = L'\0';
}

void stc_screen_draw(const stc_cells *c)
{
    for (int y = 0; y < c->h && y < LINES; y++) {
        for (int x = 0; x < c->w && x < COLS; x++) {
            const stc_tcell *t = &c->cell[(size_t)y * (size_t)c->w + (size_t)x];
            if (t->width == 0)
                continue;
            int el = t->style < STC_EL_COUNT ? t->style : 0;
            wchar_t wch[CCHARW_MAX + 1];
            stc_screen_wide(t->text, wch, STC_ARRAY_LEN(wch));
            cchar_t cc;
            setcchar(&cc, wch, stc_scr_attr[el], stc_scr_pair[el], NULL);
            mvadd_wch(y, x, &cc);
        }
    }
    wnoutrefresh(stdscr);
    doupdate();
}

static int stc_screen_key(int code)
{
    switch (code) {
    case KEY_UP: return STC_KEY_UP;
    case KEY_DOWN: return STC_KEY_DOWN;
    case KEY_LEFT: return STC_KEY_LEFT;
    case KEY_RIGHT: return STC_KEY_RIGHT;
    case KEY_PPAGE: return STC_KEY_PGUP;
    case KEY_NPAGE: return STC_KEY_PGDOWN;
    case KEY_HOME: return STC_KEY_HOME;
    case KEY_END: return STC_KEY_END;
    case KEY_ENTER: return STC_KEY_ENTER;
    case KEY_BTAB: return STC_KEY_BACKTAB;
    case KEY_BACKSPACE: return STC_KEY_BACKSPACE;
    case KEY_DC: return STC_KEY_DELETE;
    case KEY_IC: return STC_KEY_INSERT;
    case KEY_F(1): return STC_KEY_F1;
    case KEY_F(2): return STC_KEY_F2;
    case KEY_F(5): return STC_KEY_F5;
    case KEY_F(10): return STC_KEY_F10;
    default: return -1;
    }
}

int stc_screen_read(stc_event *ev, int timeout_ms)
{
    memset(ev, 0, sizeof *ev);
    timeout(timeout_ms);
    wint_t wc;
    int r = get_wch(&wc);
    if (r == ERR)
        return 0;
    if (r == KEY_CODE_YES) {
        if (wc == KEY_RESIZE) {
            stc_screen_invalidate();
            ev->type = STC_EVENT_RESIZE;
            return 1;
        }
        if (wc == KEY_MOUSE) {
            MEVENT me;
            if (getmouse(&me) != OK)
                return 0;
            ev->x = me.x;
            ev->y = me.y;
            if (me.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
                ev->type = STC_EVENT_CLICK;
            else if (me.bstate & BUTTON4_PRESSED)
                ev->type = STC_EVENT_WHEEL_UP;
            else if (me.bstate & BUTTON5_PRESSED)
                ev->type = STC_EVENT_WHEEL_DOWN;
            else
                return 0;
            return 1;
        }
        int k = stc_screen_key((int)wc);
        if (k < 0)
            return 0;
        ev->type = STC_EVENT_KEY;
        ev->key = k;
        return 1;
    }
    ev->type = STC_EVENT_KEY;
    ev->key = stc_key_normalize((int)wc);
    return 1;
}

static void stc_screen_utf8_put(stc_buf *b, wchar_t w)
{
    char tmp[8];
    unsigned cp = (unsigned)w;
    if (cp < 0x80) {
        stc_buf_putc(b, (char)cp);
        return;
    }
    int n;
    if (cp < 0x800) {
        tmp[0] = (char)(0xC0 | (cp >> 6));
        tmp[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        tmp[0] = (char)(0xE0 | (cp >> 12));
        tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        tmp[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        tmp[0] = (char)(0xF0 | (cp >> 18));
        tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        tmp[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    stc_buf_add(b, tmp, (size_t)n);
}

char *stc_screen_dump_text(void)
{
    stc_buf b = STC_BUF_INIT;
    for (int y = 0; y < LINES; y++) {
        size_t start = b.len, keep = b.len;
        for (int x = 0; x < COLS; x++) {
            cchar_t cc;
            if (mvin_wch(y, x, &cc) == ERR)
                continue;
            wchar_t wch[CCHARW_MAX + 1];
            attr_t a;
            short pair;
            getcchar(&cc, wch, &a, &pair, NULL);
            int w = wch[0] ? wcwidth(wch[0]) : 1;
            for (int k = 0; wch[k]; k++)
                stc_screen_utf8_put(&b, wch[k]);
            if (!wch[0])
                stc_buf_putc(&b, ' ');
            if (!(wch[0] == L' ' && !wch[1]))
                keep = b.len;
            if (w == 2)
                x++;
        }
        (void)start;
        b.len = keep;
        stc_buf_putc(&b, '\n');
    }
    return stc_buf_take(&b);
}

static void stc_screen_attr_names(stc_buf *b, attr_t a)
{
    static const struct {
        attr_t bit;
        const char *name;
    } names[] = {{A_BOLD, "bold"},       {A_DIM, "dim"},           {A_UNDERLINE, "underline"},
                 {A_REVERSE, "reverse"}, {A_STANDOUT, "standout"}, {A_ITALIC, "italic"},
                 {A_BLINK, "blink"}};
    for (size_t i = 0; i < STC_ARRAY_LEN(names); i++)
        if ((a & names[i].bit) == names[i].bit)
            stc_buf_printf(b, "+%s", names[i].name);
}

char *stc_screen_dump_attrs(void)
{
    stc_buf b = STC_BUF_INIT;
    for (int y = 0; y < LINES; y++) {
        stc_buf_printf(&b, "%d:", y);
        int run_start = 0;
        attr_t run_a = 0;
        short run_p = -1;
        for (int x = 0; x <= COLS; x++) {
            attr_t a = 0;
            short pair = 0;
            if (x < COLS) {
                cchar_t cc;
                wchar_t wch[CCHARW_MAX + 1];
                mvin_wch(y, x, &cc);
                getcchar(&cc, wch, &a, &pair, NULL);
                a &= (A_BOLD | A_DIM | A_UNDERLINE | A_REVERSE | A_STANDOUT | A_ITALIC | A_BLINK);
            }
            if (x == COLS || x == 0 || a != run_a || pair != run_p) {
                if (x > 0) {
                    stc_buf_printf(&b, " %d-%d ", run_start, x - 1);
                    stc_buf_puts(&b, run_p > 0 ? stc_element_name(run_p - 1) : "-");
                    stc_screen_attr_names(&b, run_a);
                }
                run_start = x;
                run_a = a;
                run_p = pair;
            }
        }
        stc_buf_putc(&b, '\n');
    }
    return stc_buf_take(&b);
}
