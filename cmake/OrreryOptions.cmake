# One INTERFACE target carries the language level, warnings and Qt strictness for every target.
# Warnings are errors in the presets and CI (CMakePresets.json turns ORRERY_WERROR on) but not in a
# packager's plain build, where a newer compiler's new warning must not stop it.
option(ORRERY_WERROR "Treat compiler warnings as errors" OFF)
add_library(orrery_options INTERFACE)
target_compile_features(orrery_options INTERFACE cxx_std_20)
target_compile_options(orrery_options INTERFACE -Wall -Wextra $<$<BOOL:${ORRERY_WERROR}>:-Werror> -Wno-missing-field-initializers
  # GCC 12 at -O3 reports std::string appends as overlapping memcpy (GCC bug 105651, fixed in 13).
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>)
target_compile_definitions(orrery_options INTERFACE
  QT_NO_CAST_FROM_ASCII
  QT_NO_CAST_TO_ASCII
  QT_NO_URL_CAST_FROM_STRING
  QT_USE_QSTRINGBUILDER
  QT_NO_FOREACH
  QT_DISABLE_DEPRECATED_UP_TO=0x060400)

option(ORRERY_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(ORRERY_SANITIZE)
  target_compile_options(orrery_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(orrery_options INTERFACE -fsanitize=address,undefined)
endif()
