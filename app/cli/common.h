#pragma once

#include "verbs.h"

#include <QCommandLineParser>
#include <QSaveFile>

#include <functional>
#include <limits>
#include <vector>

namespace orrery {
class Project;
struct RecommenderParams;
} // namespace orrery

namespace orrery::cli {

/// Parses a verb's arguments. Returns -1 to go on, or the exit code (after --help or a usage error).
int parseVerb(QCommandLineParser &parser, const QStringList &args, int minPositional, const QString &usageLine);

/// A progress line on stderr that rewrites itself (only when stderr is a terminal, else one line per 10%).
void progressLine(qint64 done, qint64 total, const QString &message);
void endProgress();

/// Runs `body`. An orrery::Error it throws is printed after clearing the progress line, its message
/// after "VERB: " when `verb` is given (a Cancelled prints just "cancelled"), and gives InputError;
/// otherwise `body`'s exit code is returned.
int reportErrors(const std::function<int()> &body, const QString &verb = {});
/// False, after the message withProject prints for it, when no project file is at `path`.
bool projectExists(const QString &path);
/// Opens the existing project at `path` and runs `body` on it, as reportErrors does. A missing
/// file gives InputError without opening anything.
int withProject(const QString &path, const QString &verb, const std::function<int(Project &project)> &body);
int withProject(const QString &path, const std::function<int(Project &project)> &body);
/// False, after a message naming both, when `output` is the project at `projectPath` (or one of
/// its SQLite side files) or one of `inputs`: writing there would destroy what is being read.
bool outputIsSafe(const QString &verb, const QString &output, const QString &projectPath,
                  const QStringList &inputs = {});
/// A JobContext progress function that starts a fresh progress line whenever the message (the
/// phase) changes, so each phase counts from 0% again.
std::function<void(qint64 done, qint64 total, const QString &message)> phasedProgress();
/// Reads the whole-number option `name` into `*value` when it is set (else leaves it): false, after
/// "VERB: --name expects a whole number from LOW to HIGH, not 'TEXT'", when it is not one in range.
bool intOption(const QCommandLineParser &parser, const QString &verb, const QString &name, qint64 low, qint64 high,
               qint64 *value);
bool intOption(const QCommandLineParser &parser, const QString &verb, const QString &name, int low, int high,
               int *value);

/// RFC 4180: quoted when it holds a comma, a quote, a line break or edge spaces; quotes doubled.
QByteArray csvField(const QString &text);
/// The shortest decimal that reads back as `v`.
void appendNumber(QByteArray &line, double v);
/// The keys, in the set's order, of embedding set `setId`, which a stored table of `rows` rows (a
/// layout, a clustering: `what` and `name` say which, for the error) must match row for row.
std::vector<QString> setKeys(Project &project, qint64 setId, qint64 rows, const QString &what, const QString &name);

/// Writes a file through QSaveFile in 1 MiB chunks: nothing is in place until commit() succeeds,
/// and every failure throws an Error naming the file.
class ChunkedFile final {
public:
    explicit ChunkedFile(const QString &path);
    void append(const QByteArray &bytes);
    QByteArray &buffer() { return m_buffer; }
    /// Flushes when the buffer is large; call after appending to buffer() directly.
    void maybeFlush();
    void commit();

private:
    QSaveFile m_file;
    QByteArray m_buffer;
};

/// The recommenders' hyper-parameter options (--tau, --gamma, --window, --beta, --per-seed,
/// --blend-weights), shared by recommend and evaluate (recommend.cpp).
void addRecommenderOptions(QCommandLineParser &parser);
/// Applies the given ones; false (after a message) when one is out of range.
bool readRecommenderOptions(const QCommandLineParser &parser, const QString &verb, RecommenderParams *params);

} // namespace orrery::cli
