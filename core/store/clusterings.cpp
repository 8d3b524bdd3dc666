#include "store/clusterings.h"

#include "store/project.h"
#include "store/sqlite.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <cstring>

namespace orrery {

namespace {

QString termsJson(const QList<QPair<QString, double>> &terms)
{
    QJsonArray a;
    for (const auto &[term, score] : terms)
        a.append(QJsonArray {term, score});
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

QList<QPair<QString, double>> termsFrom(const QString &text)
{
    QList<QPair<QString, double>> out;
    for (const QJsonValue &v : QJsonDocument::fromJson(text.toUtf8()).array()) {
        const QJsonArray pair = v.toArray();
        out.append({pair.at(0).toString(), pair.at(1).toDouble()});
    }
    return out;
}

QList<ClusteringInfo> infos(Project &project, const char *where, qint64 setId)
{
    const std::string sql = std::string("SELECT c.id, c.name, s.name, l.name, c.method, "
                                        "(SELECT count(*) FROM cluster WHERE clustering_id = c.id AND level = 0), "
                                        "(SELECT coalesce(max(level) + 1, 0) FROM cluster WHERE clustering_id = c.id), "
                                        "c.created FROM clustering c JOIN embedding_set s ON s.id = c.set_id "
                                        "LEFT JOIN layout l ON l.id = c.layout_id ")
        + where + " ORDER BY c.name";
    sql::Statement st(project.db(), sql);
    if (setId)
        st.bind(1, setId);
    QList<ClusteringInfo> out;
    while (st.step()) {
        ClusteringInfo info;
        info.id = st.columnInt(0);
        info.name = st.columnText(1);
        info.setName = st.columnText(2);
        info.layoutName = st.columnIsNull(3) ? QString() : st.columnText(3);
        info.method = st.columnText(4);
        info.clusters = qint32(st.columnInt(5));
        info.levels = qint32(st.columnInt(6));
        info.created = st.columnText(7);
        out.append(info);
    }
    return out;
}

} // namespace

qint64 saveClustering(Project &project, Clustering &clustering, bool replace)
{
    if (clustering.name.isEmpty())
        throw Error(QStringLiteral("a clustering needs a name"));
    if (clustering.method != u"kmeans" && clustering.method != u"density")
        throw Error(QStringLiteral("clustering \"%1\": unknown method \"%2\" (kmeans, density)")
                        .arg(clustering.name, clustering.method));
    QSet<qint32> ids;
    for (const Cluster &c : clustering.clusters) {
        if (ids.contains(c.id))
            throw Error(
                QStringLiteral("clustering \"%1\": cluster id %2 appears twice").arg(clustering.name).arg(c.id));
        ids.insert(c.id);
    }
    for (const qint32 a : clustering.assignment)
        if (a != -1 && !ids.contains(a))
            throw Error(QStringLiteral("clustering \"%1\": rows are assigned to cluster %2, which it does not hold")
                            .arg(clustering.name)
                            .arg(a));
    sql::Transaction tx(project.db());
    {
        sql::Statement set(project.db(),
                           clustering.setId ? "SELECT id, name, count FROM embedding_set WHERE id = ?"
                                            : "SELECT id, name, count FROM embedding_set WHERE name = ?");
        if (clustering.setId)
            set.bind(1, clustering.setId);
        else
            set.bind(1, clustering.setName);
        if (!set.step())
            throw Error(
                QStringLiteral("clustering \"%1\": no embedding set \"%2\"").arg(clustering.name, clustering.setName));
        if (set.columnInt(2) != clustering.count())
            throw Error(QStringLiteral("clustering \"%1\": %2 rows for a set of %3")
                            .arg(clustering.name)
                            .arg(clustering.count())
                            .arg(set.columnInt(2)));
        clustering.setId = set.columnInt(0);
        clustering.setName = set.columnText(1);
    }
    if (clustering.layoutId || !clustering.layoutName.isEmpty()) {
        sql::Statement layout(project.db(),
                              clustering.layoutId ? "SELECT id, name, set_id FROM layout WHERE id = ?"
                                                  : "SELECT id, name, set_id FROM layout WHERE name = ?");
        if (clustering.layoutId)
            layout.bind(1, clustering.layoutId);
        else
            layout.bind(1, clustering.layoutName);
        if (!layout.step())
            throw Error(
                QStringLiteral("clustering \"%1\": no layout \"%2\"").arg(clustering.name, clustering.layoutName));
        if (layout.columnInt(2) != clustering.setId)
            throw Error(QStringLiteral("clustering \"%1\": layout \"%2\" maps another set than \"%3\"")
                            .arg(clustering.name, layout.columnText(1), clustering.setName));
        clustering.layoutId = layout.columnInt(0);
        clustering.layoutName = layout.columnText(1);
    }
    if (replace) {
        sql::Statement del(project.db(), "DELETE FROM clustering WHERE name = ?");
        del.bind(1, clustering.name).exec();
    }
    sql::Statement st(project.db(),
                      "INSERT INTO clustering(name, set_id, layout_id, method, params, stats, assignment) "
                      "VALUES(?,?,?,?,?,?,?)");
    st.bind(1, clustering.name).bind(2, clustering.setId);
    if (clustering.layoutId)
        st.bind(3, clustering.layoutId);
    else
        st.bindNull(3);
    st.bind(4, clustering.method).bind(5, clustering.params).bind(6, clustering.stats);
    st.bindBlob(7, clustering.assignment.data(), qint64(clustering.assignment.size() * sizeof(qint32)));
    try {
        st.exec();
    } catch (const Error &e) {
        if (e.message().contains(u"UNIQUE"))
            throw Error(
                QStringLiteral("a clustering named \"%1\" already exists; choose another --name").arg(clustering.name));
        throw;
    }
    const qint64 id = sqlite3_last_insert_rowid(project.db());
    sql::Statement row(project.db(),
                       "INSERT INTO cluster(clustering_id, cluster, level, parent, size, label, terms) "
                       "VALUES(?,?,?,?,?,?,?)");
    for (const Cluster &c : clustering.clusters) {
        row.bind(1, id).bind(2, qint64(c.id)).bind(3, qint64(c.level)).bind(4, qint64(c.parent)).bind(5, c.size);
        row.bind(6, c.label).bind(7, termsJson(c.terms));
        row.exec();
    }
    tx.commit();
    clustering.id = id;
    return id;
}

Clustering loadClustering(Project &project, const QString &name)
{
    sql::Statement st(project.db(),
                      "SELECT c.id, c.name, c.set_id, s.name, c.layout_id, l.name, c.method, c.params, c.stats, "
                      "c.assignment FROM clustering c JOIN embedding_set s ON s.id = c.set_id "
                      "LEFT JOIN layout l ON l.id = c.layout_id WHERE c.name = ?");
    st.bind(1, name);
    if (!st.step())
        throw Error(QStringLiteral("no clustering named \"%1\" (orrery-cli cluster computes one)").arg(name));
    Clustering c;
    c.id = st.columnInt(0);
    c.name = st.columnText(1);
    c.setId = st.columnInt(2);
    c.setName = st.columnText(3);
    c.layoutId = st.columnIsNull(4) ? 0 : st.columnInt(4);
    c.layoutName = st.columnIsNull(5) ? QString() : st.columnText(5);
    c.method = st.columnText(6);
    c.params = st.columnObject(7);
    c.stats = st.columnObject(8);
    st.columnArray(9, c.assignment);
    st.reset();
    sql::Statement rows(project.db(),
                        "SELECT cluster, level, parent, size, label, terms FROM cluster WHERE clustering_id = ? "
                        "ORDER BY level, cluster");
    rows.bind(1, c.id);
    while (rows.step()) {
        Cluster cluster;
        cluster.id = qint32(rows.columnInt(0));
        cluster.level = qint32(rows.columnInt(1));
        cluster.parent = qint32(rows.columnInt(2));
        cluster.size = rows.columnInt(3);
        cluster.label = rows.columnText(4);
        cluster.terms = termsFrom(rows.columnText(5));
        c.clusters.append(cluster);
    }
    return c;
}

QList<ClusteringInfo> listClusterings(Project &project)
{
    return infos(project, "", 0);
}

QList<ClusteringInfo> clusteringsOfSet(Project &project, qint64 setId)
{
    return infos(project, "WHERE c.set_id = ?", setId);
}

bool removeClustering(Project &project, const QString &name)
{
    sql::Statement st(project.db(), "DELETE FROM clustering WHERE name = ?");
    st.bind(1, name).exec();
    return sqlite3_changes(project.db()) > 0;
}

} // namespace orrery
