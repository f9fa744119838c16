/*
 * Cyrus logs only through syslog(3), and a machine without a syslog daemon (no /dev/log)
 * drops every line. Preloaded into each Cyrus program (LD_PRELOAD), this replaces syslog's
 * entry points with appends to the file named by $MAILSIM_SYSLOG_FILE, one line per call,
 * so a failed Cyrus run can quote what Cyrus said. Without the variable the lines are dropped,
 * as they were. Built by .ci/install-cyrus; plain C, no dependencies.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

/* One log line at most this long; longer ones are cut (a syslog daemon cuts them too). */
#define LINE_BYTES_MAX 4096

static char ident_text[64] = "cyrus";

void openlog(const char *ident, int option, int facility) {
  (void)option;
  (void)facility;
  if (ident != NULL) snprintf(ident_text, sizeof ident_text, "%s", ident);
}

void closelog(void) {}

void vsyslog(int priority, const char *format, va_list args) {
  const char *path = getenv("MAILSIM_SYSLOG_FILE");
  if (path == NULL || path[0] == '\0') return;
  char line[LINE_BYTES_MAX];
  int head = snprintf(line, sizeof line, "%s[%d] <%d>: ", ident_text, (int)getpid(), LOG_PRI(priority));
  if (head < 0 || (size_t)head >= sizeof line) return;
  int body = vsnprintf(line + head, sizeof line - (size_t)head, format, args);
  if (body < 0) return;
  size_t length = strnlen(line, sizeof line - 1);
  line[length++] = '\n';
  /* O_APPEND keeps lines whole when several programs of one instance log at once. */
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) return;
  ssize_t written = write(fd, line, length);
  (void)written;
  close(fd);
}

void syslog(int priority, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsyslog(priority, format, args);
  va_end(args);
}

/* The fortified entry points Debian's build calls instead of syslog and vsyslog. */
void __vsyslog_chk(int priority, int flag, const char *format, va_list args) {
  (void)flag;
  vsyslog(priority, format, args);
}

void __syslog_chk(int priority, int flag, const char *format, ...) {
  (void)flag;
  va_list args;
  va_start(args, format);
  vsyslog(priority, format, args);
  va_end(args);
}
