#include "cli.hpp"

int main(int argc, char** argv) { return vigil::host::run_cli(argc, argv); }
