#include "cli.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "assets_dir.hpp"
#include "data/csv_import.hpp"
#include "engine/describe.hpp"
#include "teaching/errata.hpp"
#include "engine/evaluate.hpp"
#include "file_actions.hpp"
#include "formats/export_markdown.hpp"
#include "expression/expression_io.hpp"
#include "expression/expression_lesson.hpp"
#include "expression/expression_report.hpp"
#include "engine/gradcheck.hpp"
#include "gui_entry.hpp"
#include "teaching/lesson.hpp"
#include "formats/scenario_io.hpp"
#include "soak.hpp"
#include "engine/stepper.hpp"
#include "formats/trace.hpp"
#include "engine/train.hpp"

namespace bpv {
namespace {

constexpr const char* kCommands[] = {"trace", "train", "gradcheck", "export", "screenshot", "soak", "errata", "import-csv"};

// formats.md: bad input is exactly one line on stderr starting with "error:".
int fail(int code, std::string message) {
  for (char& c : message)
    if (c == '\n' || c == '\r') c = ' ';
  std::cerr << "error: " << message << "\n";
  return code;
}

// The scenario after `after` training steps through the fast path.
Scenario trained_for(const Scenario& scenario, long long after) {
  if (after == 0) return scenario;
  Trainer trainer(scenario);
  for (long long s = 0; s < after; ++s) trainer.step();
  return trainer.scenario();
}

// ---------------------------------------------------------------- expressions (formats.md §7)

Expression expression_trained_for(const std::string& path, long long after) {
  Expression e = load_expression(path);
  if (after == 0) return e;
  ExprTrainer trainer(e);
  for (long long s = 0; s < after; ++s) trainer.step();
  return trainer.expression();
}

int cmd_trace_expression(const std::string& path, bool as_json, long long after) {
  const Expression expression = expression_trained_for(path, after);
  if (as_json) {
    std::cout << expression_trace_json(expression).dump(2) << "\n";
    return 0;
  }
  std::string output;
  walk_expression_step(expression, [&](const ExprStepper& s, std::size_t k, const ExprStepOp& op, const OpText& t) {
    std::cout << k << "  " << t.title << "\n    " << t.equation << "\n    " << t.numbers << "\n";
    const ExpressionGraph& g = s.graph();
    // The output before any update moves it.
    if (op.phase != Phase::Update)
      output = g.nodes[g.output].name + ": " + format_number(s.state().value[g.output], 10);
  });
  std::cout << output << "\n";
  return 0;
}

// Its CSV rows are step,loss with the output's value as the loss.
int cmd_train_expression(const std::string& path, long long steps, const std::string& csv_path,
                         const std::string& save_path) {
  ExprTrainer trainer(load_expression(path));
  std::ostringstream csv;
  csv.precision(17);
  csv << "step,loss\n";
  const auto start = std::chrono::steady_clock::now();
  long long done = 0;
  bool finite = true;
  for (; done < steps && finite; ++done) {
    const double value = trainer.step();
    finite = std::isfinite(value);
    for (int p : trainer.graph().parameters) finite = finite && std::isfinite(trainer.state().value[p]);
    if (!csv_path.empty()) csv << done + 1 << "," << value << "\n";
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!csv_path.empty()) write_file_atomic(csv_path, csv.str());
  if (!finite) return fail(1, path + ": training produced a non-finite value in step " + std::to_string(done));
  if (!save_path.empty()) save_expression(trainer.expression(), save_path);
  std::printf("steps: %lld, seconds: %.6f, us_per_step: %.3f\n", steps, seconds,
              steps > 0 ? seconds * 1e6 / static_cast<double>(steps) : 0.0);
  return 0;
}

int cmd_gradcheck_expression(const std::string& path) {
  const Expression expression = load_expression(path);
  const ExprGradCheckResult r = expression_gradcheck(expression);
  std::printf("values checked: %zu of %zu (%zu skipped: their probe crossed a relu or abs kink)\n", r.entries.size(),
              r.value_count, r.skipped_at_kinks);
  if (r.worst >= 0) {
    const ExprGradCheckEntry& e = r.entries[r.worst];
    std::printf("worst: ∂/∂%s analytic %.17g, numeric %.17g\n", e.name.c_str(), e.analytic, e.numeric);
  }
  std::printf("max relative error: %.3e\n", r.max_relative_error);
  return r.max_relative_error <= kGradCheckTolerance ? 0 : 1;
}

int cmd_trace(const std::string& path, bool as_json, long long after) {
  if (is_expression_file(path)) return cmd_trace_expression(path, as_json, after);
  const Scenario scenario = trained_for(load_scenario(path), after);
  if (as_json) {
    std::cout << trace_json(scenario).dump(2) << "\n";
    return 0;
  }
  Stepper stepper(scenario);
  while (stepper.step_forward()) {
    const std::size_t k = stepper.cursor() - 1;
    const OpText t = describe(stepper.ops()[k], stepper.state(), &stepper.value_before(k));
    std::cout << k << "  " << t.title << "\n    " << t.equation << "\n    " << t.numbers << "\n";
  }
  std::cout << "loss: " << format_number(stepper.state().loss_value(), 10) << "\n";
  return 0;
}

// §5's CSV: step,loss,epoch then, at each epoch's last step, the whole
// training set's and the test set's data loss with the weights after it, and
// a classifier's accuracy on both (the columns are there, empty, for a
// network that is not one).
struct CsvRow {
  long long step, epoch;
  double loss;
  bool epoch_end;
  double train_loss, test_loss, accuracy, test_accuracy;
};

std::string csv_text(const std::vector<CsvRow>& rows, bool has_test, bool classifier) {
  std::ostringstream csv;
  csv.precision(17);
  csv << "step,loss,epoch,train_loss,test_loss,accuracy,test_accuracy\n";
  for (const CsvRow& r : rows) {
    csv << r.step << "," << r.loss << "," << r.epoch << ",";
    if (r.epoch_end) {
      csv << r.train_loss << ",";
      if (has_test) csv << r.test_loss;
      csv << ",";
      if (classifier) csv << r.accuracy;
      csv << ",";
      if (classifier && has_test) csv << r.test_accuracy;
    } else {
      csv << ",,,";
    }
    csv << "\n";
  }
  return csv.str();
}

int cmd_train(const std::string& path, long long steps, const std::string& csv_path,
              const std::string& save_path) {
  if (is_expression_file(path)) return cmd_train_expression(path, steps, csv_path, save_path);
  const Scenario scenario = load_scenario(path);
  Trainer trainer(scenario);
  const bool want_csv = !csv_path.empty();
  const bool has_test = scenario.data.has_test_set();
  const Classifier classifier = classifier_of(scenario);
  std::optional<SetEvaluator> on_train, on_test;
  if (want_csv) {
    on_train.emplace(scenario, training_raw(scenario), training_targets(scenario));
    if (has_test) on_test.emplace(scenario, scenario.data.test_raw, scenario.data.test_targets);
  }
  std::vector<CsvRow> rows;
  if (want_csv) rows.reserve(static_cast<std::size_t>(steps));
  // The epoch-end losses are for the CSV, not training: their time is left
  // out of us_per_step.
  double evaluation_seconds = 0.0;
  const auto start = std::chrono::steady_clock::now();
  long long done = 0;
  bool finite = true;
  for (; done < steps; ++done) {
    const Progress before = trainer.scenario().progress;
    const double loss = trainer.step();
    finite = std::isfinite(loss);
    if (want_csv) {
      CsvRow row{before.step + 1, before.epoch, loss, trainer.scenario().progress.epoch != before.epoch, 0.0, 0.0,
                 0.0, 0.0};
      if (row.epoch_end) {
        const auto t0 = std::chrono::steady_clock::now();
        row.train_loss = on_train->data_loss(trainer.scenario());
        row.accuracy = on_train->accuracy(classifier);
        if (on_test) {
          row.test_loss = on_test->data_loss(trainer.scenario());
          row.test_accuracy = on_test->accuracy(classifier);
        }
        evaluation_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      }
      rows.push_back(row);
    }
    if (!finite) break;  // located below, off the fast path
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() - evaluation_seconds;
  if (!finite) ++done;
  bool weights_finite = true;
  for (const Layer& layer : trainer.scenario().layers)
    weights_finite = weights_finite && layer.weights.allFinite() && layer.bias.allFinite();

  if (want_csv) write_file_atomic(csv_path, csv_text(rows, has_test, classifier.active));
  if (!finite || !weights_finite) {
    const auto where = find_first_non_finite(scenario, static_cast<std::size_t>(std::min(done, steps)));
    std::string msg = path + ": training produced a non-finite value";
    if (where)
      msg += " in step " + std::to_string(where->step_index + 1) + ", op " +
             std::to_string(where->op.op_index) + " (" + where->op.op_title + ")";
    return fail(1, msg);
  }
  // The scenario after the N steps, optimizer state and progress included, so
  // that training it further continues exactly (formats.md §4, §5); written
  // atomically.
  if (!save_path.empty()) save_scenario(trainer.scenario(), save_path);
  std::printf("steps: %lld, seconds: %.6f, us_per_step: %.3f\n", steps, seconds,
              steps > 0 ? seconds * 1e6 / static_cast<double>(steps) : 0.0);
  return 0;
}

int cmd_gradcheck(const std::string& path) {
  if (is_expression_file(path)) return cmd_gradcheck_expression(path);
  const Scenario scenario = load_scenario(path);
  const GradCheckResult r = gradcheck(scenario);
  std::string where;
  if (r.worst >= 0) {
    const GradCheckEntry& e = r.entries[r.worst];
    where = e.is_bias ? "b" + superscript(e.layer) + subscript(e.col + 1)
                      : weight_symbol(e.layer, e.row, e.col);
    std::printf("parameters checked: %zu of %zu (%zu skipped: their probe crossed a ReLU kink)\n",
                r.entries.size(), r.parameter_count, r.skipped_at_kinks);
    std::printf("worst: ∂L/∂%s analytic %.17g, numeric %.17g\n", where.c_str(), e.analytic, e.numeric);
  }
  std::printf("max relative error: %.3e\n", r.max_relative_error);
  return r.max_relative_error <= kGradCheckTolerance ? 0 : 1;
}

// The seed blog's published numbers against the engine (core/teaching/errata.hpp).
int cmd_errata(std::string path, bool as_json) {
  if (path.empty()) path = builtin_assets_dir() + "/lessons/errata/published-values.json";
  const Errata errata = load_seed_errata(path);
  if (as_json) {
    std::cout << errata_json(errata).dump(2) << "\n";
    return 0;
  }
  std::printf("%-26s %-12s %-14s %-10s %s\n", "number", "blog", "engine", "|diff|", "flagged: why");
  for (const ErrataRow& r : errata.rows)
    std::printf("%-26s %-12s %-14.9g %-10.2g %s\n", r.label.c_str(), r.printed.c_str(), r.engine, r.diff(),
                r.flagged ? ("FLAGGED: " + r.reason).c_str() : "ok (within one unit of its last digit)");
  std::printf("flagged: %d of %zu published numbers\n", errata.flagged_count(), errata.rows.size());
  return 0;
}

int cmd_export(const std::string& path, const std::string& out) {
  const std::string md = is_expression_file(path) ? expression_markdown(load_expression(path))
                                                  : worked_example_markdown(load_scenario(path));
  if (out.empty()) std::cout << md;
  else write_file_atomic(out, md);
  return 0;
}

// A CSV table as a scenario (core/data/csv_import.hpp). Nothing is written unless
// the whole import succeeds; -o is written atomically.
int cmd_import_csv(const std::string& path, const CsvReadOptions& read, const ImportOptions& options,
                   const std::string& out) {
  const ImportResult result = import_table(read_csv_file(path, read), options);
  const std::string text = scenario_file_text(result.scenario);
  if (out.empty()) {
    std::cout << text;
    return 0;
  }
  write_file_atomic(out, text);
  std::cout << out << ": " << result.summary << "\n";
  return 0;
}

}  // namespace

bool is_command(int argc, char** argv) {
  if (argc < 2) return false;
  const std::string first = argv[1];
  for (const char* c : kCommands)
    if (first == c) return true;
  return first == "-h" || first == "--help" || first == "--version";
}

int run_command(int argc, char** argv) {
  CLI::App app{"backprop-viz: step through backpropagation, one operation at a time", "backprop-viz"};
  app.require_subcommand(1);
  std::string path, out, csv, save;
  bool as_json = false;
  long long steps = 1, after = 0;
  ScreenshotRequest shot;
  std::string size;

  CLI::App* trace = app.add_subcommand("trace", "one training step op by op; --json prints the trace");
  trace->add_option("scenario", path, "scenario file")->required();
  trace->add_flag("--json", as_json, "print the trace as JSON (formats.md §3)");
  trace->add_option("--after", after, "first run K training steps through the fast path, then trace the next")
      ->check(CLI::Range(0LL, 10000000LL));

  CLI::App* train = app.add_subcommand("train", "N training steps through the fast path");
  train->add_option("scenario", path, "scenario file")->required();
  train->add_option("--steps", steps, "number of steps")->required()->check(CLI::Range(0LL, 10000000LL));
  train->add_option("--csv", csv, "write step,loss,epoch,train_loss,test_loss,accuracy,test_accuracy rows here");
  train->add_option("--save", save, "write the trained scenario (with its optimizer state) here");

  CLI::App* grad = app.add_subcommand("gradcheck", "analytic gradients vs central differences");
  grad->add_option("scenario", path, "scenario file")->required();

  CLI::App* exp = app.add_subcommand("export", "one training step as a worked example in Markdown");
  exp->add_option("scenario", path, "scenario file")->required();
  exp->add_option("-o", out, "write to this file instead of stdout");

  CLI::App* screenshot = app.add_subcommand("screenshot", "save the app window as a PNG");
  screenshot->add_option("scenario", shot.scenario_path, "scenario file")->required();
  screenshot->add_option("-o", shot.output_png, "PNG file")->required();
  screenshot->add_option("--step", shot.step, "ops applied before the picture")->check(CLI::Range(0, 1 << 30));
  screenshot->add_option("--size", size, "WxH, e.g. 1600x1000");
  screenshot->add_option("--frames", shot.frames, "time N frames first")->check(CLI::Range(1, 1000000));
  screenshot->add_flag("--empty-frame", shot.empty_frame, "draw an empty ImGui frame (timing baseline)");
  screenshot->add_option("--dialog", shot.dialog, "show a File dialog in the picture")
      ->check(CLI::IsMember({"open", "save-as", "export", "unsaved", "error"}));
  screenshot->add_option("--import", shot.import_csv, "show File > Import data's preview of this CSV file");
  screenshot->add_option("--tab", shot.tab, "show this tab of the right column (gradcheck: edges coloured by it too)")
      ->check(CLI::IsMember(std::vector<std::string>(tab_names().begin(), tab_names().end())));
  screenshot->add_option("--lesson", shot.lesson, "open this lesson file (shipped: share/backprop-viz/lessons/)");
  screenshot->add_option("--beat", shot.beat, "the lesson's beat, 0-based")->check(CLI::Range(0, 10000));
  screenshot->add_flag("--presenter", shot.presenter, "presenter mode: the graph and the beat text only");
  screenshot->add_flag("--record", shot.record, "the lesson recorder: --lesson's lesson to edit, or a new lesson");
  screenshot->add_flag("--light", shot.light, "the light theme");
  screenshot->add_flag("--op-graph", shot.op_graph, "View > Computational graph: the step's tensors and ops as a graph");
  screenshot->add_flag("--predict", shot.predict, "an expression graph: predict mode, asking for the next op's number");
  screenshot->add_option("--text-scale", shot.text_scale, "View > Text size (0.75 to 2.5)")
      ->check(CLI::Range(0.75, 2.5));
  screenshot->add_flag("--help-overlay", shot.help, "with the help overlay (F1) open");
  screenshot->add_flag("--compare", shot.compare, "with the Compare optimizers window open");
  screenshot->add_flag("--confusion", shot.confusion, "with the Confusion matrix window open (test set when there is one)");
  screenshot->add_flag("--check-layout", shot.check_layout,
                       "step through every op (every beat with --lesson); list cut equations, overlapping canvas "
                       "labels and lesson controls out of view; exit 1 if any");
  screenshot->add_flag("--list-text", shot.list_text,
                       "print every text item of the picture, one JSON line each: window, text, rect, visible");
  screenshot->add_flag("--training", shot.training,
                       "keep training while drawing; the Insight tab's decision region follows every frame");
  screenshot->add_flag("--refresh-insight", shot.refresh_insight,
                       "recompute the Insight tab's decision region every frame (timing, no training job)");

  std::string errata_path;
  CLI::App* errata = app.add_subcommand("errata", "the seed blog's published numbers against the engine's");
  errata->add_option("file", errata_path, "published-values.json (default: the shipped one)");
  errata->add_flag("--json", as_json, "print the comparison as JSON");

  SoakRequest soak_request;
  CLI::App* soak = app.add_subcommand("soak", "drive the app window with random user actions (a test; needs a display)");
  soak->add_option("--actions", soak_request.actions, "stop after N actions")->check(CLI::Range(1, 100000000));
  soak->add_option("--minutes", soak_request.minutes, "or after this many minutes")->check(CLI::Range(0.0, 1e6));
  soak->add_option("--seed", soak_request.seed, "the random actions' seed");
  soak->add_option("--work-dir", soak_request.work_dir, "folder for the scenario copies (default: a temp folder)");
  soak->add_option("--max-growth-mb", soak_request.max_growth_mb, "memory growth bound after the first quarter")
      ->check(CLI::Range(1.0, 1e6));

  std::string csv_path;
  CsvReadOptions csv_read;
  bool no_header = false;
  ImportOptions import;
  CLI::App* import_csv = app.add_subcommand(
      "import-csv", "a CSV table (header row, numeric columns) as a scenario that trains on it");
  import_csv->add_option("file", csv_path, "the CSV file (.csv, or .csv.gz)")->required();
  import_csv->add_option("--targets", import.targets,
                         "the target columns, by name (default: the last column); one column of 2 to 32 "
                         "distinct non-negative integers is a class label (softmax + cross_entropy), else "
                         "regression (identity + mse)")
      ->expected(1, -1);
  import_csv->add_option("-o", out, "write the scenario here (atomically) instead of to stdout");
  import_csv->add_option("--hidden", import.hidden, "neurons of the hidden layer (relu)")
      ->check(CLI::Range(1, kMaxNeurons));
  import_csv->add_option("--classes", import.classes, "the target column holds classes 0 to K-1")
      ->check(CLI::Range(2, kMaxNeurons));
  import_csv->add_flag("--regression", import.regression, "regression (mse) even for integer targets");
  import_csv->add_option("--test-fraction", import.test_fraction,
                         "the last floor(F*N) rows, after a shuffle from --seed, become the test set (default 0.2)")
      ->check(CLI::Range(0.0, 0.99));
  import_csv->add_option("--batch", import.batch, "mini-batch size, shuffled every epoch (default 32)")
      ->check(CLI::Range(1, kMaxBatch));
  import_csv->add_option("--seed", import.seed, "the row shuffle, the weights' and the batches' seed (default 0)");
  import_csv->add_option("--scale", import.scale, "divide every input by S (e.g. 16 for 0-16 pixels)")
      ->check(CLI::PositiveNumber);
  import_csv->add_flag("--normalize", import.normalize,
                       "every input column to mean 0, standard deviation 1 (the training rows' figures)");
  import_csv->add_option("--learning-rate", import.learning_rate, "Adam's learning rate (default 0.01)")
      ->check(CLI::PositiveNumber);
  import_csv->add_option("--name", import.name, "the scenario's name (default: the file's, and the shape)");
  import_csv->add_option("--description", import.description, "a sentence put before the importer's own description");
  import_csv->add_option("--input-shape", import.input_shape,
                         "ROWS COLS: the inputs are an image's pixels, row by row (the canvas draws it; it can be painted)")
      ->expected(2);
  import_csv->add_option("--layers", import.layers,
                         "the layers before the output as a JSON array (formats.md §6), in place of --hidden's");
  import_csv->add_flag("--no-header", no_header, "the first row is data; the columns are named c1, c2, ...");
  import_csv->add_option("--names", csv_read.names, "name the columns (comma-separated), in place of the header's")
      ->delimiter(',');
  import_csv->add_option("--skip-lines", csv_read.skip_lines, "drop the first N lines (before the header)")
      ->check(CLI::Range(0, 1 << 30));

  // After the commands: a command would inherit the footer.
  app.footer(
      "Without a command, `backprop-viz [SCENARIO]` opens the app window on SCENARIO (a .json file; `seed`: the "
      "built-in example; nothing: the last session, else the seed).\n`backprop-viz COMMAND --help` describes a "
      "command.\nExit status: 0 success, 2 bad input (one `error:` line on stderr), 1 any other failure. More: man "
      "backprop-viz.");
  // `--version` after any command too, so that a script can ask whichever it runs.
  const std::string version = std::string("backprop-viz ") + BPV_VERSION;
  app.set_version_flag("--version", version, "print \"backprop-viz VERSION\" and exit");
  for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; }))
    command->set_version_flag("--version", version, "print \"backprop-viz VERSION\" and exit");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << "\n";
    return 0;
  } catch (const CLI::ParseError& e) {
    return fail(2, e.what());
  }

  try {
    if (*trace) return cmd_trace(path, as_json, after);
    if (*train) return cmd_train(path, steps, csv, save);
    if (*grad) return cmd_gradcheck(path);
    if (*exp) return cmd_export(path, out);
    if (*soak) return run_soak(soak_request);
    if (*errata) return cmd_errata(errata_path, as_json);
    if (*import_csv) {
      csv_read.header = !no_header;
      return cmd_import_csv(csv_path, csv_read, import, out);
    }
    if (*screenshot) {
      if (!size.empty()) {
        int w = 0, h = 0;
        char tail = 0;
        if (std::sscanf(size.c_str(), "%dx%d%c", &w, &h, &tail) != 2 || w < 64 || h < 64 || w > 8192 ||
            h > 8192)
          return fail(2, "--size: expected WxH between 64x64 and 8192x8192, got '" + size + "'");
        shot.width = w;
        shot.height = h;
      }
      // bad input: exit 2 before any window
      if (shot.scenario_path != "seed") {
        if (is_expression_file(shot.scenario_path)) {
          if (is_expression_lesson_text(read_text_file(shot.scenario_path))) load_expression_lesson(shot.scenario_path);
          else load_expression(shot.scenario_path);
        }
        else
          load_scenario(shot.scenario_path);
      }
      if (!shot.lesson.empty()) load_lesson(shot.lesson);
      return run_screenshot(shot);
    }
  } catch (const ScenarioError& e) {
    return fail(2, e.what());
  } catch (const LessonError& e) {
    return fail(2, e.what());
  } catch (const std::exception& e) {
    return fail(1, e.what());
  }
  return fail(2, "no command");
}

}  // namespace bpv
