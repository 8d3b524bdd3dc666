#include "common.h"

namespace orrery::cli {
int runBench(const QStringList &args) { Q_UNUSED(args); return Usage; }
}
