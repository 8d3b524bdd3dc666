#include "io/readers.h"

namespace orrery::io {

void readCsv(const QString &path, ImportWriter &)
{
    throw Error(path + QStringLiteral(": this format is not read yet"));
}

} // namespace orrery::io
