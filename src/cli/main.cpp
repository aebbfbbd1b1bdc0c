// Thin entry point: everything lives in capsim::cli::run.
#include <iostream>

#include "capsim/cli/cli.hpp"

int main(int argc, char** argv) { return capsim::cli::run(argc, argv, std::cout, std::cerr); }
