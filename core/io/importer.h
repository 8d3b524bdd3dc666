#pragma once

#include "base/jobcontext.h"
#include "base/types.h"

#include <QStringList>

namespace orrery {
class Project;
}

namespace orrery::io {

/// The formats `orrery-cli import --format` names. Auto detects from content and extension.
enum class Format { Auto, M3u, Pls, Xspf, Csv, Mpd, Yes, Text, Json, Vectors };

QString toString(Format format);
bool fromString(const QString &name, Format *format);
DatasetKind datasetKind(Format format);

struct ImportOptions {
    Format format = Format::Auto;
    QString dataset; ///< name of the new dataset; default: the first path's base name
    bool strict = false; ///< a bad record fails the import instead of being skipped
};

struct ImportStats {
    qint64 files = 0;
    qint64 bytes = 0;
    qint64 newItems = 0; ///< items created (an item already in the project is reused)
    qint64 datasetItems = 0; ///< items the dataset holds (sequences' own items excluded)
    qint64 sequences = 0;
    qint64 entries = 0;
    qint64 tags = 0; ///< tag and label assignments
    qint64 vectors = 0;
    qint64 skipped = 0; ///< bad records skipped (see warnings)
    QStringList warnings; ///< `file:line: message`, the first 100
    double seconds = 0;
};

struct ImportResult {
    bool ok = false;
    bool cancelled = false;
    QString error; ///< `file:line[:column]: what was expected`, when !ok
    qint64 datasetId = 0;
    QString datasetName;
    Format format = Format::Auto;
    ImportStats stats;
};

/// Detects the format of one file or folder from its content and name; Auto when unknown.
Format detectFormat(const QString &path);

/// Imports files and folders into a new dataset of `project`, in one transaction:
/// on any error (or cancel) the project is left exactly as it was.
ImportResult importPaths(Project &project, const QStringList &paths, const ImportOptions &options, JobContext &job);

} // namespace orrery::io
