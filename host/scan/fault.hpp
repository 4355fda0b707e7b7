// Fault injection for crash-safety and race tests, driven by the
// environment (no effect without it):
//   VIGIL_FAULT_KILL_AT=N      the process kills itself with SIGKILL at its
//                              N-th fault point, as a power cut would stop
//                              it there;
//   VIGIL_FAULT_KILL_AT=LABEL  (e.g. notify.sent) kills it the first time
//                              that point is reached;
//   VIGIL_FAULT_RUN_AT=LABEL and VIGIL_FAULT_RUN='shell command'
//                              runs the command (sh -c) once, synchronously,
//                              the first time that point is reached, so a
//                              test can change the tree between two steps of
//                              a scan (swap a folder for a symbolic link)
//                              without sleeping; its exit status is printed
//                              as "vigil-fault-run LABEL STATUS" on stderr;
//   VIGIL_FAULT_TRACE=1        prints every point reached (to stderr) so
//                              tests can count them.
#ifndef VIGIL_HOST_FAULT_HPP
#define VIGIL_HOST_FAULT_HPP

namespace vigil::host {

void fault_point(const char* label);

}  // namespace vigil::host

#endif
