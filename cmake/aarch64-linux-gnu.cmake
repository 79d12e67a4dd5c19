# Cross-compiling modelcert for arm64 (docs/packaging.md, "Another architecture"): Debian's
# cross compiler (gcc-aarch64-linux-gnu) and the arm64 libraries installed through multiarch
# (`make arm64-deps`), the binary run under qemu-user wherever the build runs it (the man
# pages and the completion are generated from its --help). Two -dev packages cannot be
# installed for two architectures at once (libpq-dev, libp11-dev are not Multi-Arch: same):
# packaging/arm64_overlay.sh unpacks their arm64 builds into MC_ARM64_OVERLAY, which is
# searched before the multiarch directories.
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
#         -DMC_ARM64_OVERLAY=DIR
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
find_program(MC_QEMU_AARCH64 qemu-aarch64)
if(MC_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${MC_QEMU_AARCH64})
endif()
# The package's architecture (CPack's default would be the build machine's).
set(MC_DEB_ARCHITECTURE arm64)

# No RUNPATH in the build tree's binary: it would name the overlay's directory (a path of this
# build), and removing it at install leaves a gap of that path's length in .dynstr, so the
# package's bytes would depend on where it was built. The loader finds every library in the
# multiarch directories (the overlay only holds link-time files).
set(CMAKE_SKIP_BUILD_RPATH ON)

# Libraries and headers of the target only; programs (protoc-c, python3) of the build machine.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
# pkg-config reads arm64's .pc files only: the overlay's, then the multiarch directory's.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
# (CMake reads this file again for its try_compile projects, without MC_ARM64_OVERLAY, in the
# same process: only ever set the variable here, never unset it.)
if(MC_ARM64_OVERLAY)
  set(ENV{PKG_CONFIG_PATH} "${MC_ARM64_OVERLAY}/usr/lib/aarch64-linux-gnu/pkgconfig")
endif()
