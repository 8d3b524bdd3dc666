#pragma once

#include "verbs.h"

#include <QCommandLineParser>

namespace orrery::cli {

/// Parses a verb's arguments. Returns -1 to go on, or the exit code (after --help or a usage error).
int parseVerb(QCommandLineParser &parser, const QStringList &args, int minPositional, const QString &usageLine);

/// A progress line on stderr that rewrites itself (only when stderr is a terminal, else one line per 10%).
void progressLine(qint64 done, qint64 total, const QString &message);
void endProgress();

} // namespace orrery::cli
