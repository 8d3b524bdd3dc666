# Reads core/layers.txt into ORRERY_LAYERS and ORRERY_LAYER_USES_<layer>, and gives a target an
# include root that holds links to its own layer's folder and the folders it may use only.
set(ORRERY_LAYER_FOLDER_render ${PROJECT_SOURCE_DIR}/ui/render)
set(ORRERY_LAYER_FOLDER_ui ${PROJECT_SOURCE_DIR}/ui)

macro(orrery_read_layers)
  file(STRINGS ${PROJECT_SOURCE_DIR}/core/layers.txt _lines REGEX "^[a-z]+:")
  set(ORRERY_LAYERS)
  foreach(_line ${_lines})
    string(REGEX MATCH "^([a-z]+):(.*)$" _m "${_line}")
    set(_layer ${CMAKE_MATCH_1})
    separate_arguments(_uses UNIX_COMMAND "${CMAKE_MATCH_2}")
    set(ORRERY_LAYER_USES_${_layer} ${_uses})
    list(APPEND ORRERY_LAYERS ${_layer})
  endforeach()
endmacro()

function(orrery_layer_folder layer out)
  if(DEFINED ORRERY_LAYER_FOLDER_${layer})
    set(${out} ${ORRERY_LAYER_FOLDER_${layer}} PARENT_SCOPE)
  else()
    set(${out} ${PROJECT_SOURCE_DIR}/core/${layer} PARENT_SCOPE)
  endif()
endfunction()

# PRIVATE: a layer that uses another does not see the layers that one may use, so a header that
# includes a layer its includers may not use fails in them too.
function(orrery_layer_includes target layer)
  set(root ${PROJECT_BINARY_DIR}/layers/${layer})
  file(MAKE_DIRECTORY ${root})
  foreach(used ${layer} ${ORRERY_LAYER_USES_${layer}})
    orrery_layer_folder(${used} folder)
    if(NOT IS_SYMLINK ${root}/${used})
      file(CREATE_LINK ${folder} ${root}/${used} SYMBOLIC)
    endif()
  endforeach()
  target_include_directories(${target} PRIVATE ${root})
endfunction()
