// Fault injection for crash-safety tests: with VIGIL_FAULT_KILL_AT=N in the
// environment, the process kills itself with SIGKILL at its N-th fault
// point, as a power cut would stop it there; VIGIL_FAULT_KILL_AT=LABEL
// (e.g. notify.sent) kills it the first time that point is reached.
// VIGIL_FAULT_TRACE=1 prints every point reached (to stderr) so tests can
// count them.
#ifndef VIGIL_HOST_FAULT_HPP
#define VIGIL_HOST_FAULT_HPP

namespace vigil::host {

void fault_point(const char* label);

}  // namespace vigil::host

#endif
