#include "common.h"

#include "base/error.h"
#include "store/corpus.h"
#include "store/embeddingsets.h"
#include "store/project.h"

#include <QFileInfo>

#include <charconv>
#include <cstdio>
#include <unistd.h>

namespace orrery::cli {

void out(const QString &text)
{
    std::fputs(text.toUtf8().constData(), stdout);
    std::fflush(stdout);
}

void err(const QString &text)
{
    std::fputs(text.toUtf8().constData(), stderr);
}

namespace {
/// The parser's help with "Usage: orrery-cli VERB" instead of the program's path.
QString verbHelp(const QCommandLineParser &parser, const QString &verb)
{
    QString text = parser.helpText();
    const QString usage = QStringLiteral("Usage: ");
    if (text.startsWith(usage)) {
        const qsizetype end = text.indexOf(u' ', usage.size());
        if (end > 0)
            text.replace(usage.size(), end - usage.size(), verb);
    }
    return text;
}
} // namespace

int parseVerb(QCommandLineParser &parser, const QStringList &args, int minPositional, const QString &usageLine)
{
    parser.setApplicationDescription(usageLine);
    parser.addHelpOption();
    if (!parser.parse(args)) {
        err(args.first() + QStringLiteral(": ") + parser.errorText() + u'\n');
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out(verbHelp(parser, args.first()));
        return Ok;
    }
    if (parser.positionalArguments().size() < minPositional) {
        err(args.first() + QStringLiteral(": missing arguments\n") + verbHelp(parser, args.first()));
        return Usage;
    }
    return -1;
}

namespace {
bool g_progressShown = false;
int g_lastDecile = -1;
} // namespace

void progressLine(qint64 done, qint64 total, const QString &message)
{
    const double fraction = total > 0 ? double(done) / double(total) : 0.0;
    if (isatty(STDERR_FILENO)) {
        std::fprintf(stderr, "\r%5.1f%% %s\x1b[K", 100.0 * fraction, message.toUtf8().constData());
        g_progressShown = true;
        return;
    }
    const int decile = int(fraction * 10);
    if (decile != g_lastDecile) {
        g_lastDecile = decile;
        std::fprintf(stderr, "%3d%% %s\n", decile * 10, message.toUtf8().constData());
    }
}

void endProgress()
{
    if (g_progressShown)
        std::fputs("\r\x1b[K", stderr);
    g_progressShown = false;
    g_lastDecile = -1;
}

int reportErrors(const std::function<int()> &body, const QString &verb)
{
    try {
        return body();
    } catch (const Cancelled &) {
        endProgress();
        err(QStringLiteral("cancelled\n"));
        return InputError;
    } catch (const Error &e) {
        endProgress();
        err((verb.isEmpty() ? QString() : verb + QStringLiteral(": ")) + e.message() + u'\n');
        return InputError;
    }
}

bool projectExists(const QString &path)
{
    if (QFileInfo::exists(path))
        return true;
    err(path + QStringLiteral(": no such project\n"));
    return false;
}

int withProject(const QString &path, const QString &verb, const std::function<int(Project &project)> &body)
{
    if (!projectExists(path))
        return InputError;
    return reportErrors(
        [&] {
            Project project(path);
            return body(project);
        },
        verb);
}

int withProject(const QString &path, const std::function<int(Project &project)> &body)
{
    return withProject(path, QString(), body);
}

bool intOption(const QCommandLineParser &parser, const QString &verb, const QString &name, qint64 low, qint64 high,
               qint64 *value)
{
    if (!parser.isSet(name) && parser.value(name).isEmpty())
        return true; // not given and no default
    bool ok = false;
    const qint64 v = parser.value(name).toLongLong(&ok);
    if (!ok || v < low || v > high) {
        err(QStringLiteral("%1: --%2 expects a whole number from %3 to %4, not '%5'\n")
                .arg(verb, name)
                .arg(low)
                .arg(high)
                .arg(parser.value(name)));
        return false;
    }
    *value = v;
    return true;
}

bool intOption(const QCommandLineParser &parser, const QString &verb, const QString &name, int low, int high,
               int *value)
{
    qint64 v = *value;
    if (!intOption(parser, verb, name, qint64(low), qint64(high), &v))
        return false;
    *value = int(v);
    return true;
}

QByteArray csvField(const QString &text)
{
    QByteArray utf8 = text.toUtf8();
    const bool quote = utf8.contains(',') || utf8.contains('"') || utf8.contains('\n') || utf8.contains('\r')
        || (!utf8.isEmpty() && (utf8.front() == ' ' || utf8.back() == ' '));
    if (!quote)
        return utf8;
    utf8.replace("\"", "\"\"");
    return '"' + utf8 + '"';
}

void appendNumber(QByteArray &line, double v)
{
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
    line.append(buffer, qsizetype(result.ptr - buffer));
}

std::vector<QString> setKeys(Project &project, qint64 setId, qint64 rows, const QString &what, const QString &name)
{
    qint64 datasetId = 0;
    const std::vector<qint64> ids = embeddingSetIds(project, setId, &datasetId);
    if (qint64(ids.size()) != rows)
        throw Error(QStringLiteral("%1 \"%2\": %3 rows for a set of %4").arg(what, name).arg(rows).arg(ids.size()));
    return itemKeys(project, ids, datasetId);
}

ChunkedFile::ChunkedFile(const QString &path) : m_file(path)
{
    if (!m_file.open(QIODevice::WriteOnly))
        throw Error(path + QStringLiteral(": cannot write: ") + m_file.errorString());
}

void ChunkedFile::append(const QByteArray &bytes)
{
    m_buffer += bytes;
    maybeFlush();
}

void ChunkedFile::maybeFlush()
{
    if (m_buffer.size() <= (1 << 20))
        return;
    if (m_file.write(m_buffer) != m_buffer.size())
        throw Error(m_file.fileName() + QStringLiteral(": cannot write: ") + m_file.errorString());
    m_buffer.clear();
}

void ChunkedFile::commit()
{
    if (m_file.write(m_buffer) != m_buffer.size() || !m_file.commit())
        throw Error(m_file.fileName() + QStringLiteral(": cannot write: ") + m_file.errorString());
    m_buffer.clear();
}

bool outputIsSafe(const QString &verb, const QString &output, const QString &projectPath, const QStringList &inputs)
{
    const auto resolved = [](const QString &path) {
        const QFileInfo info(path);
        const QString canonical = info.canonicalFilePath(); // follows links; empty when absent
        return canonical.isEmpty() ? info.absoluteFilePath() : canonical;
    };
    const QString target = resolved(output);
    const QString project = resolved(projectPath);
    for (const QString &suffix :
         {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral("-journal")}) {
        if (target == project + suffix) {
            err(verb + QStringLiteral(": refusing to write %1 over the project %2\n").arg(output, projectPath));
            return false;
        }
    }
    for (const QString &input : inputs) {
        if (target == resolved(input)) {
            err(verb + QStringLiteral(": refusing to write %1 over the input %2\n").arg(output, input));
            return false;
        }
    }
    return true;
}

std::function<void(qint64 done, qint64 total, const QString &message)> phasedProgress()
{
    return [phase = QString()](qint64 done, qint64 total, const QString &message) mutable {
        if (message != phase) {
            endProgress();
            phase = message;
        }
        progressLine(done, total, message);
    };
}

} // namespace orrery::cli
