#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace orrery::io {

/// One line of `orrery-cli recommend --queries`: {"id":…,"seeds":["key",…],"negatives":[…]}.
struct QueryLine {
    QByteArray id; ///< the id's JSON exactly as a value (minified), so that it is echoed unchanged
    QStringList seeds; ///< source keys (numbers are accepted and read as their decimal text)
    QStringList negatives; ///< optional
};

/// Parses one line as strict JSON (RFC 8259: no invalid escapes, no NaN) and checks its shape.
/// Throws Error("`where`…") saying what was expected. Integer ids keep every digit.
QueryLine parseQueryLine(const QByteArray &line, const QString &where);

} // namespace orrery::io
