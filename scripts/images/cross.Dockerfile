# Images for `cross` built on the pristine bookworm base (scripts/images/base), one
# stage per target; scripts/images/cross builds them. Each carries what cross's own
# images carry for the target: the cross gcc and binutils, the target's libc and
# kernel headers, qemu-user (10.x, from bookworm-backports: its guests get a vDSO),
# and the environment that tells cargo and the cc crate to use them.
# The Rust toolchain is not in the image: cross mounts the host's.
ARG BASE
FROM ${BASE} AS common
# The host C toolchain (build scripts, the tests' C side), the GNU tools the tests
# compare against, and qemu-user from the backports suite of the base's own mirror.
RUN sed -n 's/^deb \([^ ]*\) bookworm main$/deb \1 bookworm-backports main/p' /etc/apt/sources.list \
        > /etc/apt/sources.list.d/bookworm-backports.list \
    && apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        gcc libc6-dev binutils hostname time \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        -t bookworm-backports qemu-user \
    && rm -rf /var/lib/apt/lists/*

FROM common AS aarch64-unknown-linux-gnu
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross \
    && rm -rf /var/lib/apt/lists/*
ENV CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
    CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu" \
    CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc \
    AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar \
    QEMU_LD_PREFIX=/usr/aarch64-linux-gnu

FROM common AS riscv64gc-unknown-linux-gnu
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        gcc-riscv64-linux-gnu binutils-riscv64-linux-gnu libc6-dev-riscv64-cross \
    && rm -rf /var/lib/apt/lists/*
ENV CARGO_TARGET_RISCV64GC_UNKNOWN_LINUX_GNU_LINKER=riscv64-linux-gnu-gcc \
    CARGO_TARGET_RISCV64GC_UNKNOWN_LINUX_GNU_RUNNER="qemu-riscv64 -L /usr/riscv64-linux-gnu" \
    CC_riscv64gc_unknown_linux_gnu=riscv64-linux-gnu-gcc \
    AR_riscv64gc_unknown_linux_gnu=riscv64-linux-gnu-ar \
    QEMU_LD_PREFIX=/usr/riscv64-linux-gnu
