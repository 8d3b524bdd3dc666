#pragma once

#include "base/jobcontext.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace orrery {
class Project;

/// What a linked chart can count the map's points by.
enum class AttributeKind {
    Tag, ///< the item's commonest tag (kind 'tag'), categorical
    Label, ///< the item's label (kind 'label'), categorical
    Dataset, ///< the first dataset that holds the item, categorical
    Length, ///< a playlist's or document's length, numeric
    Popularity, ///< how many sequences hold the item, numeric
    Json, ///< a top-level field of the item's JSON attrs: numeric when every value is a number
    Cluster, ///< the finest cluster of a stored clustering, per row of its set, categorical
};

/// An attribute to read: its kind, and the JSON field or the clustering's name where it takes one.
struct AttributeSpec {
    AttributeKind kind = AttributeKind::Tag;
    QString field;
    bool operator==(const AttributeSpec &) const = default;
};

/// "tag", "label", "dataset", "length", "popularity", "json", "cluster".
QString toString(AttributeKind kind);
bool fromString(const QString &name, AttributeKind *kind);

/// One value per point: a category (index into `names`, -1 for none) or a number (NaN for none).
/// Copyable value.
struct AttributeValues {
    AttributeSpec spec;
    bool numeric = false;
    std::vector<qint32> categories; ///< when !numeric
    QStringList names;
    std::vector<double> values; ///< when numeric
    qint64 size() const { return qint64(numeric ? values.size() : categories.size()); }
};

/// Reads an attribute for each item id, in order, in one pass over the relevant table (a
/// million ids take a second or two: run it off the GUI thread). Cluster attributes read the
/// clustering's assignment, whose rows must be those of `ids` (the map of its set). Throws
/// Cancelled, or Error for an unknown clustering or one of another row count.
AttributeValues readAttribute(Project &project, const std::vector<qint64> &ids, const AttributeSpec &spec,
                              JobContext &job);

/// The names of the stored clusterings, sorted.
QStringList clusteringNames(Project &project);

/// The top-level field names of item attrs, sorted, from up to `sample` items that have attrs.
QStringList attributeJsonFields(Project &project, int sample = 20000);

} // namespace orrery
