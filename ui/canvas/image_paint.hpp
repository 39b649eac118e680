// Painting an image input (Scenario::input_shape) with the mouse: a left drag
// on the input image paints, a right drag erases. The stroke shows on the
// canvas as it is drawn; on release it becomes one undoable edit
// (edit::PaintImage) of the example shown, and the pass recomputes from it.
#pragma once
#include "canvas/graph_layout.hpp"
#include "panels.hpp"
#include "engine/session.hpp"
#include "ui_state.hpp"

namespace bpv {

// Pixel values a brush stroke writes: paint at the centre, half of it on the
// four neighbours (never lowering them); erase sets all five to 0. Inputs in
// [0, 1], as both image data sets are scaled.
inline constexpr double kPaintValue = 1.0;

// One frame of painting, before the canvas pans: whether the mouse is in a
// stroke (then the canvas neither pans nor selects). `input` is the input
// column's layout, `view` the canvas transform.
bool PaintImageInput(const Session& session, UiState& ui, CommandQueue& commands, const ColumnLayout& input,
                     const CanvasView& view, bool canvas_hovered);

// The brush at pixel j of a rows × cols image, into `pixels`.
void Brush(std::vector<double>& pixels, int rows, int cols, int j, bool erase);

}  // namespace bpv
