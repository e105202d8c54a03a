/* maxrss.c - run a command; write its peak resident set size (KB, the
 * ru_maxrss that wait4 reports for it and the children it waited for) and
 * the CPU time it used (microseconds, user + system, the same rusage) to a
 * file, as one line "KB MICROSECONDS".
 *
 *     maxrss OUTFILE COMMAND [ARG ...]
 *
 * bench/run starts every measured program through this small launcher, not
 * straight from Python: Linux carries the high-water mark of the process that
 * calls exec into the new program's ru_maxrss, so a program started by
 * bench/run's Python (~14 MB) could never report less than that. This
 * launcher's own mark (about 1 MB) is what remains of that error. Exits with
 * the command's status (128 + signal when it was killed, 127 when it could
 * not be started). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: maxrss OUTFILE COMMAND [ARG ...]\n");
        return 2;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("maxrss: fork");
        return 127;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        fprintf(stderr, "maxrss: cannot run %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR) {
            perror("maxrss: wait4");
            return 127;
        }
    FILE *f = fopen(argv[1], "w");
    long long cpu_us = (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
                       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
    if (!f || fprintf(f, "%ld %lld\n", ru.ru_maxrss, cpu_us) < 0 || fclose(f) != 0) {
        perror("maxrss: cannot write the result");
        return 127;
    }
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}
