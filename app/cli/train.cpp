#include "common.h"

namespace orrery::cli {

int runTrain(const QStringList &args)
{
    err(args.first() + QStringLiteral(": not available yet\n"));
    return Usage;
}

} // namespace orrery::cli
