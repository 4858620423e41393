# a4pd: the server (included from server/CMakeLists.txt). a4p_server holds everything but
# main() so that tests could link it; the integration tests run the real a4pd binary.
add_library(a4p_server STATIC
  ${CMAKE_CURRENT_LIST_DIR}/http_session.cpp
  ${CMAKE_CURRENT_LIST_DIR}/http_util.cpp
  ${CMAKE_CURRENT_LIST_DIR}/hub.cpp
  ${CMAKE_CURRENT_LIST_DIR}/listener.cpp
  ${CMAKE_CURRENT_LIST_DIR}/metrics.cpp
  ${CMAKE_CURRENT_LIST_DIR}/rest_api.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sequencer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/static_files.cpp
  ${CMAKE_CURRENT_LIST_DIR}/websocket_session.cpp)
target_include_directories(a4p_server PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(a4p_server PUBLIC a4p_asio a4p_storage a4p_admin spdlog::spdlog
                                        nlohmann_json::nlohmann_json)
if(TARGET a4p_protocol)
  target_link_libraries(a4p_server PUBLIC a4p_protocol)
endif()

add_executable(a4pd ${CMAKE_CURRENT_LIST_DIR}/main.cpp)
target_link_libraries(a4pd PRIVATE a4p_server CLI11::CLI11)
