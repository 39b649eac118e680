# Precompiled headers: nearly every file includes Eigen and nlohmann-json,
# whose parsing is a third of a typical compile here. Parsing them once per
# target saves minutes of a fresh build on CI's two cores. Off for the web
# build (emscripten compiles little) and with -DBPV_PCH=OFF, e.g. to check
# that every file includes what it uses.
option(BPV_PCH "Precompile the heavy third-party headers" ON)

set(BPV_PCH_HEADERS
  <algorithm> <array> <cmath> <cstdint> <functional> <map> <memory>
  <optional> <sstream> <string> <string_view> <unordered_map> <variant> <vector>
  <Eigen/Dense> <nlohmann/json.hpp>)

# bpv_precompile(TARGET [HEADER...]): the common headers plus the target's own
# (<imgui.h> for the UI, <gtest/gtest.h> for tests).
function(bpv_precompile target)
  if(BPV_PCH AND NOT EMSCRIPTEN)
    target_precompile_headers(${target} PRIVATE ${BPV_PCH_HEADERS} ${ARGN})
  endif()
endfunction()
