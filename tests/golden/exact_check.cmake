# Exactness of the performance shortcuts (--exact, sim::SimOptions::exact): -DCAPSIM=<binary>
# -DSOURCE_DIR=<repository root> -DWORKDIR=<scratch dir> -DINPUTS=<scenario files, ;-separated,
# relative to the root> [-DCONTROLLER_TIME=<preset>]. Runs `capsim compare FILE --out DIR` with the
# shortcuts on and with --exact for every input and requires every file written (result.json,
# decisions.jsonl, timeseries.csv, report.html) to be the same bytes.
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
set(extra)
if(CONTROLLER_TIME)
  set(extra --controller-time ${CONTROLLER_TIME})
endif()
foreach(input ${INPUTS})
  get_filename_component(name ${input} NAME_WE)
  foreach(mode fast exact)
    set(flag)
    if(mode STREQUAL "exact")
      set(flag --exact)
    endif()
    execute_process(COMMAND "${CAPSIM}" --quiet compare ${input} --out "${WORKDIR}/${name}-${mode}" ${flag} ${extra}
                    WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
    if(NOT (rc EQUAL 0 OR rc EQUAL 1))
      message(FATAL_ERROR "capsim compare ${input} ${flag} ${extra} exited ${rc}:\n${err}")
    endif()
  endforeach()
  file(GLOB written RELATIVE "${WORKDIR}/${name}-fast" "${WORKDIR}/${name}-fast/*")
  list(LENGTH written count)
  if(count EQUAL 0)
    message(FATAL_ERROR "capsim compare ${input} wrote nothing")
  endif()
  foreach(f ${written})
    execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${WORKDIR}/${name}-fast/${f}" "${WORKDIR}/${name}-exact/${f}"
                    RESULT_VARIABLE same)
    if(NOT same EQUAL 0)
      message(FATAL_ERROR "${input} ${extra}: ${f} differs between the shortcuts and --exact")
    endif()
  endforeach()
endforeach()
