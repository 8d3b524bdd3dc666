#include "types.h"

namespace orrery {

QString toString(ItemKind kind)
{
    switch (kind) {
    case ItemKind::Track: return QStringLiteral("track");
    case ItemKind::Document: return QStringLiteral("document");
    case ItemKind::Record: return QStringLiteral("record");
    case ItemKind::Word: return QStringLiteral("word");
    case ItemKind::Vector: return QStringLiteral("vector");
    case ItemKind::Playlist: return QStringLiteral("playlist");
    }
    return {};
}

QString toString(DatasetKind kind)
{
    switch (kind) {
    case DatasetKind::Playlists: return QStringLiteral("playlists");
    case DatasetKind::Documents: return QStringLiteral("documents");
    case DatasetKind::Records: return QStringLiteral("records");
    case DatasetKind::Vectors: return QStringLiteral("vectors");
    }
    return {};
}

bool fromString(const QString &name, DatasetKind *kind)
{
    for (auto k : {DatasetKind::Playlists, DatasetKind::Documents, DatasetKind::Records, DatasetKind::Vectors}) {
        if (toString(k) == name) {
            *kind = k;
            return true;
        }
    }
    return false;
}

} // namespace orrery
