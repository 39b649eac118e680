// What panels derive from the session and keep between frames: a layout, a
// decision region, a running gradient check, GL textures. Each panel defines
// its own cache type in its own file and asks for it by type
// (`ui.caches.get<Cache>()`), so the cache stays private to the panel and
// still belongs to the UiState: a second UiState (a test, the comparison of
// two windows) never shares one, and each goes when its UiState goes. Every
// frame loop declares its Window first, then the Session, then the UiState,
// so the caches are destroyed before the session they read and while the GL
// context is still alive: a cache that holds GL textures frees them in its
// destructor, a running job is cancelled by its own.
#pragma once
#include <memory>
#include <typeindex>
#include <typeinfo>
#include <vector>

namespace bpv {

class PanelCaches {
 public:
  PanelCaches() = default;
  PanelCaches(const PanelCaches&) = delete;  // a copy would share textures and jobs
  PanelCaches& operator=(const PanelCaches&) = delete;
  PanelCaches(PanelCaches&&) = default;
  PanelCaches& operator=(PanelCaches&&) = default;
  ~PanelCaches() { clear(); }

  // The panel's cache, made (value-initialised) on first use.
  template <class T>
  T& get() {
    const std::type_index type(typeid(T));
    for (Entry& e : entries_)
      if (e.type == type) return *static_cast<T*>(e.cache.get());
    entries_.push_back(Entry{type, std::make_shared<T>()});
    return *static_cast<T*>(entries_.back().cache.get());
  }
  std::size_t size() const { return entries_.size(); }
  // Drops every cache, the newest first (a later cache may point into an earlier one).
  void clear() {
    while (!entries_.empty()) entries_.pop_back();
  }

 private:
  struct Entry {
    std::type_index type;
    std::shared_ptr<void> cache;  // shared_ptr<void> keeps T's destructor
  };
  std::vector<Entry> entries_;
};

}  // namespace bpv
