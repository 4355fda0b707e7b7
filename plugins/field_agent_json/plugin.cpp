#include "field_agent_source.hpp"

VIGIL_PLUGIN("field_agent_json", "1.0.0",
             "reads reports as deployed field agents write them (local naive times, \"True\"/\"False\", "
             "string sizes, agent paths)",
             vigil::plugins::FieldAgentSource)
