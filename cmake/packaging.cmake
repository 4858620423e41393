# Install rules and the Debian package (CPack DEB): a4pd, a4pctl, the web client, the systemd
# unit, /etc/default/a4pd and the deploy/ examples (nginx, Prometheus, Grafana).
#
#   cmake --build --preset release && (cd web-client && npm run build)
#   cpack --config build/release/CPackConfig.cmake -B build/release/package   -> a4pd_<ver>_amd64.deb
#
# The web client must be built first (web-client/dist); configure fails loudly at package time
# if it is missing (install(DIRECTORY) of a missing dist is an error, not a silent skip).
include(GNUInstallDirs)

install(TARGETS a4pd a4pctl RUNTIME DESTINATION bin COMPONENT a4pd)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/web-client/dist/ DESTINATION share/a4pd/web COMPONENT a4pd)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/systemd/a4pd.service
        DESTINATION lib/systemd/system COMPONENT a4pd)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/debian/a4pd.default
        DESTINATION /etc/default RENAME a4pd COMPONENT a4pd)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/nginx/a4pd.conf
              ${PROJECT_SOURCE_DIR}/deploy/prometheus/prometheus.yml
              ${PROJECT_SOURCE_DIR}/deploy/prometheus/a4pd-alerts.yml
              ${PROJECT_SOURCE_DIR}/deploy/grafana/a4pd-dashboard.json
        DESTINATION share/doc/a4pd/examples COMPONENT a4pd)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/deploy/README.md
        DESTINATION share/doc/a4pd COMPONENT a4pd)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME a4pd)
set(CPACK_PACKAGE_VENDOR "A4P Workspace")
set(CPACK_PACKAGE_CONTACT "A4P Workspace maintainers <a4p-workspace@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "A4P Workspace: live, audited collaboration on the Action for Peacekeeping commitments")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_STRIP_FILES ON)  # debug info stays in the build tree
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # runtime libraries (RocksDB, sodium, ...) from dpkg-shlibdeps
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nginx")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/deploy/debian/postinst ${PROJECT_SOURCE_DIR}/deploy/debian/prerm
    ${PROJECT_SOURCE_DIR}/deploy/debian/postrm ${PROJECT_SOURCE_DIR}/deploy/debian/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
