#pragma once

#include <QString>

#include <string>
#include <string_view>

namespace orrery::io {

/// Case-folds, collapses white space and unifies "feat." variants (ft, ft., feat, featuring),
/// so the same song typed two ways gets one identity.
QString normaliseName(const QString &text);

/// Identity of a track without a URI: normalised artist and title.
std::string trackIdentity(std::string_view artist, std::string_view title);

/// Source key of a track without a URI, as the CSV importer prints it: `Artist - Title`.
std::string artistTitleKey(std::string_view artist, std::string_view title);

} // namespace orrery::io
