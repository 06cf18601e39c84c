/* The runtime's clocks as it defines them: in C, compiled into the runtime's archive by
 * its build script (src/runtime/runtime_time.c). rt_time_now_unix_micros: microseconds
 * since the epoch from CLOCK_REALTIME, -1 on failure and for times before 1970.
 * rt_time_now_nanos: CLOCK_MONOTONIC in nanoseconds, -1 on failure or overflow;
 * rt_time_now_micros: rt_time_now_nanos / 1000. With SIMPLE_FFI_SYSCALLS (the
 * runtime's bootstrap build, as the README's rows say) the clock reads are the
 * crate's C ABI. */
#include <stdint.h>

#ifdef SIMPLE_FFI_SYSCALLS
int64_t syscall_time_now_unix_micros(void);
int64_t syscall_time_now_nanos(void);

int64_t rt_time_now_unix_micros(void) {
    int64_t us = syscall_time_now_unix_micros();
    return us < 0 ? -1 : us;
}

int64_t rt_time_now_nanos(void) {
    int64_t ns = syscall_time_now_nanos();
    return ns < 0 ? -1 : ns;
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

int64_t rt_time_now_nanos(void) {
    struct timespec now;
    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) return -1;
    if (now.tv_sec < 0 || (int64_t)now.tv_sec > INT64_MAX / 1000000000LL) return -1;
    if ((int64_t)now.tv_sec == INT64_MAX / 1000000000LL &&
        now.tv_nsec > INT64_MAX % 1000000000LL) return -1;
    return (int64_t)now.tv_sec * 1000000000LL + (int64_t)now.tv_nsec;
}
#endif

/* The same in both builds: the runtime derives it from rt_time_now_nanos. */
int64_t rt_time_now_micros(void) {
    int64_t nanos = rt_time_now_nanos();
    return nanos < 0 ? -1 : nanos / 1000;
}
