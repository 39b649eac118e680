// Recording a lesson in the app (ui/lessons/lesson_recorder.cpp): the session as it
// is now becomes a beat of a draft lesson, and a click on a neuron or an edge
// offers the engine quantities a question can ask for there. A draft is a
// plain Lesson; lesson_writer.hpp saves it.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "teaching/lesson.hpp"
#include "engine/stepper.hpp"

namespace bpv {

// A new lesson on `scenario` (the network the teacher starts from), no beats yet.
Lesson new_lesson_draft(const Scenario& scenario, std::string title);

// Where a beat must put the session: the draft's scenario, the training
// steps from it and the cursor.
struct BeatPlace {
  std::string scenario;  // a key of Lesson::scenarios
  int trained = 0;
  BeatAt at = BeatAt::Start;
  std::size_t op_index = 0;
};
// The session is at `cursor` of a training step that starts from `start`,
// `trained_hint` training steps after the draft's own scenario was taken.
// The beat replays that training when it reproduces `start` bit for bit;
// else it uses a scenario of the draft equal to `start` (an edited network),
// else it adds `start` to the draft under a new name ("beat 3").
BeatPlace place_beat(Lesson& draft, const Scenario& start, std::size_t cursor, int trained_hint);
void set_place(Beat& beat, const BeatPlace& place);

// The beat's place again as a session would reach it: the start of its step
// and its cursor (plan_beat without the lesson file's checks).
std::string describe_place(const Beat& beat, const Lesson& draft);

// The quantities a question can ask for at a neuron (layer 0 = an input) or
// an edge, of those computed at the stepper's cursor; the one the last op
// wrote first. `example` picks the row of per-example values.
std::vector<QuantityRef> neuron_quantities(const Stepper& st, int layer, int j, int example);
std::vector<QuantityRef> edge_quantities(const Stepper& st, int layer, int i, int j);

// Reordering and deleting; scenarios no beat uses any more are dropped.
void move_beat(Lesson& draft, std::size_t k, int by);
void delete_beat(Lesson& draft, std::size_t k);

}  // namespace bpv
