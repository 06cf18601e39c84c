/* rt_time_now_unix_micros as the runtime defines it: in C, compiled into the runtime's
 * archive by its build script. Microseconds since the epoch from CLOCK_REALTIME; -1 on
 * failure and for times before 1970. With SIMPLE_FFI_SYSCALLS (the runtime's bootstrap
 * build, as the README's row says) the clock read is the crate's C ABI. */
#include <stdint.h>

#ifdef SIMPLE_FFI_SYSCALLS
int64_t syscall_time_now_unix_micros(void);

int64_t rt_time_now_unix_micros(void) {
    int64_t us = syscall_time_now_unix_micros();
    return us < 0 ? -1 : us;
}
#else
#include <time.h>

int64_t rt_time_now_unix_micros(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || ts.tv_sec < 0) {
        return -1;
    }
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
#endif
