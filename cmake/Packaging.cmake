# What `make deb` packages and how it stays reproducible (docs/packaging.md):
# - the commit baked into `modelcert --version` ("unknown" outside git) and SOURCE_DATE_EPOCH
#   (the environment's, else the last commit's date) are taken here, at configure time;
# - no build path reaches the binary (-ffile-prefix-map for the source and the build tree);
# - the man pages and the bash completion are generated at build time by running the built
#   binary (packaging/gen_man.py, packaging/gen_completion.py): from its own --help and
#   --options, so that they cannot disagree with it;
# - CPack's DEB generator takes the mtimes of every ar and tar member from SOURCE_DATE_EPOCH and
#   makes root own them; `make deb` (the `deb` target) runs it with that variable set.

find_package(Git QUIET)
set(MC_GIT_COMMIT "unknown")
set(MC_GIT_DATE "")
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --verify HEAD
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE mc_commit RESULT_VARIABLE mc_rc
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(mc_rc EQUAL 0 AND mc_commit MATCHES "^[0-9a-f]+$")
    set(MC_GIT_COMMIT ${mc_commit})
    execute_process(COMMAND ${GIT_EXECUTABLE} log -1 --format=%ct HEAD
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE MC_GIT_DATE
      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    # A new commit (HEAD or the branch it names moving) configures again, so the commit
    # `--version` names is never stale in a build tree that follows the checkout.
    execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --path-format=absolute --git-path HEAD
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE mc_head_file
      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    execute_process(COMMAND ${GIT_EXECUTABLE} symbolic-ref -q HEAD
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE mc_ref
      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    if(mc_ref)
      execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --path-format=absolute --git-path ${mc_ref}
        WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE mc_ref_file
        OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    endif()
    foreach(f ${mc_head_file} ${mc_ref_file})
      if(EXISTS ${f})
        set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${f})
      endif()
    endforeach()
  endif()
endif()
if(DEFINED ENV{SOURCE_DATE_EPOCH})
  set(MC_SOURCE_DATE_EPOCH "$ENV{SOURCE_DATE_EPOCH}")
elseif(MC_GIT_DATE MATCHES "^[0-9]+$")
  set(MC_SOURCE_DATE_EPOCH "${MC_GIT_DATE}")
else()
  set(MC_SOURCE_DATE_EPOCH 0) # outside git: 1970-01-01, the same on every build
endif()
if(NOT MC_SOURCE_DATE_EPOCH MATCHES "^[0-9]+$")
  message(FATAL_ERROR "SOURCE_DATE_EPOCH must be a number of seconds: ${MC_SOURCE_DATE_EPOCH}")
endif()
string(TIMESTAMP MC_RELEASE_DATE "%Y-%m-%d" UTC) # honours SOURCE_DATE_EPOCH when set...
if(NOT DEFINED ENV{SOURCE_DATE_EPOCH})           # ...else from the commit's date
  set(ENV{SOURCE_DATE_EPOCH} ${MC_SOURCE_DATE_EPOCH})
  string(TIMESTAMP MC_RELEASE_DATE "%Y-%m-%d" UTC)
  unset(ENV{SOURCE_DATE_EPOCH})
endif()

# The optional parts, as `modelcert --version` names them: every one is always built today
# (cmake/Dependencies.cmake requires its library), with the version it was built against.
set(MC_BUILT_WITH "PKCS #11 keys (libp11 ${LIBP11_VERSION}), PostgreSQL audit trail (libpq ${LIBPQ_VERSION}), ONNX export (protobuf-c ${PROTOBUFC_VERSION}), SQLite ${SQLite3_VERSION}, OpenSSL ${OPENSSL_VERSION}, OpenBLAS ${OPENBLAS_VERSION}")

add_compile_options(-ffile-prefix-map=${PROJECT_SOURCE_DIR}=.
                    -ffile-prefix-map=${PROJECT_BINARY_DIR}=build)

# Where the build writes the man pages and the completion (tests/CMakeLists.txt tests them).
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(MC_MAN_DIR ${PROJECT_BINARY_DIR}/man)
set(MC_COMPLETION ${PROJECT_BINARY_DIR}/completion/modelcert)

# mc_packaging(): called at the end of the top-level CMakeLists.txt, once `modelcert` exists.
macro(mc_packaging)
# ---- man pages and bash completion, from the built binary --------------------------------
set(mc_run_binary $<TARGET_FILE:modelcert>)
if(CMAKE_CROSSCOMPILING_EMULATOR)
  set(mc_run_binary "${CMAKE_CROSSCOMPILING_EMULATOR};$<TARGET_FILE:modelcert>")
endif()
add_custom_command(OUTPUT ${MC_MAN_DIR}/pages.stamp
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/packaging/gen_man.py
          --out ${MC_MAN_DIR} --date ${MC_RELEASE_DATE} --version ${PROJECT_VERSION}
          -- ${mc_run_binary}
  DEPENDS modelcert ${PROJECT_SOURCE_DIR}/packaging/gen_man.py
          ${PROJECT_SOURCE_DIR}/packaging/mc_help.py
  COMMENT "man pages from modelcert --help" VERBATIM)
add_custom_command(OUTPUT ${MC_COMPLETION}
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/packaging/gen_completion.py
          --out ${MC_COMPLETION} -- ${mc_run_binary}
  DEPENDS modelcert ${PROJECT_SOURCE_DIR}/packaging/gen_completion.py
          ${PROJECT_SOURCE_DIR}/packaging/mc_help.py
  COMMENT "bash completion from modelcert --help and --options" VERBATIM)
add_custom_target(manpages ALL DEPENDS ${MC_MAN_DIR}/pages.stamp ${MC_COMPLETION})

# ---- what is installed --------------------------------------------------------------------
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
    GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS ${CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS})
install(TARGETS modelcert RUNTIME DESTINATION bin)
file(GLOB MC_DOCS ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${MC_DOCS} README.md DESTINATION share/doc/modelcert)
install(DIRECTORY examples/ DESTINATION share/doc/modelcert/examples
  FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(DIRECTORY reports/schema/ DESTINATION share/modelcert/schema
  FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ FILES_MATCHING PATTERN "*.json")
install(DIRECTORY ${MC_MAN_DIR}/gz/ DESTINATION share/man/man1)
install(FILES ${MC_COMPLETION} DESTINATION share/bash-completion/completions)

# ---- the Debian package -------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME modelcert)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "modelcert maintainers <modelcert@modelcert.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "checks, runs, validates and certifies ML pipelines declared in a YAML spec")
set(CPACK_PACKAGE_DESCRIPTION "modelcert trains a model from a YAML spec with a reference engine whose numerics are bit-identical on every machine, gates it in CI against thresholds, reproducibility and privacy checks, keeps a hash-chained audit trail and signs a release certificate (OpenSSF Model Signing, SLSA provenance).")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
if(MC_DEB_ARCHITECTURE) # a cross build (cmake/aarch64-linux-gnu.cmake): the target's
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${MC_DEB_ARCHITECTURE})
endif()
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_CHECKSUM SHA256)
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
# CPack gives the ar members, the control files and the directories it stages the modes the
# umask leaves: umask 022 makes them the same for every builder (rw-r--r--, rwxr-xr-x).
add_custom_target(deb
  COMMAND sh -c "umask 022 && exec \"$0\" \"$@\"" ${CMAKE_COMMAND} -E env
          SOURCE_DATE_EPOCH=${MC_SOURCE_DATE_EPOCH}
          ${CMAKE_CPACK_COMMAND} -G DEB --config ${PROJECT_BINARY_DIR}/CPackConfig.cmake
  WORKING_DIRECTORY ${PROJECT_BINARY_DIR}
  COMMENT "modelcert_${PROJECT_VERSION}_<arch>.deb (SOURCE_DATE_EPOCH=${MC_SOURCE_DATE_EPOCH})"
  VERBATIM)
add_dependencies(deb modelcert manpages)
endmacro()
