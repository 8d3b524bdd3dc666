#include "datasets.h"

#include "store/project.h"
#include "store/sqlite.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace orrery {

qint64 addDataset(Project &project, const QString &name, DatasetKind kind, const QString &format,
                  const QStringList &sources)
{
    sql::Statement insert(project.db(), "INSERT INTO dataset(name, kind, format, sources) VALUES(?,?,?,?)");
    insert.bind(1, name)
        .bind(2, toString(kind))
        .bind(3, format)
        .bind(4, QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(sources)).toJson(QJsonDocument::Compact)))
        .exec();
    return sqlite3_last_insert_rowid(project.db());
}

void tagItems(Project &project, qint64 datasetId, std::span<const std::pair<qint64, QString>> itemTags)
{
    sql::Transaction tx(project.db());
    sql::Statement addTag(project.db(), "INSERT OR IGNORE INTO tag(name, kind) VALUES(?, 'tag')");
    sql::Statement tagId(project.db(), "SELECT id FROM tag WHERE name = ? AND kind = 'tag'");
    sql::Statement link(project.db(), "INSERT OR IGNORE INTO item_tag(item_id, tag_id, dataset_id) VALUES(?, ?, ?)");
    QHash<QString, qint64> ids;
    for (const auto &[item, name] : itemTags) {
        auto it = ids.constFind(name);
        if (it == ids.cend()) {
            addTag.bind(1, name).exec();
            addTag.reset();
            tagId.bind(1, name);
            if (!tagId.step())
                throw Error(QStringLiteral("could not add the tag \"%1\"").arg(name));
            it = ids.insert(name, tagId.columnInt(0));
            tagId.reset();
        }
        link.bind(1, item).bind(2, *it).bind(3, datasetId).exec();
        link.reset();
    }
    tx.commit();
}

} // namespace orrery
