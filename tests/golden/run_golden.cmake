# Golden scenario test: run the scenario twice (fresh output directories), require both runs to
# be byte-identical, exit code 0 (every expectation passed), and equal to the stored outputs.
# -DCAPSIM=<binary> -DSCENARIO=<yaml> -DEXPECTED=<dir with result.json, decisions.jsonl,
#  timeseries.csv> -DWORKDIR=<scratch dir> -DSOURCE_DIR=<repository root>
set(files result.json decisions.jsonl timeseries.csv)
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
file(RELATIVE_PATH scenario_rel "${SOURCE_DIR}" "${SCENARIO}")
foreach(run a b)
  # Run from the source root with a relative path, as a user would: paths appear in the outputs.
  execute_process(COMMAND "${CAPSIM}" --quiet --check-invariants run "${scenario_rel}" --format json --out "${WORKDIR}/${run}"
                  WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE rc OUTPUT_FILE "${WORKDIR}/${run}.stdout" ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "capsim run ${SCENARIO} exited ${rc}:\n${err}")
  endif()
endforeach()
foreach(f ${files})
  execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${WORKDIR}/a/${f}" "${WORKDIR}/b/${f}" RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    message(FATAL_ERROR "two runs of ${SCENARIO} differ in ${f}: the simulation is not deterministic")
  endif()
  if(NOT EXISTS "${EXPECTED}/${f}")
    message(FATAL_ERROR "no stored ${EXPECTED}/${f}: run tools/refresh-goldens")
  endif()
  execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${WORKDIR}/a/${f}" "${EXPECTED}/${f}" RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    execute_process(COMMAND diff -u "${EXPECTED}/${f}" "${WORKDIR}/a/${f}" OUTPUT_VARIABLE d)
    string(SUBSTRING "${d}" 0 4000 d)
    message(FATAL_ERROR "${f} of ${SCENARIO} differs from the stored golden (tools/refresh-goldens updates it):\n${d}")
  endif()
endforeach()
# The stdout JSON is the same document as result.json.
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${WORKDIR}/a.stdout" "${WORKDIR}/a/result.json" RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  message(FATAL_ERROR "--format json output differs from --out result.json")
endif()
