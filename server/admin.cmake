# Administration shared by a4pd and a4pctl (included from server/CMakeLists.txt):
#   a4p_admin  credentials (argon2id passwords in the aux space), login sessions (hashed
#              tokens in the aux space), demo data, and the tools' decide-append-apply
#              helper (ctl_workspace)
#   a4pctl     the command-line administration and audit tool
add_library(a4p_admin STATIC
  ${CMAKE_CURRENT_LIST_DIR}/credentials.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ctl_workspace.cpp
  ${CMAKE_CURRENT_LIST_DIR}/demo.cpp
  ${CMAKE_CURRENT_LIST_DIR}/session_store.cpp)
target_include_directories(a4p_admin PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(a4p_admin PUBLIC a4p_storage sodium::sodium spdlog::spdlog
                                       nlohmann_json::nlohmann_json OpenSSL::Crypto)
if(TARGET a4p_protocol)
  target_link_libraries(a4p_admin PUBLIC a4p_protocol)
endif()

add_executable(a4pctl ${CMAKE_CURRENT_LIST_DIR}/a4pctl.cpp ${CMAKE_CURRENT_LIST_DIR}/ctl_http.cpp)
target_link_libraries(a4pctl PRIVATE a4p_admin a4p_asio CLI11::CLI11)
