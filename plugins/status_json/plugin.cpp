#include "status_json_source.hpp"

VIGIL_PLUGIN("status_json", "1.0.0", "reads STATUS.json backup reports (YYYYMMDD_HHMMSS_<agent>.json)",
             vigil::plugins::StatusJsonSource)
