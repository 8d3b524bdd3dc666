#include "common.h"

namespace orrery::cli {
int runSynth(const QStringList &args) { Q_UNUSED(args); return Usage; }
int runBench(const QStringList &args) { Q_UNUSED(args); return Usage; }
}
