#pragma once

#include <QStringList>

namespace orrery::cli {

enum Exit { Ok = 0, Usage = 1, InputError = 2 };

/// Each verb gets its arguments with the program and verb names first, as QCommandLineParser expects.
int runImport(const QStringList &args);
int runInfo(const QStringList &args);
int runSynth(const QStringList &args);
int runBench(const QStringList &args);
int runTrain(const QStringList &args); ///< train.cpp
int runEmbed(const QStringList &args); ///< embed.cpp
int runSets(const QStringList &args); ///< sets.cpp
int runExport(const QStringList &args); ///< export.cpp
int runProbe(const QStringList &args); ///< probe.cpp
int runCompress(const QStringList &args); ///< compress.cpp
int runIndex(const QStringList &args); ///< index.cpp
int runNeighbours(const QStringList &args); ///< neighbours.cpp
int runProject(const QStringList &args); ///< project.cpp
int exportLayout(const QStringList &args); ///< layoutexport.cpp: `export --projection`
int runRecommend(const QStringList &args); ///< recommend.cpp
int runEvaluate(const QStringList &args); ///< evaluate.cpp
int exportPlaylist(const QStringList &args); ///< playlistexport.cpp: `export --playlist`
int runCluster(const QStringList &args); ///< cluster.cpp
int exportClusters(const QStringList &args); ///< clusterexport.cpp: `export --clusters`
int runAgreement(const QStringList &args); ///< agreement.cpp

/// Prints to stdout / stderr in UTF-8.
void out(const QString &text);
void err(const QString &text);

} // namespace orrery::cli
