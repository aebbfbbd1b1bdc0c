# Golden suite through `capsim check` (docs/ci.md): -DCAPSIM=<binary> -DSOURCE_DIR=<repository root>
# -DWORKDIR=<scratch dir> -DINPUTS=<scenario files or directories, ;-separated, relative to the root>.
# Runs `capsim --check-invariants check INPUTS --golden tests/golden` serially and on two threads,
# each with --junit and --markdown; both must exit 0 (every expectation and golden passed) and
# print and write the same bytes (parallel runs are deterministic and ordered as a serial one).
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
foreach(jobs 1 2)
  execute_process(COMMAND "${CAPSIM}" --quiet --check-invariants check ${INPUTS} --golden tests/golden -j ${jobs}
                          --junit "${WORKDIR}/junit-${jobs}.xml" --markdown "${WORKDIR}/summary-${jobs}.md"
                  WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE rc OUTPUT_FILE "${WORKDIR}/stdout-${jobs}.txt"
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    file(READ "${WORKDIR}/stdout-${jobs}.txt" out)
    string(SUBSTRING "${out}" 0 6000 out)
    message(FATAL_ERROR "capsim check ${INPUTS} -j ${jobs} exited ${rc} (tools/refresh-goldens rewrites the goldens; "
                        "review the decisions first):\n${out}\n${err}")
  endif()
endforeach()
foreach(f stdout-%.txt junit-%.xml summary-%.md)
  string(REPLACE "%" "1" a "${f}")
  string(REPLACE "%" "2" b "${f}")
  execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${WORKDIR}/${a}" "${WORKDIR}/${b}" RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    message(FATAL_ERROR "capsim check -j 1 and -j 2 differ in ${f}: the runs are not deterministic")
  endif()
endforeach()
