/* watch.c - see watch.h. */
#include "tui/watch.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"

struct stc_watch {
    int fd;
    int wd;
    char *name; /* the file's name inside its folder */
};

stc_watch *stc_watch_new(const char *path, char **err)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? stc_xstrndup(path, (size_t)(slash - path)) : stc_xstrdup(".");
    if (!*dir) {
        free(dir);
        dir = stc_xstrdup("/");
    }
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) {
        *err = stc_xasprintf("inotify: %s", strerror(errno));
        free(dir);
        return NULL;
    }
    int wd = inotify_add_watch(fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE);
    if (wd < 0) {
        *err = stc_xasprintf("cannot watch '%s': %s", dir, strerror(errno));
        close(fd);
        free(dir);
        return NULL;
    }
    free(dir);
    stc_watch *w = stc_xcalloc(1, sizeof *w);
    w->fd = fd;
    w->wd = wd;
    w->name = stc_xstrdup(slash ? slash + 1 : path);
    return w;
}

void stc_watch_free(stc_watch *w)
{
    if (!w)
        return;
    close(w->fd);
    free(w->name);
    free(w);
}

/* Read every pending event; true when one names our file. */
static bool stc_watch_drain(stc_watch *w)
{
    bool hit = false;
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t n = read(w->fd, buf, sizeof buf);
        if (n <= 0)
            break;
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *ev = (struct inotify_event *)p;
            if (ev->len && strcmp(ev->name, w->name) == 0 &&
                (ev->mask & (IN_CLOSE_WRITE | IN_MOVED_TO)))
                hit = true;
            p += sizeof *ev + ev->len;
        }
    }
    return hit;
}

static long stc_watch_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool stc_watch_changed(stc_watch *w, int timeout_ms)
{
    if (!w)
        return false;
    struct pollfd pfd = {.fd = w->fd, .events = POLLIN};
    long deadline = stc_watch_now_ms() + timeout_ms;
    for (;;) {
        long left = deadline - stc_watch_now_ms();
        int r = poll(&pfd, 1, left > 0 ? (int)left : 0);
        if (r > 0 && stc_watch_drain(w)) {
            /* let a burst of writes settle */
            while (poll(&pfd, 1, 20) > 0)
                stc_watch_drain(w);
            return true;
        }
        if (r <= 0 || stc_watch_now_ms() >= deadline)
            return false;
    }
}
