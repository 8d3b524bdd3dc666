#include "attributes.h"

#include "store/project.h"
#include "store/sqlite.h"

#include <QHash>

#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_map>

namespace orrery {

namespace {

constexpr std::pair<AttributeKind, const char *> kindNames[] = {
    {AttributeKind::Tag, "tag"},         {AttributeKind::Label, "label"},           {AttributeKind::Dataset, "dataset"},
    {AttributeKind::Length, "length"},   {AttributeKind::Popularity, "popularity"}, {AttributeKind::Json, "json"},
    {AttributeKind::Cluster, "cluster"},
};

constexpr double none = std::numeric_limits<double>::quiet_NaN();

/// Assigns categories by name from (item id, name) rows, the first row of an item winning.
class Categoriser {
public:
    Categoriser(AttributeValues &out, const std::vector<qint64> &ids) : m_out(out)
    {
        m_position.reserve(ids.size());
        for (size_t i = 0; i < ids.size(); ++i)
            m_position.emplace(ids[i], i);
        if (m_out.categories.empty())
            m_out.categories.assign(ids.size(), -1);
    }
    void add(qint64 id, const QString &name)
    {
        const auto it = m_position.find(id);
        if (it == m_position.end() || m_out.categories[it->second] >= 0)
            return;
        auto found = m_index.constFind(name);
        if (found == m_index.cend()) {
            found = m_index.insert(name, qint32(m_out.names.size()));
            m_out.names.append(name);
        }
        m_out.categories[it->second] = *found;
    }
    const std::unordered_map<qint64, size_t> &positions() const { return m_position; }

private:
    AttributeValues &m_out;
    std::unordered_map<qint64, size_t> m_position;
    QHash<QString, qint32> m_index;
};

QString jsonPath(const QString &field)
{
    QString quoted = field;
    quoted.replace(u'"', QStringLiteral("\\\""));
    return QStringLiteral("$.\"%1\"").arg(quoted);
}

} // namespace

QString toString(AttributeKind kind)
{
    for (const auto &[value, name] : kindNames)
        if (value == kind)
            return QString::fromLatin1(name);
    return {};
}

bool fromString(const QString &name, AttributeKind *kind)
{
    for (const auto &[value, text] : kindNames)
        if (name == QLatin1String(text)) {
            *kind = value;
            return true;
        }
    return false;
}

AttributeValues readAttribute(Project &project, const std::vector<qint64> &ids, const AttributeSpec &spec,
                              JobContext &job)
{
    AttributeValues out;
    out.spec = spec;
    qint64 step = 0;
    const auto tick = [&] {
        if ((++step & 4095) == 0)
            job.checkCancelled();
    };
    switch (spec.kind) {
    case AttributeKind::Tag:
    case AttributeKind::Label: {
        Categoriser c(out, ids);
        // The commonest tag of an item first, so that an item counts once, under its main tag.
        sql::Statement st(project.db(),
                          "SELECT it.item_id, t.name FROM item_tag it JOIN tag t ON t.id = it.tag_id "
                          "JOIN (SELECT tag_id, count(*) AS n FROM item_tag GROUP BY tag_id) c ON c.tag_id = t.id "
                          "WHERE t.kind = ? ORDER BY it.item_id, c.n DESC, t.id");
        st.bind(1, spec.kind == AttributeKind::Label ? QStringLiteral("label") : QStringLiteral("tag"));
        while (st.step()) {
            tick();
            c.add(st.columnInt(0), st.columnText(1));
        }
        break;
    }
    case AttributeKind::Dataset: {
        Categoriser c(out, ids);
        sql::Statement st(project.db(),
                          "SELECT di.item_id, d.name FROM dataset_item di JOIN dataset d ON d.id = di.dataset_id "
                          "ORDER BY di.item_id, d.id");
        while (st.step()) {
            tick();
            c.add(st.columnInt(0), st.columnText(1));
        }
        sql::Statement seq(project.db(),
                           "SELECT s.item_id, d.name FROM sequence s JOIN dataset d ON d.id = s.dataset_id");
        while (seq.step()) {
            tick();
            c.add(seq.columnInt(0), seq.columnText(1));
        }
        break;
    }
    case AttributeKind::Length:
    case AttributeKind::Popularity: {
        out.numeric = true;
        out.values.assign(ids.size(), none);
        std::unordered_map<qint64, size_t> position;
        position.reserve(ids.size());
        for (size_t i = 0; i < ids.size(); ++i)
            position.emplace(ids[i], i);
        if (spec.kind == AttributeKind::Length) {
            sql::Statement st(project.db(), "SELECT item_id, length FROM sequence");
            while (st.step()) {
                tick();
                if (const auto it = position.find(st.columnInt(0)); it != position.end())
                    out.values[it->second] = double(st.columnInt(1));
            }
            break;
        }
        std::vector<qint64> counts(ids.size(), 0);
        std::vector<qint64> entries;
        sql::Statement st(project.db(), "SELECT entries FROM sequence");
        while (st.step()) {
            tick();
            st.columnArray(0, entries);
            std::sort(entries.begin(), entries.end());
            entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
            for (const qint64 id : entries)
                if (const auto it = position.find(id); it != position.end())
                    ++counts[it->second];
        }
        // Items no sequence holds count 0: only items of no sequence kind have no popularity.
        for (size_t i = 0; i < ids.size(); ++i)
            out.values[i] = double(counts[i]);
        break;
    }
    case AttributeKind::Json: {
        const QString path = jsonPath(spec.field);
        sql::Statement st(project.db(),
                          "SELECT id, json_extract(attrs, ?1), json_type(attrs, ?1) FROM item "
                          "WHERE attrs IS NOT NULL AND json_valid(attrs)");
        st.bind(1, path);
        std::vector<std::pair<size_t, QString>> texts;
        std::vector<std::pair<size_t, double>> numbers;
        std::unordered_map<qint64, size_t> position;
        position.reserve(ids.size());
        for (size_t i = 0; i < ids.size(); ++i)
            position.emplace(ids[i], i);
        while (st.step()) {
            tick();
            const auto it = position.find(st.columnInt(0));
            if (it == position.end() || st.columnIsNull(1))
                continue;
            const QString type = st.columnText(2);
            if (type == u"integer" || type == u"real")
                numbers.emplace_back(it->second, st.columnDouble(1));
            texts.emplace_back(it->second, st.columnText(1));
        }
        if (!numbers.empty() && numbers.size() == texts.size()) {
            out.numeric = true;
            out.values.assign(ids.size(), none);
            for (const auto &[row, value] : numbers)
                out.values[row] = value;
        } else {
            Categoriser c(out, ids);
            for (const auto &[row, text] : texts)
                c.add(ids[row], text);
        }
        break;
    }
    case AttributeKind::Cluster: {
        sql::Statement st(project.db(), "SELECT id, assignment FROM clustering WHERE name = ?");
        st.bind(1, spec.field);
        if (!st.step())
            throw Error(QStringLiteral("no clustering named %1").arg(spec.field));
        const qint64 clusteringId = st.columnInt(0);
        const std::span<const std::byte> blob = st.columnBlob(1);
        if (blob.size() != ids.size() * sizeof(qint32))
            throw Error(QStringLiteral("clustering %1 has %2 rows; the map has %3")
                            .arg(spec.field)
                            .arg(qint64(blob.size() / sizeof(qint32)))
                            .arg(qint64(ids.size())));
        std::vector<qint32> assignment(ids.size());
        std::memcpy(assignment.data(), blob.data(), blob.size());
        QHash<qint32, QString> labels;
        sql::Statement names(project.db(), "SELECT cluster, label FROM cluster WHERE clustering_id = ? AND level = 0");
        names.bind(1, clusteringId);
        while (names.step())
            labels.insert(qint32(names.columnInt(0)), names.columnText(1));
        QHash<qint32, qint32> index;
        out.categories.assign(ids.size(), -1);
        for (size_t i = 0; i < ids.size(); ++i) {
            const qint32 cluster = assignment[i];
            if (cluster < 0)
                continue;
            auto found = index.constFind(cluster);
            if (found == index.cend()) {
                found = index.insert(cluster, qint32(out.names.size()));
                const QString label = labels.value(cluster);
                out.names.append(label.isEmpty() ? QStringLiteral("cluster %1").arg(cluster)
                                                 : QStringLiteral("%1: %2").arg(cluster).arg(label));
            }
            out.categories[i] = *found;
        }
        break;
    }
    }
    return out;
}

QStringList clusteringNames(Project &project)
{
    // A project of schema 1 has no clustering table yet.
    sql::Statement exists(project.db(), "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'clustering'");
    if (!exists.step())
        return {};
    sql::Statement st(project.db(), "SELECT name FROM clustering ORDER BY name");
    QStringList out;
    while (st.step())
        out.append(st.columnText(0));
    return out;
}

QStringList attributeJsonFields(Project &project, int sample)
{
    sql::Statement st(project.db(),
                      "SELECT DISTINCT j.key FROM (SELECT attrs FROM item WHERE attrs IS NOT NULL AND "
                      "json_valid(attrs) AND json_type(attrs) = 'object' LIMIT ?) i, json_each(i.attrs) j "
                      "ORDER BY j.key");
    st.bind(1, sample);
    QStringList out;
    while (st.step())
        out.append(st.columnText(0));
    return out;
}

} // namespace orrery
