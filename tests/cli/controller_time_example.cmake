# The 2,000-node controller-time example (examples/controller-time): `capsim compare
# --controller-time instant,typical` prints every autoscaler under both models, and the typical
# runs hit upstream's timeouts. -DCAPSIM=<binary> -DSOURCE_DIR=<repository root>.
execute_process(COMMAND "${CAPSIM}" --quiet compare examples/controller-time/cluster-2000.yaml --controller-time instant,typical
                WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "capsim compare exited ${rc}:\n${err}")
endif()
foreach(want "karpenter \\(instant\\)  karpenter \\(typical\\)  cluster-autoscaler \\(instant\\)  cluster-autoscaler \\(typical\\)"
             "  peak +2003 +2003 +2000 +2000"
             "  model +- +typical +- +typical"
             "  timeouts +- +69 +- +25"
             "note \\(karpenter \\(instant\\)\\): the longest disruption pass did work that takes")
  if(NOT out MATCHES "${want}")
    message(FATAL_ERROR "capsim compare output lacks /${want}/:\n${out}")
  endif()
endforeach()
