#include "status_json_v1_source.hpp"

VIGIL_PLUGIN("status_json_v1", "1.0.0",
             "reads the older STATUS.json layout (operation_timestamp, *_process blocks)",
             vigil::plugins::StatusJsonV1Source)
