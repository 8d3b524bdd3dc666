#pragma once

#include <QString>

#include <utility>
#include <vector>

namespace orrery::io {

/// Reads a file of `item key <TAB> label` lines (or `key,label` with RFC 4180 quoting: the
/// separator is a tab when the first line holds one, else a comma), e.g. track URI → genre.
/// Blank lines and lines starting with `#` are skipped; CRLF endings and a UTF-8 BOM are
/// accepted. Throws Error naming `file:line` for a line without exactly two fields, an empty
/// key or label, or a key given two different labels.
std::vector<std::pair<QString, QString>> readKeyLabels(const QString &path);

} // namespace orrery::io
