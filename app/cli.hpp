// The headless commands of formats.md §2 (trace, train, gradcheck, export)
// and the dispatch to the window (screenshot, or no command at all).
#pragma once

namespace bpv {

// True when argv[1] names a command; otherwise main() opens the window.
bool is_command(int argc, char** argv);
// Parses and runs a command; returns the process exit code (0, 1 or 2).
int run_command(int argc, char** argv);

}  // namespace bpv
