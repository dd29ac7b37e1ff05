# dpa_embed_files(OUTPUT file.cpp BASE dir [FUNCTION name] FILES a b ...)
#
# Generates a C++ source that holds the bytes of FILES (paths relative to
# BASE keep their relative name) so the binary needs no data directory at run
# time: shipped policies, calendars and dictionaries travel inside `dpa`.
# FUNCTION (default embedded_files) names the dpa:: function that returns them.
add_executable(dpa_embed_tool ${CMAKE_CURRENT_LIST_DIR}/embed_tool.cpp)

function(dpa_embed_files)
  cmake_parse_arguments(E "" "OUTPUT;BASE;FUNCTION" "FILES" ${ARGN})
  if(NOT E_FUNCTION)
    set(E_FUNCTION embedded_files)
  endif()
  set(abs_files)
  foreach(f IN LISTS E_FILES)
    list(APPEND abs_files "${E_BASE}/${f}")
  endforeach()
  add_custom_command(
    OUTPUT "${E_OUTPUT}"
    COMMAND dpa_embed_tool "${E_OUTPUT}" ${E_FUNCTION} "${E_BASE}" ${E_FILES}
    DEPENDS dpa_embed_tool ${abs_files}
    COMMENT "Embedding ${E_BASE}"
    VERBATIM)
endfunction()
