#include "sgnsset.h"

#include "store/items.h"

#include <QJsonArray>

namespace orrery {

QJsonObject sgnsParams(const SgnsOptions &o)
{
    return {{QStringLiteral("dim"), o.dim},
            {QStringLiteral("window"), o.window},
            {QStringLiteral("negative"), o.negative},
            {QStringLiteral("ns_exponent"), o.nsExponent},
            {QStringLiteral("sample"), o.sample},
            {QStringLiteral("epochs"), o.epochs},
            {QStringLiteral("min_count"), o.minCount},
            {QStringLiteral("alpha"), o.alpha},
            {QStringLiteral("min_alpha"), o.minAlpha},
            {QStringLiteral("threads"), o.threads},
            {QStringLiteral("seed"), qint64(o.seed)}};
}

EmbeddingSet sgnsEmbeddingSet(Project &project, SgnsResult r, const SgnsOptions &options)
{
    EmbeddingSet set;
    set.method = QStringLiteral("sgns");
    set.kind = ItemKind::Vector;
    if (!r.ids.empty())
        set.kind = itemKind(project, r.ids.front()).value_or(set.kind);
    set.params = sgnsParams(options);
    QJsonArray losses;
    for (const double l : r.stats.epochLoss)
        losses.append(l);
    set.stats = {{QStringLiteral("tokens"), r.stats.tokens},
                 {QStringLiteral("seconds"), r.stats.seconds},
                 {QStringLiteral("tokens_per_s"), r.stats.tokensPerSecond},
                 {QStringLiteral("epoch_loss"), losses},
                 {QStringLiteral("vocabulary"), r.stats.vocabulary},
                 {QStringLiteral("skipped_rare"), r.stats.skippedRare},
                 {QStringLiteral("sample_applied"), r.stats.sample}};
    set.dim = r.dim;
    set.ids = std::move(r.ids);
    set.vectors = std::move(r.vectors);
    return set;
}

} // namespace orrery
