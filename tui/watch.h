/* watch.h - notice when the module file is saved (inotify on its folder:
 * close-write or moved-to of the file's name, so editors that write in
 * place and editors that rename a temporary both count). */
#ifndef STC_TUI_WATCH_H
#define STC_TUI_WATCH_H

#include <stdbool.h>

typedef struct stc_watch stc_watch;

/* Watch `path`. Returns NULL (and an allocated *err) when inotify refuses. */
stc_watch *stc_watch_new(const char *path, char **err);
void stc_watch_free(stc_watch *w);

/* Wait up to timeout_ms (0: just look) for events; true when the file
 * changed since the last call. Several events in one burst count once. */
bool stc_watch_changed(stc_watch *w, int timeout_ms);

#endif
