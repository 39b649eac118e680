// Lessons back into their file format (docs/lessons.md), for the lessons a
// teacher records or edits in the app. parse_lesson(lesson_json(l, path), path)
// gives the same lesson back. Scenarios are written inline, so a recorded
// lesson is one file a teacher can mail to a class.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "teaching/lesson.hpp"

namespace bpv {

// `path` is where the file will be: the errata file is written relative to it.
nlohmann::json lesson_json(const Lesson& lesson, const std::string& path);
// "" when the lesson would load again from `path` (every check of
// parse_lesson), else the LessonError's one line.
std::string lesson_problem(const Lesson& lesson, const std::string& path);
// Writes atomically (temp file, rename). Throws LessonError when the lesson
// would not load again, std::runtime_error when the file cannot be written;
// the old file is then left as it was.
void save_lesson(const Lesson& lesson, const std::string& path);

}  // namespace bpv
