#include "colouring.h"

#include "base/types.h"
#include "store/project.h"
#include "store/sqlite.h"

#include <QHash>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <unordered_map>

namespace orrery {

namespace {

constexpr std::pair<ColourBy, const char *> names[] = {
    {ColourBy::None, "none"}, {ColourBy::Label, "label"},   {ColourBy::Dataset, "dataset"},
    {ColourBy::Kind, "kind"}, {ColourBy::Length, "length"}, {ColourBy::Popularity, "popularity"},
};

std::unordered_map<qint64, size_t> positions(const std::vector<qint64> &ids)
{
    std::unordered_map<qint64, size_t> out;
    out.reserve(ids.size());
    for (size_t i = 0; i < ids.size(); ++i)
        out.emplace(ids[i], i);
    return out;
}

/// Keeps the `max` commonest categories (ties by first appearance) and pools the rest.
void capCategories(PointColours &c, int max)
{
    std::vector<qint64> counts(size_t(c.names.size()), 0);
    for (const qint32 v : c.categories)
        if (v >= 0)
            ++counts[size_t(v)];
    std::vector<qint32> order(counts.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](qint32 a, qint32 b) { return counts[size_t(a)] > counts[size_t(b)]; });
    const bool pooled = qsizetype(order.size()) > max;
    const size_t kept = pooled ? size_t(std::max(max - 1, 1)) : order.size();
    std::vector<qint32> remap(counts.size(), qint32(kept));
    QStringList names;
    for (size_t i = 0; i < kept; ++i) {
        remap[size_t(order[i])] = qint32(i);
        names.append(c.names[order[i]]);
    }
    if (pooled)
        names.append(QStringLiteral("other"));
    for (qint32 &v : c.categories)
        if (v >= 0)
            v = remap[size_t(v)];
    c.names = names;
}

} // namespace

QString toString(ColourBy by)
{
    for (const auto &[value, name] : names)
        if (value == by)
            return QString::fromLatin1(name);
    return {};
}

bool fromString(const QString &name, ColourBy *by)
{
    for (const auto &[value, text] : names)
        if (name == QLatin1String(text)) {
            *by = value;
            return true;
        }
    return false;
}

PointColours readPointColours(Project &project, const std::vector<qint64> &ids, ColourBy by, int maxCategories,
                              JobContext &job)
{
    PointColours out;
    out.by = by;
    if (by == ColourBy::None || ids.empty())
        return out;
    const auto position = positions(ids);
    const qint64 total = qint64(ids.size());
    qint64 step = 0;
    const auto tick = [&] {
        if ((++step & 4095) == 0) {
            job.checkCancelled();
            job.progress(std::min(step, total), total, QStringLiteral("reading colours"));
        }
    };
    const auto categorical = [&](sql::Statement &st) {
        // Rows of (item id, category name), the preferred category of an item first.
        out.categories.assign(ids.size(), -1);
        QHash<QString, qint32> index;
        while (st.step()) {
            tick();
            const auto it = position.find(st.columnInt(0));
            if (it == position.end() || out.categories[it->second] >= 0)
                continue;
            const QString name = st.columnText(1);
            auto found = index.constFind(name);
            if (found == index.cend()) {
                found = index.insert(name, qint32(out.names.size()));
                out.names.append(name);
            }
            out.categories[it->second] = *found;
        }
        capCategories(out, maxCategories);
    };
    switch (by) {
    case ColourBy::None: break;
    case ColourBy::Label: {
        // Labels before tags; among tags the commonest in the project first.
        sql::Statement st(project.db(),
                          "SELECT it.item_id, t.name FROM item_tag it JOIN tag t ON t.id = it.tag_id "
                          "JOIN (SELECT tag_id, count(*) AS n FROM item_tag GROUP BY tag_id) c ON c.tag_id = t.id "
                          "ORDER BY it.item_id, t.kind = 'label' DESC, c.n DESC, t.id");
        categorical(st);
        break;
    }
    case ColourBy::Dataset: {
        sql::Statement st(project.db(),
                          "SELECT di.item_id, d.name FROM dataset_item di JOIN dataset d ON d.id = "
                          "di.dataset_id ORDER BY di.item_id, d.id");
        categorical(st);
        // Sequences belong to their dataset through the sequence table.
        sql::Statement seq(project.db(),
                           "SELECT s.item_id, d.name FROM sequence s JOIN dataset d ON d.id = s.dataset_id");
        QHash<QString, qint32> index;
        for (qsizetype i = 0; i < out.names.size(); ++i)
            index.insert(out.names[i], qint32(i));
        while (seq.step()) {
            tick();
            const auto it = position.find(seq.columnInt(0));
            if (it == position.end() || out.categories[it->second] >= 0)
                continue;
            const QString name = seq.columnText(1);
            auto found = index.constFind(name);
            if (found == index.cend()) {
                found = index.insert(name, qint32(out.names.size()));
                out.names.append(name);
            }
            out.categories[it->second] = *found;
        }
        break;
    }
    case ColourBy::Kind: {
        out.categories.assign(ids.size(), -1);
        sql::Statement st(project.db(), "SELECT kind FROM item WHERE id = ?");
        std::vector<qint32> kindIndex(8, -1);
        for (size_t i = 0; i < ids.size(); ++i) {
            tick();
            st.bind(1, ids[i]);
            if (st.step()) {
                const qint64 kind = st.columnInt(0);
                if (kind >= 0 && kind < qint64(kindIndex.size())) {
                    if (kindIndex[size_t(kind)] < 0) {
                        kindIndex[size_t(kind)] = qint32(out.names.size());
                        out.names.append(toString(ItemKind(kind)));
                    }
                    out.categories[i] = kindIndex[size_t(kind)];
                }
            }
            st.reset();
        }
        break;
    }
    case ColourBy::Length: {
        out.values.assign(ids.size(), std::numeric_limits<float>::quiet_NaN());
        out.valueLabel = QStringLiteral("length");
        sql::Statement st(project.db(), "SELECT item_id, length FROM sequence");
        while (st.step()) {
            tick();
            if (const auto it = position.find(st.columnInt(0)); it != position.end())
                out.values[it->second] = float(st.columnInt(1));
        }
        break;
    }
    case ColourBy::Popularity: {
        out.values.assign(ids.size(), std::numeric_limits<float>::quiet_NaN());
        out.valueLabel = QStringLiteral("log₁₀ playlists or documents holding it");
        std::vector<qint64> counts(ids.size(), 0);
        sql::Statement st(project.db(), "SELECT entries FROM sequence");
        while (st.step()) {
            tick();
            std::vector<qint64> entries = st.columnArray<qint64>(0);
            std::sort(entries.begin(), entries.end());
            entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
            for (const qint64 id : entries)
                if (const auto it = position.find(id); it != position.end())
                    ++counts[it->second];
        }
        for (size_t i = 0; i < ids.size(); ++i)
            if (counts[i] > 0)
                out.values[i] = float(std::log10(double(counts[i])));
        break;
    }
    }
    job.progress(total, total);
    return out;
}

} // namespace orrery
