#include "common.h"

namespace orrery::cli {

int runSets(const QStringList &args)
{
    err(args.first() + QStringLiteral(": not available yet\n"));
    return Usage;
}

} // namespace orrery::cli
