/* ffi_syscalls: the plain C interface (syscall_*), no libc needed behind it.
 *
 * Strings in are NUL-terminated; a NULL string is EFAULT. Integer results are >= 0
 * on success and -errno on failure; pointer results are NULL on failure. Every
 * failure records its errno for syscall_last_errno(), a process-wide value that
 * successful calls leave alone. Returned buffers are NUL-terminated, owned by the
 * caller and released with syscall_free().
 *
 * A hosted build of the crate (feature `hosted`, inside a program with its own libc:
 * the Simple runtime) leaves out the functions marked "standalone only": the
 * environment, the arguments and the exit are the host libc's there, and a spawn
 * would need the host's environment. */
#ifndef FFI_SYSCALLS_H
#define FFI_SYSCALLS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct syscall_output {
    char *stdout_data;  /* everything the child wrote to stdout */
    size_t stdout_len;
    char *stderr_data;  /* everything it wrote to stderr */
    size_t stderr_len;
    int exit_code;      /* -1 when a signal ended it */
};

void syscall_free(char *buffer);
int syscall_last_errno(void);

int syscall_file_exists(const char *path);                    /* 1, 0, or -errno */
char *syscall_file_read(const char *path, size_t *len);       /* to EOF */
char *syscall_file_mmap_read(const char *path, size_t *len);
int syscall_file_write(const char *path, const void *data, size_t len);
int syscall_file_append(const char *path, const void *data, size_t len);
int syscall_file_delete(const char *path);
int64_t syscall_file_size(const char *path);
int syscall_file_modified_time(const char *path, int64_t *seconds);
int64_t syscall_file_copy(const char *src, const char *dst);  /* bytes copied; -EINVAL if dst is src */
int syscall_dir_create(const char *path, int recursive);
char **syscall_dir_list(const char *path, size_t *count);     /* one syscall_free */
int syscall_dir_exists(const char *path);                      /* 1, 0, or -errno */
int syscall_file_rename(const char *src, const char *dst);
int syscall_file_move(const char *src, const char *dst);       /* rename, else copy + remove */
char *syscall_path_canonicalize(const char *path, size_t *len); /* realpath */
char **syscall_dir_walk(const char *path, size_t *count);      /* one syscall_free */
int syscall_dir_remove_all(const char *path);                  /* follows no link below path */
int syscall_file_lock(const char *path);                      /* handle >= 0 */
int syscall_file_unlock(int handle);

char *syscall_env_cwd(void);
char *syscall_env_home(void); /* standalone only */
char *syscall_env_get(const char *name); /* NULL when unset; standalone only */
int syscall_env_set(const char *name, const char *value); /* standalone only */
char **syscall_args(size_t *count); /* count may be NULL; one syscall_free; standalone only */

int syscall_getpid(void);
/* standalone only */
int syscall_process_run(const char *cmd, const char *const *args, struct syscall_output *out);
int syscall_system_cpu_count(void);
char *syscall_hostname(void);
int64_t syscall_time_now_unix_micros(void);
int64_t syscall_time_now_nanos(void); /* CLOCK_MONOTONIC */
/* len random bytes (getrandom(2) flags), through the vDSO where the kernel has it */
int64_t syscall_getrandom(void *buf, size_t len, unsigned int flags);
int syscall_write_all(int fd, const void *data, size_t len);
_Noreturn void syscall_exit(int code); /* standalone only */

#ifdef __cplusplus
}
#endif
#endif
