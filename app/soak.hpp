// `backprop-viz soak`: the real window, driven by thousands of seeded random
// user actions (steps, jumps, edits, undo/redo, good and corrupt files,
// window resizes, random clicks, drags, wheel turns and typing over the whole
// UI). After every action it checks that the engine's state is what a fresh
// recomputation gives, bit for bit, and it follows the process's memory.
// Exit 0: all consistent and memory bounded; 1: the first inconsistency
// (with the actions that led to it) or memory growth past the bound.
#pragma once
#include <cstdint>
#include <string>

namespace bpv {

struct SoakRequest {
  int actions = 2000;     // stop after this many actions…
  double minutes = 0.0;   // …or after this long, when > 0 (whichever first)
  std::uint64_t seed = 1;
  std::string work_dir;   // where the good and corrupt scenario copies go ("" = a new temp dir)
  // The check that memory does not grow without bound: resident memory at
  // the end may exceed that at a quarter of the run by at most this much.
  // The undo history is capped at 32 MB for the run.
  double max_growth_mb = 96.0;
};

int run_soak(const SoakRequest& request);

}  // namespace bpv
