#include "common.h"

#include "model/error.h"
#include "store/project.h"

#include <QFileInfo>

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

int parseVerb(QCommandLineParser &parser, const QStringList &args, int minPositional, const QString &usageLine)
{
    parser.setApplicationDescription(usageLine);
    parser.addHelpOption();
    if (!parser.parse(args)) {
        err(args.first() + QStringLiteral(": ") + parser.errorText() + u'\n');
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out(parser.helpText());
        return Ok;
    }
    if (parser.positionalArguments().size() < minPositional) {
        err(args.first() + QStringLiteral(": missing arguments\n") + parser.helpText());
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

int withProject(const QString &path, const std::function<int(Project &project)> &body)
{
    if (!QFileInfo::exists(path)) {
        err(QStringLiteral("%1: no such project file\n").arg(path));
        return InputError;
    }
    try {
        Project project(path);
        return body(project);
    } catch (const Error &e) {
        endProgress();
        err(e.message() + u'\n');
        return InputError;
    }
}

} // namespace orrery::cli
