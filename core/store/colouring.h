#pragma once

#include "base/jobcontext.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace orrery {
class Project;

/// What the map can colour points by.
enum class ColourBy {
    None,
    Label, ///< a document's label, else the item's commonest tag (categorical)
    Dataset, ///< the first dataset that holds the item (categorical)
    Kind, ///< track, playlist, document, word, record, vector (categorical)
    Length, ///< a playlist's or document's length (continuous)
    Popularity, ///< how many sequences hold the item (continuous, log scale)
};

/// "none", "label", "dataset", "kind", "length", "popularity".
QString toString(ColourBy by);
bool fromString(const QString &name, ColourBy *by);

/// One colour attribute per point: categories (indices into `names`, -1 for none) or values
/// (NaN for none), never both.
struct PointColours {
    ColourBy by = ColourBy::None;
    std::vector<qint32> categories;
    QStringList names;
    std::vector<float> values;
    QString valueLabel;
    bool isCategorical() const { return !categories.empty(); }
};

/// Reads the attribute `by` for each item id, in order. Categories beyond the `maxCategories`
/// commonest are pooled as "other" (the last name), so the palette stays readable. Runs one
/// pass over the relevant table, so a million ids take a second or two: run it off the GUI
/// thread. Throws Cancelled or Error.
PointColours readPointColours(Project &project, const std::vector<qint64> &ids, ColourBy by, int maxCategories,
                              JobContext &job);

} // namespace orrery
