#pragma once

#include "base/types.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace orrery {
class Project;

/// The kind of an item; nullopt when there is no such id.
std::optional<ItemKind> itemKind(Project &project, qint64 id);

/// The artist of each of `ids` that has a non-empty one, in one pass over the items.
std::unordered_map<qint64, QString> itemArtists(Project &project, std::span<const qint64> ids);

/// An item's title and artist, each empty when unset.
struct TitleArtist {
    QString title;
    QString artist;
};
/// Title and artist of each id, in order; unknown ids give empty strings.
std::vector<TitleArtist> itemTitles(Project &project, std::span<const qint64> ids);

/// The stored fields of one item, as an export writes them.
struct ItemRecord {
    ItemKind kind = ItemKind::Track;
    QString title, artist, album; ///< empty when unset
    QString body; ///< document text, or empty
    QString attrs; ///< JSON object as stored, or empty
    QStringList tags; ///< kind "tag", by name, each once
    QStringList labels; ///< kind "label", by name, each once
};
/// The record of each id, in order; nullopt for an id with no item.
std::vector<std::optional<ItemRecord>> itemRecords(Project &project, std::span<const qint64> ids);

/// The id of the item of `kind` with each identity (as `item.identity` holds it), in order;
/// 0 for an identity no item has.
std::vector<qint64> itemsByIdentity(Project &project, ItemKind kind, std::span<const QString> identities);

/// (id, `item.key`) of the dataset's members of one kind, in no particular order.
std::vector<std::pair<qint64, QString>> memberKeys(Project &project, qint64 datasetId, ItemKind kind);

/// How many members of one kind the dataset has.
qint64 memberCount(Project &project, qint64 datasetId, ItemKind kind);

/// Calls `visit(id, attrs)` for each member of one kind of the dataset, in item id order;
/// `attrs` is the JSON text as stored (valid only during the call), nullopt when the item has
/// none. An exception from `visit` ends the walk and reaches the caller.
void forEachMemberAttrs(Project &project, qint64 datasetId, ItemKind kind,
                        const std::function<void(qint64 id, std::optional<std::string_view> attrs)> &visit);

} // namespace orrery
