#include "engine/background_work.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

namespace bpv {

bool BackgroundWork::run_slice() {
  if (!slice_()) {
    finished_.store(true, std::memory_order_release);
    return false;
  }
  return true;
}

#ifndef __EMSCRIPTEN__

BackgroundWork::BackgroundWork(std::function<bool()> slice) : slice_(std::move(slice)) {
  worker_ = std::thread([this] {
    while (run_slice()) {
    }
  });
}

BackgroundWork::~BackgroundWork() {
  cancel();
  if (worker_.joinable()) worker_.join();
}

void BackgroundWork::join() {
  if (worker_.joinable()) worker_.join();
}

bool BackgroundWork::run_background_slices(double) { return false; }

#else  // the browser: one thread, slices between frames

namespace {
std::vector<BackgroundWork*>& live_works() {
  static std::vector<BackgroundWork*> works;
  return works;
}
}  // namespace

BackgroundWork::BackgroundWork(std::function<bool()> slice) : slice_(std::move(slice)) {
  live_works().push_back(this);
}

BackgroundWork::~BackgroundWork() {
  std::vector<BackgroundWork*>& works = live_works();
  works.erase(std::remove(works.begin(), works.end(), this), works.end());
}

void BackgroundWork::join() {}

bool BackgroundWork::run_background_slices(double budget_ms) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                   std::chrono::duration<double, std::milli>(budget_ms));
  std::vector<BackgroundWork*>& works = live_works();
  std::size_t i = 0;
  while (!works.empty() && Clock::now() < end) {
    if (i >= works.size()) i = 0;
    if (works[i]->run_slice()) ++i;
    else works.erase(works.begin() + static_cast<std::ptrdiff_t>(i));
  }
  return !works.empty();
}

#endif

}  // namespace bpv
