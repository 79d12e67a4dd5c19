# Every dependency is found the conventional way; a missing one stops configuration
# with the name of the Debian package that provides it (`make deps` installs them all).
find_package(PkgConfig)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "pkg-config not found: install the Debian package 'pkg-config' (or run 'make deps')")
endif()

macro(mc_require_pkg var module debpkg)
  pkg_check_modules(${var} IMPORTED_TARGET ${module})
  if(NOT ${var}_FOUND)
    message(FATAL_ERROR "${module} not found: install the Debian package '${debpkg}' (or run 'make deps')")
  endif()
endmacro()

mc_require_pkg(YAML yaml-0.1 libyaml-dev)
mc_require_pkg(JANSSON jansson libjansson-dev)
mc_require_pkg(LIBPQ libpq libpq-dev)

find_package(OpenSSL 3)
if(NOT OPENSSL_FOUND)
  message(FATAL_ERROR "OpenSSL 3 not found: install the Debian package 'libssl-dev' (or run 'make deps')")
endif()

find_package(SQLite3)
if(NOT SQLite3_FOUND)
  message(FATAL_ERROR "SQLite 3 not found: install the Debian package 'libsqlite3-dev' (or run 'make deps')")
endif()

pkg_check_modules(OPENBLAS IMPORTED_TARGET openblas)
if(NOT OPENBLAS_FOUND)
  set(BLA_VENDOR OpenBLAS)
  find_package(BLAS)
  if(NOT BLAS_FOUND)
    message(FATAL_ERROR "OpenBLAS not found: install the Debian package 'libopenblas-dev' (or run 'make deps')")
  endif()
  add_library(mc_openblas INTERFACE)
  target_link_libraries(mc_openblas INTERFACE ${BLAS_LIBRARIES})
else()
  add_library(mc_openblas INTERFACE)
  target_link_libraries(mc_openblas INTERFACE PkgConfig::OPENBLAS)
endif()

if(MODELCERT_TESTS)
  mc_require_pkg(CMOCKA cmocka libcmocka-dev)
endif()

# ONNX export (reference/mc_onnx.c): protobuf-c's runtime, and C code generated at build time
# by protoc-c from the onnx.proto that Debian's python3-onnx ships.
mc_require_pkg(PROTOBUFC libprotobuf-c libprotobuf-c-dev)
find_program(MC_PROTOC_C protoc-c)
if(NOT MC_PROTOC_C)
  message(FATAL_ERROR "protoc-c not found: install the Debian package 'protobuf-c-compiler' (or run 'make deps')")
endif()
find_file(MC_ONNX_PROTO onnx.proto PATHS /usr/lib/python3/dist-packages/onnx NO_DEFAULT_PATH)
if(NOT MC_ONNX_PROTO)
  message(FATAL_ERROR "onnx.proto not found: install the Debian package 'python3-onnx' (or run 'make deps')")
endif()
# PKCS #11 signing keys (signing/mc_pkcs11.c): libp11 loads the module and signs in the token.
mc_require_pkg(LIBP11 libp11 libp11-dev)
