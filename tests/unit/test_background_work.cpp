// core/engine/background_work.hpp: the slices run until one says it is done, the
// owner sees finished() and what they wrote, and cancel() stops them early.
// (In the browser the same slices run from the frame loop instead.)
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "engine/background_work.hpp"

namespace bpv {
namespace {

void wait_for(const BackgroundWork& work) {
  for (int k = 0; k < 60000 && !work.finished(); ++k) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

TEST(BackgroundWork, RunsSlicesUntilOneSaysItIsDone) {
  int done = 0;
  BackgroundWork work([&done] { return ++done < 1000; });
  wait_for(work);
  ASSERT_TRUE(work.finished());
  work.join();
  EXPECT_EQ(done, 1000);
}

TEST(BackgroundWork, CancelStopsTheSlicesThatAskForIt) {
  std::atomic<long long> done{0};
  std::atomic<BackgroundWork*> work{nullptr};  // set once the work exists; its slices may run before
  BackgroundWork w([&] {
    ++done;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
    const BackgroundWork* self = work.load();
    return !(self && self->cancelled());
  });
  work = &w;
  while (done < 10) std::this_thread::yield();
  w.cancel();
  wait_for(w);
  EXPECT_TRUE(w.finished());
  const long long at_cancel = done;
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(done, at_cancel);
}

TEST(BackgroundWork, ItsDestructorCancelsAndWaits) {
  std::atomic<bool> running{false};
  std::atomic<long long> done{0};
  {
    std::atomic<BackgroundWork*> self{nullptr};
    BackgroundWork w([&] {
      running = true;
      ++done;
      const BackgroundWork* me = self.load();
      return !(me && me->cancelled());
    });
    self = &w;
    while (!running) std::this_thread::yield();
  }
  const long long after = done;
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_EQ(done, after);  // nothing runs once the work is gone
}

}  // namespace
}  // namespace bpv
