// A number field for editing one engine value. While the user types or drags,
// the number lives in UiState (value_edit_pending), not in the engine; when the
// field is let go after an edit (Enter, a click elsewhere, the end of a drag)
// EditValue returns true once with the new value, and the caller queues one
// command: one undo step per edit, not one per frame of a drag.
#pragma once
#include "ui_state.hpp"

namespace bpv {

// `current` is the engine's value, shown when the field is idle. drag: a
// DragScalar (drag to change, double-click to type) instead of a text field.
// Returns true with *out when a new value (≠ current) was committed.
bool EditValue(const char* label, double current, double* out, UiState& ui, bool drag = false,
               float drag_speed = 0.01f);

}  // namespace bpv

namespace bpv {

// The colour that marks a value changed by the last edit, at a flash strength
// in [0, 1] (change_flash_strength): a warm yellow, apart from the read/write tints.
inline ImU32 change_flash_color(float strength) {
  return IM_COL32(255, 214, 10, static_cast<int>(170.0f * strength));
}

}  // namespace bpv
