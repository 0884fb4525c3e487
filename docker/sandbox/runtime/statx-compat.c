/* Preloaded into every process of the sandbox image (/etc/ld.so.preload).
 *
 * gVisor 20221219 (Debian's runsc) answers statx() and fstatat() with EINVAL whenever the flags
 * hold AT_NO_AUTOMOUNT, for any path. coreutils' stat and ls always pass it, so under runsc they
 * failed with "Invalid argument" (ms-enclave's put_archive checks use both). A call refused with
 * EINVAL while the flag was set is retried once without it: a sandbox has no automount points, so
 * the answer is the one the flag asked for. On a kernel that takes the flag nothing changes. A
 * seccomp rule answering statx with ENOSYS does not help: glibc then falls back to fstatat() with
 * the same flag. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef AT_NO_AUTOMOUNT
#define AT_NO_AUTOMOUNT 0x800
#endif

int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *buf) {
  long r = syscall(SYS_statx, dirfd, path, flags, mask, buf);
  if (r != 0 && errno == EINVAL && (flags & AT_NO_AUTOMOUNT))
    r = syscall(SYS_statx, dirfd, path, flags & ~AT_NO_AUTOMOUNT, mask, buf);
  return (int)r;
}

#ifdef SYS_newfstatat
static int fstatat_compat(int dirfd, const char *path, struct stat *buf, int flags) {
  long r = syscall(SYS_newfstatat, dirfd, path, buf, flags);
  if (r != 0 && errno == EINVAL && (flags & AT_NO_AUTOMOUNT))
    r = syscall(SYS_newfstatat, dirfd, path, buf, flags & ~AT_NO_AUTOMOUNT);
  return (int)r;
}

/* On 64-bit Linux struct stat and struct stat64 are the same layout (what newfstatat fills). */
int fstatat(int dirfd, const char *path, struct stat *buf, int flags) { return fstatat_compat(dirfd, path, buf, flags); }
int fstatat64(int dirfd, const char *path, struct stat64 *buf, int flags) { return fstatat_compat(dirfd, path, (struct stat *)buf, flags); }
#endif
