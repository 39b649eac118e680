// Work that runs beside the UI (a training job, the optimizer comparison).
// On the desktop it runs on a worker thread. A page opened from disk has no
// threads (WebAssembly threads need cross-origin isolation), so in the
// browser the same work runs in slices between frames: the web frame loop
// calls run_background_slices() once a frame with a time budget, and the UI
// stays responsive while the progress bar moves. Owners see the same API
// either way: finished() turns true once the work is done.
#pragma once
#include <atomic>
#include <functional>
#include <thread>

namespace bpv {

class BackgroundWork {
 public:
  // `slice` does a small piece of the work (one training step, say) and
  // returns false once there is nothing left, and soon after cancel() (it
  // asks cancelled()). It is called on the worker thread (desktop) or from
  // run_background_slices (browser), never from two places at once.
  explicit BackgroundWork(std::function<bool()> slice);
  ~BackgroundWork();  // cancels and waits for the worker
  BackgroundWork(const BackgroundWork&) = delete;
  BackgroundWork& operator=(const BackgroundWork&) = delete;

  // True once `slice` returned false; what it wrote is then visible here.
  bool finished() const { return finished_.load(std::memory_order_acquire); }
  bool cancelled() const { return cancel_.load(std::memory_order_relaxed); }
  void cancel() { cancel_.store(true, std::memory_order_relaxed); }
  // After finished(): lets the worker thread go (a no-op in the browser).
  void join();

  // Browser: runs slices of every unfinished work, in turn, until
  // `budget_ms` has passed or none is left; returns whether any is left.
  // Desktop: does nothing (the threads run on their own) and returns false.
  static bool run_background_slices(double budget_ms);

 private:
  bool run_slice();  // one slice; false (and finished) when done
  std::function<bool()> slice_;
  std::atomic<bool> cancel_{false};
  std::atomic<bool> finished_{false};
#ifndef __EMSCRIPTEN__
  std::thread worker_;
#endif
};

}  // namespace bpv
