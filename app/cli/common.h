#pragma once

#include "verbs.h"

#include <QCommandLineParser>

#include <functional>

namespace orrery {
class Project;
struct RecommenderParams;
}

namespace orrery::cli {

/// Parses a verb's arguments. Returns -1 to go on, or the exit code (after --help or a usage error).
int parseVerb(QCommandLineParser &parser, const QStringList &args, int minPositional, const QString &usageLine);

/// A progress line on stderr that rewrites itself (only when stderr is a terminal, else one line per 10%).
void progressLine(qint64 done, qint64 total, const QString &message);
void endProgress();

/// Opens the existing project at `path` and runs `body` on it. A missing file, and any
/// orrery::Error `body` throws, are printed (after clearing the progress line) and give
/// InputError; otherwise `body`'s exit code is returned.
int withProject(const QString &path, const std::function<int(Project &project)> &body);
/// The recommenders' hyper-parameter options (--tau, --gamma, --window, --beta, --per-seed,
/// --blend-weights), shared by recommend and evaluate (recommend.cpp).
void addRecommenderOptions(QCommandLineParser &parser);
/// Applies the given ones; false (after a message) when one is out of range.
bool readRecommenderOptions(const QCommandLineParser &parser, const QString &verb, RecommenderParams *params);

} // namespace orrery::cli
