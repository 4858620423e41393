# One fuzz smoke run: TARGET for SECONDS on a scratch corpus WORK seeded from SEEDS. Fails when
# libFuzzer finds a crash, a leak or a timeout (it exits non-zero and leaves the input in WORK).
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts)
execute_process(
  COMMAND ${TARGET} -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
          -artifact_prefix=${WORK}/artifacts/ ${WORK}/corpus ${SEEDS}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzz target ${TARGET} failed (${rc}); inputs in ${WORK}/artifacts")
endif()
